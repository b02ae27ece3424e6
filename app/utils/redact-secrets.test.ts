import { describe, expect, it } from "vitest";
import { redactSecrets } from "./redact-secrets";

describe("redacting secrets from logs and audit details", () => {
  it("masks Stripe keys of every kind and Keyport service tokens, keeping the prefix and last four", () => {
    const rk = `rk_live_51${"A".repeat(95)}wxyz`;
    const token = `kpt_${"b-_".repeat(14)}9876`;
    const text = redactSecrets(`key ${rk} and sk_test_abcdefghijklmnop1234 and whsec_abcdefgh12345678 and ${token}`);
    expect(text).not.toContain(rk);
    expect(text).not.toContain(token);
    expect(text).not.toContain("abcdefghijklmnop");
    expect(text).toContain("rk_…wxyz[redacted]");
    expect(text).toContain("kpt_…9876[redacted]");
  });

  it("walks objects and arrays, and leaves everything else alone", () => {
    const value = { nested: [{ key: `rk_test_${"x".repeat(30)}1234` }], count: 3, note: "acct_1ABC is not a secret" };
    expect(redactSecrets(value)).toEqual({ nested: [{ key: "rk_…1234[redacted]" }], count: 3, note: "acct_1ABC is not a secret" });
  });
});
