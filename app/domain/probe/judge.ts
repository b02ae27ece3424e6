import { dashboardRow, grantsThatProvide, levelLabel, requirePermission, type Level, type Mode } from "~/domain/catalogue/catalogue";
import { buildCreateKeyLink } from "~/domain/checklist/create-key-link";
import type { KeyRefusal } from "~/domain/key/key-refusals";
import { requiredGrants, type Manifest } from "~/domain/manifest/manifest";
import type { Finding, Granted, KeyCheckReport, PermissionReport, Problem } from "~/domain/report/report";
import type { PermissionOutcome, ProbeOutcome, StepOutcome } from "./run-probe";

/**
 * Turns what Stripe answered into findings and a verdict, following the manifest's `excessWrite`
 * policy. Every problem says which Dashboard row to change; a rejection links to a correct key.
 */

type Base = { manifest: Manifest; checkedAt: Date; key: { mode: Mode; last4: string } };

export function createKeyLinkFor(manifest: Manifest, mode: Mode) {
  return buildCreateKeyLink({ mode, name: manifest.vendor.keyName, grants: requiredGrants(manifest) });
}

/** A report for a key refused before any network call (wrong kind, malformed, wrong mode). */
export function refusalReport(refusal: KeyRefusal, base: Omit<Base, "key">): KeyCheckReport {
  return {
    verdict: "rejected",
    summary: refusal.message,
    key: { type: refusal.type, mode: refusal.mode ?? null, last4: refusal.last4 ?? null },
    account: null,
    manifestVersion: base.manifest.version,
    checkedAt: base.checkedAt.toISOString(),
    durationMs: 0,
    requests: 0,
    permissions: [],
    problems: [{ code: refusal.code, severity: "error", message: refusal.message, guidance: refusal.guidance }],
    createKeyLink: refusal.mode && base.manifest.modes.includes(refusal.mode) ? createKeyLinkFor(base.manifest, refusal.mode) : createKeyLinkFor(base.manifest, base.manifest.modes[0]!),
  };
}

/**
 * Effective access from the two answers. Write implies read, so a granted write means write and a
 * denied read means none. A denied write with the read never asked (a sensitive extra, checked
 * for write only) counts as none: no dangerous grant was found, and the row is left out.
 */
function grantedLevel(read: StepOutcome, write: StepOutcome): Granted {
  if (write.outcome === "granted") return "write";
  if (read.outcome === "denied") return "none";
  if (read.outcome === "granted") return "read";
  if (write.outcome === "denied" && read.outcome === "not_planned") return "none";
  return "unknown";
}

function unreachable(step: StepOutcome) {
  return step.outcome === "unknown" && step.cause === "unreachable";
}

/** Other rows through which this access may come (implied grants), for the customer to look at. */
function providedByOthers(name: string, level: Level) {
  return grantsThatProvide(name, level)
    .filter((g) => g.name !== name)
    .map((g) => `${dashboardRow(g.name)} (${levelLabel(g.level)})`);
}

