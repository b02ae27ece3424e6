import { createHmac, createSecretKey, hkdfSync, type KeyObject } from "node:crypto";
import { type Secret } from "~/domain/key/secret";
import { type KeyRing, masterKey } from "./key-ring";

/*
 * Recognising the same key pasted twice without decrypting anything: HMAC-SHA256 of the key under a
 * fingerprint key DERIVED from a master key with HKDF-SHA256 and its own info label. The master key
 * itself is never used as an HMAC key, so a fingerprint reveals nothing about the key that wraps data
 * keys, and the two uses cannot be confused.
 *
 * A fingerprint depends on the master key it was derived from, so a row stores the fingerprint's key
 * id beside it. After a rotation, rows fingerprinted under an older key still match:
 * `fingerprintCandidates` gives one fingerprint per key in the ring, and a lookup asks for any
 * (keyId, fingerprint) pair among them. New rows use `fingerprintSecret` (the active key).
 *
 * No organisation goes into the HMAC on purpose: the same key pasted into two organisations is exactly
 * what support wants to see.
 */

const HKDF_SALT = "keyport/vault";
const HKDF_INFO = "keyport/vault/fingerprint/v1";

export type SecretFingerprint = { keyId: string; fingerprint: string };

const derivedKeys = new WeakMap<KeyObject, KeyObject>();

function fingerprintKey(master: KeyObject): KeyObject {
  let derived = derivedKeys.get(master);
  if (!derived) {
    const bytes = new Uint8Array(hkdfSync("sha256", master, HKDF_SALT, HKDF_INFO, 32));
    derived = createSecretKey(bytes);
    bytes.fill(0);
    derivedKeys.set(master, derived);
  }
  return derived;
}

function fingerprintUnder(plaintext: Secret, keyRing: KeyRing, keyId: string): SecretFingerprint {
  const hmac = createHmac("sha256", fingerprintKey(masterKey(keyRing, keyId)));
  return { keyId, fingerprint: hmac.update(plaintext.reveal(), "utf8").digest("hex") };
}

/** The fingerprint to store with a new row: under the active master key. */
export function fingerprintSecret(plaintext: Secret, keyRing: KeyRing): SecretFingerprint {
  return fingerprintUnder(plaintext, keyRing, keyRing.activeKeyId);
}

/** One fingerprint per master key in the ring (active first), to match rows written before a rotation. */
export function fingerprintCandidates(plaintext: Secret, keyRing: KeyRing): SecretFingerprint[] {
  return keyRing.keyIds.map((keyId) => fingerprintUnder(plaintext, keyRing, keyId));
}
