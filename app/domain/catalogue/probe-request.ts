/**
 * Turns a catalogue probe into the concrete request the probe engine sends, filling in the fake
 * object id. Kept apart from the data so the engine's planner needs nothing Stripe-specific.
 */
import { invariant } from "~/utils/invariant";

import { PROBE_ID_PLACEHOLDER, type ProbeParams, type ProbeRequest } from "./types";

/** The marker in every fake id: a request log in Stripe's Dashboard shows who sent it. */
export const PROBE_ID_MARKER = "keyport_probe_";

export type ResolvedProbe = {
  readonly method: ProbeRequest["method"];
  readonly path: string;
  readonly params: ProbeParams;
  readonly expect: ProbeRequest["expect"];
};

/**
 * `nonce` must be random per probe run (letters and digits, 8–64 of them), so that the fake id,
 * e.g. `cus_keyport_probe_k3v9x2m1q8`, can never be the id of a real object.
 */
export function resolveProbe(probe: ProbeRequest, nonce: string): ResolvedProbe {
  invariant(/^[A-Za-z0-9]{8,64}$/.test(nonce), "A probe nonce must be 8–64 letters or digits");
  return {
    method: probe.method,
    path: probe.path.split(PROBE_ID_PLACEHOLDER).join(`${PROBE_ID_MARKER}${nonce}`),
    params: probe.params ?? {},
    expect: probe.expect,
  };
}