function judgeRow(outcome: PermissionOutcome): PermissionReport & { unreachable: boolean } {
  const { plan, read, write } = outcome;
  const { permission, required } = plan;
  const granted = grantedLevel(read, write);
  let finding: Finding;
  let note: string | undefined;
  const reasonUnprobeable = (s: StepOutcome) => (s.outcome === "unprobeable" ? s.reason : undefined);

  if (required === "write") {
    if (granted === "write") finding = "ok";
    else if (granted === "none") finding = "missing";
    else if (granted === "read") {
      finding = write.outcome === "denied" ? "insufficient" : "unverified";
      if (finding === "unverified") note = `Read access confirmed. Write access cannot be checked safely: ${reasonUnprobeable(write) ?? "no probe"}`;
    } else {
      finding = write.outcome === "unprobeable" && read.outcome === "unprobeable" ? "unverified" : "unknown";
      note = reasonUnprobeable(write) ?? detail(write) ?? detail(read);
    }
  } else if (required === "read") {
    if (granted === "write") finding = "excess_write";
    else if (granted === "read") finding = "ok";
    else if (granted === "none") finding = "missing";
    else {
      finding = read.outcome === "unprobeable" ? "unverified" : "unknown";
      note = reasonUnprobeable(read) ?? detail(read);
    }
    if (finding === "ok" && write.outcome === "unprobeable") note = "Keyport cannot check safely whether this key can also write here.";
  } else {
    // Not needed at all: any access is excess.
    if (granted === "write" || granted === "read") finding = "excess_access";
    else if (granted === "none") finding = "ok";
    else {
      finding = write.outcome === "unprobeable" || read.outcome === "unprobeable" ? "unverified" : "unknown";
      note = reasonUnprobeable(write) ?? reasonUnprobeable(read) ?? detail(write) ?? detail(read);
    }
  }

  if ((finding === "excess_access" || finding === "excess_write") && granted !== "unknown" && granted !== "none") {
    const others = providedByOthers(permission.name, granted);
    if (others.length > 0) note = `This access may also come from ${others.join(", ")}.`;
  }

  return {
    permission: permission.name,
    label: permission.label,
    category: permission.category,
    dashboardRow: dashboardRow(permission.name),
    required,
    granted,
    finding,
    sensitive: permission.sensitive,
    ...(note ? { note } : {}),
    unreachable: unreachable(read) || unreachable(write),
  };
}

function detail(step: StepOutcome) {
  return step.outcome === "unknown" ? step.detail : undefined;
}

export function judge(outcome: ProbeOutcome, base: Base): KeyCheckReport {
  const { manifest } = base;
  const createKeyLink = createKeyLinkFor(manifest, base.key.mode);
  const common = {
    key: { type: "restricted" as const, mode: base.key.mode, last4: base.key.last4 },
    manifestVersion: manifest.version,
    checkedAt: base.checkedAt.toISOString(),
    durationMs: Math.round(outcome.durationMs),
    requests: outcome.requests,
    createKeyLink,
  };

  if (outcome.identity.status === "rejected") {
    const problem = authenticationProblem(outcome.identity.failure, manifest);
    return { ...common, verdict: "rejected", summary: problem.message, account: null, permissions: [], problems: [problem] };
  }
  if (outcome.identity.status === "unreachable") {
    const message = `Keyport could not check this key: ${outcome.identity.detail}. Nothing was stored. Please try again in a few minutes.`;
    return {
      ...common,
      verdict: "inconclusive",
      summary: message,
      account: null,
      permissions: [],
      problems: [{ code: "could_not_check", severity: "error", message }],
    };
  }

  const rows = outcome.permissions.map(judgeRow);
  const problems: Problem[] = [];
  const excessSeverity = manifest.excessWrite === "reject" ? "error" : "warning";
  let couldNotCheckRequired = false;
  let couldNotCheckExtra = false;

  for (const row of rows) {
    const name = row.label;
    switch (row.finding) {
      case "missing":
        problems.push({
          code: "missing_permission",
          severity: "error",
          permission: row.permission,
          message: `The key has no access to ${name}, which ${manifest.vendor.name} needs at ${levelLabel(row.required)}.`,
          fix: `In the Stripe Dashboard, set ${row.dashboardRow} to ${levelLabel(row.required)}.`,
        });
        break;
      case "insufficient":
        problems.push({
          code: "insufficient_permission",
          severity: "error",
          permission: row.permission,
          message: `The key can only read ${name}; ${manifest.vendor.name} needs Write.`,
          fix: `In the Stripe Dashboard, set ${row.dashboardRow} to Write.`,
        });
        break;
      case "excess_write":
        problems.push({
          code: "excess_write",
          severity: excessSeverity,
          permission: row.permission,
          message: `The key can change ${name}, but ${manifest.vendor.name} only needs to read it.${row.note ? ` ${row.note}` : ""}`,
          fix: `In the Stripe Dashboard, set ${row.dashboardRow} to Read.`,
        });
        break;
      case "excess_access":
        problems.push({
          code: "excess_access",
          severity: excessSeverity,
          permission: row.permission,
          message: `The key has ${levelLabel(row.granted === "unknown" ? "none" : row.granted)} access to ${name}, which ${manifest.vendor.name} does not need.${requirePermission(row.permission).risk ? ` ${requirePermission(row.permission).risk}` : ""}${row.note ? ` ${row.note}` : ""}`,
          fix: `In the Stripe Dashboard, set ${row.dashboardRow} to None.`,
        });
        break;
      case "unknown":
        if (row.required !== "none") couldNotCheckRequired = true;
        else if (row.unreachable) couldNotCheckExtra = true;
        problems.push({
          code: row.unreachable ? "could_not_check" : "unknown_permission",
          severity: row.required !== "none" ? "error" : "warning",
          permission: row.permission,
          message: `Keyport could not tell whether the key has access to ${name}: ${row.note ?? "no clear answer from Stripe"}.`,
        });
        break;
      case "unverified":
        if (row.required !== "none") {
          problems.push({
            code: "unverified_permission",
            severity: "warning",
            permission: row.permission,
            message: `Keyport cannot check ${name} without risking a change to your account, so it trusts the checklist for this row.`,
            fix: `Make sure ${row.dashboardRow} is set to ${levelLabel(row.required)}.`,
          });
        }
        break;
      case "ok":
        break;
    }
  }

  const errors = problems.filter((p) => p.severity === "error");
  const blockingExtras = couldNotCheckExtra && manifest.excessWrite === "reject";
  const verdict: KeyCheckReport["verdict"] = couldNotCheckRequired || blockingExtras
    ? "inconclusive"
    : errors.length > 0
      ? "rejected"
      : "accepted";
  // The table is about what the vendor needs, plus anything extra that was found. Rows the vendor
  // does not need and that cannot be checked stay out: the checklist already says "None" for them.
  const permissions: PermissionReport[] = rows
    .filter((r) => r.required !== "none" || r.finding === "excess_access" || r.finding === "unknown")
    .map(({ unreachable: _u, ...row }) => row);

  return {
    ...common,
    verdict,
    summary: summarise(verdict, errors.length, problems.length - errors.length, manifest.vendor.name),
    account: outcome.identity.account ?? null,
    permissions,
    problems: verdict === "inconclusive" ? [...problems.filter((p) => p.code === "could_not_check"), ...problems.filter((p) => p.code !== "could_not_check")] : problems,
  };
}

