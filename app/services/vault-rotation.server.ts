import { fingerprintSecret, type SecretFingerprint } from "~/domain/vault/fingerprint";
import { openSecret, rewrapDataKey, type SealedSecret } from "~/domain/vault/sealed-secret";
import { VaultError, type VaultErrorCode, type VaultErrorPart } from "~/domain/vault/vault-error";
import { invariant } from "~/utils/invariant";
import type { AppContext } from "./app-context.server";
import { type AuditActor, recordAuditEvent } from "./audit.server";
import { sealedRecord, unreadable } from "./connection-store.server";

/*
 * `vault:rotate`: moves every stored key onto the active master key, so older master keys can
 * leave KEYPORT_ENCRYPTION_KEYS.
 *
 * For each active connection whose data key is wrapped, or whose fingerprint was derived, under any
 * other master key: open it in memory (which also proves the record is intact and still bound to
 * its organisation), re-wrap the data key under the active key (the ciphertext is left byte for
 * byte), and recompute the fingerprint under the active key so lookups keep matching once the old
 * key is gone. Nothing is written but the new wrapped key and fingerprint.
 *
 * - Batches: keyset pagination by id, so a run visits each row at most once even when some fail.
 * - Resumable: a row is selected only while it still needs work, and each batch commits on its own,
 *   so a run that stops (crash, --max-batches) is continued by the next one; every row is at all
 *   times either entirely old or entirely new, and both open while both keys are in the ring.
 * - Concurrency-safe: the UPDATE requires the wrapped key read at the start (`… AND
 *   wrapped_data_key = <old>`); a row replaced, disconnected or rotated meanwhile is left alone and
 *   counted as skipped; the next run picks it up if it still needs work.
 * - A row that fails to open (tampered, moved, master key missing) is reported with its id and left
 *   as it is; the run goes on.
 */

export const DEFAULT_BATCH_SIZE = 200;
const AUDITED_IDS = 100;

export interface RotationFailure {
  connectionId: string;
  code: VaultErrorCode;
  part: VaultErrorPart | undefined;
  message: string;
}

export interface RotationTotals {
  /** Rows that needed work and were examined. */
  scanned: number;
  /** Rows written (data key re-wrapped, fingerprint recomputed, or both). */
  updated: number;
  /** Of those, rows whose data key was re-wrapped under the active master key. */
  rewrapped: number;
  /** Of those, rows whose fingerprint was recomputed under the active master key. */
  refingerprinted: number;
  /** Rows changed by someone else between read and write; left for the next run. */
  skipped: string[];
  failed: RotationFailure[];
}

export type RotationEvent =
  | { type: "batch_read"; batch: number; connectionIds: string[] }
  | { type: "batch_done"; batch: number; totals: RotationTotals };

export interface RotationOptions {
  batchSize?: number;
  /** Stop after this many batches (the next run continues). */
  maxBatches?: number;
  /** Awaited; printing progress is its purpose. A throw stops the run (what was committed stays). */
  onProgress?: (event: RotationEvent) => void | Promise<void>;
  /** Who ran it, for the audit trail. */
  actor?: AuditActor;
}

export interface RotationSummary extends RotationTotals {
  activeKeyId: string;
  batches: number;
  /** False when stopped by `maxBatches` before reaching the last row. */
  complete: boolean;
}

type Pending = { id: string; oldWrappedDataKey: string; sealed: SealedSecret; rewrapped: boolean; fingerprint: SecretFingerprint | undefined };

