import {
  isAlphanumeric,
  type KeyMode,
  type KeyType,
  looksMasked,
  MAX_INPUT_LENGTH,
  MAX_KEY_LENGTH,
  MIN_BODY_LENGTH,
  readPrefix,
} from "./key-format";
import { type KeyRefusal, type KeyRefusalCode, refusal } from "./key-refusals";
import { lastFour } from "./mask-key";
import { normaliseKeyInput } from "./normalise-key-input";
import { createSecret, type Secret } from "./secret";

export type RestrictedKey = {
  type: "restricted";
  mode: KeyMode;
  last4: string;
  secret: Secret;
};

export type ParsedKey = { ok: true; key: RestrictedKey } | { ok: false; refusal: KeyRefusal };

export type ParseKeyOptions = {
  /** Modes the manifest accepts; a key in another mode is refused before any network call. */
  acceptedModes?: readonly KeyMode[];
};

const REFUSAL_FOR_TYPE: Record<Exclude<KeyType, "restricted" | "unknown">, KeyRefusalCode> = {
  secret: "secret_key",
  publishable: "publishable_key",
  sandbox_restricted: "sandbox_key",
  oauth_access: "oauth_token",
  webhook_secret: "webhook_secret",
  account_id: "account_id",
  ephemeral: "ephemeral_key",
};

// Any key-like prefix (the body of a key never contains `_`, so a second match is a second key).
const ANY_PREFIX = /(?:rkcs|whsec|acct|oak|rk|sk|pk|ek)_/g;
const SECRET_KEY = /sk_(test|live)_/;

/**
 * Classifies pasted text before anything is sent anywhere. Never throws; inputs longer than
 * MAX_INPUT_LENGTH are refused before any normalisation or regular expression.
 */
export function parseKey(input: string, options: ParseKeyOptions = {}): ParsedKey {
  const parsed = classify(input);
  if (!parsed.ok || !options.acceptedModes) return parsed;
  const wrongMode = checkKeyMode(parsed.key, options.acceptedModes);
  return wrongMode ? { ok: false, refusal: wrongMode } : parsed;
}

/** A refusal when the manifest does not accept the key's mode, otherwise null. */
export function checkKeyMode(key: Pick<RestrictedKey, "mode" | "last4">, acceptedModes: readonly KeyMode[]): KeyRefusal | null {
  if (acceptedModes.includes(key.mode)) return null;
  return refusal("mode_not_accepted", { type: "restricted", mode: key.mode, last4: key.last4 });
}

function refuse(code: KeyRefusalCode, facts: Parameters<typeof refusal>[1]): ParsedKey {
  return { ok: false, refusal: refusal(code, facts) };
}

function classify(input: unknown): ParsedKey {
  if (typeof input !== "string") return refuse("empty", { type: "unknown" });
  if (input.length > MAX_INPUT_LENGTH) {
    // Too long to look at, but a secret key in a pasted log still has to be rolled. indexOf is linear.
    for (const mode of ["live", "test"] as const) {
      if (input.includes(`sk_${mode}_`)) return refuse("secret_key", { type: "secret", mode });
    }
    return refuse("too_long", { type: "unknown" });
  }

  const value = normaliseKeyInput(input);
  if (value === "") return refuse("empty", { type: "unknown" });

  const prefixCount = value.match(ANY_PREFIX)?.length ?? 0;
  const secretAt = value.search(SECRET_KEY);
  if (secretAt !== -1) {
    // A secret key anywhere in the paste was disclosed, whatever else came with it.
    const secret = readPrefix(value.slice(secretAt));
    const body = value.slice(secretAt + (secret?.prefix.length ?? 0));
    const alone = secretAt === 0 && prefixCount === 1;
    const masked = looksMasked(body);
    const last4 = alone && !masked && isAlphanumeric(body) ? lastFour(body) : undefined;
    return refuse("secret_key", { type: "secret", mode: secret?.mode, last4, masked });
  }
  if (prefixCount > 1) return refuse("multiple_keys", { type: "unknown" });

  const prefix = readPrefix(value);
  if (!prefix) {
    if (prefixCount === 1) return refuse("extra_text", { type: "unknown" });
    return refuse("unrecognised", { type: "unknown" });
  }
  if (value.length > MAX_KEY_LENGTH) return refuse("too_long", { type: prefix.type, mode: prefix.mode });

  const body = value.slice(prefix.prefix.length);
  if (prefix.type !== "restricted") {
    const last4 = isAlphanumeric(body) ? lastFour(body) : undefined;
    return refuse(REFUSAL_FOR_TYPE[prefix.type], { type: prefix.type, mode: prefix.mode, last4 });
  }

  const facts = { type: "restricted", mode: prefix.mode } as const;
  if (!prefix.mode) return refuse("malformed_key", facts);
  if (looksMasked(body)) return refuse("masked_key", facts);
  if (!isAlphanumeric(body)) return refuse("invalid_characters", facts);
  if (body.length < MIN_BODY_LENGTH) return refuse("truncated_key", facts);

  return { ok: true, key: { type: "restricted", mode: prefix.mode, last4: body.slice(-4), secret: createSecret(value) } };
}
