/**
 * The keys the emulator accepts: restricted keys (`rk_test_…`, `rk_live_…`) with permissions, and
 * secret keys (`sk_…`) with full access, each belonging to an account.
 */
import { randomBytes } from "node:crypto";
import { effectivePermissions, toBareName } from "./catalogue";
import { type PermissionMessageFormat } from "./errors";
import { invariant } from "./invariant";
import { type Mode } from "./objects";

export type KeyType = "restricted" | "secret";

export interface KeyRecord {
  /** Stripe's key object id, `mk_…` (the Managed API Keys API and the modern 403's edit link use it). */
  id: string;
  secret: string;
  type: KeyType;
  mode: Mode;
  account: string;
  /** As granted, bare names. */
  permissions: string[];
  /** Grants plus write-implies-read plus implied permissions. */
  effective: Set<string>;
  /** Per-key 403 format; `undefined` follows the emulator's default. */
  format: PermissionMessageFormat | undefined;
  editLink: boolean;
  expired: boolean;
  /** `null`: any address. Entries are IPv4/IPv6 addresses or IPv4 CIDR ranges. */
  allowedIps: string[] | null;
  name: string | undefined;
  created: number;
}

export interface CreateKeyInput {
  mode: Mode;
  type?: KeyType;
  permissions?: string[];
  account?: string;
  format?: PermissionMessageFormat;
  editLink?: boolean;
  expired?: boolean;
  allowedIps?: string[] | null;
  name?: string;
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function randomAlnum(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (let i = 0; i < length; i++) out += ALNUM[(bytes[i] as number) % ALNUM.length];
  return out;
}

/** `acct_1` + 15 alphanumerics, the shape of modern account ids (`acct_1PJBLE…`). */
export function newAccountId(): string {
  return `acct_1${randomAlnum(15)}`;
}

export const ACCOUNT_ID_PATTERN = /^acct_[A-Za-z0-9]{8,32}$/;

/**
 * Modern keys are 107 characters: `rk_test_` + 99 (stripe/stripe-node #2246 masks one as 8 + 93 + 6).
 * They start `51` followed by characters of the account id (`rk_test_51P…` for `acct_1P…`), which
 * we imitate: `51` + the account's 15 characters + random (an inference from public examples).
 */
export function newKeySecret(type: KeyType, mode: Mode, account: string): string {
  const prefix = `${type === "secret" ? "sk" : "rk"}_${mode}_51`;
  const accountPart = account.replace(/^acct_1?/, "").replace(/[^A-Za-z0-9]/g, "").slice(0, 15);
  return prefix + accountPart + randomAlnum(107 - prefix.length - accountPart.length);
}

/** `mk_1` + 23 alphanumerics (key ids are `mk_…`: Infisical's plan, "Stripe key ids look like `mk_...`"). */
function newKeyId(): string {
  return `mk_1${randomAlnum(23)}`;
}

export interface KeyStore {
  create(input: CreateKeyInput, defaultAccount: string): KeyRecord;
  get(id: string): KeyRecord | undefined;
  bySecret(secret: string): KeyRecord | undefined;
  list(): KeyRecord[];
  delete(id: string): boolean;
  clear(): void;
  setPermissions(record: KeyRecord, permissions: string[]): void;
}

export function createKeyStore(): KeyStore {
  const byId = new Map<string, KeyRecord>();
  const bySecret = new Map<string, KeyRecord>();
  return {
    create(input, defaultAccount) {
      const type = input.type ?? "restricted";
      const account = input.account ?? defaultAccount;
      invariant(ACCOUNT_ID_PATTERN.test(account), `not an account id: ${account}`);
      const permissions = [...new Set((input.permissions ?? []).map(toBareName))];
      const record: KeyRecord = {
        id: newKeyId(),
        secret: newKeySecret(type, input.mode, account),
        type,
        mode: input.mode,
        account,
        permissions,
        effective: effectivePermissions(permissions),
        format: input.format,
        editLink: input.editLink ?? false,
        expired: input.expired ?? false,
        allowedIps: input.allowedIps ?? null,
        name: input.name,
        created: Math.floor(Date.now() / 1000),
      };
      byId.set(record.id, record);
      bySecret.set(record.secret, record);
      return record;
    },
    get: (id) => byId.get(id),
    bySecret: (secret) => bySecret.get(secret),
    list: () => [...byId.values()],
    delete(id) {
      const record = byId.get(id);
      if (!record) return false;
      byId.delete(id);
      bySecret.delete(record.secret);
      return true;
    },
    clear() {
      byId.clear();
      bySecret.clear();
    },
    setPermissions(record, permissions) {
      record.permissions = [...new Set(permissions.map(toBareName))];
      record.effective = effectivePermissions(record.permissions);
    },
  };
}

/** `::ffff:127.0.0.1` → `127.0.0.1`. */
export function normalizeIp(address: string | undefined): string {
  if (!address) return "";
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}

function ipv4ToInt(ip: string): number | undefined {
  const parts = ip.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

/** Whether `ip` matches an allowlist entry: an exact address, or an IPv4 CIDR range. */
export function ipAllowed(ip: string, allowlist: readonly string[]): boolean {
  for (const entry of allowlist) {
    if (entry === ip) return true;
    const slash = entry.indexOf("/");
    if (slash === -1) continue;
    const base = ipv4ToInt(entry.slice(0, slash));
    const bits = Number(entry.slice(slash + 1));
    const address = ipv4ToInt(ip);
    if (base === undefined || address === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) continue;
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    if (((base & mask) >>> 0) === ((address & mask) >>> 0)) return true;
  }
  return false;
}

export function isValidAllowlistEntry(entry: string): boolean {
  const [address, bits] = entry.split("/");
  if (address === undefined) return false;
  const isV4 = ipv4ToInt(address) !== undefined;
  const isV6 = /^[0-9a-fA-F:]+$/.test(address) && address.includes(":");
  if (bits === undefined) return isV4 || isV6;
  return isV4 && /^\d{1,2}$/.test(bits) && Number(bits) <= 32;
}

/** Loopback callers only, for the admin API. */
export function isLoopback(address: string | undefined): boolean {
  const ip = normalizeIp(address);
  return ip === "::1" || ip.startsWith("127.");
}
