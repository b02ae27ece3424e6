import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Verifies a Keyport webhook in your receiver: copy this file, it depends on nothing but Node.
 *
 * Keyport signs webhooks exactly as Stripe signs its own (https://docs.stripe.com/webhooks#verify-manually):
 *
 *   Keyport-Signature: t=1764000000,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd
 *
 * where v1 is the hex HMAC-SHA256 of `${t}.${rawBody}` under the endpoint's signing secret (the whole
 * `whsec_…` string). So if you already use Stripe's SDK you can also verify with
 * `stripe.webhooks.signature.verifyHeader(rawBody, header, secret)`.
 *
 *   1. Use the RAW body, byte for byte as received: a re-serialised JSON object will not match.
 *   2. Reject timestamps older than the tolerance (default five minutes, as Stripe's libraries), so a
 *      captured request cannot be replayed later. Every retry carries a fresh timestamp and signature.
 *   3. Deliveries can repeat (a replay, or an answer lost on the way back): make handling idempotent
 *      by the event's `id`.
 */
export type VerifyResult =
  | { ok: true; timestamp: number }
  | { ok: false; reason: "malformed_header" | "no_signature" | "signature_mismatch" | "timestamp_out_of_tolerance" };

export function verifyKeyportSignature(
  rawBody: string | Uint8Array,
  header: string | null | undefined,
  secret: string,
  options: { toleranceSeconds?: number; nowSeconds?: number } = {},
): VerifyResult {
  if (!header) return { ok: false, reason: "malformed_header" };
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(",")) {
    const [key, value] = part.trim().split("=", 2);
    if (key === "t" && value && /^\d+$/.test(value)) timestamp = Number(value);
    // Several v1 entries may appear (e.g. while a secret is being rolled); any one may match.
    if (key === "v1" && value && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  if (timestamp === undefined) return { ok: false, reason: "malformed_header" };
  if (signatures.length === 0) return { ok: false, reason: "no_signature" };

  const body = typeof rawBody === "string" ? rawBody : new TextDecoder("utf-8").decode(rawBody);
  const expected = createHmac("sha256", secret).update(`${timestamp}.${body}`, "utf8").digest();
  const matches = signatures.some((signature) => timingSafeEqual(Buffer.from(signature, "hex"), expected));
  if (!matches) return { ok: false, reason: "signature_mismatch" };

  const tolerance = options.toleranceSeconds ?? 300;
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (tolerance > 0 && Math.abs(now - timestamp) > tolerance) return { ok: false, reason: "timestamp_out_of_tolerance" };
  return { ok: true, timestamp };
}
