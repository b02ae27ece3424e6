/**
 * What a Stripe key string looks like. Sources: ../shared/research/stripe-rak.md §6 (Stripe's docs on
 * key prefixes, stripe-cli validate.go and scrub.go, dj-stripe's API_KEY_REGEX, secret scanners).
 */

export const KEY_MODES = ["test", "live"] as const;
export type KeyMode = (typeof KEY_MODES)[number];

/** What a pasted string turned out to be, from its prefix. */
export type KeyType =
  | "restricted" // rk_test_ / rk_live_: the only kind Keyport accepts
  | "secret" // sk_: full access to the account
  | "publishable" // pk_: public, cannot read data
  | "sandbox_restricted" // rkcs_: a claimable sandbox's key (stripe-cli accepts sk|rk|rkcs)
  | "oauth_access" // oak_: an OAuth access key (stripe-cli scrub.go)
  | "webhook_secret" // whsec_: webhook signing secret
  | "account_id" // acct_: an account identifier, not a credential
  | "ephemeral" // ek_: short-lived key for one customer in a mobile SDK
  | "unknown";

// Longer prefixes first where one could be read as another (none overlap today, but keep it safe).
export const TYPE_PREFIXES: ReadonlyArray<readonly [prefix: string, type: Exclude<KeyType, "unknown">]> = [
  ["rkcs_", "sandbox_restricted"],
  ["whsec_", "webhook_secret"],
  ["acct_", "account_id"],
  ["oak_", "oauth_access"],
  ["rk_", "restricted"],
  ["sk_", "secret"],
  ["pk_", "publishable"],
  ["ek_", "ephemeral"],
];

/**
 * Bounds on the part after `rk_test_` / `rk_live_`.
 * - At least 24: the oldest keys had exactly 24 alphanumerics (secret scanners match `{24}`,
 *   dj-stripe's regex is `{24,}`); anything shorter was cut off when copied.
 * - At most 247: Stripe publishes no maximum. Modern keys carry about 99 characters (107 in all);
 *   247 keeps the whole key within 255 characters (a VARCHAR(255) and a sane form field) while
 *   leaving more than twice today's length as headroom if Stripe lengthens keys. This is the
 *   bound recommended in stripe-rak.md §6.
 * - Letters and digits only: Stripe's key bodies are alphanumeric; an `_` inside the body means two
 *   keys or a key plus text were glued together.
 */
export const MIN_BODY_LENGTH = 24;
export const MAX_BODY_LENGTH = 247;
export const MAX_KEY_LENGTH = "rk_live_".length + MAX_BODY_LENGTH; // 255

/**
 * Raw input beyond this is refused before any normalisation or regular expression runs. A key with
 * quotes, `Bearer `, line breaks and stray spaces from a copy is still well under 1 000 characters.
 */
export const MAX_INPUT_LENGTH = 4096;

/** Characters dashboards and error messages use to mask a key (`rk_live_****…abcd`, `••••`). */
export function looksMasked(value: string): boolean {
  return value.includes("*") || value.includes("\u2022") || value.includes("\u2026") || value.includes("...");
}

export function isAlphanumeric(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const digit = c >= 48 && c <= 57;
    const upper = c >= 65 && c <= 90;
    const lower = c >= 97 && c <= 122;
    if (!digit && !upper && !lower) return false;
  }
  return true;
}

export type KeyPrefix = { type: Exclude<KeyType, "unknown">; mode: KeyMode | undefined; prefix: string };

/** Reads the type (and mode, when present) from the start of `value`, e.g. `rk_live_` → restricted/live. */
export function readPrefix(value: string): KeyPrefix | undefined {
  for (const [typePrefix, type] of TYPE_PREFIXES) {
    if (!value.startsWith(typePrefix)) continue;
    for (const mode of KEY_MODES) {
      if (value.startsWith(`${mode}_`, typePrefix.length)) {
        return { type, mode, prefix: `${typePrefix}${mode}_` };
      }
    }
    return { type, mode: undefined, prefix: typePrefix };
  }
  return undefined;
}
