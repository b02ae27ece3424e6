import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSecret, type Secret } from "~/domain/key/secret";
import { generateKeyRingEntry, parseKeyRing } from "~/domain/vault/key-ring";
import { connectionInput, createCustomer, fakeRestrictedKey, plaintextForms } from "../../tests/support/connection-fixtures";
import { createTestDatabase, DIALECTS } from "../../tests/support/test-database";
import { type AppContext, createAppContext } from "./app-context.server";
import { listAuditEvents } from "./audit.server";
import { type Connection, ConnectionStoreError, findActiveConnectionByFingerprint, openConnectionSecret, storeConnection } from "./connection-store.server";
import { masterKeyUsage, rotateVault, type RotationEvent } from "./vault-rotation.server";

const entry2025 = generateKeyRingEntry("2025-01");
const entry2026 = generateKeyRingEntry("2026-09");
const oldRing = parseKeyRing(entry2025);
const rotatingRing = parseKeyRing(`${entry2026},${entry2025}`);
const newRing = parseKeyRing(entry2026);

describe.each(DIALECTS)("vault rotation on %s", (dialect) => {
  let handle: Awaited<ReturnType<typeof createTestDatabase>>;
  let clock = Date.UTC(2026, 10, 23, 12);
  const contextWith = (keyRing = oldRing): AppContext => createAppContext(handle, { secureCookies: false, now: () => clock, keyRing });

  beforeAll(async () => {
    handle = await createTestDatabase(dialect);
  });
  afterAll(() => handle.destroy());

  /** A fresh set of customers, each with a test and a live connection stored under the old master key. */
  async function storeUnderOldKey(customers: number): Promise<{ connection: Connection; key: Secret }[]> {
    const ctx = contextWith(oldRing);
    const stored = [];
    for (let i = 0; i < customers; i++) {
      const customer = await createCustomer(ctx.db);
      for (const mode of ["test", "live"] as const) {
        const key = fakeRestrictedKey(mode);
        stored.push({ connection: await storeConnection(ctx, connectionInput(customer, key)), key });
      }
    }
    return stored;
  }

  async function storedUnder(ids: string[]) {
    const rows = await handle.db.selectFrom("connections").select(["id", "master_key_id", "fingerprint_key_id", "ciphertext"]).where("id", "in", ids).execute();
    return Object.fromEntries(rows.map((r) => [r.id, r]));
  }

  async function openError(ctx: AppContext, id: string) {
    try {
      await openConnectionSecret(ctx, id);
    } catch (error) {
      if (error instanceof ConnectionStoreError) return error;
      throw error;
    }
    throw new Error("expected the connection not to open");
  }

  it("re-wraps every key so a ring without the old master key opens them and still recognises them", async () => {
    const stored = await storeUnderOldKey(3);
    const ids = stored.map((s) => s.connection.id);
    const before = await storedUnder(ids);
    expect((await openError(contextWith(newRing), ids[0]!)).vaultCode).toBe("unknown_master_key");

    const summary = await rotateVault(contextWith(rotatingRing), { batchSize: 4 });
    expect(summary).toMatchObject({ activeKeyId: "2026-09", complete: true, failed: [], skipped: [] });
    expect(summary.rewrapped).toBeGreaterThanOrEqual(stored.length);
    expect(summary.refingerprinted).toBe(summary.rewrapped);

    const after = await storedUnder(ids);
    const afterCtx = contextWith(newRing);
    for (const { connection, key } of stored) {
      expect(after[connection.id]).toMatchObject({ master_key_id: "2026-09", fingerprint_key_id: "2026-09", ciphertext: before[connection.id]!.ciphertext });
      expect((await openConnectionSecret(afterCtx, connection.id)).reveal()).toBe(key.reveal());
      const found = await findActiveConnectionByFingerprint(afterCtx, connection.organisation_id, createSecret(key.reveal()));
      expect(found?.id).toBe(connection.id);
    }
    const usage = await masterKeyUsage(afterCtx);
    expect(usage.find((u) => u.keyId === "2025-01")).toBeUndefined();
    expect(usage.find((u) => u.keyId === "2026-09")).toMatchObject({ active: true, inRing: true });

    // Nothing but the new wrapped keys and fingerprints was written: no form of any key is in the database.
    const dump = JSON.stringify(await Promise.all([handle.db.selectFrom("connections").selectAll().execute(), handle.db.selectFrom("audit_events").selectAll().execute()]));
    for (const { key } of stored) for (const form of plaintextForms(key.reveal())) expect(dump).not.toContain(form);
  });

  it("a second run finds nothing left to re-wrap", async () => {
    await storeUnderOldKey(2);
    const ctx = contextWith(rotatingRing);
    const first = await rotateVault(ctx);
    expect(first.rewrapped).toBeGreaterThanOrEqual(4);
    const second = await rotateVault(ctx);
    expect(second).toMatchObject({ scanned: 0, updated: 0, rewrapped: 0, refingerprinted: 0, batches: 0, complete: true, failed: [] });
  });

  it("is resumable: a run stopped after one batch is finished by the next, each row re-wrapped once", async () => {
    const stored = await storeUnderOldKey(3);
    const ctx = contextWith(rotatingRing);
    const first = await rotateVault(ctx, { batchSize: 2, maxBatches: 1 });
    expect(first).toMatchObject({ batches: 1, scanned: 2, rewrapped: 2, complete: false });

    const usage = await masterKeyUsage(ctx);
    expect(usage.find((u) => u.keyId === "2025-01")).toMatchObject({ sealedRecords: stored.length - 2, inRing: true, active: false });

    const rest = await rotateVault(ctx, { batchSize: 2 });
    expect(rest).toMatchObject({ rewrapped: stored.length - 2, complete: true, failed: [] });
    expect((await masterKeyUsage(ctx)).find((u) => u.keyId === "2025-01")).toMatchObject({ sealedRecords: 0, fingerprints: 0, inRing: true });
    for (const { connection, key } of stored) expect((await openConnectionSecret(contextWith(newRing), connection.id)).reveal()).toBe(key.reveal());
  });

  it("a run that dies midway loses nothing: every row still opens, and the next run completes", async () => {
    const stored = await storeUnderOldKey(3);
    const ctx = contextWith(rotatingRing);
    const crash = rotateVault(ctx, {
      batchSize: 2,
      onProgress: (event) => {
        if (event.type === "batch_read" && event.batch === 2) throw new Error("simulated crash");
      },
    });
    await expect(crash).rejects.toThrow("simulated crash");
    const under = await storedUnder(stored.map((s) => s.connection.id));
    const keyIds = Object.values(under).map((r) => r.master_key_id);
    expect(keyIds.filter((id) => id === "2026-09")).toHaveLength(2);
    expect(keyIds.filter((id) => id === "2025-01")).toHaveLength(stored.length - 2);
    for (const { connection, key } of stored) expect((await openConnectionSecret(ctx, connection.id)).reveal()).toBe(key.reveal());

    expect(await rotateVault(ctx, { batchSize: 2 })).toMatchObject({ rewrapped: stored.length - 2, complete: true });
  });

  it("reports a tampered row by id, leaves it as it was, and rotates the rest", async () => {
    const stored = await storeUnderOldKey(2);
    const [victim, moved, ...rest] = stored;
    const victimRow = await handle.db.selectFrom("connections").select(["ciphertext"]).where("id", "=", victim!.connection.id).executeTakeFirstOrThrow();
    const bytes = Buffer.from(victimRow.ciphertext!, "base64");
    bytes[20] = bytes[20]! ^ 0x80;
    await handle.db.updateTable("connections").set({ ciphertext: bytes.toString("base64") }).where("id", "=", victim!.connection.id).execute();
    const elsewhere = await createCustomer(handle.db);
    await handle.db.updateTable("connections").set({ organisation_id: elsewhere.organisationId }).where("id", "=", moved!.connection.id).execute();

    const summary = await rotateVault(contextWith(rotatingRing));
    expect(summary.complete).toBe(true);
    expect(summary.failed.map((f) => [f.connectionId, f.code, f.part]).sort()).toEqual(
      [
        [victim!.connection.id, "tampered", "ciphertext"],
        [moved!.connection.id, "tampered", "ciphertext"],
      ].sort(),
    );
    expect(summary.failed.find((f) => f.connectionId === moved!.connection.id)?.message).toMatch(/moved from another organisation or connection/);
    const under = await storedUnder(stored.map((s) => s.connection.id));
    expect(under[victim!.connection.id]!.master_key_id).toBe("2025-01");
    expect(under[moved!.connection.id]!.master_key_id).toBe("2025-01");
    for (const { connection, key } of rest) expect((await openConnectionSecret(contextWith(newRing), connection.id)).reveal()).toBe(key.reveal());

    const audit = await listAuditEvents(contextWith(), { limit: 1 });
    expect(audit[0]).toMatchObject({ action: "vault.rotated", outcome: "partial", actor_type: "system" });
    expect(audit[0]!.details).toMatchObject({ failed: 2, activeKeyId: "2026-09" });

    // The next run reports them again (they still need work) and re-wraps nothing else.
    const again = await rotateVault(contextWith(rotatingRing));
    expect(again).toMatchObject({ rewrapped: 0, complete: true });
    expect(again.failed.map((f) => f.connectionId).sort()).toEqual([victim!.connection.id, moved!.connection.id].sort());
    // Clean up for the tests that count rows after this one.
    await handle.db.deleteFrom("connections").where("id", "in", [victim!.connection.id, moved!.connection.id]).execute();
  });

  it("leaves a row changed between read and write for the next run", async () => {
    const stored = await storeUnderOldKey(2);
    const [target] = stored;
    const events: RotationEvent["type"][] = [];
    const replacement = fakeRestrictedKey(target!.connection.mode);
    const summary = await rotateVault(contextWith(rotatingRing), {
      onProgress: async (event) => {
        events.push(event.type);
        if (event.type === "batch_read" && event.connectionIds.includes(target!.connection.id)) {
          // The customer replaces the key while the batch is in flight (with the rotating ring, as every instance would have).
          clock += 1;
          const customer = { organisationId: target!.connection.organisation_id, userId: target!.connection.created_by! };
          await storeConnection(contextWith(rotatingRing), connectionInput(customer, replacement, { replaces: target!.connection.id }));
        }
      },
    });
    expect(events).toEqual(["batch_read", "batch_done"]);
    expect(summary.skipped).toEqual([target!.connection.id]);
    expect(summary.failed).toEqual([]);
    const row = await handle.db.selectFrom("connections").select(["state", "ciphertext", "wrapped_data_key"]).where("id", "=", target!.connection.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ state: "replaced", ciphertext: null, wrapped_data_key: null });
    expect(await rotateVault(contextWith(rotatingRing))).toMatchObject({ scanned: 0, skipped: [] });
  });

  it("reports rows whose master key is missing from the ring, and the key usage says so", async () => {
    const stored = await storeUnderOldKey(1);
    const summary = await rotateVault(contextWith(newRing));
    const ours = summary.failed.filter((f) => stored.some((s) => s.connection.id === f.connectionId));
    expect(ours).toHaveLength(2);
    expect(ours[0]).toMatchObject({ code: "unknown_master_key" });
    expect(ours[0]!.message).toMatch(/Put that key back in the ring/);
    expect((await masterKeyUsage(contextWith(newRing))).find((u) => u.keyId === "2025-01")).toMatchObject({ sealedRecords: 2, inRing: false });
    // Putting the old key back lets the next run finish.
    expect(await rotateVault(contextWith(rotatingRing))).toMatchObject({ rewrapped: 2, failed: [] });
  });
});
