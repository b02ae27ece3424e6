import { createHash, randomBytes } from "node:crypto";
import type { Cookie } from "lucia";
import type { LoginInput, SignupInput } from "~/auth/account-schemas";
import { hashPassword, verifyPassword } from "~/auth/password.server";
import { hitRateLimit, peekRateLimit, RATE_LIMITS } from "~/auth/rate-limit.server";
import type { Role, UserRow } from "~/db/schema";
import { createId } from "~/utils/ids";
import type { AppContext } from "./app-context.server";
import { recordAuditEvent } from "./audit.server";

export interface RequestMeta {
  ip: string;
  userAgent?: string | null;
}

type FieldErrors = Partial<Record<"name" | "email" | "password" | "organisationName" | "invite" | "form", string>>;

export type SignupResult = { ok: true; user: UserRow; cookie: Cookie } | { ok: false; status: 400 | 429; errors: FieldErrors };

const INVITATION_LIFETIME_MS = 7 * 24 * 60 * 60_000;

export function hashToken(token: string) {
  return createHash("sha256").update(token).digest("hex");
}

async function startSession(ctx: AppContext, userId: string, meta: RequestMeta): Promise<Cookie> {
  const session = await ctx.lucia.createSession(userId, {
    created_at: ctx.now(),
    ip: meta.ip,
    user_agent: meta.userAgent?.slice(0, 300) ?? null,
  });
  return ctx.lucia.createSessionCookie(session.id);
}

function minutes(ms: number) {
  const m = Math.ceil(ms / 60_000);
  return `${m} minute${m === 1 ? "" : "s"}`;
}

export async function signUp(ctx: AppContext, input: SignupInput, meta: RequestMeta): Promise<SignupResult> {
  const limit = await hitRateLimit(ctx.db, RATE_LIMITS.signupPerIp, meta.ip, ctx.now());
  if (!limit.allowed) {
    return { ok: false, status: 429, errors: { form: `Too many sign-ups from your network. Try again in ${minutes(limit.retryAfterMs)}.` } };
  }

  const existing = await ctx.db.selectFrom("users").select("id").where("email", "=", input.email).executeTakeFirst();
  if (existing) {
    return { ok: false, status: 400, errors: { email: "An account with this e-mail address already exists. Log in instead." } };
  }

  let invitation: { id: string; organisation_id: string } | undefined;
  if (input.invite) {
    invitation = await ctx.db
      .selectFrom("invitations")
      .select(["id", "organisation_id", "email", "expires_at", "accepted_at"])
      .where("token_hash", "=", hashToken(input.invite))
      .executeTakeFirst()
      .then((row) => {
        if (!row || row.accepted_at !== null || row.expires_at <= ctx.now()) return undefined;
        return row.email === input.email ? row : undefined;
      });
    if (!invitation) {
      return {
        ok: false,
        status: 400,
        errors: { invite: "This invitation is not valid for this e-mail address, has expired or was already used. Ask your colleague for a new one." },
      };
    }
  }

  const passwordHash = await hashPassword(input.password);
  const now = ctx.now();
  const user = await ctx.db.transaction().execute(async (trx) => {
    let organisationId = invitation?.organisation_id;
    if (!organisationId) {
      organisationId = createId("org");
      await trx.insertInto("organisations").values({ id: organisationId, name: input.organisationName ?? input.name, created_at: now }).execute();
    } else if (invitation) {
      await trx.updateTable("invitations").set({ accepted_at: now }).where("id", "=", invitation.id).where("accepted_at", "is", null).execute();
    }
    const row: UserRow = {
      id: createId("usr"),
      email: input.email,
      name: input.name,
      password_hash: passwordHash,
      role: "customer",
      organisation_id: organisationId,
      created_at: now,
    };
    await trx.insertInto("users").values(row).execute();
    return row;
  });

  await recordAuditEvent(ctx, {
    actor: { type: "user", id: user.id, label: user.email },
    action: "account.signed_up",
    outcome: "success",
    organisationId: user.organisation_id,
    target: { type: "user", id: user.id },
    ip: meta.ip,
    details: { invited: Boolean(invitation) },
  });
  return { ok: true, user, cookie: await startSession(ctx, user.id, meta) };
}

export type LoginResult = { ok: true; user: UserRow; cookie: Cookie } | { ok: false; status: 400 | 429; message: string };

/** The one message for an unknown e-mail and a wrong password, so neither reveals which accounts exist. */
export const INVALID_CREDENTIALS = "The e-mail address or password is incorrect.";

export async function logIn(ctx: AppContext, input: LoginInput, meta: RequestMeta): Promise<LoginResult> {
  const now = ctx.now();
  const perIp = await hitRateLimit(ctx.db, RATE_LIMITS.loginPerIp, meta.ip, now);
  const perAccount = await peekRateLimit(ctx.db, RATE_LIMITS.loginFailuresPerAccount, input.email, now);
  if (!perIp.allowed || !perAccount.allowed) {
    await recordAuditEvent(ctx, {
      actor: { type: "anonymous", label: input.email },
      action: "auth.sign_in",
      outcome: "rate_limited",
      ip: meta.ip,
      details: { limit: !perIp.allowed ? "ip" : "account" },
    });
    const wait = Math.max(perIp.retryAfterMs, perAccount.retryAfterMs);
    return { ok: false, status: 429, message: `Too many sign-in attempts. Wait ${minutes(wait)} and try again.` };
  }

  const user = await ctx.db.selectFrom("users").selectAll().where("email", "=", input.email).executeTakeFirst();
  const valid = await verifyPassword(user?.password_hash ?? null, input.password);
  if (!user || !valid) {
    await hitRateLimit(ctx.db, RATE_LIMITS.loginFailuresPerAccount, input.email, now);
    await recordAuditEvent(ctx, {
      actor: user ? { type: actorType(user.role), id: user.id, label: user.email } : { type: "anonymous", label: input.email },
      action: "auth.sign_in",
      outcome: "failure",
      organisationId: user?.organisation_id,
      ip: meta.ip,
      details: {},
    });
    return { ok: false, status: 400, message: INVALID_CREDENTIALS };
  }

  await recordAuditEvent(ctx, {
    actor: { type: actorType(user.role), id: user.id, label: user.email },
    action: "auth.sign_in",
    outcome: "success",
    organisationId: user.organisation_id,
    ip: meta.ip,
    details: {},
  });
  return { ok: true, user, cookie: await startSession(ctx, user.id, meta) };
}

