import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyRingEntry, parseKeyRing } from "~/domain/vault/key-ring";
import { connectionInput, createCustomer, fakeRestrictedKey, plaintextForms } from "../../tests/support/connection-fixtures";
import { createTestDatabase, DIALECTS } from "../../tests/support/test-database";
import { type AppContext, createAppContext } from "./app-context.server";
import { listAuditEvents } from "./audit.server";
import { ConnectionStoreError, listChecks, openConnectionSecret, recordCheck, storeConnection } from "./connection-store.server";
import { disconnectConnection, stripeApiKeysUrl } from "./disconnect.server";

const VAULT_COLUMNS = ["master_key_id", "wrapped_data_key", "ciphertext", "sealed_version", "fingerprint", "fingerprint_key_id"] as const;
const meta = { ip: "203.0.113.7" };

describe.each(DIALECTS)("disconnecting a connection on %s", (dialect) => {
  let ctx: AppContext;
  let destroy: () => Promise<void>;
  const clock = Date.UTC(2026, 10, 24, 9, 30);

  beforeAll(async () => {
    const handle = await createTestDatabase(dialect);
    destroy = handle.destroy;
    ctx = createAppContext(handle, { secureCookies: false, now: () => clock, keyRing: parseKeyRing(generateKeyRingEntry("k1")) });
  });
  afterAll(() => destroy());

  const rawRow = (id: string) => ctx.db.selectFrom("connections").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  const actorFor = (customer: { userId: string }) => ({ type: "user" as const, id: customer.userId, label: `${customer.userId}@example.test` });

  async function openError(id: string) {
    try {
      await openConnectionSecret(ctx, id);
    } catch (error) {
      if (error instanceof ConnectionStoreError) return error.code;
      throw error;
    }
    return "opened";
  }

  it("destroys the key at once, keeps the history, and records who did it without the key", async () => {
    const customer = await createCustomer(ctx.db);
    const key = fakeRestrictedKey("live");
    const stored = await storeConnection(ctx, connectionInput(customer, key));
    await recordCheck(ctx, { connectionId: stored.id, triggeredBy: "scheduled", status: "healthy", durationMs: 40, requests: 2, manifestVersion: 3, findings: {} });

    const outcome = await disconnectConnection(ctx, { connectionId: stored.id, organisationId: customer.organisationId, actor: actorFor(customer) }, meta);

    expect(outcome).toMatchObject({
      kind: "disconnected",
      stripeApiKeysUrl: "https://dashboard.stripe.com/apikeys",
      connection: { id: stored.id, state: "revoked_by_customer", ended_at: clock, ended_by: customer.userId, key_last4: key.reveal().slice(-4) },
    });
    const row = await rawRow(stored.id);
    for (const column of VAULT_COLUMNS) expect(row[column], column).toBeNull();
    expect(row).toMatchObject({ state: "revoked_by_customer", key_last4: key.reveal().slice(-4), stripe_account_id: "acct_1PJBLEBBLEfVtest" });
    expect(await openError(stored.id)).toBe("secret_destroyed");
    expect(await listChecks(ctx, stored.id)).toHaveLength(1);

    const [event] = await listAuditEvents(ctx, { targetId: stored.id });
    expect(event).toMatchObject({
      action: "connection.revoked",
      outcome: "success",
      actor_type: "user",
      actor_id: customer.userId,
      organisation_id: customer.organisationId,
      ip: meta.ip,
      target_type: "connection",
      target_id: stored.id,
      details: { mode: "live", last4: key.reveal().slice(-4), account: "acct_1PJBLEBBLEfVtest" },
    });
    const dump = JSON.stringify([await ctx.db.selectFrom("audit_events").selectAll().execute(), row]);
    for (const form of plaintextForms(key.reveal())) expect(dump).not.toContain(form);
  });

  it("answers another organisation's connection id as not found and leaves it untouched", async () => {
    const owner = await createCustomer(ctx.db);
    const stranger = await createCustomer(ctx.db);
    const key = fakeRestrictedKey("test");
    const stored = await storeConnection(ctx, connectionInput(owner, key));

    const outcome = await disconnectConnection(ctx, { connectionId: stored.id, organisationId: stranger.organisationId, actor: actorFor(stranger) }, meta);
    const unknown = await disconnectConnection(ctx, { connectionId: "con_doesnotexist0000", organisationId: stranger.organisationId, actor: actorFor(stranger) }, meta);

    expect(outcome).toEqual({ kind: "not_found" });
    expect(unknown).toEqual(outcome);
    expect((await rawRow(stored.id)).state).toBe("active");
    expect((await openConnectionSecret(ctx, stored.id)).reveal()).toBe(key.reveal());
    // The attempt is on the stranger's own trail, not on the owner's.
    expect((await listAuditEvents(ctx, { organisationId: stranger.organisationId })).map((e) => [e.action, e.outcome])).toEqual([
      ["connection.revoked", "not_found"],
      ["connection.revoked", "not_found"],
    ]);
    expect(await listAuditEvents(ctx, { organisationId: owner.organisationId })).toEqual([]);
  });

  it("changes nothing for a connection that has already ended", async () => {
    const customer = await createCustomer(ctx.db);
    const first = await storeConnection(ctx, connectionInput(customer, fakeRestrictedKey("test")));
    const second = await storeConnection(ctx, connectionInput(customer, fakeRestrictedKey("test"), { replaces: first.id }));

    const outcome = await disconnectConnection(ctx, { connectionId: first.id, organisationId: customer.organisationId, actor: actorFor(customer) }, meta);

    expect(outcome).toMatchObject({ kind: "already_ended", connection: { id: first.id, state: "replaced", replaced_by: second.id } });
    expect((await rawRow(second.id)).state).toBe("active");
    expect((await listAuditEvents(ctx, { targetId: first.id }))[0]).toMatchObject({ action: "connection.revoked", outcome: "already_ended" });
  });

  it("two disconnections at once: one succeeds, the other is told it had already ended", async () => {
    const customer = await createCustomer(ctx.db);
    const stored = await storeConnection(ctx, connectionInput(customer, fakeRestrictedKey("test")));
    const input = { connectionId: stored.id, organisationId: customer.organisationId, actor: actorFor(customer) };

    const outcomes = await Promise.all([disconnectConnection(ctx, input, meta), disconnectConnection(ctx, input, meta)]);

    expect(outcomes.map((o) => o.kind).sort()).toEqual(["already_ended", "disconnected"]);
    const events = await listAuditEvents(ctx, { targetId: stored.id });
    expect(events.filter((e) => e.outcome === "success")).toHaveLength(1);
  });

  it("runs the webhook hook inside the transaction; a failing hook leaves the key and the trail as they were", async () => {
    const customer = await createCustomer(ctx.db);
    const key = fakeRestrictedKey("test");
    const stored = await storeConnection(ctx, connectionInput(customer, key));
    const input = { connectionId: stored.id, organisationId: customer.organisationId, actor: actorFor(customer) };

    const failing = disconnectConnection(ctx, input, meta, {
      onRevoked: async () => {
        throw new Error("outbox unavailable");
      },
    });
    await expect(failing).rejects.toThrow("outbox unavailable");
    expect((await rawRow(stored.id)).state).toBe("active");
    expect((await openConnectionSecret(ctx, stored.id)).reveal()).toBe(key.reveal());
    expect(await listAuditEvents(ctx, { targetId: stored.id })).toEqual([]);

    const seen: Array<{ state: string; ciphertext: string | null; audited: number }> = [];
    const outcome = await disconnectConnection(ctx, input, meta, {
      async onRevoked(trx, connection) {
        // Inside the transaction: the key is already gone and the audit entry already written.
        const row = await trx.selectFrom("connections").select(["state", "ciphertext"]).where("id", "=", connection.id).executeTakeFirstOrThrow();
        const audited = await trx.selectFrom("audit_events").select("id").where("target_id", "=", connection.id).execute();
        seen.push({ ...row, audited: audited.length });
      },
    });
    expect(outcome.kind).toBe("disconnected");
    expect(seen).toEqual([{ state: "revoked_by_customer", ciphertext: null, audited: 1 }]);
  });

  it("records a service-token actor without naming a user as the one who ended it", async () => {
    const customer = await createCustomer(ctx.db);
    const stored = await storeConnection(ctx, connectionInput(customer, fakeRestrictedKey("test")));
    const outcome = await disconnectConnection(
      ctx,
      { connectionId: stored.id, organisationId: customer.organisationId, actor: { type: "service_token", id: "tok_1", label: "vendor API" } },
      meta,
    );
    expect(outcome).toMatchObject({ kind: "disconnected", connection: { ended_by: null }, stripeApiKeysUrl: "https://dashboard.stripe.com/test/apikeys" });
    expect((await listAuditEvents(ctx, { targetId: stored.id }))[0]).toMatchObject({ actor_type: "service_token", actor_label: "vendor API" });
  });
});

describe("stripeApiKeysUrl", () => {
  it("points at the API keys page of the key's mode", () => {
    expect(stripeApiKeysUrl("live")).toBe("https://dashboard.stripe.com/apikeys");
    expect(stripeApiKeysUrl("test")).toBe("https://dashboard.stripe.com/test/apikeys");
  });
});
