/**
 * What the emulator saw: every state change (created, updated, deleted, or an action such as
 * cancel) and, per key, how many requests it made and how they were answered. Tests read it to
 * prove that probing changed nothing and to count requests.
 */
import { type Mode } from "./objects";

export type ChangeKind = "created" | "updated" | "deleted" | "action";

export interface LedgerChange {
  seq: number;
  at: string;
  keyId: string;
  account: string;
  mode: Mode;
  method: string;
  path: string;
  change: ChangeKind;
  /** Stripe object type, e.g. `customer`. */
  object: string;
  id: string;
  /** For actions: `cancel`, `capture`, … */
  action?: string;
}

export interface KeyRequestStats {
  total: number;
  byStatus: Record<string, number>;
  byMethod: Record<string, number>;
  /** Client addresses seen, with counts (checked against the key's IP allowlist). */
  clientIps: Record<string, number>;
  /** Requests refused because the client address was not on the key's allowlist. */
  ipDenied: number;
  /** Requests answered 429 by the rate limiter (not by an injected burst). */
  rateLimited: number;
}

export interface LedgerSnapshot {
  changes: LedgerChange[];
  /** Keyed by key id; requests whose key was missing or unknown count under `unknown`. */
  requests: Record<string, KeyRequestStats>;
}

export interface Ledger {
  recordChange(change: Omit<LedgerChange, "seq" | "at">): void;
  recordRequest(keyId: string | undefined, method: string, status: number, clientIp: string): void;
  recordIpDenied(keyId: string): void;
  recordRateLimited(keyId: string): void;
  snapshot(keyId?: string): LedgerSnapshot;
  clear(keyId?: string): void;
}

export const UNKNOWN_KEY = "unknown";

function emptyStats(): KeyRequestStats {
  return { total: 0, byStatus: {}, byMethod: {}, clientIps: {}, ipDenied: 0, rateLimited: 0 };
}

export function createLedger(): Ledger {
  let changes: LedgerChange[] = [];
  const requests = new Map<string, KeyRequestStats>();
  let seq = 0;
  const stats = (keyId: string) => {
    let s = requests.get(keyId);
    if (!s) {
      s = emptyStats();
      requests.set(keyId, s);
    }
    return s;
  };
  return {
    recordChange(change) {
      changes.push({ seq: ++seq, at: new Date().toISOString(), ...change });
    },
    recordRequest(keyId, method, status, clientIp) {
      const s = stats(keyId ?? UNKNOWN_KEY);
      s.total++;
      s.byStatus[status] = (s.byStatus[status] ?? 0) + 1;
      s.byMethod[method] = (s.byMethod[method] ?? 0) + 1;
      s.clientIps[clientIp] = (s.clientIps[clientIp] ?? 0) + 1;
    },
    recordIpDenied: (keyId) => void stats(keyId).ipDenied++,
    recordRateLimited: (keyId) => void stats(keyId).rateLimited++,
    snapshot(keyId) {
      const pick = keyId === undefined ? [...requests] : [...requests].filter(([id]) => id === keyId);
      return {
        changes: (keyId === undefined ? changes : changes.filter((c) => c.keyId === keyId)).map((c) => ({ ...c })),
        requests: Object.fromEntries(pick.map(([id, s]) => [id, structuredClone(s)])),
      };
    },
    clear(keyId) {
      if (keyId === undefined) {
        changes = [];
        requests.clear();
      } else {
        changes = changes.filter((c) => c.keyId !== keyId);
        requests.delete(keyId);
      }
    },
  };
}
