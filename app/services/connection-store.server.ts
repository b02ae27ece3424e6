import type { Selectable, Transaction } from "kysely";
import type {
  CheckTrigger,
  ConnectionHealthStatus,
  ConnectionMode,
  ConnectionState,
  ConnectionTable,
  Database,
} from "~/db/schema";
import type { Secret } from "~/domain/key/secret";
import { fingerprintCandidates, fingerprintSecret } from "~/domain/vault/fingerprint";
import { openSecret, type SealedSecret, sealSecret } from "~/domain/vault/sealed-secret";
import { VaultError, type VaultErrorCode, type VaultErrorPart } from "~/domain/vault/vault-error";
import { createId } from "~/utils/ids";
import { invariant } from "~/utils/invariant";
import type { AppContext } from "./app-context.server";

/*
 * Stored connections: the only module that reads or writes a connection's vault columns.
 *
 * Every read for callers selects the columns in CONNECTION_COLUMNS, never `selectAll()`, so the
 * ciphertext, the wrapped data key and the fingerprint cannot leak into a route, a log or a page.
 * A key leaves this module only as a `Secret`, from `openConnectionSecret`.
 *
 * Nothing here writes to the audit trail: the use cases that call it (connect, replace, disconnect,
 * health check) know the actor, the IP and the outcome of the whole action, and record it once.
 */

/** The columns callers may see: everything except the sealed record and the fingerprint. */
export const CONNECTION_COLUMNS = [
  "id",
  "organisation_id",
  "mode",
  "state",
  "health_status",
  "stripe_account_id",
  "key_last4",
  "manifest_version",
  "report",
  "created_at",
  "created_by",
  "updated_at",
  "ended_at",
  "ended_by",
  "replaced_by",
  "last_checked_at",
  "next_check_at",
  "lease_owner",
  "lease_expires_at",
] as const satisfies readonly (keyof ConnectionTable)[];

type ConnectionColumn = (typeof CONNECTION_COLUMNS)[number];

/** A connection as callers see it: no key material, the report parsed. */
export type Connection = Omit<Pick<Selectable<ConnectionTable>, ConnectionColumn>, "report"> & { report: unknown };

export type EndedState = Exclude<ConnectionState, "active">;

export type ConnectionStoreErrorCode =
  /** Storing without `replaces` while the organisation already has an active connection in that mode. */
  | "active_connection_exists"
  /** No such connection (or not in the organisation the caller named). */
  | "connection_not_found"
  /** The connection to replace or end has already ended. */
  | "connection_not_active"
  /** `replaces` names a connection of the other mode. */
  | "mode_mismatch"
  /** The connection has ended; its key was destroyed and cannot be opened. */
  | "secret_destroyed"
  /** The sealed record fails to open: altered, moved to another organisation, or its master key is missing. */
  | "secret_unreadable";

/** Messages name connection ids and codes, never key material. */
export class ConnectionStoreError extends Error {
  override readonly name = "ConnectionStoreError";
  readonly code: ConnectionStoreErrorCode;
  readonly connectionId: string;
  /** For `secret_unreadable`: what the vault found, and in which part of the record. */
  readonly vaultCode: VaultErrorCode | undefined;
  readonly vaultPart: VaultErrorPart | undefined;
  constructor(code: ConnectionStoreErrorCode, connectionId: string, message: string, cause?: VaultError) {
    super(message, cause ? { cause } : undefined);
    this.code = code;
    this.connectionId = connectionId;
    this.vaultCode = cause?.code;
    this.vaultPart = cause?.part;
  }
}

function toConnection(row: Pick<Selectable<ConnectionTable>, ConnectionColumn>): Connection {
  return { ...row, report: JSON.parse(row.report) as unknown };
}

type Db = AppContext["db"] | Transaction<Database>;

const RESTRICTED_KEY = /^rk_(test|live)_/;

