import { format, inspect } from "node:util";
import { describe, expect, test } from "vitest";
import { maskKey } from "./mask-key";
import { parseKey } from "./parse-key";
import { createSecret, isSecret } from "./secret";

const KEY = "rk_test_51P7qLmNoPqRsTuVwXyZaBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789aBcDeFgHiJkLmNoPqRsTuVwXyZ01234567wxyz";
const BODY_START = KEY.slice(8, 20);

function parsed() {
  const result = parseKey(KEY);
  if (!result.ok) throw new Error(result.refusal.code);
  return result;
}

describe("a parsed key cannot be printed by accident", () => {
  const ways: Array<[string, () => string]> = [
    ["JSON.stringify of the parse result", () => JSON.stringify(parsed())],
    ["a template string", () => `key=${parsed().key.secret}`],
    ["string concatenation", () => "key=" + parsed().key.secret],
    ["String()", () => String(parsed().key.secret)],
    ["util.inspect, deep and with hidden properties", () => inspect(parsed(), { depth: 20, showHidden: true })],
    ["console.log's formatting (util.format %o, %s, %j)", () => format("%o %s %j", parsed(), parsed().key.secret, parsed())],
    ["Object.entries and spread", () => JSON.stringify([Object.entries(parsed().key.secret), { ...parsed().key.secret }])],
    ["an error message", () => new Error(`probe failed for ${parsed().key.secret}`).message],
  ];

  test.each(ways)("%s shows only the masked form", (_label, render) => {
    const text = render();
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(BODY_START);
    expect(text).toContain("rk_test_\u2026wxyz");
  });

  test("reveal() is the one way to the plaintext", () => {
    expect(parsed().key.secret.reveal()).toBe(KEY);
  });

  test("the wrapper is frozen and recognisable", () => {
    const secret = createSecret(KEY);
    expect(Object.isFrozen(secret)).toBe(true);
    expect(() => Object.assign(secret, { reveal: () => "x" })).toThrow();
    expect(isSecret(secret)).toBe(true);
    expect(isSecret({ ...secret })).toBe(false);
    expect(isSecret(KEY)).toBe(false);
  });
});

describe("maskKey", () => {
  test.each([
    [KEY, "rk_test_\u2026wxyz"],
    ["rk_live_abcdefghijklmnopqrstuvwxyz", "rk_live_\u2026wxyz"],
    ["sk_live_0123456789abcdefghijklmn", "sk_live_\u2026klmn"],
    ["whsec_0123456789abcdef", "whsec_\u2026cdef"],
    ["rk_test_abc", "rk_test_\u2026"],
    ["short", "\u2026"],
    ["rk_live_abcdefgh\u0000\u0001\u0002\u0003", "rk_live_\u2026"],
  ])("%j → %j", (value, masked) => {
    expect(maskKey(value)).toBe(masked);
  });
});
