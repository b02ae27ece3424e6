/**
 * A token bucket on our side of the wire, so a probe never exceeds the key's rate limit instead of
 * provoking 429s. Stripe documents 25 requests per second in test mode and 100 in live mode
 * (docs.stripe.com/rate-limits); the bucket holds one second's worth (`burst`) and refills
 * continuously.
 */
export interface RateLimiter {
  /** Resolves when one more request may be sent. */
  acquire(): Promise<void>;
}

export const STRIPE_RATE_LIMITS = { test: 25, live: 100 } as const;

export function createRateLimiter(options: {
  perSecond: number;
  burst?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}): RateLimiter {
  const { perSecond } = options;
  const burst = options.burst ?? perSecond;
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let tokens = burst;
  let at = now();
  // Waiters are served in order: each reserves its token before sleeping.
  let queue: Promise<void> = Promise.resolve();

  function refill() {
    const t = now();
    tokens = Math.min(burst, tokens + ((t - at) * perSecond) / 1000);
    at = t;
  }

  return {
    acquire() {
      const turn = queue.then(async () => {
        refill();
        while (tokens < 1) {
          await sleep(Math.max(1, ((1 - tokens) * 1000) / perSecond));
          refill();
        }
        tokens -= 1;
      });
      queue = turn.catch(() => undefined);
      return turn;
    },
  };
}