function summarise(verdict: KeyCheckReport["verdict"], errors: number, warnings: number, vendor: string) {
  if (verdict === "inconclusive") return "Keyport could not finish checking this key because Stripe did not answer every request. Nothing was stored; please try again.";
  if (verdict === "rejected") return `This key does not match what ${vendor} needs: ${errors} ${errors === 1 ? "row needs" : "rows need"} changing.`;
  if (warnings > 0) return `This key gives ${vendor} what it needs, with ${warnings} ${warnings === 1 ? "thing" : "things"} worth tidying up.`;
  return `This key gives ${vendor} exactly what it needs.`;
}

function authenticationProblem(failure: "invalid" | "expired" | "ip_not_allowed", manifest: Manifest): Problem {
  switch (failure) {
    case "expired":
      return {
        code: "key_expired",
        severity: "error",
        message: "Stripe says this key has expired (it was rolled or given an expiry date). Create a new restricted key and paste that instead.",
      };
    case "ip_not_allowed":
      return {
        code: "ip_not_allowed",
        severity: "error",
        message: `This key is limited to IP addresses that do not include ${manifest.vendor.name}'s servers.`,
        fix: manifest.ipAllowlist?.length
          ? `In the Stripe Dashboard, edit the key's IP restriction to allow ${manifest.ipAllowlist.join(", ")}.`
          : "In the Stripe Dashboard, remove the key's IP restriction.",
      };
    default:
      return {
        code: "key_invalid",
        severity: "error",
        message: "Stripe does not recognise this key: it may have been deleted, or mistyped when copied. Copy it again from the Stripe Dashboard.",
      };
  }
}
