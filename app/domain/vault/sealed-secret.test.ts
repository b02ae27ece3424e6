import { inspect } from "node:util";
import { describe, expect, test } from "vitest";
import { parseKey } from "~/domain/key/parse-key";
import { createSecret, type Secret } from "~/domain/key/secret";
import { generateKeyRingEntry, parseKeyRing } from "./key-ring";
import { openSecret, rewrapDataKey, type SealedSecret, sealSecret } from "./sealed-secret";
import { VaultError } from "./vault-error";

const PLAINTEXT = "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";
const binding = { organisationId: "org_1", connectionId: "conn_1" };
const entryOld = generateKeyRingEntry("2025-01");
const entryNew = generateKeyRingEntry("2026-09");
const ring = parseKeyRing(entryOld);

function restrictedSecret(): Secret {
  const parsed = parseKey(PLAINTEXT);
  if (!parsed.ok) throw new Error(parsed.refusal.code);
  return parsed.key.secret;
}

function seal(overrides: Partial<Parameters<typeof sealSecret>[0]> = {}): SealedSecret {
  return sealSecret({ plaintext: restrictedSecret(), binding, keyRing: ring, ...overrides });
}

/** Every encoding of the plaintext that could give it away in a stored row or a message. */
const plaintextForms = [
  PLAINTEXT,
  PLAINTEXT.slice(8, 40),
  Buffer.from(PLAINTEXT).toString("base64"),
  Buffer.from(PLAINTEXT).toString("base64url"),
  Buffer.from(PLAINTEXT).toString("hex"),
  Buffer.from(PLAINTEXT.slice(8)).toString("base64").slice(0, 40),
];

function expectNoPlaintext(text: string): void {
  for (const form of plaintextForms) expect(text).not.toContain(form);
}

function vaultError(run: () => unknown): VaultError {
  try {
    run();
  } catch (error) {
    if (error instanceof VaultError) {
      expectNoPlaintext(`${error.message} ${inspect(error)} ${JSON.stringify(error)}`);
      return error;
    }
    throw error;
  }
  throw new Error("expected a VaultError");
}

/** Flips one bit of the byte at `index` (negative counts from the end) of a base64 blob. */
function flip(blob: string, index: number): string {
  const bytes = Buffer.from(blob, "base64");
  const at = index < 0 ? bytes.length + index : index;
  bytes[at] = bytes[at]! ^ 0x01;
  return bytes.toString("base64");
}

describe("seal and open", () => {
  test("a sealed key opens to the same key, still wrapped so it prints masked", () => {
    const opened = openSecret(seal(), binding, ring);
    expect(opened.reveal()).toBe(PLAINTEXT);
    expect(String(opened)).toBe("rk_live_\u2026Dq1z");
  });

  test("the record holds plain strings and a version in the documented layout", () => {
    const sealed = seal();
    expect(sealed).toEqual({ masterKeyId: "2025-01", wrappedDataKey: expect.any(String), ciphertext: expect.any(String), version: 1 });
    const wrapped = Buffer.from(sealed.wrappedDataKey, "base64");
    const ciphertext = Buffer.from(sealed.ciphertext, "base64");
    expect(wrapped.length).toBe(1 + 12 + 32 + 16);
    expect(ciphertext.length).toBe(1 + 12 + Buffer.byteLength(PLAINTEXT) + 16);
    expect(wrapped[0]).toBe(1);
    expect(ciphertext[0]).toBe(1);
  });

  test("no form of the plaintext appears in the sealed record or its decoded bytes", () => {
    const sealed = seal();
    expectNoPlaintext(JSON.stringify(sealed));
    for (const blob of [sealed.wrappedDataKey, sealed.ciphertext]) {
      expect(Buffer.from(blob, "base64").includes(Buffer.from(PLAINTEXT.slice(8, 24)))).toBe(false);
    }
  });

  test("each seal uses a fresh data key and IV", () => {
    const [a, b] = [seal(), seal()];
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(a.wrappedDataKey).not.toBe(b.wrappedDataKey);
  });

  test("sealing checks its inputs", () => {
    expect(() => seal({ binding: { organisationId: "", connectionId: "c" } })).toThrow(/organisation id/);
    expect(() => seal({ binding: { organisationId: "o", connectionId: "" } })).toThrow(/connection id/);
    expect(() => seal({ plaintext: createSecret("") })).toThrow(/no secret/);
  });

  test("any UTF-8 secret survives the round trip", () => {
    const text = "p\u00e4ss \u{1f511} \u05e9\u05dc\u05d5\u05dd";
    expect(openSecret(seal({ plaintext: createSecret(text) }), binding, ring).reveal()).toBe(text);
  });
});

