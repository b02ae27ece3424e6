import { describe, expect, it } from "vitest";
import type { KeyCheckReport, PermissionReport } from "~/domain/report/report";
import { healthStatusWithDrift, requirementsOf } from "./manifest-drift";

function row(permission: string, required: PermissionReport["required"], granted: PermissionReport["granted"], finding: PermissionReport["finding"]): PermissionReport {
  return { permission, label: permission, category: "core", dashboardRow: permission, required, granted, finding, sensitive: false };
}

function report(manifestVersion: number, permissions: PermissionReport[]): KeyCheckReport {
  const missing = permissions.filter((p) => p.finding === "missing");
  return {
    verdict: missing.length ? "rejected" : "accepted",
    summary: "",
    key: { type: "restricted", mode: "test", last4: "abcd" },
    account: "acct_1",
    manifestVersion,
    checkedAt: new Date(0).toISOString(),
    durationMs: 1,
    requests: 1,
    permissions,
    problems: missing.map((p) => ({ code: "missing_permission" as const, severity: "error" as const, message: "", permission: p.permission })),
    createKeyLink: null,
  };
}

const acceptedAtV1 = report(1, [row("customer", "read", "read", "ok")]);
const baseline = { manifestVersion: 1, required: requirementsOf(acceptedAtV1) };

describe("manifest drift", () => {
  it("a newly required permission the key lacks means the connection needs an update", () => {
    const now = report(2, [row("customer", "read", "read", "ok"), row("dispute", "read", "none", "missing")]);
    expect(healthStatusWithDrift(now, baseline)).toBe("needs_update");
  });

  it("losing a permission that was already required means the key changed", () => {
    const now = report(2, [row("customer", "read", "none", "missing"), row("dispute", "read", "none", "missing")]);
    expect(healthStatusWithDrift(now, baseline)).toBe("missing_permissions");
  });

  it("without a newer manifest, a lacking permission is simply missing", () => {
    const now = report(1, [row("customer", "read", "none", "missing")]);
    expect(healthStatusWithDrift(now, baseline)).toBe("missing_permissions");
  });

  it("a key that satisfies the newer manifest is healthy", () => {
    const now = report(2, [row("customer", "read", "read", "ok"), row("dispute", "read", "read", "ok")]);
    expect(healthStatusWithDrift(now, baseline)).toBe("healthy");
  });
});
