import { createHash, randomBytes } from "node:crypto";
import type { Selectable } from "kysely";
import { z } from "zod";
import type { ServiceTokenTable } from "~/db/schema";
import { createSecret, type Secret } from "~/domain/key/secret";
import { createId } from "~/utils/ids";
import type { AppContext } from "./app-context.server";
import { type AuditActor, recordAuditEvent } from "./audit.server";

/*
 * Service tokens: how the vendor's own backend authenticates to the API under /api/v1/.
 *
 * A token is `kpt_` and 32 random bytes in base64url (43 characters). It is returned once, when it
 * is created, as a Secret; the table keeps only its SHA-256 and its last four characters. A SHA-256
 * without a salt is enough here (unlike passwords): the token has 256 bits of entropy, so nothing
 * can be guessed from the hash, and a lookup by hash needs no per-row work.
 */

export const SERVICE_TOKEN_SCOPES = ["connections:read", "connections:check", "credentials:read", "keys:check"] as const;
export type ServiceTokenScope = (typeof SERVICE_TOKEN_SCOPES)[number];

export const SCOPE_DESCRIPTIONS: Record<ServiceTokenScope, string> = {
  "connections:read": "List connections and read their reports and check history.",
  "connections:check": "Start a health check of a connection.",
  "credentials:read": "Fetch a connection's decrypted Stripe key (only while its health is acceptable).",
  "keys:check": "Check a key against the manifest without storing it.",
};

const TOKEN_PREFIX = "kpt_";
const TOKEN_PATTERN = /^kpt_[A-Za-z0-9_-]{43}$/;

export const ServiceTokenNameSchema = z
  .string({ error: "Enter a name." })
  .trim()
  .min(1, { error: "Enter a name." })
  .max(64, { error: "Use at most 64 characters." })
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, { error: "Use letters, digits, spaces, dots, dashes and underscores, starting with a letter or digit." });

export const ServiceTokenScopesSchema = z
  .array(z.enum(SERVICE_TOKEN_SCOPES, { error: `Scopes are ${SERVICE_TOKEN_SCOPES.join(", ")}.` }))
  .min(1, { error: "Choose at least one scope." })
  .transform((scopes) => SERVICE_TOKEN_SCOPES.filter((s) => scopes.includes(s)));

export const MAX_TOKEN_LIFETIME_DAYS = 3650;

export interface ServiceToken {
  id: string;
  name: string;
  last4: string;
  scopes: ServiceTokenScope[];
  createdAt: number;
  createdBy: string | null;
  createdByLabel: string;
  expiresAt: number | null;
  revokedAt: number | null;
  revokedByLabel: string | null;
  lastUsedAt: number | null;
  lastUsedIp: string | null;
  state: "active" | "expired" | "revoked";
}

/** Who creates or revokes a token: a staff member (with their user id) or the command line. */
export interface TokenAdministrator {
  actor: AuditActor;
  ip?: string | null;
}

const TOKEN_COLUMNS = [
  "id",
  "name",
  "last4",
  "scopes",
  "created_at",
  "created_by",
  "created_by_label",
  "expires_at",
  "revoked_at",
  "revoked_by_label",
  "last_used_at",
  "last_used_ip",
] as const;

type TokenRow = Pick<Selectable<ServiceTokenTable>, (typeof TOKEN_COLUMNS)[number]>;

function toServiceToken(row: TokenRow, now: number): ServiceToken {
  const scopes = ServiceTokenScopesSchema.safeParse(JSON.parse(row.scopes));
  return {
    id: row.id,
    name: row.name,
    last4: row.last4,
    // A scope this version does not know is dropped rather than granted.
    scopes: scopes.success ? scopes.data : [],
    createdAt: row.created_at,
    createdBy: row.created_by,
    createdByLabel: row.created_by_label,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    revokedByLabel: row.revoked_by_label,
    lastUsedAt: row.last_used_at,
    lastUsedIp: row.last_used_ip,
    state: row.revoked_at !== null ? "revoked" : row.expires_at !== null && row.expires_at <= now ? "expired" : "active",
  };
}

export function hashServiceToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** What an admin sees of a token after it was shown: `kpt_…abcd`. */
export function maskedServiceToken(token: Pick<ServiceToken, "last4">): string {
  return `${TOKEN_PREFIX}…${token.last4}`;
}

export type CreateServiceTokenResult =
  | { ok: true; token: Secret; record: ServiceToken }
  | { ok: false; field: "name" | "scopes" | "expiresAt"; message: string };

/**
 * Creates a token and returns it once, as a Secret (its plaintext exists nowhere else). The name
 * must not belong to another unrevoked token. `expiresAt` is epoch ms, or null for no expiry.
 */
