import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectDatabase } from "~/db/connect";
import { migrateToLatest } from "~/db/migrate";
import { createSecret } from "~/domain/key/secret";
import { generateKeyRingEntry, parseKeyRing } from "~/domain/vault/key-ring";
import { connectionInput, createCustomer, fakeRestrictedKey, plaintextForms } from "../../tests/support/connection-fixtures";
import { createTestDatabase, DIALECTS } from "../../tests/support/test-database";
import { type AppContext, createAppContext } from "./app-context.server";
import {
  CONNECTION_COLUMNS,
  ConnectionStoreError,
  destroyConnectionSecret,
  findActiveConnectionByFingerprint,
  getConnection,
  listChecks,
  listConnections,
  openConnectionSecret,
  recordCheck,
  storeConnection,
} from "./connection-store.server";

const oldEntry = generateKeyRingEntry("2025-01");
const newEntry = generateKeyRingEntry("2026-09");
const VAULT_COLUMNS = ["master_key_id", "wrapped_data_key", "ciphertext", "sealed_version", "fingerprint", "fingerprint_key_id"];

async function storeError(promise: Promise<unknown>): Promise<ConnectionStoreError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ConnectionStoreError) return error;
    throw error;
  }
  throw new Error("expected a ConnectionStoreError");
}

/** Flips one bit of a byte in the middle of a base64 blob. */
function flipByte(blob: string): string {
  const bytes = Buffer.from(blob, "base64");
  const at = Math.floor(bytes.length / 2);
  bytes[at] = bytes[at]! ^ 0x01;
  return bytes.toString("base64");
}

