/**
 * Stripe's error answers, byte for byte where shared/research/stripe-rak.md has them. Every body is
 * `{ error: { code?, doc_url?, message, param?, type } }` with Stripe's alphabetical field order.
 */

export interface StripeErrorFields {
  type: "invalid_request_error" | "api_error";
  message: string;
  code?: string;
  param?: string;
  doc_url?: string;
}

export interface ErrorAnswer {
  status: number;
  body: { error: StripeErrorFields };
}

function answer(status: number, fields: StripeErrorFields): ErrorAnswer {
  const error: StripeErrorFields = {} as StripeErrorFields;
  if (fields.code !== undefined) error.code = fields.code;
  if (fields.doc_url !== undefined) error.doc_url = fields.doc_url;
  error.message = fields.message;
  if (fields.param !== undefined) error.param = fields.param;
  error.type = fields.type;
  return { status, body: { error } };
}

/**
 * Stripe keeps the key's length and prefix and stars the middle. Invalid keys keep the last 4
 * characters: `Invalid API Key provided: pk_test_****…****fyDZ` (flutter-stripe/flutter_stripe
 * #2171, 107 characters in all). Expired keys and 403s keep the last 6:
 * `rk_test_****…qs8Kgd` (stripe/stripe-node #2246: 8 + 93 stars + 6 = 107) and
 * `Expired API Key provided: rk_test_****…6i1euf` (nextjs/saas-starter #99).
 */
export function maskKey(key: string, tail: 4 | 6): string {
  const head = 8; // "rk_test_", "sk_live_"
  if (key.length <= head + tail) {
    // Too short to be a real key: show only a few leading characters.
    const keep = Math.min(3, key.length);
    return key.slice(0, keep) + "*".repeat(key.length - keep);
  }
  return key.slice(0, head) + "*".repeat(key.length - head - tail) + key.slice(-tail);
}

/**
 * No Authorization header. Stripe's long prose message, type invalid_request_error, no code
 * (corroborated by many public fakes and test fixtures quoting the live API; not in the research).
 */
export function noKeyError(): ErrorAnswer {
  return answer(401, {
    type: "invalid_request_error",
    message:
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
  });
}

/** Unknown, mistyped or deleted key: 401, no code (stripe/sync-engine #192; docs.stripe.com/keys). */
export function invalidKeyError(key: string): ErrorAnswer {
  return answer(401, { type: "invalid_request_error", message: `Invalid API Key provided: ${maskKey(key, 4)}` });
}

/** Expired or rolled key: 401 `api_key_expired` (nextjs/saas-starter #99, stripe/vscode-stripe #673). */
export function expiredKeyError(key: string): ErrorAnswer {
  return answer(401, {
    type: "invalid_request_error",
    code: "api_key_expired",
    doc_url: "https://stripe.com/docs/error-codes/api-key-expired",
    message: `Expired API Key provided: ${maskKey(key, 6)}`,
  });
}

/** IP allowlist refusal: 401, surfaced as StripeAuthenticationError (PostHog's test file; research §3). */
export function ipNotAllowedError(): ErrorAnswer {
  return answer(401, {
    type: "invalid_request_error",
    message: "The API key provided does not allow requests from your IP address.",
  });
}

/**
 * Rate limit: 429 with `code: rate_limit`, type invalid_request_error, message "Request rate limit
 * exceeded" (codecombat/codecombat #2588 shows the raw body; research §3).
 */
export function rateLimitError(): ErrorAnswer {
  return answer(429, {
    type: "invalid_request_error",
    code: "rate_limit",
    doc_url: "https://stripe.com/docs/error-codes/rate-limit",
    message: "Request rate limit exceeded",
  });
}

export type PermissionMessageFormat = "legacy" | "modern";

export interface PermissionErrorInput {
  key: string;
  account: string;
  /** Bare permission name, e.g. `customer_read`. */
  permission: string;
  /** The Dashboard label, e.g. `Customers Read`. */
  label: string;
  format: PermissionMessageFormat;
  /** The key's `mk_…` id; only used for the optional edit link. */
  keyId: string;
  editLink: boolean;
}

