import { createHash, createHmac } from "node:crypto";
import { describe, expect, test } from "vitest";
import { createSecret } from "~/domain/key/secret";
import { fingerprintCandidates, fingerprintSecret } from "./fingerprint";
import { generateKeyRingEntry, parseKeyRing } from "./key-ring";

const KEY = createSecret("rk_test_51P7qLmZKx0Rk3yT9vBnW4eHs8JdQ2cUaF6gYiO1tXpE5rNjMwVbC7lSzD3hKq9uAo0yGfTxLcRvN2mB8pJk4wHs6eDq1z");
const OTHER = createSecret("rk_test_51P7qLmZKx0Rk3yT9vBnW4eHs8JdQ2cUaF6gYiO1tXpE5rNjMwVbC7lSzD3hKq9uAo0yGfTxLcRvN2mB8pJk4wHs6eDq1y");
const entryOld = generateKeyRingEntry("2025-01");
const entryNew = generateKeyRingEntry("2026-09");

describe("fingerprints", () => {
  test("the same key gives the same fingerprint, a different key another", () => {
    const ring = parseKeyRing(entryOld);
    const first = fingerprintSecret(KEY, ring);
    expect(first).toEqual(fingerprintSecret(createSecret(KEY.reveal()), ring));
    expect(first.keyId).toBe("2025-01");
    expect(first.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprintSecret(OTHER, ring).fingerprint).not.toBe(first.fingerprint);
  });

  test("different master keys give different fingerprints, even under the same id", () => {
    const a = fingerprintSecret(KEY, parseKeyRing(entryOld));
    const b = fingerprintSecret(KEY, parseKeyRing(generateKeyRingEntry("2025-01")));
    expect(a.keyId).toBe(b.keyId);
    expect(a.fingerprint).not.toBe(b.fingerprint);
  });

  test("the HMAC key is derived, not the master key itself, and the result is no plain hash", () => {
    const ring = parseKeyRing(entryOld);
    const master = ring.keys.get("2025-01")!.export();
    const { fingerprint } = fingerprintSecret(KEY, ring);
    expect(fingerprint).not.toBe(createHmac("sha256", master).update(KEY.reveal()).digest("hex"));
    expect(fingerprint).not.toBe(createHash("sha256").update(KEY.reveal()).digest("hex"));
  });

  test("after a rotation the candidates still match a row fingerprinted under the old key", () => {
    const before = fingerprintSecret(KEY, parseKeyRing(entryOld));
    const rotated = parseKeyRing(`${entryNew},${entryOld}`);
    const candidates = fingerprintCandidates(KEY, rotated);
    expect(candidates.map((c) => c.keyId)).toEqual(["2026-09", "2025-01"]);
    expect(candidates[0]).toEqual(fingerprintSecret(KEY, rotated));
    expect(candidates).toContainEqual(before);
    expect(fingerprintCandidates(OTHER, rotated)).not.toContainEqual(before);
  });
});
