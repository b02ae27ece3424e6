import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCustomer } from "../../tests/support/connection-fixtures";
import { createTestDatabase } from "../../tests/support/test-database";
import { type AppContext, createAppContext } from "./app-context.server";
import { recordAuditEvent } from "./audit.server";
import { listOrganisationActivity } from "./organisation-activity.server";

describe("an organisation's activity", () => {
  let ctx: AppContext;
  let destroy: () => Promise<void>;
  let tick = Date.UTC(2026, 10, 24);

  beforeAll(async () => {
    const handle = await createTestDatabase("sqlite");
    destroy = handle.destroy;
    ctx = createAppContext(handle, { secureCookies: false, now: () => (tick += 1000) });
  });
  afterAll(() => destroy());

  it("lists only the organisation's entries, newest first, a page at a time", async () => {
    const mine = await createCustomer(ctx.db);
    const theirs = await createCustomer(ctx.db);
    for (let i = 0; i < 5; i++) {
      await recordAuditEvent(ctx, { actor: { type: "user", id: mine.userId }, action: `mine.${i}`, outcome: "success", organisationId: mine.organisationId });
      await recordAuditEvent(ctx, { actor: { type: "user", id: theirs.userId }, action: `theirs.${i}`, outcome: "success", organisationId: theirs.organisationId });
    }
    await recordAuditEvent(ctx, { actor: { type: "anonymous", label: "someone@example.test" }, action: "auth.sign_in", outcome: "failure" });

    const first = await listOrganisationActivity(ctx, { organisationId: mine.organisationId, limit: 2 }, { vendorName: "Acme" });
    expect(first.events.map((e) => e.action)).toEqual(["mine.4", "mine.3"]);
    const second = await listOrganisationActivity(ctx, { organisationId: mine.organisationId, limit: 2, beforeId: first.nextBefore! }, { vendorName: "Acme" });
    expect(second.events.map((e) => e.action)).toEqual(["mine.2", "mine.1"]);
    const last = await listOrganisationActivity(ctx, { organisationId: mine.organisationId, limit: 2, beforeId: second.nextBefore! }, { vendorName: "Acme" });
    expect(last).toMatchObject({ events: [{ action: "mine.0" }], nextBefore: null });
  });

  it("narrows to one connection's entries within the organisation only", async () => {
    const mine = await createCustomer(ctx.db);
    const theirs = await createCustomer(ctx.db);
    const target = { type: "connection", id: "con_shared_looking_id" };
    await recordAuditEvent(ctx, { actor: { type: "user" }, action: "connection.created", outcome: "success", organisationId: mine.organisationId, target });
    await recordAuditEvent(ctx, { actor: { type: "user" }, action: "key.submitted", outcome: "accepted", organisationId: mine.organisationId });
    await recordAuditEvent(ctx, { actor: { type: "user" }, action: "connection.revoked", outcome: "not_found", organisationId: theirs.organisationId, target });

    const page = await listOrganisationActivity(ctx, { organisationId: mine.organisationId, connectionId: target.id }, { vendorName: "Acme" });
    expect(page.events.map((e) => e.action)).toEqual(["connection.created"]);
  });

  it("shows staff actions as the vendor's support, without who or from where", async () => {
    const mine = await createCustomer(ctx.db);
    await recordAuditEvent(ctx, {
      actor: { type: "staff", id: "usr_support1", label: "jane@vendor.example" },
      action: "connection.checked",
      outcome: "success",
      organisationId: mine.organisationId,
      ip: "198.51.100.4",
    });
    await recordAuditEvent(ctx, {
      actor: { type: "user", id: mine.userId, label: "me@customer.example" },
      action: "auth.sign_in",
      outcome: "success",
      organisationId: mine.organisationId,
      ip: "203.0.113.9",
    });

    const { events } = await listOrganisationActivity(ctx, { organisationId: mine.organisationId }, { vendorName: "Acme Analytics" });
    expect(events).toMatchObject([
      { actor_type: "user", actor_id: mine.userId, actor_label: "me@customer.example", ip: "203.0.113.9" },
      { actor_type: "staff", actor_id: null, actor_label: "Acme Analytics support", ip: null, action: "connection.checked" },
    ]);
    expect(JSON.stringify(events)).not.toMatch(/jane@vendor|usr_support1|198\.51\.100\.4/);
  });
});
