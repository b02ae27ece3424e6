import type { KeyCheckReport } from "~/domain/report/report";

/**
 * A stored connection's health, as support and the customer see it. Derived from a key-check
 * report, so a health check and the connect flow judge a key identically.
 */
export const HEALTH_STATUSES = [
  "unchecked",
  "healthy",
  "over_privileged",
  "missing_permissions",
  "needs_update",
  "revoked",
  "expired",
  "ip_blocked",
  "check_failed",
] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

export function healthStatusFromReport(report: KeyCheckReport): HealthStatus {
  const codes = new Set(report.problems.map((p) => p.code));
  if (codes.has("key_invalid")) return "revoked";
  if (codes.has("key_expired")) return "expired";
  if (codes.has("ip_not_allowed")) return "ip_blocked";
  if (report.verdict === "inconclusive") return "check_failed";
  if (codes.has("missing_permission") || codes.has("insufficient_permission")) return "missing_permissions";
  if (codes.has("excess_write") || codes.has("excess_access")) return "over_privileged";
  if (report.verdict === "accepted") return "healthy";
  return "check_failed";
}

/** Plain words for customers and support, and what to do about it. */
export const HEALTH_STATUS_TEXT: Record<HealthStatus, { label: string; tone: "ok" | "warn" | "bad" | "neutral"; advice: string }> = {
  unchecked: { label: "Not checked yet", tone: "neutral", advice: "Keyport will check this key shortly." },
  healthy: { label: "Working", tone: "ok", advice: "Nothing to do." },
  over_privileged: {
    label: "More access than needed",
    tone: "warn",
    advice: "The key works, but grants access the vendor does not need. Create a narrower key and replace this one.",
  },
  missing_permissions: {
    label: "Missing permissions",
    tone: "bad",
    advice: "The key no longer grants everything the vendor needs. Edit the key in Stripe or replace it.",
  },
  needs_update: {
    label: "Needs an update",
    tone: "bad",
    advice: "The vendor now needs more access than this key grants. Replace it with a key that follows the current checklist.",
  },
  revoked: { label: "Deleted in Stripe", tone: "bad", advice: "Stripe no longer recognises this key. Create a new restricted key and replace it." },
  expired: { label: "Expired", tone: "bad", advice: "The key was rolled or has expired in Stripe. Create a new restricted key and replace it." },
  ip_blocked: {
    label: "Blocked by IP restriction",
    tone: "bad",
    advice: "The key's IP allowlist does not include the vendor's servers. Edit the key's IP restriction in Stripe.",
  },
  check_failed: { label: "Could not check", tone: "warn", advice: "Stripe did not answer the last check. Keyport will try again; nothing is wrong with the key as far as we know." },
};
