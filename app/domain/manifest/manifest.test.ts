import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { loadManifest } from "./load-manifest";
import {
  ManifestError,
  acceptsMode,
  formatIssue,
  isRequired,
  parseManifest,
  requiredGrants,
  requiredLevel,
  requiredPermissions,
  safeParseManifest,
  unneededSensitivePermissions,
} from "./manifest";

function validInput(): Record<string, unknown> {
  return {
    version: 2,
    lastChanged: "2026-10-05",
    changes: "Added disputes.",
    vendor: {
      name: "Acme",
      website: "https://acme.example",
      supportEmail: "support@acme.example",
      keyName: "API key for Acme",
    },
    permissions: {
      subscription: "read",
      customer: { level: "read", purpose: "Match customers to tickets." },
      webhook: { level: "write", purpose: "Register our endpoint." },
    },
    modes: ["test", "live"],
    excessWrite: "warn",
  };
}

function issuesFor(patch: (input: Record<string, unknown>) => void): string[] {
  const input = validInput();
  patch(input);
  const result = safeParseManifest(input);
  if (result.success) return [];
  return result.issues.map(formatIssue);
}

describe("a valid manifest", () => {
  it("parses, normalises shorthand levels and fills defaults", () => {
    const manifest = parseManifest(validInput());
    expect(manifest.permissions).toEqual({
      subscription: { level: "read" },
      customer: { level: "read", purpose: "Match customers to tickets." },
      webhook: { level: "write", purpose: "Register our endpoint." },
    });
    expect(manifest.fullScan).toBe(false);
    expect(manifest.ipAllowlist).toBeUndefined();
  });

  it("accepts IPv4 and IPv6 addresses and CIDR ranges", () => {
    const input = { ...validInput(), ipAllowlist: ["203.0.113.10", "198.51.100.0/24", "2001:db8::1", "2001:db8::/32"] };
    expect(parseManifest(input).ipAllowlist).toHaveLength(4);
  });

  it("answers what is required, in the Dashboard's order", () => {
    const manifest = parseManifest(validInput());
    expect(requiredLevel(manifest, "webhook")).toBe("write");
    expect(requiredLevel(manifest, "customer")).toBe("read");
    expect(requiredLevel(manifest, "payout")).toBe("none");
    expect(isRequired(manifest, "payout")).toBe(false);
    // Customers is a Core row, Subscriptions a Billing row, Webhook Endpoints a Developers row.
    expect(requiredGrants(manifest).map((grant) => grant.name)).toEqual(["customer", "subscription", "webhook"]);
    expect(requiredPermissions(manifest)[2]).toMatchObject({ rakId: "rak_webhook_write", purpose: "Register our endpoint." });
    expect(acceptsMode(manifest, "live")).toBe(true);
  });

  it("lists the sensitive permissions it does not need, for the probe to look for", () => {
    const names = unneededSensitivePermissions(parseManifest(validInput())).map((permission) => permission.name);
    expect(names).toContain("payout");
    expect(names).toContain("balance");
    expect(names).not.toContain("customer");
    expect(names).not.toContain("webhook");
  });
});

