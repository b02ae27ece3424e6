import { randomBytes } from "node:crypto";
import { parseKey } from "~/domain/key/parse-key";
import type { Secret } from "~/domain/key/secret";
import type { Manifest } from "~/domain/manifest/manifest";
import type { KeyCheckReport } from "~/domain/report/report";
import { judge, refusalReport } from "./judge";
import { planProbe } from "./plan-probe";
import { runProbe, type RunOptions } from "./run-probe";

/**
 * The one path a pasted key travels, for every caller (web page, command line, vendor API):
 * parse (refusing sk_/pk_/malformed keys and unaccepted modes before any network call), plan from
 * manifest × catalogue, probe Stripe without changing anything, judge. Returns the report and, only
 * when the key is a well-formed restricted key, its secret for the caller to seal; the plaintext
 * never leaves memory.
 */
export interface CheckKeyOptions extends RunOptions {
  fullScan?: boolean;
  now?: () => Date;
}

export interface KeyCheckResult {
  report: KeyCheckReport;
  /** Present when the key was probed; the caller stores it only if the verdict is `accepted`. */
  secret?: Secret;
}

export async function checkKey(pasted: string, manifest: Manifest, options: CheckKeyOptions): Promise<KeyCheckResult> {
  const now = options.now ?? (() => new Date());
  const parsed = parseKey(pasted, { acceptedModes: manifest.modes });
  if (!parsed.ok) return { report: refusalReport(parsed.refusal, { manifest, checkedAt: now() }) };
  return checkParsedKey(parsed.key.secret, { mode: parsed.key.mode, last4: parsed.key.last4 }, manifest, options);
}

/** The probe and judgement alone, for a key already parsed (health checks re-probe stored keys this way). */
export async function checkParsedKey(
  secret: Secret,
  key: { mode: "test" | "live"; last4: string },
  manifest: Manifest,
  options: CheckKeyOptions,
): Promise<KeyCheckResult> {
  const now = options.now ?? (() => new Date());
  const plan = planProbe(manifest, { mode: key.mode, nonce: randomBytes(9).toString("hex"), fullScan: options.fullScan });
  const outcome = await runProbe(secret, plan, options);
  return { report: judge(outcome, { manifest, checkedAt: now(), key }), secret };
}
