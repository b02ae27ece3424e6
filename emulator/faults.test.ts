/**
 * Faults on demand, seen through the official SDK: each fault is scoped to one key here, so the
 * other keys on the same emulator must be unaffected.
 */
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulatorAdmin, type EmulatorAdmin } from "./admin-client";
import { configFromEnv } from "./config";
import { createFaultState } from "./faults";
import { type RunningEmulator, startEmulator } from "./server";
import { rejectionOf, stripeFor } from "./test-helpers";

let emulator: RunningEmulator;
let admin: EmulatorAdmin;

beforeAll(async () => {
  emulator = await startEmulator();
  admin = createEmulatorAdmin(emulator.url);
});
afterAll(async () => {
  await emulator.close();
});

async function twoKeys() {
  const a = await admin.createKey({ mode: "test", permissions: ["customer_read"] });
  const b = await admin.createKey({ mode: "test", permissions: ["customer_read"] });
  return { a, b, stripeA: stripeFor(a.key, emulator.port, { timeout: 400 }), stripeB: stripeFor(b.key, emulator.port) };
}

describe("faults scoped to one key", () => {
  it("answers a share of requests 500 api_error (here all), leaving other keys alone", async () => {
    const { a, stripeA, stripeB } = await twoKeys();
    await admin.setFaults({ errorRate: 1 }, a.id);
    const error = (await rejectionOf(stripeA.customers.list({ limit: 1 }))) as Stripe.errors.StripeError;
    expect(error).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(error.statusCode).toBe(500);
    expect(error.rawType).toBe("api_error");
    await expect(stripeB.customers.list({ limit: 1 })).resolves.toMatchObject({ object: "list" });
    await admin.clearFaults(a.id);
    await expect(stripeA.customers.list({ limit: 1 })).resolves.toMatchObject({ object: "list" });
  });

  it("adds latency", async () => {
    const { a, stripeA, stripeB } = await twoKeys();
    await admin.setFaults({ latencyMs: 150 }, a.id);
    const t0 = performance.now();
    await stripeA.customers.list({ limit: 1 });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(145);
    const t1 = performance.now();
    await stripeB.customers.list({ limit: 1 });
    expect(performance.now() - t1).toBeLessThan(145);
  });

  it("resets the connection", async () => {
    const { a, stripeA } = await twoKeys();
    await admin.setFaults({ resetRate: 1 }, a.id);
    await expect(stripeA.customers.list({ limit: 1 })).rejects.toBeInstanceOf(Stripe.errors.StripeConnectionError);
    // stripe-node 23 retries a closed connection once even with maxNetworkRetries: 0
    // (RequestSender._shouldRetry, "A closed connection is retried once even when retries are disabled").
    expect((await admin.ledger(a.id)).requests[a.id]?.byStatus).toEqual({ 0: 2 });
  });

  it("never answers, so the client times out", async () => {
    const { a, stripeA, stripeB } = await twoKeys();
    await admin.setFaults({ timeoutRate: 1 }, a.id);
    const t0 = performance.now();
    const error = await rejectionOf(stripeA.customers.list({ limit: 1 }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(390);
    await expect(stripeB.customers.list({ limit: 1 })).resolves.toMatchObject({ object: "list" });
  });

  it("answers a burst of 429s, then recovers", async () => {
    const { a, stripeA } = await twoKeys();
    await admin.setFaults({ rateLimitBurst: 2 }, a.id);
    await expect(stripeA.customers.list({ limit: 1 })).rejects.toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    await expect(stripeA.customers.list({ limit: 1 })).rejects.toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    await expect(stripeA.customers.list({ limit: 1 })).resolves.toMatchObject({ object: "list" });
  });
});

describe("global faults", () => {
  it("apply to every key until cleared, and a key's own faults override them field by field", async () => {
    const { a, stripeA, stripeB } = await twoKeys();
    try {
      await admin.setFaults({ errorRate: 1 });
      await admin.setFaults({ errorRate: 0 }, a.id);
      await expect(stripeB.customers.list({ limit: 1 })).rejects.toBeInstanceOf(Stripe.errors.StripeAPIError);
      await expect(stripeA.customers.list({ limit: 1 })).resolves.toMatchObject({ object: "list" });
    } finally {
      await admin.clearFaults();
    }
    await expect(stripeB.customers.list({ limit: 1 })).resolves.toMatchObject({ object: "list" });
  });

  it("are validated", async () => {
    await expect(admin.setFaults({ errorRate: 2 })).rejects.toMatchObject({ status: 400 });
    await expect(admin.setFaults({ latencyMs: -1 })).rejects.toMatchObject({ status: 400 });
  });

  it("can be set from the environment", async () => {
    const config = configFromEnv({ STRIPE_EMULATOR_LATENCY_MS: "20", STRIPE_EMULATOR_ERROR_RATE: "0.25", STRIPE_EMULATOR_RATE_LIMIT_BURST: "3" });
    expect(config.options.faults).toEqual({ latencyMs: 20, errorRate: 0.25, rateLimitBurst: 3 });
    expect(() => configFromEnv({ STRIPE_EMULATOR_TIMEOUT_RATE: "lots" })).toThrow(/STRIPE_EMULATOR_TIMEOUT_RATE/);
  });
});

describe("fault decisions", () => {
  it("apply the configured share of errors", () => {
    const state = createFaultState({ errorRate: 0.3 });
    let seed = 1;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const errors = Array.from({ length: 10_000 }, () => state.decide(undefined, random)).filter((d) => d.kind === "error").length;
    expect(errors / 10_000).toBeGreaterThan(0.27);
    expect(errors / 10_000).toBeLessThan(0.33);
  });

  it("add jitter within its bound", () => {
    const state = createFaultState({ latencyMs: 10, jitterMs: 5 });
    const delays = Array.from({ length: 200 }, () => state.decide(undefined).delayMs);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...delays)).toBeLessThanOrEqual(15);
    expect(new Set(delays).size).toBeGreaterThan(1);
  });
});