describe("manifest validation names the field of every problem", () => {
  it("rejects an unknown permission and suggests the right name", () => {
    expect(issuesFor((input) => ((input.permissions as Record<string, unknown>).customr = "read"))).toEqual([
      'permissions.customr: unknown permission "customr" (did you mean "customer"?)',
    ]);
  });

  it("suggests the catalogue name for a Dashboard word or a rak_ id", () => {
    expect(issuesFor((input) => ((input.permissions as Record<string, unknown>).price = "read"))).toEqual([
      'permissions.price: unknown permission "price" (did you mean "plan"?)',
    ]);
    expect(issuesFor((input) => ((input.permissions as Record<string, unknown>).rak_customer_read = "read"))).toEqual([
      'permissions.rak_customer_read: unknown permission "rak_customer_read" (did you mean "customer"?)',
    ]);
  });

  it("rejects an unknown permission without a suggestion when nothing is close", () => {
    expect(issuesFor((input) => ((input.permissions as Record<string, unknown>).xylophone = "read"))).toEqual([
      'permissions.xylophone: unknown permission "xylophone"',
    ]);
  });

  it("rejects a level the permission does not offer", () => {
    expect(issuesFor((input) => ((input.permissions as Record<string, unknown>).balance = "write"))).toEqual([
      'permissions.balance: "balance" offers only read',
    ]);
    expect(issuesFor((input) => ((input.permissions as Record<string, unknown>).account_link = { level: "read" }))).toEqual([
      'permissions.account_link.level: "account_link" offers only write',
    ]);
  });

  it("rejects levels other than read and write, explaining none", () => {
    expect(issuesFor((input) => ((input.permissions as Record<string, unknown>).payout = "admin"))).toEqual([
      'permissions.payout: level must be "read" or "write", not "admin"',
    ]);
    expect(issuesFor((input) => ((input.permissions as Record<string, unknown>).payout = "none"))).toEqual([
      'permissions.payout: "none" is what every permission not listed gets; leave this permission out instead',
    ]);
  });

  it("rejects malformed requirement objects field by field", () => {
    expect(
      issuesFor((input) => ((input.permissions as Record<string, unknown>).payout = { purpose: "", why: "x" })),
    ).toEqual([
      'permissions.payout.why: unknown field "why" (allowed: "level", "purpose")',
      "permissions.payout.purpose: must not be empty",
      'permissions.payout.level: is missing "level" ("read" or "write")',
    ]);
    expect(issuesFor((input) => ((input.permissions as Record<string, unknown>).payout = 3))).toEqual([
      'permissions.payout: must be "read", "write" or { "level": "read" | "write", "purpose": "…" }',
    ]);
  });

  it("rejects an empty permission list", () => {
    expect(issuesFor((input) => (input.permissions = {}))).toEqual(["permissions: must name at least one permission"]);
  });

  it("rejects empty or repeated modes and unknown ones", () => {
    expect(issuesFor((input) => (input.modes = []))).toEqual(['modes: must list "test", "live" or both']);
    expect(issuesFor((input) => (input.modes = ["live", "live"]))).toEqual(['modes: "live" is listed twice']);
    expect(issuesFor((input) => (input.modes = ["prod"]))).toEqual(['modes.0: must be "test" or "live"']);
  });

  it("rejects an empty, malformed or repeated IP allowlist", () => {
    expect(issuesFor((input) => (input.ipAllowlist = []))).toEqual([
      "ipAllowlist: must not be empty; leave the field out if customers need not restrict the key",
    ]);
    expect(issuesFor((input) => (input.ipAllowlist = ["203.0.113.10", "300.1.1.1", "10.0.0.0/33"]))).toEqual([
      'ipAllowlist.1: "300.1.1.1" is not an IPv4/IPv6 address or CIDR range',
      'ipAllowlist.2: "10.0.0.0/33" is not an IPv4/IPv6 address or CIDR range',
    ]);
    expect(issuesFor((input) => (input.ipAllowlist = ["203.0.113.10", "203.0.113.10"]))).toEqual([
      'ipAllowlist: "203.0.113.10" is listed twice',
    ]);
  });

  it("checks the vendor block", () => {
    expect(
      issuesFor((input) => {
        input.vendor = { name: " ", website: "ftp://acme.example", supportEmail: "nope", nickname: "A" };
      }),
    ).toEqual([
      "vendor.name: must not be empty",
      "vendor.website: must be an http(s) URL",
      "vendor.supportEmail: must be an email address",
      "vendor.keyName: is required",
      "vendor.nickname: unknown field",
    ]);
  });

  it("checks version, date, policy and flags", () => {
    expect(
      issuesFor((input) => {
        input.version = 1.5;
        input.lastChanged = "5 October 2026";
        input.excessWrite = "ignore";
        input.fullScan = "yes";
      }),
    ).toEqual([
      "version: must be a whole number",
      "lastChanged: must be a date as YYYY-MM-DD",
      'excessWrite: must be "warn" or "reject"',
      "fullScan: must be true or false",
    ]);
    expect(issuesFor((input) => (input.version = 0))).toEqual(["version: must be 1 or more"]);
  });

  it("reports missing fields and unknown top-level fields", () => {
    expect(
      issuesFor((input) => {
        delete input.modes;
        input.mode = "live";
      }),
    ).toEqual(["modes: is required", "mode: unknown field"]);
  });

  it("throws one error that lists every problem with its field", () => {
    const input = validInput();
    (input.permissions as Record<string, unknown>).customr = "read";
    (input.permissions as Record<string, unknown>).balance = "write";
    input.modes = [];
    let error: unknown;
    try {
      parseManifest(input, "manifest.json");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ManifestError);
    expect((error as ManifestError).message).toBe(
      [
        "Invalid manifest manifest.json (3 problems):",
        '  - permissions.customr: unknown permission "customr" (did you mean "customer"?)',
        '  - permissions.balance: "balance" offers only read',
        '  - modes: must list "test", "live" or both',
      ].join("\n"),
    );
  });

  it("rejects input that is not an object at all", () => {
    const result = safeParseManifest([]);
    expect(result.success).toBe(false);
    if (!result.success) expect(result.issues[0]?.path).toBe("(manifest)");
  });
});

describe("loadManifest", () => {
  const directory = mkdtempSync(join(tmpdir(), "keyport-manifest-"));

  it("loads the example manifests shipped with Keyport", async () => {
    for (const name of ["demo", "pointai", "vidcraft"]) {
      const manifest = await loadManifest(join(process.cwd(), "examples/manifests", `${name}.json`));
      expect(Object.keys(manifest.permissions).length, name).toBeGreaterThan(0);
    }
  });

  it("names the file and the problem when the file is missing", async () => {
    const path = join(directory, "absent.json");
    await expect(loadManifest(path)).rejects.toThrow(`Invalid manifest ${path} (1 problem):\n  - (file): file not found`);
  });

  it("names the file and the problem when the JSON is broken", async () => {
    const path = join(directory, "broken.json");
    writeFileSync(path, '{ "version": 1, }');
    await expect(loadManifest(path)).rejects.toThrow(/\(file\): is not valid JSON/);
  });

  it("lists every validation problem of the file", async () => {
    const path = join(directory, "invalid.json");
    writeFileSync(path, JSON.stringify({ ...validInput(), permissions: {}, excessWrite: "maybe" }));
    await expect(loadManifest(path)).rejects.toThrow(
      `Invalid manifest ${path} (2 problems):\n  - permissions: must name at least one permission\n  - excessWrite: must be "warn" or "reject"`,
    );
  });
});
