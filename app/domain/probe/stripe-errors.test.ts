import { describe, expect, it } from "vitest";
import { classifyAuthenticationFailure, readPermissionDenial } from "./stripe-errors";

describe("reading Stripe's 403 messages", () => {
  it("reads the legacy format (stripe/stripe-node#2246)", () => {
    const denial = readPermissionDenial(
      "The provided key 'rk_test_****************************************************************************************************qs8Kgd' does not have the required permissions for this endpoint on account 'acct_1PJBLEBBLEfV'. Having the 'rak_accounts_kyc_id_numbers_read' permission would allow this request to continue.",
    );
    expect(denial).toEqual({ account: "acct_1PJBLEBBLEfV", permission: { name: "accounts_kyc_id_numbers", level: "read" }, notAvailableToRestrictedKeys: false });
  });

  it("reads the newer format (PostHog's recorded error)", () => {
    const denial = readPermissionDenial(
      "Permission denied. The provided key 'rk_live_***j4va7j' does not have the required permissions for this endpoint on account 'acct_123'. Enabling \"Prices Read\" ('plan_read') permissions on this key would allow this request to continue.",
    );
    expect(denial).toEqual({ account: "acct_123", permission: { name: "plan", level: "read" }, notAvailableToRestrictedKeys: false });
  });

  it("reads the newer format with an edit link", () => {
    const denial = readPermissionDenial(
      "Permission denied. The provided key 'rk_test_***abc' does not have the required permissions for this endpoint on account 'acct_1'. Enabling Checkout Sessions Write ('checkout_session_write') permissions on this key would allow this request to continue. You can edit permissions at https://dashboard.stripe.com/b/acct_1?destination=%2Fapikeys%2Fmk_1%2Fedit",
    );
    expect(denial.permission).toEqual({ name: "checkout_session", level: "write" });
  });

  it("recognises endpoints no restricted key may call (dj-stripe#1131)", () => {
    const denial = readPermissionDenial(
      "The provided key 'rk_test_***xyz' does not have the required permissions for this endpoint on account 'acct_9'. This is a restricted API key, but the required permissions are not available for use by restricted keys.",
    );
    expect(denial).toEqual({ account: "acct_9", permission: undefined, notAvailableToRestrictedKeys: true });
  });

  it("returns nothing for messages it cannot read", () => {
    expect(readPermissionDenial(undefined)).toEqual({ account: undefined, permission: undefined, notAvailableToRestrictedKeys: false });
    expect(readPermissionDenial("Something else entirely")).toMatchObject({ account: undefined, permission: undefined });
  });
});

describe("telling 401s apart", () => {
  it("an expired or rolled key", () => {
    expect(classifyAuthenticationFailure({ code: "api_key_expired", message: "Expired API Key provided: rk_test_****6i1euf" })).toBe("expired");
  });
  it("an IP allowlist that excludes us", () => {
    expect(classifyAuthenticationFailure({ message: "The API key provided does not allow requests from your IP address. (1.2.3.4)" })).toBe("ip_not_allowed");
  });
  it("an invalid or deleted key", () => {
    expect(classifyAuthenticationFailure({ message: "Invalid API Key provided: rk_live_****yrW3" })).toBe("invalid");
  });
});
