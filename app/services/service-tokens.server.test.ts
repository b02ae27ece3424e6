import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, DIALECTS } from "../../tests/support/test-database";
import { type AppContext, createAppContext } from "./app-context.server";
import { listAuditEvents } from "./audit.server";
import {
  authenticateServiceToken,
  bearerToken,
  createServiceToken,
  hasScope,
  listServiceTokens,
  revokeServiceToken,
} from "./service-tokens.server";

const admin = { actor: { type: "staff" as const, id: null, label: "admin@vendor.test" }, ip: "203.0.113.9" };
const meta = { ip: "198.51.100.20" };
const DAY = 24 * 60 * 60_000;

describe.each(DIALECTS)("service tokens on %s", (dialect) => {
  let ctx: AppContext;
  let destroy: () => Promise<void>;
  let clock = Date.UTC(2026, 10, 23, 12);

  beforeAll(async () => {
    const handle = await createTestDatabase(dialect);
    destroy = handle.destroy;
    ctx = createAppContext(handle, { secureCookies: false, now: () => clock });
  });
  afterAll(() => destroy());

  async function create(name: string, scopes: string[] = ["connections:read"], expiresAt: number | null = null) {
    const result = await createServiceToken(ctx, { name, scopes, expiresAt }, admin);
    if (!result.ok) throw new Error(result.message);
    return result;
  }

  it("returns the token once and stores only its SHA-256 and last four characters", async () => {
    const { token, record } = await create("billing-sync", ["credentials:read", "connections:read"]);
    const plaintext = token.reveal();
    expect(plaintext).toMatch(/^kpt_[A-Za-z0-9_-]{43}$/);
    expect(record).toMatchObject({ name: "billing-sync", last4: plaintext.slice(-4), scopes: ["connections:read", "credentials:read"], state: "active" });
    expect(JSON.stringify(record)).not.toContain(plaintext);
    expect(String(token)).not.toContain(plaintext);

    const rows = await ctx.db.selectFrom("service_tokens").selectAll().execute();
    const everything = JSON.stringify(rows);
    expect(everything).not.toContain(plaintext);
    expect(everything).not.toContain(plaintext.slice(4, 30));
    const row = rows.find((r) => r.id === record.id)!;
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);

    const audit = await listAuditEvents(ctx, { targetId: record.id });
    expect(audit).toMatchObject([{ action: "service_token.created", actor_label: "admin@vendor.test", ip: "203.0.113.9" }]);
    expect(JSON.stringify(audit)).not.toContain(plaintext);
  });

  it("authenticates a bearer token, records when and from where it was used, and carries its scopes", async () => {
    const { token, record } = await create("reporting", ["connections:read", "keys:check"]);
    clock += 1000;
    const auth = await authenticateServiceToken(ctx, `Bearer ${token.reveal()}`, meta);
    expect(auth.ok).toBe(true);
    if (!auth.ok) return;
    expect(auth.token.id).toBe(record.id);
    expect(hasScope(auth.token, "connections:read")).toBe(true);
    expect(hasScope(auth.token, "keys:check")).toBe(true);
    expect(hasScope(auth.token, "credentials:read")).toBe(false);
    const [listed] = (await listServiceTokens(ctx)).filter((t) => t.id === record.id);
    expect(listed).toMatchObject({ lastUsedAt: clock, lastUsedIp: meta.ip });
  });

  it("refuses a missing, malformed, unknown or altered token", async () => {
    const { token } = await create("altered");
    const plaintext = token.reveal();
    const altered = `${plaintext.slice(0, -1)}${plaintext.endsWith("A") ? "B" : "A"}`;
    expect(await authenticateServiceToken(ctx, null, meta)).toEqual({ ok: false, reason: "missing" });
    expect(await authenticateServiceToken(ctx, `Basic ${plaintext}`, meta)).toEqual({ ok: false, reason: "missing" });
    expect(await authenticateServiceToken(ctx, "Bearer not-a-token", meta)).toEqual({ ok: false, reason: "unknown" });
    expect(await authenticateServiceToken(ctx, `Bearer ${altered}`, meta)).toEqual({ ok: false, reason: "unknown" });
    expect(bearerToken(`bearer   ${plaintext}`)).toBe(plaintext);
  });

  it("stops working when it expires", async () => {
    const { token } = await create("short-lived", ["connections:read"], clock + DAY);
    expect((await authenticateServiceToken(ctx, `Bearer ${token.reveal()}`, meta)).ok).toBe(true);
    clock += DAY;
    const expired = await authenticateServiceToken(ctx, `Bearer ${token.reveal()}`, meta);
    expect(expired).toMatchObject({ ok: false, reason: "expired", token: { name: "short-lived", state: "expired" } });
  });

  it("stops working as soon as it is revoked; revoking twice changes nothing; the name can then be reused", async () => {
    const { token, record } = await create("to-revoke");
    const revoked = await revokeServiceToken(ctx, record.id, admin);
    expect(revoked).toMatchObject({ changed: true, token: { state: "revoked", revokedByLabel: "admin@vendor.test" } });
    expect(await authenticateServiceToken(ctx, `Bearer ${token.reveal()}`, meta)).toMatchObject({ ok: false, reason: "revoked" });
    expect(await revokeServiceToken(ctx, record.id, admin)).toMatchObject({ changed: false });
    expect(await revokeServiceToken(ctx, "tok_unknown", admin)).toBeUndefined();
    const audit = await listAuditEvents(ctx, { targetId: record.id });
    expect(audit.map((a) => a.action)).toEqual(["service_token.revoked", "service_token.created"]);

    const again = await createServiceToken(ctx, { name: "to-revoke", scopes: ["connections:read"], expiresAt: null }, admin);
    expect(again.ok).toBe(true);
  });

  it("refuses a second unrevoked token with the same name, no scopes, an unknown scope, or an expiry in the past", async () => {
    await create("unique-name");
    expect(await createServiceToken(ctx, { name: "unique-name", scopes: ["connections:read"], expiresAt: null }, admin)).toMatchObject({ ok: false, field: "name" });
    expect(await createServiceToken(ctx, { name: "no-scopes", scopes: [], expiresAt: null }, admin)).toMatchObject({ ok: false, field: "scopes" });
    expect(await createServiceToken(ctx, { name: "bad-scope", scopes: ["admin:all"], expiresAt: null }, admin)).toMatchObject({ ok: false, field: "scopes" });
    expect(await createServiceToken(ctx, { name: "past", scopes: ["connections:read"], expiresAt: clock - 1 }, admin)).toMatchObject({ ok: false, field: "expiresAt" });
    expect(await createServiceToken(ctx, { name: " ", scopes: ["connections:read"], expiresAt: null }, admin)).toMatchObject({ ok: false, field: "name" });
  });
});
