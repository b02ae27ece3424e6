import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createId } from "~/utils/ids";
import { createTestDatabase, DIALECTS } from "../../tests/support/test-database";
import { type AppContext, createAppContext } from "./app-context.server";
import { countByStatus, listConnectionsForSupport } from "./support-console.server";

/** Rows inserted directly: the list reads metadata only, so the sealed columns hold placeholders. */
async function seed(ctx: AppContext, count: number) {
  const orgs = ["Acme Analytics", "Globex", "Initech", "Umbrella Corp"].map((name) => ({ id: createId("org"), name, created_at: 1 }));
  await ctx.db.insertInto("organisations").values(orgs).execute();
  const statuses = ["healthy", "expired", "missing_permissions", "healthy"] as const;
  const rows = Array.from({ length: count }, (_, i) => ({
    id: createId("con"),
    organisation_id: orgs[i % orgs.length]!.id,
    mode: (i % 8 < 4 ? "test" : "live") as "test" | "live",
    state: (i < count - 3 ? "active" : "replaced") as "active" | "replaced",
    health_status: statuses[i % statuses.length]!,
    stripe_account_id: `acct_1${String(i).padStart(15, "0")}`,
    key_last4: String(i).padStart(4, "0").slice(-4),
    fingerprint: i < count - 3 ? `fp${i}` : null,
    fingerprint_key_id: i < count - 3 ? "k1" : null,
    master_key_id: i < count - 3 ? "k1" : null,
    wrapped_data_key: i < count - 3 ? "AAAA" : null,
    ciphertext: i < count - 3 ? "AAAA" : null,
    sealed_version: i < count - 3 ? 1 : null,
    manifest_version: 1,
    report: "{}",
    created_at: 1_000_000 + i,
    created_by: null,
    updated_at: 1_000_000 + i,
    ended_at: i < count - 3 ? null : 2_000_000,
    ended_by: null,
    replaced_by: null,
  }));
  // Different organisations per mode would break the one-active-per-mode rule; keep one org per (org, mode) pair active.
  const seen = new Set<string>();
  const valid = rows.map((r) => {
    const key = `${r.organisation_id}:${r.mode}`;
    if (r.state === "active" && seen.has(key)) return { ...r, state: "replaced" as const, fingerprint: null, fingerprint_key_id: null, master_key_id: null, wrapped_data_key: null, ciphertext: null, sealed_version: null, ended_at: 2_000_000 };
    if (r.state === "active") seen.add(key);
    return r;
  });
  await ctx.db.insertInto("connections").values(valid).execute();
  return valid;
}

describe.each(DIALECTS)("support console list on %s", (dialect) => {
  let ctx: AppContext;
  let destroy: () => Promise<void>;
  let rows: Awaited<ReturnType<typeof seed>>;
  beforeAll(async () => {
    const handle = await createTestDatabase(dialect);
    destroy = handle.destroy;
    ctx = createAppContext(handle, { secureCookies: false });
    rows = await seed(ctx, 120);
  });
  afterAll(() => destroy());

  it("pages through every connection exactly once, newest first", async () => {
    const seenIds: string[] = [];
    let after: string | undefined;
    do {
      const page = await listConnectionsForSupport(ctx, { state: "all", limit: 25, after });
      seenIds.push(...page.rows.map((r) => r.id));
      after = page.nextCursor ?? undefined;
    } while (after);
    expect(seenIds).toHaveLength(rows.length);
    expect(new Set(seenIds).size).toBe(rows.length);
    expect(seenIds[0]).toBe(rows[rows.length - 1]!.id);
  });

  it("filters by status, mode and state, and searches by organisation or account", async () => {
    const active = rows.filter((r) => r.state === "active");
    const expired = await listConnectionsForSupport(ctx, { status: "expired", limit: 200 });
    expect(expired.rows.map((r) => r.id).sort()).toEqual(active.filter((r) => r.health_status === "expired").map((r) => r.id).sort());
    const live = await listConnectionsForSupport(ctx, { mode: "live", limit: 200 });
    expect(live.rows.every((r) => r.mode === "live")).toBe(true);
    const ended = await listConnectionsForSupport(ctx, { state: "ended", limit: 200 });
    expect(ended.rows.every((r) => r.state !== "active")).toBe(true);
    const byName = await listConnectionsForSupport(ctx, { q: "globex", state: "all", limit: 200 });
    expect(byName.rows.length).toBeGreaterThan(0);
    expect(byName.rows.every((r) => r.organisationName === "Globex")).toBe(true);
    const target = rows[7]!;
    const byAccount = await listConnectionsForSupport(ctx, { q: target.stripe_account_id, state: "all" });
    expect(byAccount.rows.map((r) => r.id)).toEqual([target.id]);
    expect(await listConnectionsForSupport(ctx, { q: "100%_", state: "all" })).toMatchObject({ rows: [] });
  });

  it("counts active connections per status", async () => {
    const counts = await countByStatus(ctx);
    const active = rows.filter((r) => r.state === "active");
    expect(Object.values(counts).reduce((a, b) => a + (b ?? 0), 0)).toBe(active.length);
    expect(counts.expired).toBe(active.filter((r) => r.health_status === "expired").length);
  });
});