export interface StoreConnectionInput {
  organisationId: string;
  mode: ConnectionMode;
  /** `acct_…`, or null when the check could not tell. */
  stripeAccountId: string | null;
  secret: Secret;
  last4: string;
  manifestVersion: number;
  /** The accepted key's report; stored as JSON. Must not contain the key. */
  report: unknown;
  /** The user who connected the key; null for the command line. */
  createdBy: string | null;
  /** The active connection this one takes over (same organisation and mode); it is destroyed in the same transaction. */
  replaces?: string;
  /** The check that accepted the key, recorded as the first history row in the same transaction. */
  check?: Omit<CheckInput, "connectionId" | "onStatusChange">;
  /** Runs inside the transaction once the connection is stored (e.g. to enqueue webhook events). */
  onStored?: (trx: Transaction<Database>, stored: { connection: Connection; replaced: string | null }) => Promise<void>;
}

/**
 * Seals the key (bound to the organisation and the new connection id) and stores it as the
 * organisation's active connection for its mode, in one transaction. With `replaces`, that
 * connection becomes `replaced` and loses its key in the same transaction, so the old key is gone
 * exactly when the new one is stored, and a failure leaves both as they were.
 */
export async function storeConnection(ctx: AppContext, input: StoreConnectionInput): Promise<Connection> {
  const plaintext = input.secret.reveal();
  const prefix = RESTRICTED_KEY.exec(plaintext);
  invariant(prefix, "Only restricted keys (rk_test_…, rk_live_…) are stored.");
  invariant(prefix[1] === input.mode, `A ${prefix[1]}-mode key cannot be stored as a ${input.mode}-mode connection.`);
  invariant(input.last4.length === 4 && plaintext.endsWith(input.last4), "last4 must be the key's last four characters.");
  invariant(Number.isInteger(input.manifestVersion) && input.manifestVersion > 0, "manifestVersion must be a positive integer.");
  const report = JSON.stringify(input.report ?? null);
  invariant(!report.includes(plaintext), "The report must not contain the key.");
  invariant(!input.check || !JSON.stringify(input.check.findings ?? null).includes(plaintext), "The check's findings must not contain the key.");

  const id = createId("con");
  const sealed = sealSecret({ plaintext: input.secret, binding: { organisationId: input.organisationId, connectionId: id }, keyRing: ctx.keyRing });
  const { keyId, fingerprint } = fingerprintSecret(input.secret, ctx.keyRing);
  const now = ctx.now();
  const row: Selectable<ConnectionTable> = {
    id,
    organisation_id: input.organisationId,
    mode: input.mode,
    state: "active",
    health_status: "unchecked",
    stripe_account_id: input.stripeAccountId,
    key_last4: input.last4,
    fingerprint,
    fingerprint_key_id: keyId,
    master_key_id: sealed.masterKeyId,
    wrapped_data_key: sealed.wrappedDataKey,
    ciphertext: sealed.ciphertext,
    sealed_version: sealed.version,
    manifest_version: input.manifestVersion,
    report,
    created_at: now,
    created_by: input.createdBy,
    updated_at: now,
    ended_at: null,
    ended_by: null,
    replaced_by: null,
    last_checked_at: null,
    next_check_at: null,
    lease_owner: null,
    lease_expires_at: null,
  };

  try {
    await ctx.db.transaction().execute(async (trx) => {
      if (input.replaces) {
        await endReplacedConnection(trx, input, now);
      } else {
        const existing = await activeConnectionId(trx, input.organisationId, input.mode);
        if (existing) throw activeExists(existing, input.mode);
      }
      await trx.insertInto("connections").values(row).execute();
      if (input.check) {
        const check = { ...input.check, connectionId: id };
        await insertCheck(trx, check, now);
        row.health_status = check.status;
        row.last_checked_at = check.checkedAt ?? now;
        if (check.nextCheckAt !== undefined) row.next_check_at = check.nextCheckAt;
      }
      if (input.replaces) {
        await trx.updateTable("connections").set({ replaced_by: id }).where("id", "=", input.replaces).execute();
      }
      await input.onStored?.(trx, { connection: toConnection(pickColumns(row)), replaced: input.replaces ?? null });
    });
  } catch (error) {
    // Two stores racing past the check above: the partial unique index refuses the second.
    if (isActivePerModeViolation(error)) {
      const existing = await activeConnectionId(ctx.db, input.organisationId, input.mode);
      throw activeExists(existing ?? "(unknown)", input.mode);
    }
    throw error;
  }
  return toConnection(pickColumns(row));
}

