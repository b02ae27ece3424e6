// eslint-disable-next-line no-restricted-imports -- a test, not app code: Stripe's own verifier (which sends nothing) must accept our signatures.
import Stripe from "stripe";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { generateKeyRingEntry, parseKeyRing } from "~/domain/vault/key-ring";
import { verifyKeyportSignature } from "../../examples/verify-webhook";
import { connectionInput, createCustomer, fakeRestrictedKey, plaintextForms } from "../../tests/support/connection-fixtures";
import { createTestDatabase, DIALECTS } from "../../tests/support/test-database";
import { startWebhookReceiver, type WebhookReceiver } from "../../tests/support/webhook-receiver";
import { type AppContext, createAppContext } from "./app-context.server";
import { listAuditEvents } from "./audit.server";
import { storeConnection } from "./connection-store.server";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  listWebhookEndpoints,
  openWebhookSigningSecret,
  rewrapWebhookSecrets,
  setWebhookEndpointStatus,
  webhookUrlSchema,
} from "./webhook-endpoints.server";
import {
  connectionEventData,
  DEFAULT_RETRY_POLICY,
  deliverDueWebhooks,
  getWebhookEvent,
  enqueueWebhookEvent,
  listWebhookDeliveries,
  replayWebhookDelivery,
  retryDelayMs,
  WEBHOOK_RETRY_WINDOW_MS,
  type WebhookEventInput,
} from "./webhooks.server";

const admin = { actor: { type: "staff" as const, id: null, label: "admin@vendor.test" }, ip: "203.0.113.9" };
const loopback = { allowInsecureLoopback: true };
const oldEntry = generateKeyRingEntry("old");
const newEntry = generateKeyRingEntry("new");
const fixedRandom = () => 0.5;

