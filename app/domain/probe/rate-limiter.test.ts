import { describe, expect, it } from "vitest";
import { createRateLimiter } from "./rate-limiter";

describe("the probe's rate limiter", () => {
  it("lets a burst through at once, then paces at the configured rate", async () => {
    let clock = 0;
    const limiter = createRateLimiter({
      perSecond: 10,
      burst: 3,
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
    });
    const times: number[] = [];
    for (let i = 0; i < 6; i++) {
      await limiter.acquire();
      times.push(clock);
    }
    expect(times.slice(0, 3)).toEqual([0, 0, 0]);
    expect(times[3]).toBeCloseTo(100, 5);
    expect(times[4]).toBeCloseTo(200, 5);
    expect(times[5]).toBeCloseTo(300, 5);
  });

  it("serves concurrent callers in order without exceeding the rate", async () => {
    let clock = 0;
    const limiter = createRateLimiter({ perSecond: 20, burst: 1, now: () => clock, sleep: async (ms) => void (clock += ms) });
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3].map((i) => limiter.acquire().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3]);
    expect(clock).toBeCloseTo(150, 5);
  });
});
