/**
 * The vendor's manifest: which Stripe permissions it needs, at which level and why, validated
 * against the catalogue. Every problem is reported with the field it concerns, all at once, so a
 * vendor fixes the file in one pass.
 */
import { z } from "zod";

import { MODES, getPermission, levelsOffered, suggestPermissionName, type Level, type Mode } from "~/domain/catalogue/catalogue";

export type PermissionRequirement = { readonly level: Level; readonly purpose?: string };

export type Manifest = {
  /** Bumped whenever the requirements change; shown on the checklist. */
  readonly version: number;
  /** ISO date (YYYY-MM-DD) of the last change to the requirements. */
  readonly lastChanged: string;
  /** What changed in `version`, in a sentence customers can read. */
  readonly changes?: string;
  readonly vendor: {
    readonly name: string;
    readonly website: string;
    readonly supportEmail: string;
    /** The key name suggested to customers, e.g. "API key for Acme". */
    readonly keyName: string;
  };
  /** Bare catalogue name → requirement. Everything not listed is required at None. */
  readonly permissions: Readonly<Record<string, PermissionRequirement>>;
  readonly modes: readonly Mode[];
  /** What to do when a key can write where reading is enough, or holds a sensitive grant the vendor does not need. */
  readonly excessWrite: "warn" | "reject";
  /** The vendor's egress addresses (IPs or CIDR ranges) customers may lock the key to. */
  readonly ipAllowlist?: readonly string[];
  /** Probe every permission in the catalogue, not only the required and sensitive ones. */
  readonly fullScan: boolean;
};

export type ManifestIssue = { readonly path: string; readonly message: string };

export type ManifestResult = { success: true; manifest: Manifest } | { success: false; issues: ManifestIssue[] };

const quote = (value: unknown) => JSON.stringify(value);

const text = (max: number) =>
  z
    .string({ error: "must be a string" })
    .trim()
    .min(1, { error: "must not be empty" })
    .max(max, { error: `must be at most ${max} characters` });

const addressFormats = [z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()];

const ipAddressOrRange = z
  .string({ error: "must be a string" })
  .trim()
  .refine((value) => addressFormats.some((format) => format.safeParse(value).success), {
    error: (issue) => `${quote(issue.input)} is not an IPv4/IPv6 address or CIDR range`,
  });

function listedTwice<T>(values: readonly T[]): T[] {
  return values.filter((value, index) => values.indexOf(value) !== index);
}

function joinLevels(levels: readonly Level[]): string {
  return levels.join(" and ");
}

/** One entry of `permissions`, checked by hand so each message says exactly what is wrong. */
function parseRequirement(name: string, raw: unknown, ctx: z.RefinementCtx): PermissionRequirement | undefined {
  const path: (string | number)[] = [name];
  const issue = (message: string, at: (string | number)[] = path) => ctx.addIssue({ code: "custom", message, path: at });

  let level: unknown;
  let purpose: string | undefined;
  if (typeof raw === "string") {
    level = raw;
  } else if (raw !== null && typeof raw === "object" && !Array.isArray(raw)) {
    const entry = raw as Record<string, unknown>;
    for (const key of Object.keys(entry)) {
      if (key !== "level" && key !== "purpose") issue(`unknown field ${quote(key)} (allowed: "level", "purpose")`, [...path, key]);
    }
    level = entry.level;
    if (entry.purpose !== undefined) {
      const parsed = text(300).safeParse(entry.purpose);
      if (parsed.success) purpose = parsed.data;
      else issue(parsed.error.issues[0]?.message ?? "is invalid", [...path, "purpose"]);
    }
    if (level === undefined) {
      issue('is missing "level" ("read" or "write")', [...path, "level"]);
      return undefined;
    }
  } else {
    issue('must be "read", "write" or { "level": "read" | "write", "purpose": "…" }');
    return undefined;
  }

  const levelPath = typeof raw === "string" ? path : [...path, "level"];
  if (level === "none") {
    issue('"none" is what every permission not listed gets; leave this permission out instead', levelPath);
    return undefined;
  }
  if (level !== "read" && level !== "write") {
    issue(`level must be "read" or "write", not ${quote(level)}`, levelPath);
    return undefined;
  }

  const offered = levelsOffered(name);
  if (!offered.includes(level)) {
    issue(`${quote(name)} offers only ${joinLevels(offered)}`, levelPath);
    return undefined;
  }
  return purpose === undefined ? { level } : { level, purpose };
}