async function endReplacedConnection(trx: Transaction<Database>, input: StoreConnectionInput, now: number) {
  const replaces = input.replaces as string;
  const old = await trx
    .selectFrom("connections")
    .select(["id", "organisation_id", "mode", "state"])
    .where("id", "=", replaces)
    .where("organisation_id", "=", input.organisationId)
    .executeTakeFirst();
  if (!old) throw notFound(replaces);
  if (old.mode !== input.mode) {
    throw new ConnectionStoreError("mode_mismatch", replaces, `Connection '${replaces}' is a ${old.mode}-mode connection; a ${input.mode}-mode key cannot replace it.`);
  }
  const ended = await destroyStatement(trx, replaces, { state: "replaced", endedBy: input.createdBy, organisationId: input.organisationId }, now).executeTakeFirst();
  if (Number(ended.numUpdatedRows) !== 1) throw notActive(replaces);
}

/**
 * The one statement that ends a connection: the state and the destruction of its key (sealed
 * record and fingerprint) cannot be separated. Leases and scheduling are cleared with them.
 */
function destroyStatement(db: Db, connectionId: string, end: { state: EndedState; endedBy: string | null; organisationId?: string }, now: number) {
  let query = db
    .updateTable("connections")
    .set({
      state: end.state,
      master_key_id: null,
      wrapped_data_key: null,
      ciphertext: null,
      sealed_version: null,
      fingerprint: null,
      fingerprint_key_id: null,
      ended_at: now,
      ended_by: end.endedBy,
      updated_at: now,
      next_check_at: null,
      lease_owner: null,
      lease_expires_at: null,
    })
    .where("id", "=", connectionId)
    .where("state", "=", "active");
  if (end.organisationId !== undefined) query = query.where("organisation_id", "=", end.organisationId);
  return query;
}

/**
 * Ends an active connection and destroys its key in one UPDATE: the ciphertext, the wrapped data
 * key and the fingerprint become NULL in the same statement that sets the state. Pass
 * `organisationId` to act only within that organisation.
 */
export async function destroyConnectionSecret(
  ctx: AppContext,
  connectionId: string,
  end: { state: EndedState; endedBy: string | null; organisationId?: string },
): Promise<Connection> {
  const now = ctx.now();
  const result = await destroyStatement(ctx.db, connectionId, end, now).executeTakeFirst();
  const connection = await getConnection(ctx, connectionId, end.organisationId);
  if (!connection) throw notFound(connectionId);
  if (Number(result.numUpdatedRows) !== 1) throw notActive(connectionId);
  return connection;
}

export async function getConnection(ctx: Pick<AppContext, "db">, connectionId: string, organisationId?: string): Promise<Connection | undefined> {
  let query = ctx.db.selectFrom("connections").select(CONNECTION_COLUMNS).where("id", "=", connectionId);
  if (organisationId !== undefined) query = query.where("organisation_id", "=", organisationId);
  const row = await query.executeTakeFirst();
  return row && toConnection(row);
}

/** An organisation's connections, newest first (active and ended). */
export async function listConnections(
  ctx: Pick<AppContext, "db">,
  filter: { organisationId: string; state?: ConnectionState; mode?: ConnectionMode },
): Promise<Connection[]> {
  let query = ctx.db
    .selectFrom("connections")
    .select(CONNECTION_COLUMNS)
    .where("organisation_id", "=", filter.organisationId)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc");
  if (filter.state) query = query.where("state", "=", filter.state);
  if (filter.mode) query = query.where("mode", "=", filter.mode);
  return (await query.execute()).map(toConnection);
}

/**
 * The organisation's active connection holding this very key, if any, found by fingerprint without
 * decrypting anything. Rows fingerprinted under any master key still in the ring match.
 */
