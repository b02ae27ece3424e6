import { createCipheriv, createDecipheriv, type KeyObject, randomBytes } from "node:crypto";
import { z } from "zod";
import { createSecret, type Secret } from "~/domain/key/secret";
import { invariant } from "~/utils/invariant";
import { type KeyRing, masterKey } from "./key-ring";
import { VaultError, type VaultErrorPart } from "./vault-error";

/*
 * Envelope encryption, AES-256-GCM throughout (the model is Nango's GCM: fresh 12-byte IV per value,
 * 16-byte tag, base64; anchors.md §B.1).
 *
 *   secret ──AES-256-GCM(data key, AAD = organisation + connection)──▶ ciphertext
 *   data key (32 random bytes, one per secret) ──AES-256-GCM(master key, AAD = master key id)──▶ wrappedDataKey
 *
 * Both blobs share one byte layout, stored base64 (standard alphabet, padded):
 *
 *   offset 0        1 byte   layout version (0x01)
 *   offset 1       12 bytes  IV (random)
 *   offset 13       n bytes  GCM ciphertext (n = plaintext length; 32 for a wrapped data key)
 *   offset 13+n    16 bytes  GCM tag
 *
 * so a wrapped data key is 61 bytes (84 base64 characters) and a secret of n UTF-8 bytes is 29 + n.
 *
 * Additional authenticated data is a sequence of fields, each a 4-byte big-endian length followed by
 * its UTF-8 bytes, so no two different field lists encode alike (`org "a:b", conn "c"` ≠ `org "a",
 * conn "b:c"`):
 *   data key: ["keyport/vault/data-key", version, masterKeyId]
 *   secret:   ["keyport/vault/secret", version, organisationId, connectionId]
 * The secret's AAD leaves out the master key so that re-wrapping under a new master key
 * (`vault:rotate`) never touches the ciphertext. Swapping wrapped keys between rows fails anyway:
 * another row's data key does not authenticate this ciphertext.
 */

export const SEALED_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES;
const DATA_KEY_BYTES = 32;
const ALGORITHM = "aes-256-gcm";

/** Plain strings and a number: one column each. */
export type SealedSecret = {
  masterKeyId: string;
  wrappedDataKey: string;
  ciphertext: string;
  version: number;
};

/** What a sealed secret belongs to; a record opened under any other binding fails. */
export type SecretBinding = { organisationId: string; connectionId: string };

// Canonical base64 only: any change to the stored text, even one Buffer.from would ignore, is refused.
const base64 = z.string().min(1).refine((value) => Buffer.from(value, "base64").toString("base64") === value);
export const sealedSecretSchema = z.object({
  masterKeyId: z.string().regex(/^[a-z0-9-]{1,32}$/),
  wrappedDataKey: base64,
  ciphertext: base64,
  version: z.number().int(),
});

function authenticatedData(...fields: string[]): Buffer {
  return Buffer.concat(
    fields.flatMap((field) => {
      const bytes = Buffer.from(field, "utf8");
      const length = Buffer.alloc(4);
      length.writeUInt32BE(bytes.length);
      return [length, bytes];
    }),
  );
}

const dataKeyAad = (masterKeyId: string, version: number) => authenticatedData("keyport/vault/data-key", String(version), masterKeyId);
const secretAad = (binding: SecretBinding, version: number) =>
  authenticatedData("keyport/vault/secret", String(version), binding.organisationId, binding.connectionId);

function encrypt(key: KeyObject | Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([SEALED_VERSION]), iv, body, cipher.getAuthTag()]);
}

type Failure = { part: VaultErrorPart; message: string };

/** Returns the plaintext in a fresh buffer the caller must zero; throws `tampered` on any failure. */
function decrypt(key: KeyObject | Buffer, blob: Buffer, aad: Buffer, version: number, failure: Failure): Buffer {
  if (blob.length < HEADER_BYTES + TAG_BYTES + 1 || blob[0] !== version) {
    throw new VaultError("tampered", failure.message, failure.part);
  }
  const decipher = createDecipheriv(ALGORITHM, key, blob.subarray(1, HEADER_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(blob.subarray(blob.length - TAG_BYTES));
  const chunks: Buffer[] = [];
  try {
    chunks.push(decipher.update(blob.subarray(HEADER_BYTES, blob.length - TAG_BYTES)));
    chunks.push(decipher.final());
    return Buffer.concat(chunks);
  } catch {
    throw new VaultError("tampered", failure.message, failure.part);
  } finally {
    // GCM hands out plaintext before the tag is checked; none of it survives a failure.
    for (const chunk of chunks) chunk.fill(0);
  }
}

function readRecord(sealed: SealedSecret, whose: string): SealedSecret {
  const parsed = sealedSecretSchema.safeParse(sealed);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join(".")))].join(", ");
    throw new VaultError("tampered", `The stored secret${whose} is not a sealed record (bad ${fields}).`, "record");
  }
  if (parsed.data.version !== SEALED_VERSION) {
    throw new VaultError(
      "unsupported_version",
      `The stored secret${whose} uses sealed layout version ${parsed.data.version}; this Keyport reads version ${SEALED_VERSION}.`,
      "record",
    );
  }
  return parsed.data;
}

