import { isAlphanumeric, readPrefix } from "./key-format";

/** Fewer characters than this after the prefix and nothing of the body is shown. */
const MIN_BODY_TO_HINT = 8;

/**
 * Dashboard-style redaction: the prefix and the last four characters, `rk_live_…wxyz`
 * (dj-stripe's `redact_api_key`, "same algorithm used on the Stripe dashboard").
 * Short or odd values show no characters at all, so a mask never reveals most of what it hides.
 */
export function maskKey(value: string): string {
  const prefix = readPrefix(value)?.prefix ?? "";
  const body = value.slice(prefix.length);
  const last4 = lastFour(body);
  return last4 ? `${prefix}\u2026${last4}` : `${prefix}\u2026`;
}

/** The last four characters of a key body, or undefined when showing them would not be safe. */
export function lastFour(body: string): string | undefined {
  if (body.length < MIN_BODY_TO_HINT) return undefined;
  const last4 = body.slice(-4);
  return isAlphanumeric(last4) ? last4 : undefined;
}
