import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, DIALECTS } from "../../tests/support/test-database";
import { createAppContext, type AppContext } from "./app-context.server";
import { createInvitation, createStaffUser, INVALID_CREDENTIALS, logIn, logOut, logOutEverywhere, signUp } from "./accounts.server";
import { listAuditEvents } from "./audit.server";

const meta = { ip: "203.0.113.7", userAgent: "vitest" };
const password = "correct horse battery staple";

describe.each(DIALECTS)("accounts on %s", (dialect) => {
  let ctx: AppContext;
  let destroy: () => Promise<void>;
  let clock = Date.UTC(2026, 10, 23, 12);

  beforeAll(async () => {
    const handle = await createTestDatabase(dialect);
    destroy = handle.destroy;
    ctx = createAppContext(handle, { secureCookies: false, now: () => clock });
  });
  afterAll(() => destroy());


  it("signs a customer up into a new organisation and starts a session", async () => {
    const result = await signUp(ctx, { name: "Ada", email: "ada@acme.test", password, organisationName: "Acme" }, meta);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.user.role).toBe("customer");
    expect(result.cookie.serialize()).toMatch(/^keyport_session=[a-z0-9]+; /);
    expect(result.cookie.serialize()).toContain("HttpOnly");
    expect(result.cookie.serialize()).toContain("SameSite=Lax");
    const { user } = await ctx.lucia.validateSession(result.cookie.value);
    expect(user?.email).toBe("ada@acme.test");
    const org = await ctx.db.selectFrom("organisations").selectAll().where("id", "=", result.user.organisation_id!).executeTakeFirstOrThrow();
    expect(org.name).toBe("Acme");
  });

  it("stores only a hash of the session id", async () => {
    const result = await logIn(ctx, { email: "ada@acme.test", password }, meta);
    if (!result.ok) throw new Error("login failed");
    const rows = await ctx.db.selectFrom("sessions").select("id").execute();
    expect(rows.map((r) => r.id)).not.toContain(result.cookie.value);
  });

  it("refuses a second account with the same e-mail", async () => {
    const result = await signUp(ctx, { name: "Ada 2", email: "ada@acme.test", password, organisationName: "Other" }, meta);
    expect(result).toMatchObject({ ok: false, status: 400 });
  });

  it("gives the same error for an unknown e-mail and a wrong password", async () => {
    const unknown = await logIn(ctx, { email: "nobody@acme.test", password }, { ip: "198.51.100.1" });
    const wrong = await logIn(ctx, { email: "ada@acme.test", password: "not the password" }, { ip: "198.51.100.1" });
    expect(unknown).toEqual({ ok: false, status: 400, message: INVALID_CREDENTIALS });
    expect(wrong).toEqual({ ok: false, status: 400, message: INVALID_CREDENTIALS });
  });

  it("locks an account after five failures, even with the right password, until the window passes", async () => {
    await signUp(ctx, { name: "Bob", email: "bob@acme.test", password, organisationName: "Bobco" }, meta);
    for (let i = 0; i < 5; i++) {
      const r = await logIn(ctx, { email: "bob@acme.test", password: `wrong ${i}` }, { ip: `192.0.2.${i}` });
      expect(r).toMatchObject({ ok: false, status: 400 });
    }
    const locked = await logIn(ctx, { email: "bob@acme.test", password }, { ip: "192.0.2.99" });
    expect(locked).toMatchObject({ ok: false, status: 429 });
    if (!locked.ok) expect(locked.message).toMatch(/Too many sign-in attempts/);
    clock += 31 * 60_000;
    const later = await logIn(ctx, { email: "bob@acme.test", password }, { ip: "192.0.2.99" });
    expect(later.ok).toBe(true);
  });

  it("limits sign-in attempts per IP address across accounts", async () => {
    const ip = "192.0.2.200";
    const results = [];
    for (let i = 0; i < 21; i++) results.push(await logIn(ctx, { email: `x${i}@acme.test`, password }, { ip }));
    expect(results.slice(0, 20).every((r) => !r.ok && r.status === 400)).toBe(true);
    expect(results[20]).toMatchObject({ ok: false, status: 429 });
  });

  it("expires sessions and renews them when half their life has passed", async () => {
    const login = await logIn(ctx, { email: "ada@acme.test", password }, meta);
    if (!login.ok) throw new Error("login failed");
    const id = login.cookie.value;
    const fresh = await ctx.lucia.validateSession(id);
    expect(fresh.session?.fresh).toBe(false);

    // Four days left of seven: lucia extends the session and asks for a new cookie.
    const { hashSessionId } = await import("~/auth/lucia-adapter.server");
    await ctx.db.updateTable("sessions").set({ expires_at: Date.now() + 3 * 24 * 3600_000 }).where("id", "=", hashSessionId(id)).execute();
    const renewed = await ctx.lucia.validateSession(id);
    expect(renewed.session?.fresh).toBe(true);
    expect(renewed.session!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 6 * 24 * 3600_000);

    await ctx.db.updateTable("sessions").set({ expires_at: Date.now() - 1000 }).where("id", "=", hashSessionId(id)).execute();
    const expired = await ctx.lucia.validateSession(id);
    expect(expired.session).toBeNull();
  });

  it("logs out one session, and everywhere", async () => {
    const a = await logIn(ctx, { email: "ada@acme.test", password }, meta);
    const b = await logIn(ctx, { email: "ada@acme.test", password }, meta);
    if (!a.ok || !b.ok) throw new Error("login failed");
    const userForLogout = { id: a.user.id, email: a.user.email, role: a.user.role, organisationId: a.user.organisation_id };
    const blank = await logOut(ctx, { id: a.cookie.value }, userForLogout, meta);
    expect(blank.serialize()).toMatch(/Max-Age=0/);
    expect((await ctx.lucia.validateSession(a.cookie.value)).session).toBeNull();
    expect((await ctx.lucia.validateSession(b.cookie.value)).session).not.toBeNull();

    const c = await logIn(ctx, { email: "ada@acme.test", password }, meta);
    if (!c.ok) throw new Error("login failed");
    await logOutEverywhere(ctx, userForLogout, meta);
    expect((await ctx.lucia.validateSession(b.cookie.value)).session).toBeNull();
    expect((await ctx.lucia.validateSession(c.cookie.value)).session).toBeNull();
  });

  it("lets an invited colleague join the same organisation, once", async () => {
    const owner = await ctx.db.selectFrom("users").selectAll().where("email", "=", "ada@acme.test").executeTakeFirstOrThrow();
    const invitation = await createInvitation(ctx, { organisationId: owner.organisation_id!, email: "cleo@acme.test", invitedBy: owner }, meta);
    const wrongEmail = await signUp(ctx, { name: "Eve", email: "eve@acme.test", password, invite: invitation.token }, meta);
    expect(wrongEmail).toMatchObject({ ok: false, status: 400 });
    const joined = await signUp(ctx, { name: "Cleo", email: "cleo@acme.test", password, invite: invitation.token }, { ip: "192.0.2.50" });
    expect(joined.ok && joined.user.organisation_id).toBe(owner.organisation_id);
    await ctx.db.deleteFrom("users").where("email", "=", "cleo@acme.test").execute();
    const again = await signUp(ctx, { name: "Cleo", email: "cleo@acme.test", password, invite: invitation.token }, { ip: "192.0.2.50" });
    expect(again).toMatchObject({ ok: false, status: 400 });
  });

  it("creates staff without an organisation and with a generated password", async () => {
    const { user, generatedPassword } = await createStaffUser(ctx, { email: "sam@vendor.test", name: "Sam", role: "support" }, { type: "system", label: "cli" });
    expect(user.organisation_id).toBeNull();
    expect(generatedPassword).toMatch(/^[A-Za-z0-9_-]{20}$/);
    const login = await logIn(ctx, { email: "sam@vendor.test", password: generatedPassword! }, { ip: "192.0.2.60" });
    expect(login.ok).toBe(true);
  });

  it("keeps an append-only audit trail without passwords", async () => {
    const events = await listAuditEvents(ctx, { limit: 500 });
    expect(events.some((e) => e.action === "auth.sign_in" && e.outcome === "failure")).toBe(true);
    expect(JSON.stringify(events)).not.toContain(password);
    await expect(ctx.db.updateTable("audit_events").set({ outcome: "edited" }).execute()).rejects.toThrow(/append-only/);
    await expect(ctx.db.deleteFrom("audit_events").execute()).rejects.toThrow(/append-only/);
  });
});
