/**
 * The checklist a customer follows to create the key the vendor needs. One function builds it
 * from the manifest and the catalogue; the page, /checklist.json, /checklist.md and "copy as
 * text" all render this one structure.
 */
import {
  CATEGORIES,
  getLevel,
  levelLabel,
  type CategoryId,
  type Level,
  type Mode,
  type RakId,
} from "~/domain/catalogue/catalogue";
import { requiredPermissions, type Manifest } from "~/domain/manifest/manifest";

import { buildCreateKeyLink } from "./create-key-link";

export type ChecklistItem = {
  /** Bare catalogue name, e.g. `customer`. */
  readonly permission: string;
  /** The Dashboard row, e.g. "Customers". */
  readonly label: string;
  readonly level: Level;
  readonly levelLabel: "Read" | "Write";
  readonly rakId: RakId;
  readonly description: string;
  /** The vendor's reason, when the manifest gives one. */
  readonly purpose?: string;
  readonly sensitive: boolean;
  readonly risk?: string;
  /** Whether Keyport can check this row on a pasted key (in every accepted mode). */
  readonly verifiable: boolean;
  /** Why Keyport cannot check it, or only in test mode. */
  readonly verificationNote?: string;
};

export type ChecklistGroup = {
  readonly category: CategoryId;
  /** The Dashboard's category heading. */
  readonly label: string;
  readonly items: readonly ChecklistItem[];
};

export type ChecklistStep = { readonly title: string; readonly detail?: string };

export type CreateLink = { readonly mode: Mode; readonly label: string; readonly url: string };

export type Checklist = {
  readonly vendor: Manifest["vendor"];
  readonly manifest: { readonly version: number; readonly lastChanged: string; readonly changes?: string };
  readonly keyName: string;
  readonly modes: readonly Mode[];
  readonly intro: string;
  /** Dashboard categories in the Dashboard's order; only those with a required row. */
  readonly groups: readonly ChecklistGroup[];
  readonly everythingElse: { readonly level: "none"; readonly text: string };
  readonly steps: readonly ChecklistStep[];
  /** Addresses to lock the key to; empty when the vendor lists none. */
  readonly ipAllowlist: readonly string[];
  /** One pre-filled link per accepted mode, test first. */
  readonly createLinks: readonly CreateLink[];
  readonly createLinkNote: string;
  /** What Keyport does with a key that can do more than this checklist. */
  readonly extraAccessPolicy: string;
  readonly whyLeastPrivilege: {
    readonly title: string;
    readonly paragraphs: readonly string[];
    readonly source: { readonly title: string; readonly url: string };
  };
};

const STRIPE_RESTRICTED_KEYS_PAGE = {
  title: "Restricted API keys — Stripe Documentation",
  url: "https://docs.stripe.com/keys/restricted-api-keys",
};

function verification(item: { permission: string; level: Level }, modes: readonly Mode[]) {
  const probe = getLevel(item.permission, item.level)?.probe;
  if (!probe || probe.kind === "unprobeable") {
    return {
      verifiable: false,
      verificationNote: `Keyport cannot check this row on your key, so set it exactly as shown. ${probe?.reason ?? ""}`.trim(),
    };
  }
  if (probe.testModeOnly) {
    return {
      verifiable: !modes.includes("live"),
      verificationNote: "Stripe offers this resource in test mode only, so Keyport can check this row on test-mode keys only.",
    };
  }
  return { verifiable: true };
}

function steps(manifest: Manifest): ChecklistStep[] {
  const { vendor } = manifest;
  const modeDetail =
    manifest.modes.length === 2
      ? "Use the account you want to connect. Create the key in test mode (a sandbox) to try things out, or in live mode for real data."
      : manifest.modes[0] === "live"
        ? `Use the account you want to connect, in live mode: ${vendor.name} accepts live-mode keys only.`
        : `Use the account you want to connect, in test mode (a sandbox): ${vendor.name} accepts test-mode keys only.`;
  const list: ChecklistStep[] = [
    { title: "Sign in to the Stripe Dashboard.", detail: modeDetail },
    { title: "Open Developers → API keys." },
    { title: "Under Restricted keys, click Create restricted key." },
    {
      title: "When Stripe asks how you will use the key, choose “Providing this key to another website”.",
      detail: `If Stripe asks for the website, enter ${vendor.website}.`,
    },
    { title: `Name the key “${manifest.vendor.keyName}”.` },
    {
      title: "Set the permissions listed above.",
      detail: "Give each listed row exactly the level shown. Leave every other row at None.",
    },
  ];
  if (manifest.ipAllowlist) {
    list.push({
      title: `Restrict the key to the IP addresses ${vendor.name} sends requests from.`,
      detail: `Allow only these addresses: ${manifest.ipAllowlist.join(", ")}. Requests from anywhere else will be refused, even with the key.`,
    });
  }
  list.push(
    { title: "Click Create key." },
    {
      title: "Copy the key now: Stripe shows it only once.",
      detail: `It starts with ${manifest.modes.map((mode) => `rk_${mode}_`).join(" or ")}. Paste it into Keyport straight away and keep no other copy.`,
    },
  );
  return list;
}

