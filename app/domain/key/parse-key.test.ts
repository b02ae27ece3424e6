import { describe, expect, test } from "vitest";
import { checkKeyMode, parseKey, type ParsedKey } from "./parse-key";

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A deterministic key-shaped string: `prefix` + `length` alphanumerics ending in `end`. */
function fakeKey(prefix: string, length = 99, end = "Wx9z"): string {
  let body = "";
  for (let i = 0; body.length < length - end.length; i++) body += ALPHANUMERIC[(i * 7 + 3) % ALPHANUMERIC.length];
  return `${prefix}${body}${end}`;
}

function refusalOf(result: ParsedKey) {
  if (result.ok) throw new Error(`expected a refusal, got an accepted ${result.key.mode} key`);
  return result.refusal;
}

function acceptedOf(result: ParsedKey) {
  if (!result.ok) throw new Error(`expected an accepted key, got ${result.refusal.code}`);
  return result.key;
}

/** Everything a refusal could show a customer. */
function shownText(result: ParsedKey): string {
  return JSON.stringify(result);
}

const TEST_KEY = fakeKey("rk_test_51");
const LIVE_KEY = fakeKey("rk_live_51");

describe("accepted restricted keys", () => {
  test("a modern test-mode key is accepted with its mode and last four characters", () => {
    const key = acceptedOf(parseKey(TEST_KEY));
    expect(key).toMatchObject({ type: "restricted", mode: "test", last4: "Wx9z" });
    expect(key.secret.reveal()).toBe(TEST_KEY);
  });

  test("a live-mode key is read as live", () => {
    expect(acceptedOf(parseKey(LIVE_KEY)).mode).toBe("live");
  });

  test("the old 24-character body is the shortest accepted; one fewer is a cut-off key", () => {
    expect(acceptedOf(parseKey(fakeKey("rk_live_", 24))).last4).toBe("Wx9z");
    expect(refusalOf(parseKey(fakeKey("rk_live_", 23))).code).toBe("truncated_key");
  });

  test("a 247-character body (255 in all) is accepted; 248 is too long", () => {
    expect(parseKey(fakeKey("rk_test_", 247)).ok).toBe(true);
    const refused = refusalOf(parseKey(fakeKey("rk_test_", 248)));
    expect(refused).toMatchObject({ code: "too_long", type: "restricted", mode: "test" });
  });
});

describe("normalisation of pasted text", () => {
  const variants: Array<[string, string]> = [
    ["surrounding spaces and a trailing newline", `  ${TEST_KEY}\n`],
    ["Windows line ending", `${TEST_KEY}\r\n`],
    ["straight double quotes", `"${TEST_KEY}"`],
    ["straight single quotes", `'${TEST_KEY}'`],
    ["curly double quotes", `\u201c${TEST_KEY}\u201d`],
    ["curly single quotes", `\u2018${TEST_KEY}\u2019`],
    ["backticks from Markdown", `\`${TEST_KEY}\``],
    ["a leading Bearer", `Bearer ${TEST_KEY}`],
    ["a lower-case bearer with a tab", `bearer\t${TEST_KEY}`],
    ["a whole Authorization header", `Authorization: Bearer ${TEST_KEY}`],
    ["quotes around Bearer", `"Bearer ${TEST_KEY}"`],
    ["a curl -u value with its trailing colon", `"${TEST_KEY}:"`],
    ["line breaks inside from mail wrapping", `${TEST_KEY.slice(0, 40)}\n${TEST_KEY.slice(40, 80)}\r\n${TEST_KEY.slice(80)}`],
    ["spaces inside from a chat", `${TEST_KEY.slice(0, 50)} ${TEST_KEY.slice(50)}`],
    ["a non-breaking space", `\u00a0${TEST_KEY}\u00a0`],
    ["zero-width spaces and joiners", `\u200b${TEST_KEY.slice(0, 30)}\u200d${TEST_KEY.slice(30)}\u200c`],
    ["a byte-order mark", `\ufeff${TEST_KEY}`],
    ["right-to-left marks and embeddings", `\u200f\u202b${TEST_KEY}\u202c\u200e`],
  ];

  test.each(variants)("%s is undone", (_label, pasted) => {
    expect(acceptedOf(parseKey(pasted)).secret.reveal()).toBe(TEST_KEY);
  });
});