export async function findActiveConnectionByFingerprint(ctx: AppContext, organisationId: string, secret: Secret): Promise<Connection | undefined> {
  const candidates = fingerprintCandidates(secret, ctx.keyRing);
  const row = await ctx.db
    .selectFrom("connections")
    .select(CONNECTION_COLUMNS)
    .where("organisation_id", "=", organisationId)
    .where("state", "=", "active")
    .where((eb) => eb.or(candidates.map((c) => eb.and([eb("fingerprint", "=", c.fingerprint), eb("fingerprint_key_id", "=", c.keyId)]))))
    .executeTakeFirst();
  return row && toConnection(row);
}

/**
 * Decrypts a connection's key in memory. The record is opened under the binding of the row as it
 * stands, so a row moved to another organisation (or given another id) fails. Every failure is a
 * ConnectionStoreError naming the connection: `connection_not_found`, `secret_destroyed`,
 * `secret_unreadable` (with the vault's code and part). Pass `organisationId` to open only within
 * that organisation.
 */
export async function openConnectionSecret(ctx: AppContext, connectionId: string, organisationId?: string): Promise<Secret> {
  let query = ctx.db
    .selectFrom("connections")
    .select(["id", "organisation_id", "state", "master_key_id", "wrapped_data_key", "ciphertext", "sealed_version"])
    .where("id", "=", connectionId);
  if (organisationId !== undefined) query = query.where("organisation_id", "=", organisationId);
  const row = await query.executeTakeFirst();
  if (!row) throw notFound(connectionId);
  const sealed = sealedRecord(row);
  if (!sealed) {
    throw new ConnectionStoreError(
      "secret_destroyed",
      connectionId,
      `Connection '${connectionId}' has ended (${row.state}); its key was destroyed and cannot be opened.`,
    );
  }
  try {
    return openSecret(sealed, { organisationId: row.organisation_id, connectionId: row.id }, ctx.keyRing);
  } catch (error) {
    if (error instanceof VaultError) throw unreadable(connectionId, error);
    throw error;
  }
}

export function unreadable(connectionId: string, error: VaultError): ConnectionStoreError {
  return new ConnectionStoreError("secret_unreadable", connectionId, `The key of connection '${connectionId}' cannot be opened: ${error.message}`, error);
}

/** The sealed record of a row, or undefined once it was destroyed. */
export function sealedRecord(row: Pick<ConnectionTable, "master_key_id" | "wrapped_data_key" | "ciphertext" | "sealed_version">): SealedSecret | undefined {
  if (row.master_key_id === null || row.wrapped_data_key === null || row.ciphertext === null || row.sealed_version === null) return undefined;
  return { masterKeyId: row.master_key_id, wrappedDataKey: row.wrapped_data_key, ciphertext: row.ciphertext, version: row.sealed_version };
}

export interface CheckInput {
  connectionId: string;
  triggeredBy: CheckTrigger;
  status: ConnectionHealthStatus;
  durationMs: number;
  requests: number;
  manifestVersion: number;
  /** Stored as JSON; never key material. */
  findings: unknown;
  /** Defaults to now. */
  checkedAt?: number;
  /** When the scheduler should look again; left as it is when omitted. */
  nextCheckAt?: number | null;
  /** The key satisfies this manifest version: the connection is now up to date with it. */
  satisfiesManifestVersion?: number;
  /** Release the scheduling lease this owner holds, in the same transaction. */
  releaseLeaseOf?: string;
  /** Runs inside the transaction when the status changes (e.g. to enqueue a webhook event). */
  onStatusChange?: (trx: Transaction<Database>, change: { previous: ConnectionHealthStatus; next: ConnectionHealthStatus }) => Promise<void>;
}

export interface ConnectionCheck {
  id: number;
  connection_id: string;
  checked_at: number;
  triggered_by: CheckTrigger;
  status: ConnectionHealthStatus;
  duration_ms: number;
  requests: number;
  manifest_version: number;
  findings: unknown;
}

/**
 * Appends a check to the connection's history and sets its current health status and
 * `last_checked_at`, in one transaction. Returns the new history row's id and the status before,
 * so the caller can record a status change in the audit trail.
 */
