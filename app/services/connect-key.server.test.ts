import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyRingEntry, parseKeyRing } from "~/domain/vault/key-ring";
import { createCustomer } from "../../tests/support/connection-fixtures";
import { demoManifest, startStripeForTests, type StripeForTests } from "../../tests/support/health-fixtures";
import { createTestDatabase, DIALECTS } from "../../tests/support/test-database";
import { type AppContext, createAppContext } from "./app-context.server";
import { listAuditEvents } from "./audit.server";
import { connectKey } from "./connect-key.server";

/**
 * A portal that says which permissions a key has is an oracle for stolen keys: submissions are
 * limited per organisation and per network address, and every attempt, refused ones included, is
 * in the audit trail without the key.
 */
let stripe: StripeForTests;
beforeAll(async () => {
  stripe = await startStripeForTests();
});
afterAll(() => stripe.emulator.close());

describe.each(DIALECTS)("key submission limits on %s", (dialect) => {
  let ctx: AppContext;
  let destroy: () => Promise<void>;
  beforeAll(async () => {
    const handle = await createTestDatabase(dialect);
    destroy = handle.destroy;
    ctx = createAppContext(handle, { secureCookies: false, keyRing: parseKeyRing(generateKeyRingEntry("k1")) });
  });
  afterAll(() => destroy());

  const submit = (customer: { organisationId: string; userId: string }, pasted: string, ip: string) =>
    connectKey(ctx, { organisationId: customer.organisationId, actor: { id: customer.userId, email: "c@example.test" }, pasted }, { ip }, { manifest: demoManifest, transport: stripe.transport });

  it("allows 15 submissions an hour per organisation, then refuses without looking at the key", async () => {
    const customer = await createCustomer(ctx.db);
    const secretKey = `sk_test_${"a1B2c3D4".repeat(4)}`;
    for (let i = 0; i < 15; i++) expect((await submit(customer, secretKey, `192.0.2.${i}`)).kind).toBe("refused");
    const limited = await submit(customer, secretKey, "192.0.2.200");
    expect(limited.kind).toBe("rate_limited");
    if (limited.kind === "rate_limited") expect(limited.retryAfterMs).toBeGreaterThan(0);

    const events = await listAuditEvents(ctx, { organisationId: customer.organisationId, limit: 100 });
    expect(events.filter((e) => e.action === "key.submitted").map((e) => e.outcome).sort()).toEqual([...Array(15).fill("refused"), "rate_limited"].sort());
    expect(JSON.stringify(events)).not.toContain(secretKey);
  });

  it("allows 30 submissions an hour from one address across organisations", async () => {
    const ip = "198.51.100.77";
    const outcomes: string[] = [];
    for (let org = 0; org < 4; org++) {
      const customer = await createCustomer(ctx.db);
      for (let i = 0; i < 8; i++) outcomes.push((await submit(customer, "not a key", ip)).kind);
    }
    expect(outcomes.slice(0, 30).every((kind) => kind === "refused")).toBe(true);
    expect(outcomes.slice(30)).toEqual(["rate_limited", "rate_limited"]);
    const stored = await ctx.db.selectFrom("connections").select("id").execute();
    expect(stored).toEqual([]);
  });
});
