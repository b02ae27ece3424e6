/**
 * Per-key token buckets. docs.stripe.com/rate-limits: "Live mode: 100 operations", "Sandbox: 25
 * operations" per second (older text: "100 read operations and 100 write operations", "25 read …
 * 25 write"). Stripe measures "per Stripe account"; the emulator keeps one bucket per key instead,
 * so parallel tests on one emulator, each with its own key, do not throttle each other.
 *
 * Model: a bucket holds up to `rate` tokens (a one-second burst) and refills continuously at `rate`
 * tokens per second; each request takes one token or is answered 429.
 */
export interface RateLimits {
  test: number;
  live: number;
}

export const STRIPE_RATE_LIMITS: RateLimits = { test: 25, live: 100 };

interface Bucket {
  tokens: number;
  at: number;
}

export interface RateLimiter {
  /** True when the request may proceed. */
  take(keyId: string, perSecond: number, now?: number): boolean;
  clear(): void;
}

export function createRateLimiter(): RateLimiter {
  const buckets = new Map<string, Bucket>();
  return {
    take(keyId, perSecond, now = performance.now()) {
      if (!Number.isFinite(perSecond)) return true;
      let bucket = buckets.get(keyId);
      if (!bucket) {
        bucket = { tokens: perSecond, at: now };
        buckets.set(keyId, bucket);
      } else {
        bucket.tokens = Math.min(perSecond, bucket.tokens + ((now - bucket.at) * perSecond) / 1000);
        bucket.at = now;
      }
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
    clear: () => buckets.clear(),
  };
}