function whyLeastPrivilege(vendorName: string): Checklist["whyLeastPrivilege"] {
  return {
    title: "Why only these permissions?",
    paragraphs: [
      `Stripe's secret key (sk_live_…) lets anyone who holds it do anything in your account: "create charges, issue refunds, read customer data, trigger payouts, and more". Never give it to ${vendorName} or anyone else.`,
      `A restricted key (rk_…) can do only what you choose, which, in Stripe's words, "limits the potential damage to your business if an API key is exposed to a bad actor".`,
      `Stripe recommends exactly this for third parties: "if a vendor needs to monitor your disputes, give them a restricted key with read-only dispute access, not your unrestricted secret key".`,
      `In Stripe's form Write includes Read, so ${vendorName} asks for Write only where it has to change something, and None everywhere else.`,
    ],
    source: STRIPE_RESTRICTED_KEYS_PAGE,
  };
}

function extraAccessPolicy(manifest: Manifest): string {
  const more = "If your key can do more than this checklist (write where reading is enough, or a sensitive permission that is not listed), ";
  return manifest.excessWrite === "reject"
    ? `${more}Keyport refuses it and tells you which rows to change.`
    : `${more}Keyport accepts it but warns you and shows which rows to narrow.`;
}

/** Builds the checklist for a validated manifest. */
export function buildChecklist(manifest: Manifest): Checklist {
  const required = requiredPermissions(manifest);
  const groups: ChecklistGroup[] = CATEGORIES.flatMap((category) => {
    const items = required
      .filter((entry) => entry.permission.category === category.id)
      .map((entry): ChecklistItem => ({
        permission: entry.name,
        label: entry.permission.label,
        level: entry.level,
        levelLabel: levelLabel(entry.level) as "Read" | "Write",
        rakId: entry.rakId,
        description: entry.permission.description,
        ...(entry.purpose === undefined ? {} : { purpose: entry.purpose }),
        sensitive: entry.permission.sensitive,
        ...(entry.permission.risk === undefined ? {} : { risk: entry.permission.risk }),
        ...verification({ permission: entry.name, level: entry.level }, manifest.modes),
      }));
    return items.length === 0 ? [] : [{ category: category.id, label: category.label, items }];
  });

  const grants = required.map(({ name, level }) => ({ name, level }));
  const createLinks = (["test", "live"] as const)
    .filter((mode) => manifest.modes.includes(mode))
    .map((mode) => ({
      mode,
      label: mode === "test" ? "Create the key in test mode" : "Create the key in live mode",
      url: buildCreateKeyLink({ mode, name: manifest.vendor.keyName, grants }),
    }));

  const count = required.length === 1 ? "one permission" : `${required.length} permissions`;
  return {
    vendor: manifest.vendor,
    manifest: {
      version: manifest.version,
      lastChanged: manifest.lastChanged,
      ...(manifest.changes === undefined ? {} : { changes: manifest.changes }),
    },
    keyName: manifest.vendor.keyName,
    modes: manifest.modes,
    intro: `${manifest.vendor.name} needs a Stripe restricted key with ${count} and nothing else. Create it in your Stripe Dashboard as shown below, then paste it into Keyport, which checks it before storing it encrypted.`,
    groups,
    everythingElse: { level: "none", text: "Everything else: None" },
    steps: steps(manifest),
    ipAllowlist: manifest.ipAllowlist ?? [],
    createLinks,
    createLinkNote:
      "These links open Stripe's create-key form with the name and permissions filled in. Stripe silently ignores any entry its form does not recognise, and you can still change rows before creating the key, so Keyport checks what the key can actually do when you paste it.",
    extraAccessPolicy: extraAccessPolicy(manifest),
    whyLeastPrivilege: whyLeastPrivilege(manifest.vendor.name),
  };
}
