export type VaultErrorCode =
  /** KEYPORT_ENCRYPTION_KEYS is missing or malformed. */
  | "invalid_key_ring"
  /** The record names a master key id that is not in the ring (removed too early after a rotation?). */
  | "unknown_master_key"
  /**
   * Authentication failed, or the record's bytes are not in the sealed layout. AES-GCM cannot tell
   * an altered byte from wrong additional data, so a row moved onto another organisation or
   * connection lands here too: there is deliberately no separate `binding_mismatch`.
   */
  | "tampered"
  /** A record written by a newer (or unknown) layout version. */
  | "unsupported_version";

/** Which part of a sealed record failed. */
export type VaultErrorPart = "record" | "wrapped_data_key" | "ciphertext";

/** Messages name ids and parts, never key material or plaintext. */
export class VaultError extends Error {
  override readonly name = "VaultError";
  readonly code: VaultErrorCode;
  readonly part: VaultErrorPart | undefined;

  constructor(code: VaultErrorCode, message: string, part?: VaultErrorPart) {
    super(message);
    this.code = code;
    this.part = part;
  }
}