export async function recordCheck(ctx: AppContext, check: CheckInput): Promise<{ checkId: number; previousStatus: ConnectionHealthStatus }> {
  return ctx.db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom("connections").select("health_status").where("id", "=", check.connectionId).executeTakeFirst();
    if (!current) throw notFound(check.connectionId);
    const checkId = await insertCheck(trx, check, ctx.now());
    if (check.satisfiesManifestVersion !== undefined) {
      await trx
        .updateTable("connections")
        .set({ manifest_version: check.satisfiesManifestVersion })
        .where("id", "=", check.connectionId)
        .where("manifest_version", "<", check.satisfiesManifestVersion)
        .execute();
    }
    if (check.releaseLeaseOf !== undefined) {
      await trx
        .updateTable("connections")
        .set({ lease_owner: null, lease_expires_at: null })
        .where("id", "=", check.connectionId)
        .where("lease_owner", "=", check.releaseLeaseOf)
        .execute();
    }
    if (current.health_status !== check.status) await check.onStatusChange?.(trx, { previous: current.health_status, next: check.status });
    return { checkId, previousStatus: current.health_status };
  });
}

async function insertCheck(trx: Transaction<Database>, check: CheckInput, now: number): Promise<number> {
  const checkedAt = check.checkedAt ?? now;
  const inserted = await trx
    .insertInto("connection_checks")
    .values({
      connection_id: check.connectionId,
      checked_at: checkedAt,
      triggered_by: check.triggeredBy,
      status: check.status,
      duration_ms: Math.round(check.durationMs),
      requests: check.requests,
      manifest_version: check.manifestVersion,
      findings: JSON.stringify(check.findings ?? null),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await trx
    .updateTable("connections")
    .set({
      health_status: check.status,
      last_checked_at: checkedAt,
      updated_at: now,
      ...(check.nextCheckAt !== undefined ? { next_check_at: check.nextCheckAt } : {}),
    })
    .where("id", "=", check.connectionId)
    .execute();
  return Number(inserted.id);
}

/** A connection's check history, newest first, keyset-paginated by `beforeId`. */
export async function listChecks(
  ctx: Pick<AppContext, "db">,
  connectionId: string,
  page: { limit?: number; beforeId?: number } = {},
): Promise<ConnectionCheck[]> {
  let query = ctx.db
    .selectFrom("connection_checks")
    .selectAll()
    .where("connection_id", "=", connectionId)
    .orderBy("id", "desc")
    .limit(page.limit ?? 50);
  if (page.beforeId !== undefined) query = query.where("id", "<", page.beforeId);
  return (await query.execute()).map((row) => ({ ...row, id: Number(row.id), findings: JSON.parse(row.findings) as unknown }));
}

async function activeConnectionId(db: Db, organisationId: string, mode: ConnectionMode): Promise<string | undefined> {
  const row = await db
    .selectFrom("connections")
    .select("id")
    .where("organisation_id", "=", organisationId)
    .where("mode", "=", mode)
    .where("state", "=", "active")
    .executeTakeFirst();
  return row?.id;
}

function pickColumns(row: Selectable<ConnectionTable>): Pick<Selectable<ConnectionTable>, ConnectionColumn> {
  return Object.fromEntries(CONNECTION_COLUMNS.map((column) => [column, row[column]])) as Pick<Selectable<ConnectionTable>, ConnectionColumn>;
}

function isActivePerModeViolation(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  if (code === "23505") return constraint === "connections_one_active_per_mode";
  return code === "SQLITE_CONSTRAINT_UNIQUE" && error.message.includes("connections.organisation_id, connections.mode");
}

function activeExists(existingId: string, mode: ConnectionMode) {
  return new ConnectionStoreError(
    "active_connection_exists",
    existingId,
    `The organisation already has an active ${mode}-mode connection ('${existingId}'); replace it or disconnect it first.`,
  );
}

function notFound(connectionId: string) {
  return new ConnectionStoreError("connection_not_found", connectionId, `There is no connection '${connectionId}'.`);
}

function notActive(connectionId: string) {
  return new ConnectionStoreError("connection_not_active", connectionId, `Connection '${connectionId}' has already ended.`);
}