export function actorType(role: Role) {
  return role === "customer" ? ("user" as const) : ("staff" as const);
}

export async function logOut(ctx: AppContext, session: { id: string }, user: { id: string; email: string; role: Role; organisationId: string | null }, meta: RequestMeta) {
  await ctx.lucia.invalidateSession(session.id);
  await recordAuditEvent(ctx, {
    actor: { type: actorType(user.role), id: user.id, label: user.email },
    action: "auth.sign_out",
    outcome: "success",
    organisationId: user.organisationId,
    ip: meta.ip,
  });
  return ctx.lucia.createBlankSessionCookie();
}

export async function logOutEverywhere(ctx: AppContext, user: { id: string; email: string; role: Role; organisationId: string | null }, meta: RequestMeta) {
  const { count } = await ctx.db
    .selectFrom("sessions")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .where("user_id", "=", user.id)
    .executeTakeFirstOrThrow();
  await ctx.lucia.invalidateUserSessions(user.id);
  await recordAuditEvent(ctx, {
    actor: { type: actorType(user.role), id: user.id, label: user.email },
    action: "auth.sign_out_everywhere",
    outcome: "success",
    organisationId: user.organisationId,
    ip: meta.ip,
    details: { sessions: Number(count) },
  });
  return ctx.lucia.createBlankSessionCookie();
}

export function generatePassword(): string {
  // 120 bits, readable and easy to paste.
  return randomBytes(15).toString("base64url");
}

export async function createStaffUser(
  ctx: AppContext,
  input: { email: string; name: string; role: Exclude<Role, "customer">; password?: string },
  actor: { type: "system" | "staff"; id?: string; label: string },
) {
  const existing = await ctx.db.selectFrom("users").select("id").where("email", "=", input.email).executeTakeFirst();
  if (existing) throw new Error(`A user with the e-mail address ${input.email} already exists.`);
  const generated = input.password ? undefined : generatePassword();
  const user: UserRow = {
    id: createId("usr"),
    email: input.email,
    name: input.name,
    password_hash: await hashPassword(input.password ?? (generated as string)),
    role: input.role,
    organisation_id: null,
    created_at: ctx.now(),
  };
  await ctx.db.insertInto("users").values(user).execute();
  await recordAuditEvent(ctx, {
    actor,
    action: "staff.user_created",
    outcome: "success",
    target: { type: "user", id: user.id },
    details: { email: user.email, role: user.role },
  });
  return { user, generatedPassword: generated };
}

export async function createInvitation(ctx: AppContext, input: { organisationId: string; email: string; invitedBy: { id: string; email: string } }, meta: RequestMeta) {
  const token = randomBytes(32).toString("base64url");
  const now = ctx.now();
  const id = createId("inv");
  await ctx.db
    .insertInto("invitations")
    .values({
      id,
      organisation_id: input.organisationId,
      email: input.email,
      token_hash: hashToken(token),
      invited_by: input.invitedBy.id,
      created_at: now,
      expires_at: now + INVITATION_LIFETIME_MS,
      accepted_at: null,
    })
    .execute();
  await recordAuditEvent(ctx, {
    actor: { type: "user", id: input.invitedBy.id, label: input.invitedBy.email },
    action: "organisation.member_invited",
    outcome: "success",
    organisationId: input.organisationId,
    target: { type: "invitation", id },
    ip: meta.ip,
    details: { email: input.email },
  });
  return { id, token, expiresAt: now + INVITATION_LIFETIME_MS };
}

export async function findInvitation(ctx: AppContext, token: string) {
  return ctx.db
    .selectFrom("invitations")
    .innerJoin("organisations", "organisations.id", "invitations.organisation_id")
    .select(["invitations.email", "invitations.expires_at", "invitations.accepted_at", "organisations.name as organisationName"])
    .where("invitations.token_hash", "=", hashToken(token))
    .executeTakeFirst()
    .then((row) => (row && row.accepted_at === null && row.expires_at > ctx.now() ? row : undefined));
}

export async function getOrganisationOverview(ctx: AppContext, organisationId: string) {
  const [organisation, members, invitations] = await Promise.all([
    ctx.db.selectFrom("organisations").selectAll().where("id", "=", organisationId).executeTakeFirstOrThrow(),
    ctx.db.selectFrom("users").select(["id", "name", "email", "created_at"]).where("organisation_id", "=", organisationId).orderBy("created_at").execute(),
    ctx.db
      .selectFrom("invitations")
      .select(["id", "email", "created_at", "expires_at"])
      .where("organisation_id", "=", organisationId)
      .where("accepted_at", "is", null)
      .where("expires_at", ">", ctx.now())
      .orderBy("created_at", "desc")
      .execute(),
  ]);
  return { organisation, members, invitations };
}

export async function listSessions(ctx: AppContext, userId: string) {
  return ctx.db
    .selectFrom("sessions")
    .select(["created_at", "expires_at", "ip", "user_agent"])
    .where("user_id", "=", userId)
    .where("expires_at", ">", ctx.now())
    .orderBy("created_at", "desc")
    .execute();
}