describe.each(DIALECTS)("connection store on %s", (dialect) => {
  let ctx: AppContext;
  let destroy: () => Promise<void>;
  const clock = Date.UTC(2026, 10, 23, 12);

  beforeAll(async () => {
    const handle = await createTestDatabase(dialect);
    destroy = handle.destroy;
    ctx = createAppContext(handle, { secureCookies: false, now: () => clock, keyRing: parseKeyRing(oldEntry) });
  });
  afterAll(() => destroy());

  const rawRow = (id: string) => ctx.db.selectFrom("connections").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

  it("stores a key and opens it again; callers never see the sealed record", async () => {
    const customer = await createCustomer(ctx.db);
    const key = fakeRestrictedKey("live");
    const stored = await storeConnection(ctx, connectionInput(customer, key));

    expect(stored).toMatchObject({
      organisation_id: customer.organisationId,
      mode: "live",
      state: "active",
      health_status: "unchecked",
      key_last4: key.reveal().slice(-4),
      stripe_account_id: "acct_1PJBLEBBLEfVtest",
      manifest_version: 3,
      report: { verdict: "accepted", key: key.masked },
      created_by: customer.userId,
      created_at: clock,
      ended_at: null,
      replaced_by: null,
    });
    expect(stored.id).toMatch(/^con_[0-9a-z]{16}$/);
    expect(Object.keys(stored).sort()).toEqual([...CONNECTION_COLUMNS].sort());
    expect(await getConnection(ctx, stored.id)).toEqual(stored);
    expect(await listConnections(ctx, { organisationId: customer.organisationId })).toEqual([stored]);

    const opened = await openConnectionSecret(ctx, stored.id, customer.organisationId);
    expect(opened.reveal()).toBe(key.reveal());
    expect(String(opened)).toBe(key.masked);
  });

  it("writes no form of the key anywhere in the database", async () => {
    const customer = await createCustomer(ctx.db);
    const keys = [fakeRestrictedKey("test"), fakeRestrictedKey("live"), fakeRestrictedKey("test")];
    const first = await storeConnection(ctx, connectionInput(customer, keys[0]!));
    await storeConnection(ctx, connectionInput(customer, keys[1]!));
    await storeConnection(ctx, connectionInput(customer, keys[2]!, { replaces: first.id }));
    await recordCheck(ctx, { connectionId: first.id, triggeredBy: "connect", status: "healthy", durationMs: 12, requests: 3, manifestVersion: 3, findings: [] });

    const tables = ["connections", "connection_checks", "audit_events", "organisations", "users"] as const;
    const dump = JSON.stringify(await Promise.all(tables.map((table) => ctx.db.selectFrom(table).selectAll().execute())));
    expect(dump).toContain(first.id);
    for (const key of keys) {
      for (const form of plaintextForms(key.reveal())) expect(dump).not.toContain(form);
    }
    const row = await rawRow(first.id);
    expect(row.ciphertext).toBeNull();
  });

  it("refuses to store anything but a restricted key of the connection's mode, or a report holding the key", async () => {
    const customer = await createCustomer(ctx.db);
    const key = fakeRestrictedKey("test");
    await expect(storeConnection(ctx, connectionInput(customer, key, { mode: "live" }))).rejects.toThrow(/test-mode key cannot be stored as a live-mode/);
    const secretKey = fakeRestrictedKey("test");
    const sk = createSecret(secretKey.reveal().replace(/^rk_/, "sk_"));
    await expect(storeConnection(ctx, connectionInput(customer, sk, { mode: "test" }))).rejects.toThrow(/Only restricted keys/);
    const leaky = storeConnection(ctx, connectionInput(customer, key, { report: { echoed: key.reveal() } }));
    await expect(leaky).rejects.toThrow(/report must not contain the key/);
    await expect(storeConnection(ctx, connectionInput(customer, key, { last4: "zzzz" }))).rejects.toThrow(/last four/);
    expect(await listConnections(ctx, { organisationId: customer.organisationId })).toEqual([]);
  });

  it("a row moved to another organisation in SQL fails to open with an error naming the connection", async () => {
    const owner = await createCustomer(ctx.db);
    const other = await createCustomer(ctx.db);
    const key = fakeRestrictedKey();
    const stored = await storeConnection(ctx, connectionInput(owner, key));
    await ctx.db.updateTable("connections").set({ organisation_id: other.organisationId }).where("id", "=", stored.id).execute();

    const error = await storeError(openConnectionSecret(ctx, stored.id));
    expect(error).toMatchObject({ code: "secret_unreadable", connectionId: stored.id, vaultCode: "tampered", vaultPart: "ciphertext" });
    expect(error.message).toContain(`connection '${stored.id}'`);
    expect(error.message).toMatch(/moved from another organisation or connection/);
    for (const form of plaintextForms(key.reveal())) expect(`${error.message} ${String(error.cause)}`).not.toContain(form);

    expect(await storeError(openConnectionSecret(ctx, stored.id, other.organisationId))).toMatchObject({ code: "secret_unreadable" });
    // Asked for within its true organisation, the moved row is simply not there.
    expect(await storeError(openConnectionSecret(ctx, stored.id, owner.organisationId))).toMatchObject({ code: "connection_not_found" });
  });

  it("an altered byte in the ciphertext or the wrapped key fails that connection only", async () => {
    const customer = await createCustomer(ctx.db);
    const [a, b] = [fakeRestrictedKey("test"), fakeRestrictedKey("live")];
    const first = await storeConnection(ctx, connectionInput(customer, a));
    const second = await storeConnection(ctx, connectionInput(customer, b));
    const original = await rawRow(first.id);

    await ctx.db.updateTable("connections").set({ ciphertext: flipByte(original.ciphertext!) }).where("id", "=", first.id).execute();
    expect(await storeError(openConnectionSecret(ctx, first.id))).toMatchObject({ code: "secret_unreadable", vaultCode: "tampered", vaultPart: "ciphertext" });

    await ctx.db
      .updateTable("connections")
      .set({ ciphertext: original.ciphertext, wrapped_data_key: flipByte(original.wrapped_data_key!) })
      .where("id", "=", first.id)
      .execute();
    const wrapped = await storeError(openConnectionSecret(ctx, first.id));
    expect(wrapped).toMatchObject({ code: "secret_unreadable", vaultCode: "tampered", vaultPart: "wrapped_data_key" });
    expect(wrapped.message).toContain(first.id);

    await ctx.db.updateTable("connections").set({ master_key_id: "gone" }).where("id", "=", first.id).execute();
    const unknown = await storeError(openConnectionSecret(ctx, first.id));
    expect(unknown).toMatchObject({ code: "secret_unreadable", vaultCode: "unknown_master_key" });
    expect(unknown.message).toMatch(/'gone', which is not in KEYPORT_ENCRYPTION_KEYS/);

    expect((await openConnectionSecret(ctx, second.id)).reveal()).toBe(b.reveal());
  });

  it("recognises the same key pasted again by fingerprint, and no other key", async () => {
    const customer = await createCustomer(ctx.db);
    const elsewhere = await createCustomer(ctx.db);
    const key = fakeRestrictedKey();
    const stored = await storeConnection(ctx, connectionInput(customer, key));
    const pastedAgain = createSecret(key.reveal());

    expect((await findActiveConnectionByFingerprint(ctx, customer.organisationId, pastedAgain))?.id).toBe(stored.id);
    expect(await findActiveConnectionByFingerprint(ctx, customer.organisationId, fakeRestrictedKey())).toBeUndefined();
    expect(await findActiveConnectionByFingerprint(ctx, elsewhere.organisationId, pastedAgain)).toBeUndefined();

    // After a new master key is introduced, rows fingerprinted under the old one still match.
    const rotating = { ...ctx, keyRing: parseKeyRing(`${newEntry},${oldEntry}`) };
    expect((await findActiveConnectionByFingerprint(rotating, customer.organisationId, pastedAgain))?.id).toBe(stored.id);
    const raw = await rawRow(stored.id);
    expect(raw.fingerprint_key_id).toBe("2025-01");
    expect(raw.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it("allows one active connection per mode and any number of ended ones", async () => {
    const customer = await createCustomer(ctx.db);
    const test1 = await storeConnection(ctx, connectionInput(customer, fakeRestrictedKey("test")));
    const live = await storeConnection(ctx, connectionInput(customer, fakeRestrictedKey("live")));

    const refused = await storeError(storeConnection(ctx, connectionInput(customer, fakeRestrictedKey("test"))));
    expect(refused).toMatchObject({ code: "active_connection_exists", connectionId: test1.id });
    expect(refused.message).toMatch(/already has an active test-mode connection/);

    // The database itself refuses it, not only the service's check.
    const raw = await rawRow(test1.id);
    await expect(ctx.db.insertInto("connections").values({ ...raw, id: "con_second" }).execute()).rejects.toThrow(/unique|duplicate/i);

    const test2 = await storeConnection(ctx, connectionInput(customer, fakeRestrictedKey("test"), { replaces: test1.id }));
    const test3 = await storeConnection(ctx, connectionInput(customer, fakeRestrictedKey("test"), { replaces: test2.id }));
    await destroyConnectionSecret(ctx, test3.id, { state: "revoked_by_customer", endedBy: customer.userId });
    const test4 = await storeConnection(ctx, connectionInput(customer, fakeRestrictedKey("test")));

    const all = await listConnections(ctx, { organisationId: customer.organisationId });
    expect(all.filter((c) => c.mode === "test").map((c) => c.state).sort()).toEqual(["active", "replaced", "replaced", "revoked_by_customer"]);
    expect((await listConnections(ctx, { organisationId: customer.organisationId, state: "active" })).map((c) => c.id).sort()).toEqual(
      [live.id, test4.id].sort(),
    );
  });

  it("two stores racing for the same organisation and mode: one wins, the other gets the typed error", async () => {
    const customer = await createCustomer(ctx.db);
    const results = await Promise.allSettled([
      storeConnection(ctx, connectionInput(customer, fakeRestrictedKey("live"))),
      storeConnection(ctx, connectionInput(customer, fakeRestrictedKey("live"))),
    ]);
    const fulfilled = results.filter((r) => r.status === "fulfilled");
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toBeInstanceOf(ConnectionStoreError);
    expect(rejected[0]!.reason).toMatchObject({ code: "active_connection_exists" });
  });

  it("replacing stores the new key and destroys the old one in the same transaction", async () => {
    const customer = await createCustomer(ctx.db);
    const [oldKey, newKey] = [fakeRestrictedKey(), fakeRestrictedKey()];
    const old = await storeConnection(ctx, connectionInput(customer, oldKey));
    const replacement = await storeConnection(ctx, connectionInput(customer, newKey, { replaces: old.id }));

    const oldRow = await rawRow(old.id);
    expect(oldRow).toMatchObject({ state: "replaced", replaced_by: replacement.id, ended_at: clock, ended_by: customer.userId, key_last4: old.key_last4 });
    for (const column of VAULT_COLUMNS) expect(oldRow[column as keyof typeof oldRow]).toBeNull();
    expect(await storeError(openConnectionSecret(ctx, old.id))).toMatchObject({ code: "secret_destroyed", connectionId: old.id });
    expect((await openConnectionSecret(ctx, replacement.id)).reveal()).toBe(newKey.reveal());
    expect(await findActiveConnectionByFingerprint(ctx, customer.organisationId, oldKey)).toBeUndefined();

    // Only an active connection of the same organisation and mode can be replaced.
    expect(await storeError(storeConnection(ctx, connectionInput(customer, fakeRestrictedKey(), { replaces: old.id })))).toMatchObject({
      code: "connection_not_active",
    });
    const stranger = await createCustomer(ctx.db);
    expect(await storeError(storeConnection(ctx, connectionInput(stranger, fakeRestrictedKey(), { replaces: replacement.id })))).toMatchObject({
      code: "connection_not_found",
    });
    expect(await storeError(storeConnection(ctx, connectionInput(customer, fakeRestrictedKey("live"), { replaces: replacement.id })))).toMatchObject({
      code: "mode_mismatch",
    });
    expect((await rawRow(replacement.id)).state).toBe("active");
  });

  it("a failure midway through a replacement leaves the old connection and its key untouched", async () => {
    const customer = await createCustomer(ctx.db);
    const oldKey = fakeRestrictedKey();
    const old = await storeConnection(ctx, connectionInput(customer, oldKey));
    const before = await rawRow(old.id);

    // The last write fails (a history row the schema refuses), after the old row was ended and the new one inserted.
    const broken = { triggeredBy: "cron" as unknown as "connect", status: "healthy" as const, durationMs: 1, requests: 1, manifestVersion: 3, findings: null };
    await expect(storeConnection(ctx, connectionInput(customer, fakeRestrictedKey(), { replaces: old.id, check: broken }))).rejects.toThrow(
      /check constraint|CHECK constraint/i,
    );

    expect(await rawRow(old.id)).toEqual(before);
    expect((await openConnectionSecret(ctx, old.id)).reveal()).toBe(oldKey.reveal());
    expect(await listConnections(ctx, { organisationId: customer.organisationId })).toHaveLength(1);

    // The same without a replacement: nothing is left behind either.
    const fresh = await createCustomer(ctx.db);
    await expect(storeConnection(ctx, connectionInput(fresh, fakeRestrictedKey(), { createdBy: "usr_nobody" }))).rejects.toThrow(/foreign key/i);
    expect(await listConnections(ctx, { organisationId: fresh.organisationId })).toEqual([]);
  });

  it("stores the accepting check with the connection, in the same transaction", async () => {
    const customer = await createCustomer(ctx.db);
    const check = { triggeredBy: "connect" as const, status: "over_privileged" as const, durationMs: 1530, requests: 14, manifestVersion: 3, findings: { excess: ["charge_write"] } };
    const stored = await storeConnection(ctx, connectionInput(customer, fakeRestrictedKey(), { check }));
    expect(stored).toMatchObject({ health_status: "over_privileged", last_checked_at: clock });
    expect(await getConnection(ctx, stored.id)).toEqual(stored);
    expect(await listChecks(ctx, stored.id)).toEqual([
      { id: expect.any(Number), connection_id: stored.id, checked_at: clock, triggered_by: "connect", status: "over_privileged", duration_ms: 1530, requests: 14, manifest_version: 3, findings: { excess: ["charge_write"] } },
    ]);

    // The history row fails after the connection row was inserted: neither is kept.
    const other = await createCustomer(ctx.db);
    const broken = { ...check, triggeredBy: "cron" as unknown as "scheduled" };
    await expect(storeConnection(ctx, connectionInput(other, fakeRestrictedKey(), { check: broken }))).rejects.toThrow(/check constraint|CHECK constraint/i);
    expect(await listConnections(ctx, { organisationId: other.organisationId })).toEqual([]);
  });

  it("disconnecting destroys the key in the same statement as the state change, and the database enforces it", async () => {
    const customer = await createCustomer(ctx.db);
    const key = fakeRestrictedKey();
    const stored = await storeConnection(ctx, connectionInput(customer, key));
    await recordCheck(ctx, { connectionId: stored.id, triggeredBy: "connect", status: "healthy", durationMs: 40, requests: 5, manifestVersion: 3, findings: {} });

    // Ending a connection while keeping its ciphertext is refused by the schema.
    await expect(
      ctx.db.updateTable("connections").set({ state: "revoked_by_customer", ended_at: clock }).where("id", "=", stored.id).execute(),
    ).rejects.toThrow(/check constraint|CHECK constraint/i);

    const stranger = await createCustomer(ctx.db);
    expect(
      await storeError(destroyConnectionSecret(ctx, stored.id, { state: "revoked_by_customer", endedBy: stranger.userId, organisationId: stranger.organisationId })),
    ).toMatchObject({ code: "connection_not_found" });

    const ended = await destroyConnectionSecret(ctx, stored.id, { state: "revoked_by_customer", endedBy: customer.userId, organisationId: customer.organisationId });
    expect(ended).toMatchObject({ state: "revoked_by_customer", ended_at: clock, ended_by: customer.userId, health_status: "healthy", key_last4: stored.key_last4 });
    const row = await rawRow(stored.id);
    for (const column of VAULT_COLUMNS) expect(row[column as keyof typeof row]).toBeNull();
    expect(await storeError(openConnectionSecret(ctx, stored.id))).toMatchObject({ code: "secret_destroyed" });
    expect(await storeError(destroyConnectionSecret(ctx, stored.id, { state: "revoked_by_customer", endedBy: customer.userId }))).toMatchObject({
      code: "connection_not_active",
    });
    // The history stays.
    expect(await listChecks(ctx, stored.id)).toHaveLength(1);
    expect(await storeError(destroyConnectionSecret(ctx, "con_missing", { state: "revoked_by_customer", endedBy: null }))).toMatchObject({
      code: "connection_not_found",
    });
  });

  it("records checks as history and keeps the current status on the connection", async () => {
    const customer = await createCustomer(ctx.db);
    const stored = await storeConnection(ctx, connectionInput(customer, fakeRestrictedKey()));
    const first = await recordCheck(ctx, {
      connectionId: stored.id,
      triggeredBy: "connect",
      status: "healthy",
      durationMs: 812.4,
      requests: 9,
      manifestVersion: 3,
      findings: { excess: [] },
      checkedAt: clock - 1000,
    });
    expect(first.previousStatus).toBe("unchecked");
    const second = await recordCheck(ctx, {
      connectionId: stored.id,
      triggeredBy: "scheduled",
      status: "expired",
      durationMs: 95,
      requests: 1,
      manifestVersion: 3,
      findings: { error: "api_key_expired" },
      nextCheckAt: clock + 86_400_000,
    });
    expect(second.previousStatus).toBe("healthy");
    expect(second.checkId).toBeGreaterThan(first.checkId);

    const history = await listChecks(ctx, stored.id);
    expect(history.map((c) => [c.status, c.triggered_by, c.duration_ms])).toEqual([
      ["expired", "scheduled", 95],
      ["healthy", "connect", 812],
    ]);
    expect(history[1]!.findings).toEqual({ excess: [] });
    expect(await listChecks(ctx, stored.id, { beforeId: second.checkId })).toHaveLength(1);
    expect(await getConnection(ctx, stored.id)).toMatchObject({ health_status: "expired", last_checked_at: clock, next_check_at: clock + 86_400_000 });
    expect(
      await storeError(recordCheck(ctx, { connectionId: "con_missing", triggeredBy: "manual", status: "healthy", durationMs: 1, requests: 1, manifestVersion: 3, findings: null })),
    ).toMatchObject({ code: "connection_not_found" });
  });
});

describe("the SQLite database file", () => {
  it("never holds the key in any form, even after replacing and disconnecting", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keyport-vault-file-"));
    const file = path.join(dir, "keyport.db");
    const handle = connectDatabase({ sqlitePath: file });
    try {
      await migrateToLatest(handle.db, handle.dialect);
      const ctx = createAppContext(handle, { secureCookies: false, keyRing: parseKeyRing(oldEntry) });
      const customer = await createCustomer(ctx.db);
      const keys = [fakeRestrictedKey("test"), fakeRestrictedKey("test"), fakeRestrictedKey("live")];
      const first = await storeConnection(ctx, connectionInput(customer, keys[0]!));
      await storeConnection(ctx, connectionInput(customer, keys[1]!, { replaces: first.id }));
      const live = await storeConnection(ctx, connectionInput(customer, keys[2]!));
      await destroyConnectionSecret(ctx, live.id, { state: "revoked_by_customer", endedBy: customer.userId });

      const bytes = Buffer.concat(fs.readdirSync(dir).map((name) => fs.readFileSync(path.join(dir, name))));
      expect(bytes.includes(Buffer.from(first.id))).toBe(true);
      for (const key of keys) {
        for (const form of plaintextForms(key.reveal())) expect(bytes.includes(Buffer.from(form))).toBe(false);
      }
    } finally {
      await handle.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