describe("refusals", () => {
  test("a live secret key is refused: create a restricted key, and roll the disclosed one", () => {
    const secretKey = fakeKey("sk_live_51");
    const refused = refusalOf(parseKey(secretKey));
    expect(refused).toMatchObject({ code: "secret_key", type: "secret", mode: "live", last4: "Wx9z" });
    expect(refused.message).toMatch(/not a restricted key/);
    expect(refused.message).toMatch(/roll it/);
    const steps = refused.guidance?.join("\n") ?? "";
    expect(steps).toMatch(/Roll key/);
    expect(steps).toContain("https://dashboard.stripe.com/apikeys");
    expect(steps).toMatch(/Create restricted key/);
    expect(steps).toContain("rk_live_");
    expect(shownText(parseKey(secretKey))).not.toContain(secretKey.slice(-5));
  });

  test("a test secret key points at the test-mode API keys page", () => {
    const refused = refusalOf(parseKey(fakeKey("sk_test_")));
    expect(refused).toMatchObject({ code: "secret_key", mode: "test" });
    expect(refused.message).toMatch(/sandbox/);
    expect(refused.guidance?.join("\n")).toContain("https://dashboard.stripe.com/test/apikeys");
  });

  test("a secret key pasted with other text is still recognised, without showing any of it", () => {
    const secretKey = fakeKey("sk_live_");
    const refused = refusalOf(parseKey(`${TEST_KEY}\n${secretKey}`));
    expect(refused).toMatchObject({ code: "secret_key", mode: "live" });
    expect(refused.last4).toBeUndefined();
  });

  test("a secret key inside a paste too long to inspect is still refused as a secret key", () => {
    const refused = refusalOf(parseKey(`${"log line\n".repeat(1000)}${fakeKey("sk_live_")}`));
    expect(refused).toMatchObject({ code: "secret_key", mode: "live" });
  });

  test("only the masked form of a secret key asks for a restricted key but not for a roll", () => {
    const refused = refusalOf(parseKey("sk_live_****************************************abcd"));
    expect(refused.code).toBe("secret_key");
    expect(refused.message).toMatch(/masked/);
    expect(refused.guidance?.join("\n")).not.toMatch(/Roll/);
  });

  test("a publishable key is explained as the wrong kind", () => {
    const refused = refusalOf(parseKey(fakeKey("pk_live_")));
    expect(refused).toMatchObject({ code: "publishable_key", type: "publishable", mode: "live", last4: "Wx9z" });
    expect(refused.message).toMatch(/publishable key/);
    expect(refused.message).toMatch(/public/);
    expect(refused.message).toMatch(/cannot read your Stripe data/);
  });

  test.each([
    ["rkcs_test_", "sandbox_key", "sandbox_restricted", /claimable sandbox/],
    ["oak_", "oauth_token", "oauth_access", /OAuth access key/],
    ["whsec_", "webhook_secret", "webhook_secret", /webhook signing secret/],
    ["acct_", "account_id", "account_id", /account ID/],
    ["ek_test_", "ephemeral_key", "ephemeral", /ephemeral key/],
  ] as const)("%s is explained for what it is", (prefix, code, type, explanation) => {
    const refused = refusalOf(parseKey(fakeKey(prefix, 32)));
    expect(refused).toMatchObject({ code, type });
    expect(refused.message).toMatch(explanation);
    expect(refused.message).toMatch(/restricted key/);
  });

  test("an account id is not a credential, so its last four may be shown", () => {
    const refused = refusalOf(parseKey("acct_1Owb3gDVEbfTGILq"));
    expect(refused.message).toContain("acct_\u2026GILq");
  });

  test.each([
    ["the same key twice on two lines", `${TEST_KEY}\n${TEST_KEY}`],
    ["the same key twice glued together", `${TEST_KEY}${TEST_KEY}`],
    ["two different keys", `${TEST_KEY} ${LIVE_KEY}`],
    ["an account id with the key", `acct_1Owb3gDVEbfTGILq ${TEST_KEY}`],
  ])("%s is refused as more than one key", (_label, pasted) => {
    expect(refusalOf(parseKey(pasted)).code).toBe("multiple_keys");
  });

  test("an environment-file line is refused as extra text before the key", () => {
    expect(refusalOf(parseKey(`STRIPE_KEY=${TEST_KEY}`)).code).toBe("extra_text");
  });

  test.each([
    ["Stripe's masked form in errors", `rk_live_${"*".repeat(93)}i1euf6`],
    ["a dashboard ellipsis", "rk_live_51P\u2026Wx9z"],
    ["three dots", "rk_test_51P...Wx9z"],
    ["bullets", "rk_test_\u2022\u2022\u2022\u2022\u2022\u2022\u2022\u2022Wx9z"],
  ])("%s is refused as a masked key", (_label, pasted) => {
    const refused = refusalOf(parseKey(pasted));
    expect(refused).toMatchObject({ code: "masked_key", type: "restricted" });
    expect(refused.last4).toBeUndefined();
  });

  test("copying a live key again is not always possible, so its guidance also offers a new key", () => {
    const live = refusalOf(parseKey(fakeKey("rk_live_", 12))).guidance?.join("\n") ?? "";
    expect(live).toMatch(/only once/);
    expect(live).toMatch(/Create restricted key/);
    const testMode = refusalOf(parseKey(fakeKey("rk_test_", 12))).guidance?.join("\n") ?? "";
    expect(testMode).toContain("https://dashboard.stripe.com/test/apikeys");
    expect(testMode).not.toMatch(/only once/);
  });

  test("an unknown mode after rk_ is malformed", () => {
    expect(refusalOf(parseKey(fakeKey("rk_prod_"))).code).toBe("malformed_key");
    expect(refusalOf(parseKey(fakeKey("rk_"))).code).toBe("malformed_key");
  });

  test.each([
    ["a Cyrillic look-alike letter", `${TEST_KEY.slice(0, 40)}\u0430${TEST_KEY.slice(41)}`],
    ["a hyphen", `${TEST_KEY.slice(0, 40)}-${TEST_KEY.slice(41)}`],
    ["a NUL", `${TEST_KEY.slice(0, 40)}\u0000${TEST_KEY.slice(41)}`],
    ["a trailing full stop", `${TEST_KEY}.`],
  ])("a restricted key with %s is refused for its characters", (_label, pasted) => {
    const refused = refusalOf(parseKey(pasted));
    expect(refused).toMatchObject({ code: "invalid_characters", type: "restricted", mode: "test" });
    expect(shownText(parseKey(pasted))).not.toContain(TEST_KEY.slice(-4));
  });

  test.each(["hello", "12345678901234567890123456789012", "\u05e9\u05dc\u05d5\u05dd", "Bearer token"])("%j is not a Stripe key", (pasted) => {
    expect(refusalOf(parseKey(pasted))).toMatchObject({ code: "unrecognised", type: "unknown" });
  });

  test.each(["", "   \n\t", "\"\"", "\u201c\u201d", "\u200b\u200b", "Bearer  "])("%j is refused as empty", (pasted) => {
    expect(refusalOf(parseKey(pasted)).code).toBe("empty");
  });

  test("a value that is not a string (from untyped callers) is refused, not thrown on", () => {
    expect(refusalOf(parseKey(undefined as unknown as string)).code).toBe("empty");
  });

  test("an input longer than any paste of a key is refused without being looked at", () => {
    expect(refusalOf(parseKey("a".repeat(5000))).code).toBe("too_long");
  });
});

