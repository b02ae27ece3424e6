/**
 * Reading Stripe's error answers to a restricted key. The formats and their sources are in
 * shared/research/stripe-rak.md (§1 for 403, §3 for 401): a 403 is a missing permission whatever
 * its `code` (the legacy format has none, the newer one `more_permissions_required`), and both
 * formats name the account.
 */

const ACCOUNT_IN_MESSAGE = /on account '(acct_[A-Za-z0-9]+)'/;
// Legacy: "Having the 'rak_charge_read' permission would allow this request to continue."
const LEGACY_PERMISSION = /Having the '(?:rak_)?([a-z0-9_]+)_(read|write)' permission/;
// Newer: "Enabling \"Prices Read\" ('plan_read') permissions on this key would allow …"
const MODERN_PERMISSION = /\('(?:rak_)?([a-z0-9_]+)_(read|write)'\) permissions? on this key/;

export interface PermissionDenial {
  account?: string;
  /** The grant Stripe says would allow the request, when the message names one. */
  permission?: { name: string; level: "read" | "write" };
  /** "This is a restricted API key, but the required permissions are not available for use by restricted keys." */
  notAvailableToRestrictedKeys: boolean;
}

export function readPermissionDenial(message: string | undefined): PermissionDenial {
  const text = message ?? "";
  const account = ACCOUNT_IN_MESSAGE.exec(text)?.[1];
  const match = MODERN_PERMISSION.exec(text) ?? LEGACY_PERMISSION.exec(text);
  return {
    account,
    permission: match ? { name: match[1]!, level: match[2] as "read" | "write" } : undefined,
    notAvailableToRestrictedKeys: /not available for use by restricted keys/.test(text),
  };
}

export type KeyAuthenticationFailure = "invalid" | "expired" | "ip_not_allowed";

/** Tells the 401s apart: deleted/mistyped key, expired or rolled key, or an IP allowlist that excludes us. */
export function classifyAuthenticationFailure(answer: { code?: string; message?: string }): KeyAuthenticationFailure {
  if (answer.code === "api_key_expired" || /^Expired API Key provided/.test(answer.message ?? "")) return "expired";
  if (/does not allow requests from your IP address/.test(answer.message ?? "")) return "ip_not_allowed";
  return "invalid";
}
