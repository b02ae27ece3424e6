import { levelSatisfies, type LevelOrNone } from "~/domain/catalogue/catalogue";
import type { KeyCheckReport } from "~/domain/report/report";
import { healthStatusFromReport, type HealthStatus } from "./health-status";

/**
 * A connection's status against the current manifest, knowing what the key was accepted for.
 * When the vendor's manifest asks for more than it did (a higher version), rows the key lacks
 * only because the requirement is new make the connection `needs_update`: the customer did
 * nothing wrong, the vendor needs more. Rows the key lacks although they were already required
 * mean the key itself changed: `missing_permissions`.
 */
export function healthStatusWithDrift(
  report: KeyCheckReport,
  accepted: { manifestVersion: number; required: ReadonlyMap<string, LevelOrNone> },
): HealthStatus {
  const status = healthStatusFromReport(report);
  if (status !== "missing_permissions" || report.manifestVersion <= accepted.manifestVersion) return status;
  const lacking = report.permissions.filter((p) => p.finding === "missing" || p.finding === "insufficient");
  const keyChanged = lacking.some((p) => {
    const before = accepted.required.get(p.permission) ?? "none";
    return before !== "none" && !levelSatisfies(p.granted === "unknown" ? "none" : p.granted, before);
  });
  return keyChanged ? "missing_permissions" : "needs_update";
}

/** What the accepted report required, row by row (the baseline drift is measured against). */
export function requirementsOf(report: Partial<Pick<KeyCheckReport, "permissions">> | null): Map<string, LevelOrNone> {
  // A stored report without rows (from before reports had them) simply gives no baseline.
  return new Map((report?.permissions ?? []).filter((p) => p.required !== "none").map((p) => [p.permission, p.required]));
}