export async function createServiceToken(
  ctx: Pick<AppContext, "db" | "now">,
  input: { name: string; scopes: readonly string[]; expiresAt: number | null },
  by: TokenAdministrator,
): Promise<CreateServiceTokenResult> {
  const name = ServiceTokenNameSchema.safeParse(input.name);
  if (!name.success) return { ok: false, field: "name", message: name.error.issues[0]!.message };
  const scopes = ServiceTokenScopesSchema.safeParse(input.scopes);
  if (!scopes.success) return { ok: false, field: "scopes", message: scopes.error.issues[0]!.message };
  const now = ctx.now();
  if (input.expiresAt !== null && (!Number.isSafeInteger(input.expiresAt) || input.expiresAt <= now)) {
    return { ok: false, field: "expiresAt", message: "The expiry must be in the future." };
  }

  const plaintext = `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  const row: Selectable<ServiceTokenTable> = {
    id: createId("tok"),
    name: name.data,
    token_hash: hashServiceToken(plaintext),
    last4: plaintext.slice(-4),
    scopes: JSON.stringify(scopes.data),
    created_at: now,
    created_by: by.actor.type === "staff" ? (by.actor.id ?? null) : null,
    created_by_label: by.actor.label ?? by.actor.type,
    expires_at: input.expiresAt,
    revoked_at: null,
    revoked_by_label: null,
    last_used_at: null,
    last_used_ip: null,
  };
  try {
    await ctx.db.insertInto("service_tokens").values(row).execute();
  } catch (error) {
    if (isNameTaken(error)) return { ok: false, field: "name", message: `A token named "${name.data}" already exists; revoke it first or choose another name.` };
    throw error;
  }
  await recordAuditEvent(ctx, {
    actor: by.actor,
    action: "service_token.created",
    outcome: "success",
    target: { type: "service_token", id: row.id },
    ip: by.ip,
    details: { name: row.name, scopes: scopes.data, expiresAt: row.expires_at, last4: row.last4 },
  });
  return { ok: true, token: createSecret(plaintext), record: toServiceToken(row, now) };
}

function isNameTaken(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  if (code === "23505") return constraint === "service_tokens_name_unrevoked";
  return code === "SQLITE_CONSTRAINT_UNIQUE" && error.message.includes("service_tokens.name");
}

/** Every token, newest first, revoked ones included. */
export async function listServiceTokens(ctx: Pick<AppContext, "db" | "now">): Promise<ServiceToken[]> {
  const rows = await ctx.db.selectFrom("service_tokens").select(TOKEN_COLUMNS).orderBy("created_at", "desc").orderBy("id", "desc").execute();
  const now = ctx.now();
  return rows.map((row) => toServiceToken(row, now));
}

export async function getServiceToken(ctx: Pick<AppContext, "db" | "now">, id: string): Promise<ServiceToken | undefined> {
  const row = await ctx.db.selectFrom("service_tokens").select(TOKEN_COLUMNS).where("id", "=", id).executeTakeFirst();
  return row && toServiceToken(row, ctx.now());
}

/**
 * Revokes a token at once: the next request that presents it is refused. Revoking a revoked token
 * changes nothing (`changed: false`). Undefined when there is no such token.
 */
export async function revokeServiceToken(
  ctx: Pick<AppContext, "db" | "now">,
  id: string,
  by: TokenAdministrator,
): Promise<{ token: ServiceToken; changed: boolean } | undefined> {
  const now = ctx.now();
  const label = by.actor.label ?? by.actor.type;
  const result = await ctx.db
    .updateTable("service_tokens")
    .set({ revoked_at: now, revoked_by_label: label })
    .where("id", "=", id)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  const token = await getServiceToken(ctx, id);
  if (!token) return undefined;
  const changed = Number(result.numUpdatedRows) === 1;
  if (changed) {
    await recordAuditEvent(ctx, {
      actor: by.actor,
      action: "service_token.revoked",
      outcome: "success",
      target: { type: "service_token", id },
      ip: by.ip,
      details: { name: token.name, last4: token.last4 },
    });
  }
  return { token, changed };
}

export type TokenAuthentication =
  | { ok: true; token: ServiceToken }
  /** `missing`: no bearer token; `unknown`: not one of ours (or malformed); `revoked`/`expired`: a real token that no longer works. */
  | { ok: false; reason: "missing" | "unknown"; token?: undefined }
  | { ok: false; reason: "revoked" | "expired"; token: ServiceToken };

/** The token in an `Authorization: Bearer …` header, or null. */
export function bearerToken(authorization: string | null): string | null {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? "");
  return match ? match[1]! : null;
}

/**
 * Finds the token an API request presents and says whether it may be used. A usable token's
 * `last_used_at` and `last_used_ip` are updated. The comparison is by SHA-256, so no timing of the
 * lookup says anything about a stored token.
 */
export async function authenticateServiceToken(
  ctx: Pick<AppContext, "db" | "now">,
  authorization: string | null,
  meta: { ip: string | null },
): Promise<TokenAuthentication> {
  const presented = bearerToken(authorization);
  if (presented === null) return { ok: false, reason: "missing" };
  if (!TOKEN_PATTERN.test(presented)) return { ok: false, reason: "unknown" };
  const row = await ctx.db.selectFrom("service_tokens").select(TOKEN_COLUMNS).where("token_hash", "=", hashServiceToken(presented)).executeTakeFirst();
  if (!row) return { ok: false, reason: "unknown" };
  const now = ctx.now();
  const token = toServiceToken(row, now);
  if (token.state === "revoked") return { ok: false, reason: "revoked", token };
  if (token.state === "expired") return { ok: false, reason: "expired", token };
  await ctx.db.updateTable("service_tokens").set({ last_used_at: now, last_used_ip: meta.ip }).where("id", "=", token.id).execute();
  return { ok: true, token: { ...token, lastUsedAt: now, lastUsedIp: meta.ip } };
}

export function hasScope(token: Pick<ServiceToken, "scopes">, scope: ServiceTokenScope): boolean {
  return token.scopes.includes(scope);
}