function wrapDataKey(dataKey: Buffer, keyRing: KeyRing): string {
  const id = keyRing.activeKeyId;
  return encrypt(masterKey(keyRing, id), dataKey, dataKeyAad(id, SEALED_VERSION)).toString("base64");
}

function unwrapDataKey(record: SealedSecret, keyRing: KeyRing, whose: string): Buffer {
  const failure: Failure = {
    part: "wrapped_data_key",
    message:
      `The data key of the stored secret${whose} failed authentication under master key '${record.masterKeyId}': ` +
      `the wrapped key or the key id was altered, or KEYPORT_ENCRYPTION_KEYS holds a different key under that id.`,
  };
  const key = masterKey(keyRing, record.masterKeyId);
  const dataKey = decrypt(key, Buffer.from(record.wrappedDataKey, "base64"), dataKeyAad(record.masterKeyId, record.version), record.version, failure);
  if (dataKey.length !== DATA_KEY_BYTES) {
    dataKey.fill(0);
    throw new VaultError("tampered", failure.message, failure.part);
  }
  return dataKey;
}

function checkBinding(binding: SecretBinding): void {
  invariant(typeof binding.organisationId === "string" && binding.organisationId !== "", "A sealed secret needs an organisation id.");
  invariant(typeof binding.connectionId === "string" && binding.connectionId !== "", "A sealed secret needs a connection id.");
}

const whoseSecret = (binding?: SecretBinding) => (binding ? ` for connection '${binding.connectionId}'` : "");

/** Encrypts `plaintext` under a fresh data key, wrapped by the key ring's active master key. */
export function sealSecret({ plaintext, binding, keyRing }: { plaintext: Secret; binding: SecretBinding; keyRing: KeyRing }): SealedSecret {
  checkBinding(binding);
  const text = plaintext.reveal();
  invariant(text.length > 0, "There is no secret to seal.");
  const bytes = Buffer.alloc(Buffer.byteLength(text, "utf8"));
  bytes.write(text, "utf8");
  const dataKey = randomBytes(DATA_KEY_BYTES);
  try {
    return {
      masterKeyId: keyRing.activeKeyId,
      wrappedDataKey: wrapDataKey(dataKey, keyRing),
      ciphertext: encrypt(dataKey, bytes, secretAad(binding, SEALED_VERSION)).toString("base64"),
      version: SEALED_VERSION,
    };
  } finally {
    dataKey.fill(0);
    bytes.fill(0);
  }
}

/**
 * Decrypts a sealed record that belongs to `binding`. Throws VaultError (`unknown_master_key`,
 * `tampered`, `unsupported_version`); a record moved to another organisation or connection is
 * `tampered` with part `ciphertext`, since GCM cannot tell that from an altered byte.
 * The plaintext string itself cannot be zeroed (JavaScript strings are immutable); every buffer is.
 */
export function openSecret(sealed: SealedSecret, binding: SecretBinding, keyRing: KeyRing): Secret {
  checkBinding(binding);
  const whose = whoseSecret(binding);
  const record = readRecord(sealed, whose);
  const dataKey = unwrapDataKey(record, keyRing, whose);
  let bytes: Buffer | undefined;
  try {
    bytes = decrypt(dataKey, Buffer.from(record.ciphertext, "base64"), secretAad(binding, record.version), record.version, {
      part: "ciphertext",
      message:
        `The stored secret${whose} failed authentication: its ciphertext was altered, or the record was moved ` +
        `from another organisation or connection (AES-GCM cannot tell these apart).`,
    });
    return createSecret(bytes.toString("utf8"));
  } finally {
    dataKey.fill(0);
    bytes?.fill(0);
  }
}

/**
 * Re-wraps the data key under the active master key, leaving the ciphertext byte for byte as it was
 * (for `vault:rotate`). Needs the old master key in the ring; never decrypts the secret itself, so it
 * cannot check the binding either. `rewrapped: false` when the record is already under the active key.
 */
export function rewrapDataKey(sealed: SealedSecret, keyRing: KeyRing): { sealed: SealedSecret; rewrapped: boolean } {
  const record = readRecord(sealed, "");
  if (record.masterKeyId === keyRing.activeKeyId) return { sealed: record, rewrapped: false };
  const dataKey = unwrapDataKey(record, keyRing, "");
  try {
    return {
      sealed: { ...record, masterKeyId: keyRing.activeKeyId, wrappedDataKey: wrapDataKey(dataKey, keyRing) },
      rewrapped: true,
    };
  } finally {
    dataKey.fill(0);
  }
}