/**
 * A missing permission: HTTP 403, `type: invalid_request_error` (stripe/stripe-node #2246 shows
 * statusCode 403, rawType invalid_request_error, code undefined, StripePermissionError).
 * - legacy: no code; "Having the 'rak_…' permission would allow this request to continue."
 *   (stripe/stripe-node #2246, verbatim apart from the key and account).
 * - modern: `code: more_permissions_required` (observed live, research §1); "Permission denied. …
 *   Enabling \"Prices Read\" ('plan_read') permissions on this key would allow this request to
 *   continue." (PostHog/posthog test_stripe_source.py), optionally followed by the edit link seen in
 *   another observed copy ("You can edit permissions at https://dashboard.stripe.com/b/acct_1?
 *   destination=%2Fapikeys%2Fmk_1%2Fedit").
 * Both name the account: "on account 'acct_…'".
 */
export function permissionError(input: PermissionErrorInput): ErrorAnswer {
  const provided = `The provided key '${maskKey(input.key, 6)}' does not have the required permissions for this endpoint on account '${input.account}'.`;
  if (input.format === "legacy") {
    return answer(403, {
      type: "invalid_request_error",
      message: `${provided} Having the 'rak_${input.permission}' permission would allow this request to continue.`,
    });
  }
  const link = input.editLink
    ? ` You can edit permissions at https://dashboard.stripe.com/b/${input.account}?destination=${encodeURIComponent(`/apikeys/${input.keyId}/edit`)}`
    : "";
  return answer(403, {
    type: "invalid_request_error",
    code: "more_permissions_required",
    message: `Permission denied. ${provided} Enabling "${input.label}" ('${input.permission}') permissions on this key would allow this request to continue.${link}`,
  });
}

/**
 * An endpoint no restricted key may call (dj-stripe/dj-stripe PR #1131, invertase/stripe-firebase-
 * extensions #445): "This is a restricted API key, but the required permissions are not available
 * for use by restricted keys."
 */
export function rakUnavailableError(key: string, account: string): ErrorAnswer {
  return answer(403, {
    type: "invalid_request_error",
    message: `The provided key '${maskKey(key, 6)}' does not have the required permissions for this endpoint on account '${account}'. This is a restricted API key, but the required permissions are not available for use by restricted keys.`,
  });
}

/**
 * A `Stripe-Account` header naming an account the key cannot act for (PostHog's test file, research
 * §1 format 4; surfaced as a PermissionError, so 403).
 */
export function accountAccessError(key: string, account: string): ErrorAnswer {
  return answer(403, {
    type: "invalid_request_error",
    message: `The provided key '${maskKey(key, 6)}' does not have access to account '${account}' (or that account does not exist). Application access may have been revoked.`,
  });
}

/**
 * Unknown path or method: 404 "Unrecognized request URL (GET: /v1/…). Please see
 * https://stripe.com/docs or we can help at https://support.stripe.com/." (public test code quoting the
 * live API, e.g. a Java SDK test on `/v1/plans/…`; stripe-mock answers the same for unknown routes).
 */
export function unrecognizedUrlError(method: string, path: string): ErrorAnswer {
  return answer(404, {
    type: "invalid_request_error",
    message: `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
  });
}

/**
 * Unknown id after the permission check: 404 `resource_missing`, "No such customer: 'cus_…'",
 * param `id` (research §4: the Saleor fork requires `code === "resource_missing"` and
 * `rawType === "invalid_request_error"`; Polar: "fails with 'no such subscription'"). When the id
 * exists in the other mode Stripe adds a hint (research §3, "a similar object exists in live mode,
 * but a test mode key was used to make this request").
 */
export function resourceMissingError(objectName: string, id: string, otherMode?: "test" | "live"): ErrorAnswer {
  const hint = otherMode
    ? `; a similar object exists in ${otherMode} mode, but a ${otherMode === "live" ? "test" : "live"} mode key was used to make this request.`
    : "";
  return answer(404, {
    type: "invalid_request_error",
    code: "resource_missing",
    doc_url: "https://stripe.com/docs/error-codes/resource-missing",
    message: `No such ${objectName}: '${id}'${hint}`,
    param: "id",
  });
}

/** An injected server failure (fault injection, not a Stripe fidelity claim). */
export function injectedServerError(): ErrorAnswer {
  return answer(500, { type: "api_error", message: "An unknown error occurred (injected by the Stripe emulator)." });
}

/** A request body the emulator cannot parse. */
export function badRequestError(message: string): ErrorAnswer {
  return answer(400, { type: "invalid_request_error", message });
}
