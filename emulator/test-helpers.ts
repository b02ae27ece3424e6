/**
 * Shared set-up for the emulator's own tests: an official stripe-node client pointed at the emulator
 * (the way stripe-node's own tests point at stripe-mock: host, port, protocol "http").
 */
import Stripe from "stripe";

export function stripeFor(key: string, port: number, extra: { timeout?: number } = {}): Stripe {
  return new Stripe(key, {
    host: "127.0.0.1",
    port,
    protocol: "http",
    maxNetworkRetries: 0,
    telemetry: false,
    ...extra,
  });
}

/** Awaits a promise that must reject, and returns the rejection. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the request to fail, but it succeeded");
}
