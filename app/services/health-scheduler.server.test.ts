import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyRingEntry, parseKeyRing } from "~/domain/vault/key-ring";
import { connectDatabase } from "~/db/connect";
import { createTestDatabase, DIALECTS } from "../../tests/support/test-database";
import { connectedCustomer, demoManifest, startStripeForTests, type StripeForTests } from "../../tests/support/health-fixtures";
import { type AppContext, createAppContext } from "./app-context.server";
import { claimDueConnections, makeDue, nextCheckAt, sweepHealth } from "./health-scheduler.server";

const schedule = { intervalMs: 24 * 3_600_000, jitter: 0.1 };
const keyRing = parseKeyRing(generateKeyRingEntry("k1"));

let stripe: StripeForTests;
beforeAll(async () => {
  stripe = await startStripeForTests();
});
afterAll(() => stripe.emulator.close());

describe("scheduling", () => {
  it("spreads the next check around the interval and retries failed checks sooner", () => {
    const now = 1_000_000;
    const low = nextCheckAt(now, schedule, "healthy", () => 0);
    const high = nextCheckAt(now, schedule, "healthy", () => 1);
    expect(low).toBe(Math.round(now + 0.9 * schedule.intervalMs));
    expect(high).toBe(Math.round(now + 1.1 * schedule.intervalMs));
    expect(nextCheckAt(now, schedule, "check_failed", () => 0.5)).toBe(now + 15 * 60_000);
  });
});

describe.each(DIALECTS)("health sweeps on %s", (dialect) => {
  let ctx: AppContext;
  let url: string | undefined;
  let destroy: () => Promise<void>;
  beforeAll(async () => {
    const handle = await createTestDatabase(dialect);
    destroy = handle.destroy;
    url = handle.url;
    ctx = createAppContext(handle, { secureCookies: false, keyRing });
  });
  afterAll(() => destroy());

  const sweep = (instanceId: string, c: AppContext = ctx) =>
    sweepHealth(c, { instanceId, manifest: demoManifest, transport: stripe.transport, schedule, batchSize: 5, concurrency: 4 });

  it("checks only due connections, then schedules them a day later", async () => {
    const a = await connectedCustomer(ctx, stripe);
    const b = await connectedCustomer(ctx, stripe);
    const before = await ctx.db.selectFrom("connections").select(["id", "next_check_at"]).where("id", "in", [a.connection.id, b.connection.id]).execute();
    expect(before.every((r) => r.next_check_at === null || r.next_check_at > Date.now())).toBe(true);
    await ctx.db.updateTable("connections").set({ next_check_at: Date.now() - 1 }).where("id", "=", a.connection.id).execute();
    const summary = await sweep("instance-a");
    expect(summary.checked).toBeGreaterThanOrEqual(1);
    const checkedIds = await ctx.db.selectFrom("connection_checks").select("connection_id").where("triggered_by", "=", "scheduled").execute();
    expect(checkedIds.map((r) => r.connection_id)).toContain(a.connection.id);
    expect(checkedIds.map((r) => r.connection_id)).not.toContain(b.connection.id);
    const after = await ctx.db.selectFrom("connections").select(["next_check_at", "lease_owner"]).where("id", "=", a.connection.id).executeTakeFirstOrThrow();
    expect(after.lease_owner).toBeNull();
    expect(after.next_check_at! - Date.now()).toBeGreaterThan(0.85 * schedule.intervalMs);
  });

  it("re-claims a connection whose lease expired (a crashed instance), never a live lease", async () => {
    const crashed = await connectedCustomer(ctx, stripe);
    const held = await connectedCustomer(ctx, stripe);
    const now = Date.now();
    await ctx.db.updateTable("connections").set({ next_check_at: now - 1, lease_owner: "instance-crashed", lease_expires_at: now - 1 }).where("id", "=", crashed.connection.id).execute();
    await ctx.db.updateTable("connections").set({ next_check_at: now - 1, lease_owner: "instance-busy", lease_expires_at: now + 60_000 }).where("id", "=", held.connection.id).execute();
    const claimed = await claimDueConnections(ctx, { instanceId: "instance-new", limit: 100, leaseMs: 60_000 });
    expect(claimed).toContain(crashed.connection.id);
    expect(claimed).not.toContain(held.connection.id);
    await ctx.db.updateTable("connections").set({ lease_owner: null, lease_expires_at: null, next_check_at: now + 3_600_000 }).execute();
  });

  it("two sweepers check every connection exactly once between them, within each key's rate limit", async () => {
    const customers = [];
    for (let i = 0; i < 12; i++) customers.push(await connectedCustomer(ctx, stripe));
    const ids = customers.map((c) => c.connection.id);
    await ctx.db.updateTable("connections").set({ next_check_at: Date.now() + 3_600_000 }).execute();
    await makeDue(ctx);
    // Connecting just used each key at full speed; let Stripe's one-second buckets refill so the
    // 429 count below is about the sweep's own pacing.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const before = await ctx.db.selectFrom("connection_checks").select("id").where("triggered_by", "=", "scheduled").execute();

    // A second instance: its own connection pool (on PostgreSQL a separate set of sessions).
    const otherHandle = dialect === "postgres" ? connectDatabase({ url, sqlitePath: ":memory:", poolSize: 4 }) : undefined;
    const other = otherHandle ? createAppContext(otherHandle, { secureCookies: false, keyRing }) : ctx;
    try {
      const [one, two] = await Promise.all([sweep("instance-one"), sweep("instance-two", other)]);
      const rows = await ctx.db
        .selectFrom("connection_checks")
        .select("connection_id")
        .where("triggered_by", "=", "scheduled")
        .where("id", "not in", before.length ? before.map((r) => r.id) : [-1])
        .execute();
      const counts = new Map<string, number>();
      for (const r of rows) counts.set(r.connection_id, (counts.get(r.connection_id) ?? 0) + 1);
      for (const id of ids) expect(counts.get(id), `checks of ${id}`).toBe(1);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      expect(one.checked + two.checked).toBe(counts.size);
      if (dialect === "postgres") expect(one.checked > 0 && two.checked > 0).toBe(true);
    } finally {
      await otherHandle?.destroy();
    }
    for (const c of customers) {
      const stats = (await stripe.admin.ledger(c.key.id)).requests[c.key.id]!;
      expect(stats.rateLimited, `429s for ${c.key.id}`).toBe(0);
    }
  });
});