describe.each(DIALECTS)("webhooks on %s", (dialect) => {
  let handle: Awaited<ReturnType<typeof createTestDatabase>>;
  let ctx: AppContext;
  let clock: number;
  let receiver: WebhookReceiver;
  let organisationId: string;

  beforeAll(async () => {
    handle = await createTestDatabase(dialect);
    ctx = createAppContext(handle, { secureCookies: false, now: () => clock, keyRing: parseKeyRing(oldEntry) });
    ({ organisationId } = await createCustomer(ctx.db));
  });
  afterAll(() => handle.destroy());

  beforeEach(async () => {
    clock = Date.UTC(2026, 10, 23, 12);
    // Each test starts from no endpoints, so events fan out only to its own.
    for (const endpoint of await listWebhookEndpoints(ctx)) await deleteWebhookEndpoint(ctx, endpoint.id, admin);
    receiver = await startWebhookReceiver();
  });
  afterEach(() => receiver.close());

  async function endpoint(url = receiver.url) {
    const created = await createWebhookEndpoint(ctx, { url, description: "billing" }, admin, loopback);
    if (!created.ok) throw new Error(created.message);
    return created;
  }

  function statusChange(connectionId: string, previousStatus: "healthy" | "expired" | "revoked", status: "healthy" | "expired" | "revoked"): WebhookEventInput {
    return {
      type: "connection.status_changed",
      connectionId,
      organisationId,
      data: { mode: "test", account: "acct_1PJBLEBBLEfVtest", status, previousStatus, manifestVersion: 3 },
    };
  }

  /** Passes of the worker, moving the clock on between them, until nothing is pending. */
  async function deliverEverything(options: Parameters<typeof deliverDueWebhooks>[1] = {}) {
    for (let pass = 0; pass < 50; pass++) {
      await deliverDueWebhooks(ctx, { random: fixedRandom, ...options });
      const pending = await ctx.db.selectFrom("webhook_deliveries").select("id").where("status", "=", "pending").execute();
      if (pending.length === 0) return;
      clock += DEFAULT_RETRY_POLICY.maxDelayMs;
    }
    throw new Error("deliveries still pending after 50 passes");
  }

  it("keeps the signing secret only sealed, and signs every delivery so both our example and Stripe's SDK verify it", async () => {
    const { endpoint: created, secret } = await endpoint();
    const plaintext = secret.reveal();
    expect(plaintext).toMatch(/^whsec_[A-Za-z0-9]{43}$/);
    expect(created.secretLast4).toBe(plaintext.slice(-4));
    const row = await ctx.db.selectFrom("webhook_endpoints").selectAll().where("id", "=", created.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(plaintext.slice(6, 30));
    expect((await openWebhookSigningSecret(ctx, created.id)).reveal()).toBe(plaintext);

    await enqueueWebhookEvent(ctx.db, statusChange("con_signature01", "healthy", "expired"), { now: clock });
    expect(await deliverDueWebhooks(ctx)).toMatchObject({ attempted: 1, delivered: 1 });
    const [delivery] = receiver.received;
    const nowSeconds = Math.floor(clock / 1000);
    expect(delivery!.signature).toMatch(new RegExp(`^t=${nowSeconds},v1=[0-9a-f]{64}$`));
    expect(verifyKeyportSignature(delivery!.body, delivery!.signature, plaintext, { nowSeconds })).toEqual({ ok: true, timestamp: nowSeconds });
    expect(verifyKeyportSignature(delivery!.body, delivery!.signature, plaintext, { nowSeconds: nowSeconds + 301 })).toMatchObject({ reason: "timestamp_out_of_tolerance" });
    expect(verifyKeyportSignature(delivery!.body.replace("expired", "healthy"), delivery!.signature, plaintext, { nowSeconds })).toMatchObject({ reason: "signature_mismatch" });
    expect(verifyKeyportSignature(delivery!.body, delivery!.signature, `${plaintext}x`, { nowSeconds })).toMatchObject({ reason: "signature_mismatch" });
    // A vendor can keep using Stripe's own verification.
    const stripe = new Stripe("sk_test_unused");
    const event = stripe.webhooks.constructEvent(delivery!.body, delivery!.signature!, plaintext, 0);
    expect(event).toMatchObject({ type: "connection.status_changed" });

    expect(JSON.parse(delivery!.body)).toEqual({
      id: expect.stringMatching(/^evt_/),
      object: "event",
      type: "connection.status_changed",
      created: new Date(clock).toISOString(),
      data: {
        object: {
          id: "con_signature01",
          object: "connection",
          organisation_id: organisationId,
          mode: "test",
          account: "acct_1PJBLEBBLEfVtest",
          state: "active",
          status: "expired",
          manifest_version: 3,
          replaced_by: null,
          replaces: null,
        },
        previous_attributes: { status: "healthy" },
      },
    });
  });

  it("delivers every event exactly once and in order per connection after the receiver was down", async () => {
    await endpoint();
    await receiver.down();
    const connections = ["con_order00001", "con_order00002", "con_order00003"];
    const statuses = ["healthy", "expired", "healthy", "revoked", "healthy"] as const;
    const expected = new Map<string, string[]>(connections.map((c) => [c, []]));
    for (let i = 1; i < statuses.length; i++) {
      for (const connectionId of connections) {
        const { eventId } = await enqueueWebhookEvent(ctx.db, statusChange(connectionId, statuses[i - 1]!, statuses[i]!), { now: clock });
        expected.get(connectionId)!.push(eventId);
      }
    }

    // Down: only the head of each connection's chain is tried; the rest wait behind it.
    const first = await deliverDueWebhooks(ctx, { random: fixedRandom });
    expect(first).toEqual({ attempted: 3, delivered: 0, retrying: 3, failed: 0 });
    const log = await listWebhookDeliveries(ctx, (await listWebhookEndpoints(ctx))[0]!.id);
    const tried = log.filter((d) => d.attempts > 0);
    expect(tried.map((d) => d.attemptLog[0]!.error)).toEqual(["Connection refused.", "Connection refused.", "Connection refused."]);
    expect(tried.map((d) => d.attemptLog[0]!.statusCode)).toEqual([null, null, null]);
    // Nothing is due again before the backoff has passed.
    expect(await deliverDueWebhooks(ctx)).toMatchObject({ attempted: 0 });
    clock += DEFAULT_RETRY_POLICY.baseDelayMs;
    expect(await deliverDueWebhooks(ctx, { random: fixedRandom })).toMatchObject({ attempted: 3, retrying: 3 });

    await receiver.up();
    clock += DEFAULT_RETRY_POLICY.maxDelayMs;
    await deliverEverything();

    const arrived = receiver.events();
    expect(arrived).toHaveLength(12);
    expect(new Set(arrived.map((e) => e.id)).size).toBe(12);
    for (const connectionId of connections) {
      expect(arrived.filter((e) => e.data.object.id === connectionId).map((e) => e.id)).toEqual(expected.get(connectionId));
    }
    const delivered = await ctx.db.selectFrom("webhook_deliveries").select("id").where("status", "=", "delivered").where("connection_id", "in", connections).execute();
    expect(delivered).toHaveLength(12);
  });

  it("shares the work between concurrent workers without sending anything twice or out of order", async () => {
    await endpoint();
    receiver.delay(5);
    const connections = Array.from({ length: 6 }, (_, i) => `con_parallel0${i}`);
    const expected = new Map<string, string[]>(connections.map((c) => [c, []]));
    for (let round = 0; round < 5; round++) {
      for (const connectionId of connections) {
        const { eventId } = await enqueueWebhookEvent(ctx.db, statusChange(connectionId, "healthy", round % 2 ? "healthy" : "expired"), { now: clock });
        expected.get(connectionId)!.push(eventId);
      }
    }
    const workers = await Promise.all(
      ["a", "b", "c"].map((name) => deliverDueWebhooks(ctx, { workerId: `worker_${name}`, batchSize: 2, concurrency: 2 })),
    );
    expect(workers.reduce((sum, w) => sum + w.delivered, 0)).toBe(30);
    const arrived = receiver.events();
    expect(arrived).toHaveLength(30);
    expect(new Set(arrived.map((e) => e.id)).size).toBe(30);
    for (const connectionId of connections) {
      expect(arrived.filter((e) => e.data.object.id === connectionId).map((e) => e.id)).toEqual(expected.get(connectionId));
    }
  });

  it("backs off exponentially with jitter, gives up after the retry window, and then lets the next event through", async () => {
    const { endpoint: created } = await endpoint();
    receiver.respondWith(500);
    const { eventId: first } = await enqueueWebhookEvent(ctx.db, statusChange("con_backoff001", "healthy", "expired"), { now: clock });

    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      await deliverDueWebhooks(ctx, { random: fixedRandom });
      const [row] = await ctx.db.selectFrom("webhook_deliveries").select(["next_attempt_at", "last_attempt_at"]).where("endpoint_id", "=", created.id).orderBy("id").execute();
      delays.push(row!.next_attempt_at! - row!.last_attempt_at!);
      clock = row!.next_attempt_at!;
    }
    // 30 s doubling, each 75% of the exponential value with random() = 0.5 (half fixed, half jittered).
    expect(delays).toEqual([22_500, 45_000, 90_000, 180_000, 360_000, 720_000]);
    expect(retryDelayMs(1, DEFAULT_RETRY_POLICY, () => 0)).toBe(15_000);
    expect(retryDelayMs(1, DEFAULT_RETRY_POLICY, () => 0.999)).toBeLessThan(30_000);
    expect(retryDelayMs(30, DEFAULT_RETRY_POLICY, () => 1)).toBe(DEFAULT_RETRY_POLICY.maxDelayMs);
    expect(receiver.events().map((e) => e.id)).toEqual(Array(6).fill(first));
    // A later event for the same connection waits behind the first.
    const { eventId: second } = await enqueueWebhookEvent(ctx.db, statusChange("con_backoff001", "expired", "revoked"), { now: clock });

    // Past its retry window, the first delivery fails once more and is given up on; the second goes next.
    clock = Date.UTC(2026, 10, 23, 12) + WEBHOOK_RETRY_WINDOW_MS;
    receiver.respondWith(503);
    expect(await deliverDueWebhooks(ctx, { random: fixedRandom })).toEqual({ attempted: 2, delivered: 0, retrying: 1, failed: 1 });
    receiver.respondWith(200);
    clock += DEFAULT_RETRY_POLICY.baseDelayMs;
    expect(await deliverDueWebhooks(ctx, { random: fixedRandom })).toMatchObject({ delivered: 1 });
    const log = await listWebhookDeliveries(ctx, created.id);
    expect(log.map((d) => [d.eventId, d.status])).toEqual([
      [second, "delivered"],
      [first, "failed"],
    ]);
    expect(log[1]!.attemptLog[0]).toMatchObject({ statusCode: 503, error: "HTTP 503", responseExcerpt: "receiver says no" });
    expect(log[1]!.attemptLog).toHaveLength(7);
    expect(log[0]!.attemptLog.map((a) => a.statusCode)).toEqual([200, 503]);
  });

  it("replays a delivery at an admin's request, logs it as a replay and audits it", async () => {
    const { endpoint: created } = await endpoint();
    const { eventId } = await enqueueWebhookEvent(ctx.db, statusChange("con_replay0001", "healthy", "expired"), { now: clock });
    await deliverDueWebhooks(ctx);
    const [delivery] = await listWebhookDeliveries(ctx, created.id);
    expect(delivery).toMatchObject({ status: "delivered", attempts: 1 });

    clock += 60_000;
    expect(await replayWebhookDelivery(ctx, delivery!.id, admin)).toEqual({ sent: true, verdict: "delivered" });
    expect(receiver.events().map((e) => e.id)).toEqual([eventId, eventId]);
    const [replayed] = await listWebhookDeliveries(ctx, created.id);
    expect(replayed).toMatchObject({ status: "delivered", attempts: 2 });
    expect(replayed!.attemptLog.map((a) => a.triggeredBy)).toEqual(["replay", "worker"]);
    expect(replayed!.attemptLog.every((a) => a.durationMs >= 0 && a.statusCode === 200)).toBe(true);
    const audit = await listAuditEvents(ctx, { targetId: created.id });
    expect(audit[0]).toMatchObject({ action: "webhook.delivery_replayed", actor_label: "admin@vendor.test", details: { event: eventId } });
    expect(await replayWebhookDelivery(ctx, 987654, admin)).toBeUndefined();
  });

  it("holds deliveries while an endpoint is disabled, cancels them when it is deleted, and destroys its secret", async () => {
    const { endpoint: created } = await endpoint();
    await setWebhookEndpointStatus(ctx, created.id, "disabled", admin);
    expect((await enqueueWebhookEvent(ctx.db, statusChange("con_disabled01", "healthy", "expired"), { now: clock })).deliveries).toBe(0);
    await setWebhookEndpointStatus(ctx, created.id, "enabled", admin);
    await enqueueWebhookEvent(ctx.db, statusChange("con_disabled01", "expired", "healthy"), { now: clock });
    await setWebhookEndpointStatus(ctx, created.id, "disabled", admin);
    expect(await deliverDueWebhooks(ctx)).toMatchObject({ attempted: 0 });
    await setWebhookEndpointStatus(ctx, created.id, "enabled", admin);
    expect(await deliverDueWebhooks(ctx)).toMatchObject({ delivered: 1 });

    await receiver.down();
    await enqueueWebhookEvent(ctx.db, statusChange("con_disabled01", "healthy", "revoked"), { now: clock });
    expect(await deleteWebhookEndpoint(ctx, created.id, admin)).toBe(true);
    const row = await ctx.db.selectFrom("webhook_endpoints").selectAll().where("id", "=", created.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "deleted", secret_ciphertext: null, secret_wrapped_data_key: null, secret_master_key_id: null });
    const statuses = await ctx.db.selectFrom("webhook_deliveries").select("status").where("endpoint_id", "=", created.id).orderBy("id").execute();
    expect(statuses.map((s) => s.status)).toEqual(["delivered", "cancelled"]);
    expect((await listAuditEvents(ctx, { targetId: created.id })).map((a) => a.action)).toEqual([
      "webhook_endpoint.deleted",
      "webhook_endpoint.enabled",
      "webhook_endpoint.disabled",
      "webhook_endpoint.enabled",
      "webhook_endpoint.disabled",
      "webhook_endpoint.created",
    ]);
  });

  it("sends a timed-out or redirected delivery again later", async () => {
    const { endpoint: created } = await endpoint();
    receiver.delay(500);
    await enqueueWebhookEvent(ctx.db, statusChange("con_timeout001", "healthy", "expired"), { now: clock });
    expect(await deliverDueWebhooks(ctx, { timeoutMs: 100 })).toMatchObject({ retrying: 1 });
    receiver.delay(0);
    receiver.respondWith(302);
    clock += DEFAULT_RETRY_POLICY.maxDelayMs;
    expect(await deliverDueWebhooks(ctx)).toMatchObject({ retrying: 1 });
    const [delivery] = await listWebhookDeliveries(ctx, created.id);
    expect(delivery!.attemptLog.map((a) => a.error)).toEqual(["Redirects are not followed; configure the final URL.", "No answer within 0.1 s."]);
  });

  it("refuses event data it does not know, so no key material can reach a receiver", async () => {
    const input = statusChange("con_strict0001", "healthy", "expired");
    await expect(enqueueWebhookEvent(ctx.db, { ...input, data: { ...input.data, key: "rk_test_51abc" } as never })).rejects.toThrow();
    await expect(enqueueWebhookEvent(ctx.db, { ...input, data: { ...input.data, account: "rk_test_51abcdefgh" } })).rejects.toThrow();
    await expect(enqueueWebhookEvent(ctx.db, { ...input, type: "connection.deleted" as never })).rejects.toThrow();
    expect(await ctx.db.selectFrom("webhook_events").select("id").where("connection_id", "=", "con_strict0001").execute()).toEqual([]);
  });

  it("builds event data from a stored connection, without its key", async () => {
    await endpoint();
    const customer = await createCustomer(ctx.db);
    const key = fakeRestrictedKey("live");
    const connection = await storeConnection(ctx, connectionInput(customer, key, { mode: "live" }));
    const { eventId } = await enqueueWebhookEvent(
      ctx.db,
      { type: "connection.created", connectionId: connection.id, organisationId: customer.organisationId, data: connectionEventData(connection, { replaces: "con_previous0001" }) },
      { now: clock },
    );
    const payload = await getWebhookEvent(ctx, eventId);
    expect(payload?.data).toEqual({
      object: {
        id: connection.id,
        object: "connection",
        organisation_id: customer.organisationId,
        mode: "live",
        account: "acct_1PJBLEBBLEfVtest",
        state: "active",
        status: "unchecked",
        manifest_version: 3,
        replaced_by: null,
        replaces: "con_previous0001",
      },
    });
    await deliverDueWebhooks(ctx);
    const [received] = receiver.received;
    for (const form of plaintextForms(key.reveal())) expect(received!.body).not.toContain(form);
  });

  it("enqueues in the caller's transaction: a rolled-back change leaves no event", async () => {
    await endpoint();
    await expect(
      ctx.db.transaction().execute(async (trx) => {
        await enqueueWebhookEvent(trx, statusChange("con_rollback01", "healthy", "expired"), { now: clock });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await ctx.db.selectFrom("webhook_events").select("id").where("connection_id", "=", "con_rollback01").execute()).toEqual([]);
  });

  it("re-wraps signing secrets under a new master key without changing them", async () => {
    const { endpoint: created, secret } = await endpoint();
    const rotated = createAppContext(handle, { secureCookies: false, now: () => clock, keyRing: parseKeyRing(`${newEntry},${oldEntry}`) });
    expect(await rewrapWebhookSecrets(rotated)).toEqual({ rewrapped: 1, failed: [] });
    expect(await rewrapWebhookSecrets(rotated)).toEqual({ rewrapped: 0, failed: [] });
    const newOnly = createAppContext(handle, { secureCookies: false, now: () => clock, keyRing: parseKeyRing(newEntry) });
    expect((await openWebhookSigningSecret(newOnly, created.id)).reveal()).toBe(secret.reveal());
  });
});

describe("webhook endpoint URLs", () => {
  const production = webhookUrlSchema({ allowInsecureLoopback: false });
  const development = webhookUrlSchema({ allowInsecureLoopback: true });

  it("require https in production", () => {
    expect(production.safeParse("https://billing.example.com/hooks").success).toBe(true);
    expect(production.safeParse("http://billing.example.com/hooks").success).toBe(false);
    expect(production.safeParse("http://127.0.0.1:4000/hooks").success).toBe(false);
  });

  it("allow plain http only to loopback in development and tests", () => {
    expect(development.safeParse("http://127.0.0.1:4000/hooks").success).toBe(true);
    expect(development.safeParse("http://localhost:4000/hooks").success).toBe(true);
    expect(development.safeParse("http://[::1]:4000/hooks").success).toBe(true);
    expect(development.safeParse("http://10.0.0.5/hooks").success).toBe(false);
    expect(development.safeParse("ftp://127.0.0.1/hooks").success).toBe(false);
  });

  it("refuse credentials, fragments and things that are not URLs", () => {
    expect(production.safeParse("https://user:pass@billing.example.com/hooks").success).toBe(false);
    expect(production.safeParse("https://billing.example.com/hooks#x").success).toBe(false);
    expect(production.safeParse("billing.example.com").success).toBe(false);
  });
});
