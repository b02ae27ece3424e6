import { readFileSync } from "node:fs";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { CATEGORIES } from "~/domain/catalogue/catalogue";
import { parseManifest, type Manifest } from "~/domain/manifest/manifest";

import { buildChecklist } from "./build-checklist";
import { renderChecklistMarkdown, renderChecklistText } from "./render-checklist";

function manifest(overrides: Record<string, unknown> = {}): Manifest {
  return parseManifest({
    version: 4,
    lastChanged: "2026-10-05",
    changes: "Added disputes.",
    vendor: { name: "Acme", website: "https://acme.example", supportEmail: "help@acme.example", keyName: "API key for Acme" },
    permissions: {
      webhook: { level: "write", purpose: "Register our endpoint." },
      subscription: "read",
      dispute: { level: "read", purpose: "Flag chargebacks." },
      customer: { level: "read", purpose: "Match customers to tickets." },
      order: "read",
    },
    modes: ["test", "live"],
    excessWrite: "warn",
    ...overrides,
  });
}

function loadExample(name: string): Manifest {
  return parseManifest(JSON.parse(readFileSync(join(process.cwd(), "examples/manifests", `${name}.json`), "utf8")));
}

describe("buildChecklist", () => {
  it("groups required rows by Dashboard category, categories and rows in Dashboard order", () => {
    const checklist = buildChecklist(manifest());
    expect(checklist.groups.map((group) => group.label)).toEqual(["Core", "Billing", "Orders", "Developers"]);
    expect(checklist.groups[0]?.items.map((item) => item.label)).toEqual(["Customers", "Disputes"]);
    const order = CATEGORIES.map((category) => category.id);
    const positions = checklist.groups.map((group) => order.indexOf(group.category));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it("gives each row its level, purpose, rak_ id and risk note", () => {
    const checklist = buildChecklist(manifest());
    const webhook = checklist.groups.at(-1)?.items[0];
    expect(webhook).toMatchObject({
      permission: "webhook",
      label: "Webhook Endpoints",
      level: "write",
      levelLabel: "Write",
      rakId: "rak_webhook_write",
      purpose: "Register our endpoint.",
      sensitive: true,
      verifiable: true,
    });
    expect(webhook?.risk).toMatch(/endpoint/);
    const subscription = checklist.groups[1]?.items[0];
    expect(subscription).toMatchObject({ permission: "subscription", levelLabel: "Read", sensitive: false });
    expect(subscription).not.toHaveProperty("purpose");
  });

  it("says so on rows Keyport cannot check", () => {
    const order = buildChecklist(manifest()).groups.find((group) => group.category === "orders")?.items[0];
    expect(order?.verifiable).toBe(false);
    expect(order?.verificationNote).toMatch(/cannot check this row.*retired/);
  });

  it("ends the permissions with everything else at None", () => {
    expect(buildChecklist(manifest()).everythingElse).toEqual({ level: "none", text: "Everything else: None" });
  });

  it("walks through the Dashboard in Stripe's own words, naming the key", () => {
    const titles = buildChecklist(manifest()).steps.map((step) => step.title);
    expect(titles[1]).toBe("Open Developers → API keys.");
    expect(titles[2]).toMatch(/Create restricted key/);
    expect(titles[3]).toMatch(/Providing this key to another website/);
    expect(titles[4]).toBe("Name the key “API key for Acme”.");
    expect(titles.at(-2)).toBe("Click Create key.");
    expect(titles.at(-1)).toMatch(/only once/);
    expect(titles.join(" ")).not.toMatch(/IP address/);
  });

  it("lists the IP addresses to allow, with a step for them, when the vendor has any", () => {
    const checklist = buildChecklist(manifest({ ipAllowlist: ["203.0.113.10", "2001:db8::/32"] }));
    expect(checklist.ipAllowlist).toEqual(["203.0.113.10", "2001:db8::/32"]);
    const step = checklist.steps.find((candidate) => candidate.title.includes("IP addresses"));
    expect(step?.detail).toContain("203.0.113.10, 2001:db8::/32");
  });

  it("offers a pre-filled link per accepted mode, with the required rows only", () => {
    const both = buildChecklist(manifest());
    expect(both.createLinks.map((link) => link.mode)).toEqual(["test", "live"]);
    expect(both.createLinks[0]?.url).toMatch(/^https:\/\/dashboard\.stripe\.com\/test\/apikeys\/create\?name=API%20key%20for%20Acme&/);
    expect(new URL(both.createLinks[1]?.url ?? "").searchParams.getAll("permissions[]")).toEqual([
      "rak_customer_read",
      "rak_dispute_read",
      "rak_subscription_read",
      "rak_order_read",
      "rak_webhook_write",
    ]);
    expect(both.createLinkNote).toMatch(/silently ignores/);
    expect(buildChecklist(manifest({ modes: ["live"] })).createLinks.map((link) => link.mode)).toEqual(["live"]);
  });

  it("notes the manifest's version and last change, and explains least privilege from Stripe's page", () => {
    const checklist = buildChecklist(manifest());
    expect(checklist.manifest).toEqual({ version: 4, lastChanged: "2026-10-05", changes: "Added disputes." });
    expect(checklist.whyLeastPrivilege.source.url).toBe("https://docs.stripe.com/keys/restricted-api-keys");
    expect(checklist.whyLeastPrivilege.paragraphs.join(" ")).toMatch(/read-only dispute access/);
  });

  it("states what happens to a key with extra access, following excessWrite", () => {
    expect(buildChecklist(manifest()).extraAccessPolicy).toMatch(/accepts it but warns/);
    expect(buildChecklist(manifest({ excessWrite: "reject" })).extraAccessPolicy).toMatch(/refuses it/);
  });

  it("marks test-clock rows checkable only where test mode is the only mode", () => {
    const both = buildChecklist(manifest({ permissions: { billing_clock: "read" } })).groups[0]?.items[0];
    expect(both).toMatchObject({ verifiable: false, verificationNote: expect.stringMatching(/test-mode keys only/) });
    const testOnly = buildChecklist(manifest({ permissions: { billing_clock: "read" }, modes: ["test"] })).groups[0]?.items[0];
    expect(testOnly?.verifiable).toBe(true);
  });

  it("is plain data that survives a JSON round trip (the /checklist.json variant)", () => {
    const checklist = buildChecklist(loadExample("demo"));
    expect(JSON.parse(JSON.stringify(checklist))).toEqual(checklist);
  });

  it("builds a checklist for every example manifest", () => {
    for (const name of ["demo", "pointai", "vidcraft"]) {
      const example = loadExample(name);
      const checklist = buildChecklist(example);
      const rows = checklist.groups.flatMap((group) => group.items);
      expect(rows.length, name).toBe(Object.keys(example.permissions).length);
    }
  });
});

describe("rendering", () => {
  it("renders Markdown with one table per category, the links and the source", () => {
    const markdown = renderChecklistMarkdown(buildChecklist(manifest()));
    expect(markdown).toMatch(/^# Create a Stripe restricted key for Acme\n/);
    expect(markdown).toContain("Requirements version 4, last changed 2026-10-05: Added disputes.");
    expect(markdown).toContain("### Core\n\n| Resource | Permission | Why |\n| --- | --- | --- |\n| Customers | **Read** | Match customers to tickets. |\n| Disputes | **Read** | Flag chargebacks. |");
    expect(markdown.indexOf("### Core")).toBeLessThan(markdown.indexOf("### Billing"));
    expect(markdown).toContain("**Everything else: None**");
    expect(markdown).toContain("- [Create the key in live mode](<https://dashboard.stripe.com/apikeys/create?name=API%20key%20for%20Acme&permissions[]=rak_customer_read&");
    expect(markdown).toContain("Source: [Restricted API keys — Stripe Documentation](https://docs.stripe.com/keys/restricted-api-keys)");
  });

  it("keeps the vendor's text from breaking the Markdown table or injecting links", () => {
    const markdown = renderChecklistMarkdown(
      buildChecklist(manifest({ permissions: { customer: { level: "read", purpose: "a | b [x](https://evil.example) *c*" } } })),
    );
    expect(markdown).toContain("| Customers | **Read** | a \\| b \\[x\\](https://evil.example) \\*c\\* |");
  });

  it("renders plain text for copying, with the same rows, steps and links", () => {
    const checklist = buildChecklist(manifest({ ipAllowlist: ["203.0.113.10"] }));
    const text = renderChecklistText(checklist);
    expect(text).toContain("Key name: API key for Acme");
    expect(text).toContain("Core\n  Customers: Read\n    Why: Match customers to tickets.\n  Disputes: Read");
    expect(text).toContain("Everything else: None");
    expect(text).toContain("IP addresses to allow: 203.0.113.10");
    for (const link of checklist.createLinks) expect(text).toContain(link.url);
    expect(text).not.toMatch(/[*#|]/);
  });
});
