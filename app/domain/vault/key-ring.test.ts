import { randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { describe, expect, test } from "vitest";
import { generateKeyRingEntry, parseKeyRing } from "./key-ring";
import { VaultError } from "./vault-error";

const keyA = randomBytes(32).toString("base64");
const keyB = randomBytes(32).toString("base64");

function ringError(spec: string): VaultError {
  try {
    parseKeyRing(spec);
  } catch (error) {
    if (error instanceof VaultError) return error;
    throw error;
  }
  throw new Error("expected parseKeyRing to fail");
}

describe("parseKeyRing", () => {
  test("the first key is active and every id is kept in order", () => {
    const ring = parseKeyRing(`2026-09:${keyA},2025-01:${keyB}`);
    expect(ring.activeKeyId).toBe("2026-09");
    expect(ring.keyIds).toEqual(["2026-09", "2025-01"]);
    expect(ring.keys.get("2025-01")?.symmetricKeySize).toBe(32);
  });

  test("spaces and line breaks around entries, as in an env file, are allowed", () => {
    expect(parseKeyRing(` a : ${keyA} ,\n b:${keyB}\n`).keyIds).toEqual(["a", "b"]);
  });

  test("printing or serialising a ring shows ids, never key material", () => {
    const ring = parseKeyRing(`a:${keyA},b:${keyB}`);
    const printed = `${inspect(ring, { depth: 10, showHidden: true })}${JSON.stringify(ring)}`;
    expect(printed).toContain("a");
    for (const key of [keyA, keyB]) {
      expect(printed).not.toContain(key);
      expect(printed).not.toContain(Buffer.from(key, "base64").toString("hex"));
    }
  });

  test.each([
    ["empty", "", /is empty/],
    ["blank", "  \n", /is empty/],
    ["a bare key without an id", keyA, /entry 1 has no ':'/],
    ["a stray comma", `a:${keyA},`, /entry 2 is empty/],
    ["an upper-case id", `Prod:${keyA}`, /entry 1 has an invalid id/],
    ["an id longer than 32 characters", `${"a".repeat(33)}:${keyA}`, /invalid id/],
    ["an empty id", `:${keyA}`, /invalid id/],
    ["a repeated id", `a:${keyA},a:${keyB}`, /'a' appears more than once/],
    ["a key that is not base64", `a:${keyA.slice(0, 40)}!!!=`, /'a' is not valid base64/],
    ["base64url instead of base64", `a:${keyA.slice(0, 40)}-_-=`, /not valid base64/],
    ["a 16-byte key", `a:${randomBytes(16).toString("base64")}`, /'a' is 16 bytes; master keys must be exactly 32 bytes/],
    ["a 64-byte key", `a:${randomBytes(64).toString("base64")}`, /'a' is 64 bytes/],
    ["the same key under two ids", `a:${keyA},b:${keyA}`, /'a' and 'b' are the same key/],
  ])("%s is refused with a message naming the problem and no key material", (_label, spec, problem) => {
    const error = ringError(spec);
    expect(error.code).toBe("invalid_key_ring");
    expect(error.message).toMatch(/^KEYPORT_ENCRYPTION_KEYS: /);
    expect(error.message).toMatch(problem);
    expect(error.message).not.toContain(keyA.slice(0, 12));
    expect(error.message).not.toContain(keyB.slice(0, 12));
  });
});

describe("generateKeyRingEntry", () => {
  test("gives a fresh entry that parses as a ring", () => {
    const first = generateKeyRingEntry("dev");
    const second = generateKeyRingEntry("dev-2");
    expect(first).toMatch(/^dev:[A-Za-z0-9+/]{43}=$/);
    expect(first.slice(4)).not.toBe(second.slice(6));
    expect(parseKeyRing(`${second},${first}`).activeKeyId).toBe("dev-2");
  });

  test("refuses an id the ring would refuse", () => {
    expect(() => generateKeyRingEntry("Dev Key")).toThrow(VaultError);
  });
});
