import { createSecretKey, type KeyObject, randomBytes } from "node:crypto";
import { VaultError } from "./vault-error";

/**
 * The master keys from KEYPORT_ENCRYPTION_KEYS. The first is active (new seals and fingerprints);
 * the others only open, re-wrap and match what was written before a rotation.
 * Key material is held in KeyObjects, which print as `SecretKeyObject { symmetricKeySize: 32 }`
 * and serialise to `{}`, so logging a ring shows ids only.
 */
export type KeyRing = Readonly<{
  activeKeyId: string;
  keyIds: readonly string[];
  keys: ReadonlyMap<string, KeyObject>;
}>;

export const MASTER_KEY_BYTES = 32;
const KEY_ID = /^[a-z0-9-]{1,32}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const FORMAT = "expected `id:base64key[,id:base64key…]`, each key 32 random bytes in base64 (e.g. `openssl rand -base64 32`)";

function fail(problem: string): never {
  throw new VaultError("invalid_key_ring", `KEYPORT_ENCRYPTION_KEYS: ${problem}`);
}

/**
 * Parses `id1:base64key,id2:base64key`. Errors name the entry by position (and by id once the id is
 * known to be well-formed), never the key material: a malformed entry may be a bare key.
 */
export function parseKeyRing(spec: string): KeyRing {
  if (spec.trim() === "") fail(`is empty; ${FORMAT}.`);
  const keys = new Map<string, KeyObject>();
  spec.split(",").forEach((rawEntry, index) => {
    const entry = rawEntry.trim();
    const position = `entry ${index + 1}`;
    if (entry === "") fail(`${position} is empty (a stray comma?); ${FORMAT}.`);
    const colon = entry.indexOf(":");
    if (colon === -1) fail(`${position} has no ':' between its id and its key; ${FORMAT}.`);
    const id = entry.slice(0, colon).trim();
    const encoded = entry.slice(colon + 1).trim();
    if (!KEY_ID.test(id)) fail(`${position} has an invalid id: ids are 1 to 32 characters of a-z, 0-9 and '-'.`);
    if (keys.has(id)) fail(`the id '${id}' appears more than once; ids must be unique.`);
    if (encoded.length % 4 !== 0 || !BASE64.test(encoded)) fail(`the key '${id}' is not valid base64; ${FORMAT}.`);
    const material = Buffer.from(encoded, "base64");
    try {
      if (material.length !== MASTER_KEY_BYTES) {
        fail(`the key '${id}' is ${material.length} bytes; master keys must be exactly ${MASTER_KEY_BYTES} bytes (44 base64 characters).`);
      }
      const key = createSecretKey(material);
      for (const [otherId, other] of keys) {
        if (other.equals(key)) fail(`the keys '${otherId}' and '${id}' are the same key; a new id needs a new key.`);
      }
      keys.set(id, key);
    } finally {
      material.fill(0);
    }
  });
  const keyIds = [...keys.keys()];
  return Object.freeze({ activeKeyId: keyIds[0]!, keyIds: Object.freeze(keyIds), keys });
}

/** A fresh `id:base64key` entry, for development and for introducing a new master key. */
export function generateKeyRingEntry(id: string): string {
  if (!KEY_ID.test(id)) fail("a key id must be 1 to 32 characters of a-z, 0-9 and '-'.");
  return `${id}:${randomBytes(MASTER_KEY_BYTES).toString("base64")}`;
}

export function masterKey(keyRing: KeyRing, id: string): KeyObject {
  const key = keyRing.keys.get(id);
  if (!key) {
    throw new VaultError(
      "unknown_master_key",
      `This record was sealed under master key '${id}', which is not in KEYPORT_ENCRYPTION_KEYS (ids: ${keyRing.keyIds.join(", ")}). Put that key back in the ring until \`vault:rotate\` has re-wrapped every record.`,
    );
  }
  return key;
}