export async function rotateVault(ctx: AppContext, options: RotationOptions = {}): Promise<RotationSummary> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  invariant(Number.isInteger(batchSize) && batchSize > 0, "The batch size must be a positive integer.");
  const keyRing = ctx.keyRing;
  const active = keyRing.activeKeyId;
  const totals: RotationTotals = { scanned: 0, updated: 0, rewrapped: 0, refingerprinted: 0, skipped: [], failed: [] };
  let cursor = "";
  let batches = 0;
  let complete = false;

  while (options.maxBatches === undefined || batches < options.maxBatches) {
    const rows = await ctx.db
      .selectFrom("connections")
      .select(["id", "organisation_id", "master_key_id", "wrapped_data_key", "ciphertext", "sealed_version", "fingerprint_key_id"])
      .where("ciphertext", "is not", null)
      .where((eb) => eb.or([eb("master_key_id", "<>", active), eb("fingerprint_key_id", "is", null), eb("fingerprint_key_id", "<>", active)]))
      .where("id", ">", cursor)
      .orderBy("id")
      .limit(batchSize)
      .execute();
    if (rows.length === 0) {
      complete = true;
      break;
    }
    batches += 1;
    cursor = rows[rows.length - 1]!.id;
    await options.onProgress?.({ type: "batch_read", batch: batches, connectionIds: rows.map((row) => row.id) });

    const pending: Pending[] = [];
    for (const row of rows) {
      totals.scanned += 1;
      const sealed = sealedRecord(row);
      if (!sealed) continue; // destroyed between the WHERE and here: nothing to do
      try {
        const secret = openSecret(sealed, { organisationId: row.organisation_id, connectionId: row.id }, keyRing);
        const fingerprint = row.fingerprint_key_id === active ? undefined : fingerprintSecret(secret, keyRing);
        const next = rewrapDataKey(sealed, keyRing);
        pending.push({ id: row.id, oldWrappedDataKey: sealed.wrappedDataKey, sealed: next.sealed, rewrapped: next.rewrapped, fingerprint });
      } catch (error) {
        if (!(error instanceof VaultError)) throw error;
        totals.failed.push({ connectionId: row.id, code: error.code, part: error.part, message: unreadable(row.id, error).message });
      }
    }

    await ctx.db.transaction().execute(async (trx) => {
      for (const item of pending) {
        const result = await trx
          .updateTable("connections")
          .set({
            master_key_id: item.sealed.masterKeyId,
            wrapped_data_key: item.sealed.wrappedDataKey,
            ...(item.fingerprint ? { fingerprint: item.fingerprint.fingerprint, fingerprint_key_id: item.fingerprint.keyId } : {}),
          })
          .where("id", "=", item.id)
          .where("wrapped_data_key", "=", item.oldWrappedDataKey)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 1) {
          totals.updated += 1;
          if (item.rewrapped) totals.rewrapped += 1;
          if (item.fingerprint) totals.refingerprinted += 1;
        } else {
          totals.skipped.push(item.id);
        }
      }
    });
    await options.onProgress?.({ type: "batch_done", batch: batches, totals });
    if (rows.length < batchSize) {
      complete = true;
      break;
    }
  }

  const summary: RotationSummary = { activeKeyId: active, batches, complete, ...totals };
  await recordAuditEvent(ctx, {
    actor: options.actor ?? { type: "system", label: "vault:rotate" },
    action: "vault.rotated",
    outcome: complete && totals.failed.length === 0 ? "success" : "partial",
    details: {
      activeKeyId: active,
      batches,
      complete,
      scanned: totals.scanned,
      rewrapped: totals.rewrapped,
      refingerprinted: totals.refingerprinted,
      skipped: totals.skipped.length,
      failed: totals.failed.length,
      // Ids only (never key material), capped so one audit entry stays small.
      skippedIds: totals.skipped.slice(0, AUDITED_IDS),
      failures: totals.failed.slice(0, AUDITED_IDS).map((f) => ({ connectionId: f.connectionId, code: f.code, part: f.part ?? null })),
    },
  });
  return summary;
}

export interface MasterKeyUsage {
  keyId: string;
  /** Active connections whose data key is wrapped under this master key. */
  sealedRecords: number;
  /** Active connections whose fingerprint was derived from this master key. */
  fingerprints: number;
  inRing: boolean;
  active: boolean;
}

/**
 * How many stored keys still depend on each master key. A key may leave the ring once both counts
 * are zero (the runbook's last step), or when the only rows left under it fail to open anyway.
 */
export async function masterKeyUsage(ctx: AppContext): Promise<MasterKeyUsage[]> {
  const [sealed, fingerprints] = await Promise.all([
    ctx.db
      .selectFrom("connections")
      .select((eb) => ["master_key_id as keyId", eb.fn.countAll<number>().as("count")])
      .where("ciphertext", "is not", null)
      .groupBy("master_key_id")
      .execute(),
    ctx.db
      .selectFrom("connections")
      .select((eb) => ["fingerprint_key_id as keyId", eb.fn.countAll<number>().as("count")])
      .where("fingerprint_key_id", "is not", null)
      .groupBy("fingerprint_key_id")
      .execute(),
  ]);
  const ids = new Set<string>(ctx.keyRing.keyIds);
  for (const row of [...sealed, ...fingerprints]) if (row.keyId) ids.add(row.keyId);
  const count = (rows: { keyId: string | null; count: number | string | bigint }[], id: string) => Number(rows.find((r) => r.keyId === id)?.count ?? 0);
  return [...ids].map((keyId) => ({
    keyId,
    sealedRecords: count(sealed, keyId),
    fingerprints: count(fingerprints, keyId),
    inRing: ctx.keyRing.keys.has(keyId),
    active: keyId === ctx.keyRing.activeKeyId,
  }));
}