describe("tampering gives a clear VaultError, never a crash or a wrong plaintext", () => {
  const sealed = seal();
  const cases: Array<[string, SealedSecret, string, string | undefined]> = [
    ["a ciphertext byte", { ...sealed, ciphertext: flip(sealed.ciphertext, 20) }, "tampered", "ciphertext"],
    ["the ciphertext's tag", { ...sealed, ciphertext: flip(sealed.ciphertext, -1) }, "tampered", "ciphertext"],
    ["the ciphertext's IV", { ...sealed, ciphertext: flip(sealed.ciphertext, 3) }, "tampered", "ciphertext"],
    ["the ciphertext's version byte", { ...sealed, ciphertext: flip(sealed.ciphertext, 0) }, "tampered", "ciphertext"],
    ["a truncated ciphertext", { ...sealed, ciphertext: Buffer.from(sealed.ciphertext, "base64").subarray(0, 20).toString("base64") }, "tampered", "ciphertext"],
    ["a byte of the wrapped data key", { ...sealed, wrappedDataKey: flip(sealed.wrappedDataKey, 30) }, "tampered", "wrapped_data_key"],
    ["the wrapped data key's tag", { ...sealed, wrappedDataKey: flip(sealed.wrappedDataKey, -1) }, "tampered", "wrapped_data_key"],
    ["the master key id, to an unknown one", { ...sealed, masterKeyId: "2024-01" }, "unknown_master_key", undefined],
    ["the version column", { ...sealed, version: 2 }, "unsupported_version", "record"],
    ["base64 with a character Buffer.from would skip", { ...sealed, ciphertext: `${sealed.ciphertext.slice(0, 10)}!${sealed.ciphertext.slice(10)}` }, "tampered", "record"],
    ["a missing column", { ...sealed, wrappedDataKey: undefined as unknown as string }, "tampered", "record"],
    ["a malformed key id", { ...sealed, masterKeyId: "../../etc" }, "tampered", "record"],
  ];

  test.each(cases)("%s", (_label, record, code, part) => {
    const error = vaultError(() => openSecret(record, binding, ring));
    expect(error.code).toBe(code);
    expect(error.part).toBe(part);
    expect(error.message.length).toBeGreaterThan(30);
  });

  test("the master key id changed to another key in the ring fails on the data key", () => {
    const twoKeys = parseKeyRing(`${entryNew},${entryOld}`);
    const error = vaultError(() => openSecret({ ...seal({ keyRing: twoKeys }), masterKeyId: "2025-01" }, binding, twoKeys));
    expect(error).toMatchObject({ code: "tampered", part: "wrapped_data_key" });
  });

  test("a ring holding a different key under the same id is named as a likely cause", () => {
    const impostor = parseKeyRing(generateKeyRingEntry("2025-01"));
    const error = vaultError(() => openSecret(sealed, binding, impostor));
    expect(error.part).toBe("wrapped_data_key");
    expect(error.message).toMatch(/different key under that id/);
  });

  test("wrapped data keys swapped between two rows do not open either", () => {
    const other = seal({ binding: { organisationId: "org_1", connectionId: "conn_2" } });
    const error = vaultError(() => openSecret({ ...sealed, wrappedDataKey: other.wrappedDataKey }, binding, ring));
    expect(error).toMatchObject({ code: "tampered", part: "ciphertext" });
  });
});

describe("binding to organisation and connection", () => {
  const sealed = seal();

  test.each([
    ["another organisation", { organisationId: "org_2", connectionId: "conn_1" }],
    ["another connection", { organisationId: "org_1", connectionId: "conn_2" }],
    ["ids that concatenate alike", { organisationId: "org_1conn", connectionId: "_1" }],
  ])("a record moved to %s does not open", (_label, moved) => {
    const error = vaultError(() => openSecret(sealed, moved, ring));
    expect(error).toMatchObject({ code: "tampered", part: "ciphertext" });
    expect(error.message).toContain(`connection '${moved.connectionId}'`);
    expect(error.message).toMatch(/moved from another organisation or connection/);
  });
});

describe("rewrapDataKey", () => {
  test("re-wraps under the new active key without touching the ciphertext; the old key can then go", () => {
    const sealed = seal();
    const rotating = parseKeyRing(`${entryNew},${entryOld}`);
    const { sealed: rewrapped, rewrapped: changed } = rewrapDataKey(sealed, rotating);
    expect(changed).toBe(true);
    expect(rewrapped.masterKeyId).toBe("2026-09");
    expect(rewrapped.ciphertext).toBe(sealed.ciphertext);
    expect(rewrapped.wrappedDataKey).not.toBe(sealed.wrappedDataKey);
    expectNoPlaintext(JSON.stringify(rewrapped));

    const newOnly = parseKeyRing(entryNew);
    expect(openSecret(rewrapped, binding, newOnly).reveal()).toBe(PLAINTEXT);
    expect(vaultError(() => openSecret(sealed, binding, newOnly)).code).toBe("unknown_master_key");
  });

  test("a record already under the active key is left as it is", () => {
    const rotating = parseKeyRing(`${entryNew},${entryOld}`);
    const current = seal({ keyRing: rotating });
    expect(rewrapDataKey(current, rotating)).toEqual({ sealed: current, rewrapped: false });
  });

  test("re-wrapping needs the old master key and refuses a tampered data key", () => {
    const sealed = seal();
    expect(vaultError(() => rewrapDataKey(sealed, parseKeyRing(entryNew))).code).toBe("unknown_master_key");
    const rotating = parseKeyRing(`${entryNew},${entryOld}`);
    const error = vaultError(() => rewrapDataKey({ ...sealed, wrappedDataKey: flip(sealed.wrappedDataKey, 20) }, rotating));
    expect(error).toMatchObject({ code: "tampered", part: "wrapped_data_key" });
  });

  test("the unknown-key message names the missing id and the ids present, no key material", () => {
    const error = vaultError(() => openSecret(seal(), binding, parseKeyRing(entryNew)));
    expect(error.message).toContain("'2025-01'");
    expect(error.message).toContain("2026-09");
    expect(error.message).not.toContain(entryNew.slice(8));
    expect(error.message).not.toContain(entryOld.slice(8));
  });
});