const permissionsSchema = z
  .record(z.string(), z.unknown(), { error: "must be an object from permission name to level" })
  .transform((raw, ctx) => {
    const names = Object.keys(raw);
    if (names.length === 0) {
      ctx.addIssue({ code: "custom", message: "must name at least one permission", path: [] });
      return z.NEVER;
    }
    const permissions: Record<string, PermissionRequirement> = {};
    for (const name of names) {
      if (!getPermission(name)) {
        const suggestion = suggestPermissionName(name);
        const hint = suggestion ? ` (did you mean ${quote(suggestion)}?)` : "";
        ctx.addIssue({ code: "custom", message: `unknown permission ${quote(name)}${hint}`, path: [name] });
        continue;
      }
      const requirement = parseRequirement(name, raw[name], ctx);
      if (requirement) permissions[name] = requirement;
    }
    return permissions;
  });

const manifestSchema = z.strictObject({
  $schema: z.string().optional(),
  version: z.int({ error: "must be a whole number" }).min(1, { error: "must be 1 or more" }),
  lastChanged: z.iso.date({ error: "must be a date as YYYY-MM-DD" }),
  changes: text(500).optional(),
  vendor: z.strictObject(
    {
      name: text(100),
      website: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
      supportEmail: z.email({ error: "must be an email address" }),
      keyName: text(100),
    },
    { error: "must be an object with name, website, supportEmail and keyName" },
  ),
  permissions: permissionsSchema,
  modes: z
    .array(z.enum(MODES, { error: 'must be "test" or "live"' }), { error: 'must be a list of "test" and/or "live"' })
    .min(1, { error: 'must list "test", "live" or both' })
    .superRefine((modes, ctx) => {
      for (const mode of listedTwice(modes)) ctx.addIssue({ code: "custom", message: `${quote(mode)} is listed twice` });
    }),
  excessWrite: z.enum(["warn", "reject"], { error: 'must be "warn" or "reject"' }),
  ipAllowlist: z
    .array(ipAddressOrRange, { error: "must be a list of IP addresses or CIDR ranges" })
    .min(1, { error: "must not be empty; leave the field out if customers need not restrict the key" })
    .superRefine((addresses, ctx) => {
      for (const address of listedTwice(addresses)) ctx.addIssue({ code: "custom", message: `${quote(address)} is listed twice` });
    })
    .optional(),
  fullScan: z.boolean({ error: "must be true or false" }).default(false),
});

function formatPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? "(manifest)" : path.map(String).join(".");
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function toIssues(error: z.ZodError, input: unknown): ManifestIssue[] {
  return error.issues.flatMap((issue): ManifestIssue[] => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: "unknown field" }));
    }
    if (issue.code === "invalid_type" && valueAt(input, issue.path) === undefined) {
      return [{ path: formatPath(issue.path), message: "is required" }];
    }
    return [{ path: formatPath(issue.path), message: issue.message }];
  });
}

/** Validates parsed JSON; never throws. */
export function safeParseManifest(input: unknown): ManifestResult {
  const result = manifestSchema.safeParse(input);
  if (!result.success) return { success: false, issues: toIssues(result.error, input) };
  const { $schema: _schema, ...manifest } = result.data;
  return { success: true, manifest };
}

export class ManifestError extends Error {
  readonly issues: readonly ManifestIssue[];
  constructor(source: string, issues: readonly ManifestIssue[]) {
    const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
    super(`Invalid manifest ${source} (${count}):\n${issues.map((issue) => `  - ${formatIssue(issue)}`).join("\n")}`);
    this.name = "ManifestError";
    this.issues = issues;
  }
}

/** `permissions.customr: unknown permission "customr" (did you mean "customer"?)` */
export function formatIssue(issue: ManifestIssue): string {
  return `${issue.path}: ${issue.message}`;
}

/** Validates parsed JSON or throws a `ManifestError` listing every problem with its field. */
export function parseManifest(input: unknown, source = "(inline)"): Manifest {
  const result = safeParseManifest(input);
  if (!result.success) throw new ManifestError(source, result.issues);
  return result.manifest;
}
