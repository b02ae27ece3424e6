import type { Kysely } from "kysely";
import type { Database } from "~/db/schema";

/**
 * Rate limits live in the database, so several portal instances share one count. The estimate
 * is a sliding window over two fixed windows (the previous one weighted by how much of it still
 * overlaps), which smooths bursts at window edges without storing every hit.
 */
export interface RateLimitRule {
  name: string;
  limit: number;
  windowMs: number;
}

export const RATE_LIMITS = {
  loginPerIp: { name: "login-ip", limit: 20, windowMs: 15 * 60_000 },
  loginFailuresPerAccount: { name: "login-account", limit: 5, windowMs: 15 * 60_000 },
  signupPerIp: { name: "signup-ip", limit: 5, windowMs: 60 * 60_000 },
  // Answering "which permissions does this key have" makes the portal an oracle for stolen keys:
  // enough attempts to fix a key a few times over, far too few to test keys in bulk.
  keySubmissionsPerOrganisation: { name: "key-org", limit: 15, windowMs: 60 * 60_000 },
  keySubmissionsPerIp: { name: "key-ip", limit: 30, windowMs: 60 * 60_000 },
} satisfies Record<string, RateLimitRule>;

export interface RateLimitVerdict {
  allowed: boolean;
  /** How long until one more request would be allowed, when it is not. */
  retryAfterMs: number;
}

async function windowCounts(db: Kysely<Database>, bucket: string, current: number, previous: number) {
  const rows = await db
    .selectFrom("rate_limits")
    .select(["window_start", "hits"])
    .where("bucket", "=", bucket)
    .where("window_start", "in", [current, previous])
    .execute();
  return {
    current: rows.find((r) => r.window_start === current)?.hits ?? 0,
    previous: rows.find((r) => r.window_start === previous)?.hits ?? 0,
  };
}

function verdict(rule: RateLimitRule, counts: { current: number; previous: number }, now: number, windowStart: number): RateLimitVerdict {
  const elapsed = (now - windowStart) / rule.windowMs;
  const estimate = counts.previous * (1 - elapsed) + counts.current;
  if (estimate <= rule.limit) return { allowed: true, retryAfterMs: 0 };
  // Time until the previous window's weight has decayed enough (or the current window ends).
  const excess = estimate - rule.limit;
  const decayPerMs = counts.previous > 0 ? counts.previous / rule.windowMs : 0;
  const untilWindowEnds = windowStart + rule.windowMs - now;
  const retryAfterMs = decayPerMs > 0 && counts.current <= rule.limit ? Math.min(Math.ceil(excess / decayPerMs), untilWindowEnds) : untilWindowEnds;
  return { allowed: false, retryAfterMs: Math.max(1000, retryAfterMs) };
}

/** Counts one hit against `key` and says whether it is within the rule. */
export async function hitRateLimit(db: Kysely<Database>, rule: RateLimitRule, key: string, now = Date.now()): Promise<RateLimitVerdict> {
  const bucket = `${rule.name}:${key}`;
  const windowStart = now - (now % rule.windowMs);
  await db
    .insertInto("rate_limits")
    .values({ bucket, window_start: windowStart, hits: 1 })
    .onConflict((oc) => oc.columns(["bucket", "window_start"]).doUpdateSet((eb) => ({ hits: eb("rate_limits.hits", "+", 1) })))
    .execute();
  const counts = await windowCounts(db, bucket, windowStart, windowStart - rule.windowMs);
  return verdict(rule, counts, now, windowStart);
}

/** Says whether one more hit would be allowed, without counting one. */
export async function peekRateLimit(db: Kysely<Database>, rule: RateLimitRule, key: string, now = Date.now()): Promise<RateLimitVerdict> {
  const bucket = `${rule.name}:${key}`;
  const windowStart = now - (now % rule.windowMs);
  const counts = await windowCounts(db, bucket, windowStart, windowStart - rule.windowMs);
  return verdict(rule, { ...counts, current: counts.current + 1 }, now, windowStart);
}

/** Drops windows too old to matter; run from the maintenance job. */
export async function pruneRateLimits(db: Kysely<Database>, now = Date.now(), longestWindowMs = 24 * 60 * 60_000) {
  await db.deleteFrom("rate_limits").where("window_start", "<", now - 2 * longestWindowMs).execute();
}
