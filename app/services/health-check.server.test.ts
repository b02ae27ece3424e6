import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyRingEntry, parseKeyRing } from "~/domain/vault/key-ring";
import { createTestDatabase, DIALECTS } from "../../tests/support/test-database";
import { connectedCustomer, demoGrants, demoManifest, startStripeForTests, type StripeForTests } from "../../tests/support/health-fixtures";
import { type AppContext, createAppContext } from "./app-context.server";
import { listAuditEvents } from "./audit.server";
import { createCustomer } from "../../tests/support/connection-fixtures";
import { disconnectForTest } from "../../tests/support/disconnect-for-test";
import { listChecks } from "./connection-store.server";
import { runHealthCheck } from "./health-check.server";

let stripe: StripeForTests;
beforeAll(async () => {
  stripe = await startStripeForTests();
});
afterAll(() => stripe.emulator.close());

describe.each(DIALECTS)("health checks on %s", (dialect) => {
  let ctx: AppContext;
  let destroy: () => Promise<void>;
  beforeAll(async () => {
    const handle = await createTestDatabase(dialect);
    destroy = handle.destroy;
    ctx = createAppContext(handle, { secureCookies: false, keyRing: parseKeyRing(generateKeyRingEntry("k1")) });
  });
  afterAll(() => destroy());

  const check = (connectionId: string, manifest = demoManifest) =>
    runHealthCheck(ctx, connectionId, { trigger: "manual", actor: { type: "staff", id: "usr_support", label: "support@vendor.test" }, manifest, transport: stripe.transport });

  it("finds a working key healthy, keeps the check in the history, and changes nothing in Stripe", async () => {
    const { connection, key } = await connectedCustomer(ctx, stripe);
    const result = await check(connection.id);
    expect(result).toMatchObject({ status: "healthy", previousStatus: "healthy", changed: false });
    const history = await listChecks(ctx, connection.id);
    expect(history.map((h) => [h.triggered_by, h.status])).toEqual([
      ["manual", "healthy"],
      ["connect", "healthy"],
    ]);
    expect(history[0]!.requests).toBeGreaterThan(10);
    expect((await stripe.admin.ledger(key.id)).changes).toEqual([]);
  });

  it("tells expired, deleted and IP-blocked keys apart, and records each status change as an event", async () => {
    const expired = await connectedCustomer(ctx, stripe);
    const deleted = await connectedCustomer(ctx, stripe);
    const blocked = await connectedCustomer(ctx, stripe);
    await stripe.admin.expireKey(expired.key.id);
    await stripe.admin.deleteKey(deleted.key.id);
    await stripe.admin.setAllowedIps(blocked.key.id, ["192.0.2.1"]);
    expect((await check(expired.connection.id)).status).toBe("expired");
    expect((await check(deleted.connection.id)).status).toBe("revoked");
    expect((await check(blocked.connection.id)).status).toBe("ip_blocked");
    const events = await listAuditEvents(ctx, { targetId: expired.connection.id });
    expect(events.find((e) => e.action === "connection.status_changed")).toMatchObject({ outcome: "expired", details: { from: "healthy", to: "expired" } });
    // A check after a check with the same result is history, not a new event.
    await check(expired.connection.id);
    expect((await listAuditEvents(ctx, { targetId: expired.connection.id })).filter((e) => e.action === "connection.status_changed")).toHaveLength(1);
  });

  it("notices permissions removed or widened in the Dashboard after the key was connected", async () => {
    const narrowed = await connectedCustomer(ctx, stripe);
    const widened = await connectedCustomer(ctx, stripe);
    await stripe.admin.setPermissions(narrowed.key.id, demoGrants.filter((g) => g !== "invoice_read"));
    await stripe.admin.setPermissions(widened.key.id, [...demoGrants, "transfer_write"]);
    const narrowedResult = await check(narrowed.connection.id);
    expect(narrowedResult.status).toBe("missing_permissions");
    expect(narrowedResult.report?.problems.map((p) => p.permission)).toEqual(["invoice"]);
    expect((await check(widened.connection.id)).status).toBe("over_privileged");
  });

  it("never confuses Stripe being down with a permission problem", async () => {
    const { connection, key } = await connectedCustomer(ctx, stripe);
    await stripe.admin.setFaults({ errorRate: 1 }, key.id);
    const result = await check(connection.id);
    expect(result.status).toBe("check_failed");
    expect(result.report?.problems.some((p) => p.code === "missing_permission")).toBe(false);
    await stripe.admin.clearFaults(key.id);
    expect((await check(connection.id)).status).toBe("healthy");
  });

  it("shows needs_update when the manifest asks for more, until a key that satisfies it is supplied", async () => {
    const v1 = { ...demoManifest, version: 1, permissions: Object.fromEntries(Object.entries(demoManifest.permissions).filter(([name]) => name !== "dispute")) };
    const v2 = { ...demoManifest, version: 2 };
    const { connection, key } = await connectedCustomer(ctx, stripe, { manifest: v1, permissions: demoGrants.filter((g) => g !== "dispute_read") });
    const drifted = await check(connection.id, v2);
    expect(drifted.status).toBe("needs_update");
    expect(drifted.report?.problems).toEqual([expect.objectContaining({ code: "missing_permission", permission: "dispute", fix: "In the Stripe Dashboard, set Core › Disputes to Read." })]);
    // The customer adds the row in the Dashboard: the same key now satisfies version 2.
    await stripe.admin.setPermissions(key.id, demoGrants);
    expect((await check(connection.id, v2)).status).toBe("healthy");
    const row = await ctx.db.selectFrom("connections").select("manifest_version").where("id", "=", connection.id).executeTakeFirstOrThrow();
    expect(row.manifest_version).toBe(2);
  });

  it("reports a tampered row as a failed check for that connection, without crashing", async () => {
    const { connection } = await connectedCustomer(ctx, stripe);
    const other = await createCustomer(ctx.db);
    await sql`update connections set organisation_id = ${other.organisationId} where id = ${connection.id}`.execute(ctx.db);
    const result = await check(connection.id);
    expect(result.status).toBe("check_failed");
    expect(result.error).toMatch(/connection/i);
    expect(result.requests).toBe(0);
  });

  it("refuses to check a connection the customer has disconnected", async () => {
    const { connection, userId, organisationId } = await connectedCustomer(ctx, stripe);
    await disconnectForTest(ctx, connection.id, organisationId, userId);
    await expect(check(connection.id)).rejects.toThrow(/ended/);
  });
});
