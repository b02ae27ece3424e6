import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyRingEntry, parseKeyRing } from "~/domain/vault/key-ring";
import { verifyKeyportSignature } from "../../examples/verify-webhook";
import { connectedCustomer, demoGrants, demoManifest, startStripeForTests, type StripeForTests } from "../../tests/support/health-fixtures";
import { createTestDatabase, DIALECTS } from "../../tests/support/test-database";
import { startWebhookReceiver } from "../../tests/support/webhook-receiver";
import { type AppContext, createAppContext } from "./app-context.server";
import { connectKey } from "./connect-key.server";
import { disconnectConnection } from "./disconnect.server";
import { runHealthCheck } from "./health-check.server";
import { createWebhookEndpoint } from "./webhook-endpoints.server";
import { deliverDueWebhooks } from "./webhooks.server";

/**
 * The vendor's systems hear of every change in a connection's life, in order: the connect flow,
 * a replacement, a health check that changes the status, and a disconnection each put their event
 * in the outbox in the same transaction as the change, and the worker delivers them signed.
 */
let stripe: StripeForTests;
beforeAll(async () => {
  stripe = await startStripeForTests();
});
afterAll(() => stripe.emulator.close());

describe.each(DIALECTS)("webhook events from the key lifecycle on %s", (dialect) => {
  let ctx: AppContext;
  let destroy: () => Promise<void>;
  beforeAll(async () => {
    const handle = await createTestDatabase(dialect);
    destroy = handle.destroy;
    ctx = createAppContext(handle, { secureCookies: false, keyRing: parseKeyRing(generateKeyRingEntry("k1")) });
  });
  afterAll(() => destroy());

  it("created, replaced + created, status_changed, revoked — delivered in order per connection and signed", async () => {
    const receiver = await startWebhookReceiver();
    try {
      const endpoint = await createWebhookEndpoint(ctx, { url: receiver.url }, { actor: { type: "staff", id: null, label: "admin@vendor.test" } }, { allowInsecureLoopback: true });
      if (!endpoint.ok) throw new Error(endpoint.message);

      const first = await connectedCustomer(ctx, stripe);
      const second = await stripe.admin.createKey({ mode: "test", permissions: demoGrants });
      const replaced = await connectKey(
        ctx,
        { organisationId: first.organisationId, actor: { id: first.userId, email: "customer@example.test" }, pasted: second.key },
        { ip: "198.51.100.9" },
        { manifest: demoManifest, transport: stripe.transport },
      );
      if (replaced.kind !== "accepted") throw new Error(replaced.kind);
      await stripe.admin.expireKey(second.id);
      const check = await runHealthCheck(ctx, replaced.connection.id, { trigger: "manual", actor: { type: "system", label: "test" }, manifest: demoManifest, transport: stripe.transport });
      expect(check.status).toBe("expired");
      const ended = await disconnectConnection(ctx, { connectionId: replaced.connection.id, organisationId: first.organisationId, actor: { type: "user", id: first.userId, label: "customer" } }, { ip: "198.51.100.9" });
      expect(ended.kind).toBe("disconnected");

      await deliverDueWebhooks(ctx, { timeoutMs: 2_000 });
      const events = receiver.events();
      // Order is guaranteed per connection (different connections are delivered side by side).
      const typesOf = (id: string) => events.filter((e) => e.data.object.id === id).map((e) => e.type);
      expect(events).toHaveLength(5);
      expect(typesOf(first.connection.id)).toEqual(["connection.created", "connection.replaced"]);
      expect(typesOf(replaced.connection.id)).toEqual(["connection.created", "connection.status_changed", "connection.revoked"]);
      expect(events.find((e) => e.type === "connection.status_changed")!.data.object.status).toBe("expired");
      for (const delivery of receiver.received) {
        expect(verifyKeyportSignature(delivery.body, delivery.signature, endpoint.secret.reveal()).ok).toBe(true);
        for (const key of [first.key.key, second.key]) expect(delivery.body).not.toContain(key);
      }
    } finally {
      await receiver.close();
    }
  });
});
