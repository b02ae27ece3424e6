/**
 * A small typed client over the emulator's admin API, for tests, the dev script and benchmarks.
 *
 *   const admin = createEmulatorAdmin(emulator.url);
 *   const { key, id, account } = await admin.createKey({ mode: "test", permissions: ["customer_read"] });
 */
import { type Faults } from "./faults";
import { type LedgerSnapshot } from "./ledger";

export type EmulatorMode = "test" | "live";
export type PermissionMessageFormat = "legacy" | "modern";

export interface CreateKeyOptions {
  mode: EmulatorMode;
  /** Bare (`customer_read`) or Dashboard (`rak_customer_read`) names. Not for secret keys. */
  permissions?: string[];
  account?: string;
  /** The 403 message format for this key; default: the emulator's. */
  format?: PermissionMessageFormat;
  /** `secret` makes an `sk_` key with full access. Default `restricted`. */
  type?: "restricted" | "secret";
  /** Append the Dashboard edit link to modern 403 messages. */
  editLink?: boolean;
  /** Create the key already expired. */
  expired?: boolean;
  /** Addresses or IPv4 CIDR ranges allowed to use the key; null = any. */
  allowedIps?: string[] | null;
  name?: string;
}

export interface EmulatorKeyInfo {
  id: string;
  type: "restricted" | "secret";
  mode: EmulatorMode;
  account: string;
  last4: string;
  permissions: string[];
  effective: string[];
  format: PermissionMessageFormat | null;
  editLink: boolean;
  expired: boolean;
  allowedIps: string[] | null;
  name: string | null;
  created: number;
}

export interface CreatedKey extends EmulatorKeyInfo {
  /** The plaintext key; only creation returns it. */
  key: string;
}

export interface PermissionEntry {
  name: string;
  label: string;
  group: string;
  routes: string[];
  implies: string[];
  noEndpoint: string | null;
  inferred: string | null;
  source: string;
}

export interface EmulatorHealth {
  ok: true;
  account: string;
  format: PermissionMessageFormat;
  rateLimits: { test: number; live: number } | false;
  routes: number;
  permissions: number;
  pid: number;
  uptimeMs: number;
  cpu: { user: number; system: number };
}

export type { Faults, LedgerSnapshot };

export class EmulatorAdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
    this.name = "EmulatorAdminError";
  }
}

export function createEmulatorAdmin(baseUrl: string) {
  const base = baseUrl.replace(/\/$/, "");

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${base}/_emulator${path}`, {
      method,
      headers: body === undefined ? undefined : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const parsed: unknown = await response.json();
    if (!response.ok) {
      const message = (parsed as { error?: { message?: string } }).error?.message ?? `HTTP ${response.status}`;
      throw new EmulatorAdminError(response.status, `emulator admin ${method} ${path}: ${message}`, parsed);
    }
    return parsed as T;
  }
  const keyPath = (id: string, sub = "") => `/keys/${encodeURIComponent(id)}${sub}`;

  return {
    health: () => call<EmulatorHealth>("GET", "/health"),
    permissions: () => call<PermissionEntry[]>("GET", "/permissions"),
    createKey: (options: CreateKeyOptions) => call<CreatedKey>("POST", "/keys", options),
    listKeys: () => call<EmulatorKeyInfo[]>("GET", "/keys"),
    getKey: (id: string) => call<EmulatorKeyInfo>("GET", keyPath(id)),
    expireKey: (id: string) => call<EmulatorKeyInfo>("POST", keyPath(id, "/expire")),
    deleteKey: (id: string) => call<{ id: string; deleted: true }>("DELETE", keyPath(id)),
    setAllowedIps: (id: string, ips: string[] | null) => call<EmulatorKeyInfo>("PUT", keyPath(id, "/allowed_ips"), { ips }),
    setPermissions: (id: string, permissions: string[]) => call<EmulatorKeyInfo>("PUT", keyPath(id, "/permissions"), { permissions }),
    setFormat: (id: string, format: PermissionMessageFormat | null) => call<EmulatorKeyInfo>("PUT", keyPath(id, "/format"), { format }),
    /** Global faults, or only for one key when `keyId` is given. Replaces the previous ones. */
    setFaults: (faults: Faults, keyId?: string) =>
      keyId === undefined ? call<unknown>("PUT", "/faults", faults) : call<Faults>("PUT", keyPath(keyId, "/faults"), faults),
    /** Clears every fault, or one key's. */
    clearFaults: (keyId?: string) => (keyId === undefined ? call<unknown>("DELETE", "/faults") : call<Faults>("DELETE", keyPath(keyId, "/faults"))),
    /** State changes and request counts; only one key's when `keyId` is given. */
    ledger: (keyId?: string) => call<LedgerSnapshot>("GET", `/ledger${keyId ? `?key=${encodeURIComponent(keyId)}` : ""}`),
    clearLedger: (keyId?: string) => call<LedgerSnapshot>("DELETE", `/ledger${keyId ? `?key=${encodeURIComponent(keyId)}` : ""}`),
    /** Puts an object in the store without a ledger entry (test set-up). */
    createObject: (input: { type: string; mode: EmulatorMode; account?: string; fields?: Record<string, unknown> }) =>
      call<Record<string, unknown> & { id: string; object: string; livemode: boolean }>("POST", "/objects", input),
    /** Clears objects (re-seeded on next use), ledger, rate buckets and faults; keys too unless keepKeys. */
    reset: (options: { keepKeys?: boolean } = {}) => call<{ ok: true }>("POST", "/reset", options),
  };
}

export type EmulatorAdmin = ReturnType<typeof createEmulatorAdmin>;
