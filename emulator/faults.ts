/**
 * Faults on demand, for reliability tests and benchmarks: added latency, a share of 500s,
 * connection resets, time-outs (the emulator never answers; the client gives up) and bursts of
 * 429s. Faults are global or scoped to one key id; a key's faults override the global ones field by
 * field, so parallel tests on one emulator do not disturb each other.
 */
import { z } from "zod";

const rate = z.number().min(0).max(1);

export const FaultsSchema = z
  .object({
    /** Added to every request, in milliseconds. */
    latencyMs: z.number().int().min(0).max(120_000),
    /** Plus a uniformly random 0…jitterMs. */
    jitterMs: z.number().int().min(0).max(120_000),
    /** Share of requests answered 500 `api_error`. */
    errorRate: rate,
    /** Share of requests whose connection is destroyed without an answer. */
    resetRate: rate,
    /** Share of requests never answered (until the client closes the connection). */
    timeoutRate: rate,
    /** The next N requests are answered 429 `rate_limit`, whatever the bucket says. */
    rateLimitBurst: z.number().int().min(0).max(1_000_000),
  })
  .partial()
  .strict();

export type Faults = z.infer<typeof FaultsSchema>;

export type FaultDecision =
  | { kind: "none"; delayMs: number }
  | { kind: "reset"; delayMs: number }
  | { kind: "timeout"; delayMs: number }
  | { kind: "error"; delayMs: number }
  | { kind: "rate-limit"; delayMs: number };

export interface FaultState {
  set(faults: Faults, keyId?: string): void;
  clear(keyId?: string): void;
  get(keyId?: string): Faults;
  snapshot(): { global: Faults; keys: Record<string, Faults> };
  /** Decide what happens to one request; consumes burst counters. */
  decide(keyId: string | undefined, random?: () => number): FaultDecision;
  /** True when nothing is configured at all (the fast path). */
  readonly idle: boolean;
}

export function createFaultState(initial: Faults = {}): FaultState {
  let global: Faults = { ...initial };
  const scoped = new Map<string, Faults>();
  let idle = isEmpty(global);

  function refresh() {
    idle = isEmpty(global) && [...scoped.values()].every(isEmpty);
  }

  return {
    set(faults, keyId) {
      if (keyId === undefined) global = { ...faults };
      else scoped.set(keyId, { ...faults });
      refresh();
    },
    clear(keyId) {
      if (keyId === undefined) {
        global = {};
        scoped.clear();
      } else {
        scoped.delete(keyId);
      }
      refresh();
    },
    get(keyId) {
      return keyId === undefined ? { ...global } : { ...(scoped.get(keyId) ?? {}) };
    },
    snapshot: () => ({ global: { ...global }, keys: Object.fromEntries([...scoped].map(([id, f]) => [id, { ...f }])) }),
    get idle() {
      return idle;
    },
    decide(keyId, random = Math.random) {
      const own = keyId === undefined ? undefined : scoped.get(keyId);
      const faults: Faults = own ? { ...global, ...own } : global;
      const delayMs = (faults.latencyMs ?? 0) + (faults.jitterMs ? Math.floor(random() * (faults.jitterMs + 1)) : 0);
      // A burst belongs to the scope that set it: the key's own, else the global one.
      const burstOwner = own?.rateLimitBurst !== undefined ? own : global;
      if ((burstOwner.rateLimitBurst ?? 0) > 0) {
        burstOwner.rateLimitBurst = (burstOwner.rateLimitBurst as number) - 1;
        refresh();
        return { kind: "rate-limit", delayMs };
      }
      if (faults.resetRate && random() < faults.resetRate) return { kind: "reset", delayMs };
      if (faults.timeoutRate && random() < faults.timeoutRate) return { kind: "timeout", delayMs };
      if (faults.errorRate && random() < faults.errorRate) return { kind: "error", delayMs };
      return { kind: "none", delayMs };
    },
  };
}

function isEmpty(faults: Faults): boolean {
  return !faults.latencyMs && !faults.jitterMs && !faults.errorRate && !faults.resetRate && !faults.timeoutRate && !faults.rateLimitBurst;
}
