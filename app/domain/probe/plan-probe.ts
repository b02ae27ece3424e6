import {
  getLevel,
  PERMISSIONS,
  resolveProbe,
  type LevelOrNone,
  type Mode,
  type Permission,
  type Probe,
  type ResolvedProbe,
} from "~/domain/catalogue/catalogue";
import { requiredLevel, unneededSensitivePermissions, type Manifest } from "~/domain/manifest/manifest";

/**
 * What to ask Stripe, decided from the manifest and the catalogue alone:
 * - required at write: the non-mutating write probe; the read probe only if the write is denied
 *   (to tell `insufficient` from `missing`);
 * - required at read: the read probe and the write probe (an unnecessary write grant);
 * - sensitive permissions the vendor does not need: the highest level they offer (a dangerous extra);
 * - everything else too on a full scan.
 */
export type CheckReason = "required" | "sensitive_extra" | "full_scan";

export type PlannedStep =
  | { kind: "request"; request: ResolvedProbe }
  | { kind: "unprobeable"; reason: string }
  | { kind: "not_planned" };

export interface PermissionCheckPlan {
  permission: Permission;
  required: LevelOrNone;
  reason: CheckReason;
  read: PlannedStep;
  write: PlannedStep;
  /** Send the read probe only once the write probe came back denied. */
  readOnlyIfWriteDenied: boolean;
}

export interface ProbePlan {
  mode: Mode;
  checks: PermissionCheckPlan[];
  /** Requests the plan sends at most (conditional ones included), the account check excluded. */
  maxRequests: number;
}

function step(probe: Probe | undefined, mode: Mode, nonce: string): PlannedStep {
  if (!probe) return { kind: "not_planned" };
  if (probe.kind === "unprobeable") return { kind: "unprobeable", reason: probe.reason };
  if (probe.testModeOnly && mode === "live") {
    return { kind: "unprobeable", reason: "Stripe offers this endpoint only in test mode, so a live key cannot be checked for it." };
  }
  return { kind: "request", request: resolveProbe(probe, nonce) };
}

const NOT_PLANNED: PlannedStep = { kind: "not_planned" };

export function planProbe(manifest: Manifest, options: { mode: Mode; nonce: string; fullScan?: boolean }): ProbePlan {
  const { mode, nonce } = options;
  const fullScan = options.fullScan ?? manifest.fullScan ?? false;
  const sensitiveExtras = new Set(unneededSensitivePermissions(manifest).map((p) => p.name));
  const checks: PermissionCheckPlan[] = [];

  for (const permission of PERMISSIONS) {
    const required = requiredLevel(manifest, permission.name);
    const read = getLevel(permission.name, "read")?.probe;
    const write = getLevel(permission.name, "write")?.probe;
    if (required === "write") {
      checks.push({ permission, required, reason: "required", write: step(write, mode, nonce), read: step(read, mode, nonce), readOnlyIfWriteDenied: true });
    } else if (required === "read") {
      checks.push({ permission, required, reason: "required", read: step(read, mode, nonce), write: step(write, mode, nonce), readOnlyIfWriteDenied: false });
    } else if (fullScan) {
      checks.push({ permission, required, reason: "full_scan", read: step(read, mode, nonce), write: step(write, mode, nonce), readOnlyIfWriteDenied: Boolean(write) });
    } else if (sensitiveExtras.has(permission.name)) {
      // The highest level offered: a write grant is the dangerous one; read-only rows (balance) by their read.
      checks.push({
        permission,
        required,
        reason: "sensitive_extra",
        write: write ? step(write, mode, nonce) : NOT_PLANNED,
        read: write ? NOT_PLANNED : step(read, mode, nonce),
        readOnlyIfWriteDenied: false,
      });
    }
  }

  const maxRequests = checks.reduce((n, c) => n + (c.read.kind === "request" ? 1 : 0) + (c.write.kind === "request" ? 1 : 0), 0);
  return { mode, checks, maxRequests };
}