describe("mode", () => {
  test("a live key is refused before probing when the manifest accepts only test mode", () => {
    const refused = refusalOf(parseKey(LIVE_KEY, { acceptedModes: ["test"] }));
    expect(refused).toMatchObject({ code: "mode_not_accepted", type: "restricted", mode: "live", last4: "Wx9z" });
    expect(refused.message).toMatch(/live-mode key/);
    expect(refused.message).toMatch(/only test-mode \(sandbox\) keys/);
    expect(refused.guidance?.join("\n")).toContain("https://dashboard.stripe.com/test/apikeys");
  });

  test("a test key is refused when only live mode is accepted, naming live mode", () => {
    expect(refusalOf(parseKey(TEST_KEY, { acceptedModes: ["live"] })).message).toMatch(/only live-mode keys/);
  });

  test("a key in an accepted mode passes", () => {
    expect(parseKey(LIVE_KEY, { acceptedModes: ["test", "live"] }).ok).toBe(true);
    const key = acceptedOf(parseKey(TEST_KEY));
    expect(checkKeyMode(key, ["test"])).toBeNull();
    expect(checkKeyMode(key, ["live"])?.code).toBe("mode_not_accepted");
  });

  test("the kind of key is judged before its mode", () => {
    expect(refusalOf(parseKey(fakeKey("sk_live_"), { acceptedModes: ["test"] })).code).toBe("secret_key");
  });
});

describe("refusal messages", () => {
  test("every refusal has its own code and a message that never repeats the key", () => {
    const inputs = [
      "", "x".repeat(5000), fakeKey("sk_live_"), fakeKey("pk_test_"), fakeKey("rkcs_test_"), fakeKey("oak_"),
      fakeKey("whsec_"), fakeKey("acct_"), fakeKey("ek_live_"), `${TEST_KEY}${TEST_KEY}`, `x=${TEST_KEY}`,
      "rk_live_****abcd", fakeKey("rk_test_", 10), fakeKey("rk_beta_"), `${TEST_KEY}!`, "hello",
    ];
    const codes = new Set<string>();
    for (const input of inputs) {
      const result = parseKey(input);
      const refused = refusalOf(result);
      codes.add(refused.code);
      expect(refused.message.length).toBeGreaterThan(20);
      // The body before the last four never appears (a 5-character window is enough to tell).
      const body = input.slice(input.lastIndexOf("_") + 1, -4);
      for (let i = 0; i + 5 <= body.length; i += 5) expect(shownText(result)).not.toContain(body.slice(i, i + 5));
    }
    codes.add(refusalOf(parseKey(LIVE_KEY, { acceptedModes: ["test"] })).code);
    expect(codes.size).toBe(inputs.length + 1);
  });
});
