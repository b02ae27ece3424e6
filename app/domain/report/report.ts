import type { CategoryId, LevelOrNone, Mode } from "~/domain/catalogue/catalogue";
import type { KeyType } from "~/domain/key/key-format";
import type { KeyRefusalCode } from "~/domain/key/key-refusals";

/**
 * The one result of a key check, rendered in the terminal, as JSON, and as a page. It never holds
 * key material: only the key's type, mode and last four characters.
 */
export type Verdict = "accepted" | "rejected" | "inconclusive";

export type Granted = LevelOrNone | "unknown";

/**
 * - `ok`: the key grants what is needed (and nothing dangerous);
 * - `missing`: nothing granted where the vendor needs access;
 * - `insufficient`: read where write is needed;
 * - `excess_write`: write where read is enough;
 * - `excess_access`: a sensitive permission the vendor does not need at all;
 * - `unknown`: Keyport asked but could not tell (Stripe unreachable, an answer it cannot interpret);
 * - `unverified`: no request can check this safely (the catalogue says why).
 */
export type Finding = "ok" | "missing" | "insufficient" | "excess_write" | "excess_access" | "unknown" | "unverified";

export interface PermissionReport {
  /** Bare catalogue name, e.g. `customer`. */
  permission: string;
  label: string;
  category: CategoryId;
  /** "Core › Customers": where the customer finds the row in the Dashboard. */
  dashboardRow: string;
  required: LevelOrNone;
  granted: Granted;
  finding: Finding;
  sensitive: boolean;
  /** Plain words on anything worth knowing about this row (why unverified, where access may come from). */
  note?: string;
}

/** A refused key keeps the parser's own code (`secret_key`, `mode_not_accepted` …). */
export type ProblemCode =
  | KeyRefusalCode
  | "key_invalid"
  | "key_expired"
  | "ip_not_allowed"
  | "missing_permission"
  | "insufficient_permission"
  | "excess_write"
  | "excess_access"
  | "could_not_check"
  | "unknown_permission"
  | "unverified_permission";

export interface Problem {
  code: ProblemCode;
  /** "error" decides the verdict; "warning" is worth fixing but does not block. */
  severity: "error" | "warning";
  message: string;
  /** The catalogue name the problem is about, when it is about one row. */
  permission?: string;
  /** The exact change to make in the Stripe Dashboard. */
  fix?: string;
  /** Further steps, e.g. how to roll a disclosed secret key. */
  guidance?: readonly string[];
}

export interface KeyCheckReport {
  verdict: Verdict;
  /** One sentence for the customer. */
  summary: string;
  key: { type: KeyType; mode: Mode | null; last4: string | null };
  account: string | null;
  manifestVersion: number;
  checkedAt: string;
  durationMs: number;
  /** HTTP requests sent to Stripe, retries included. */
  requests: number;
  permissions: PermissionReport[];
  problems: Problem[];
  /** A pre-filled link to create a key with exactly the manifest's permissions, in the key's mode. */
  createKeyLink: string | null;
}
