import { sql } from "kysely";
import type { ConnectionMode, ConnectionState } from "~/db/schema";
import type { HealthStatus } from "~/domain/health/health-status";
import type { AppContext } from "./app-context.server";

/**
 * What vendor support sees of every customer's connection: never the key, only its last four,
 * the account, and its health. The list is keyset-paginated on (created_at, id) so page N costs
 * what page 1 does, with 10,000 connections or 1,000,000.
 */
export interface SupportListFilter {
  status?: HealthStatus;
  mode?: ConnectionMode;
  /** "active" (default), "ended" (replaced or disconnected) or "all". */
  state?: "active" | "ended" | "all";
  /** An account id (acct_…, prefix match) or part of an organisation's name. */
  q?: string;
  /** Opaque cursor from the previous page. */
  after?: string;
  limit?: number;
}

export interface SupportListRow {
  id: string;
  organisationId: string;
  organisationName: string;
  mode: ConnectionMode;
  state: ConnectionState;
  account: string | null;
  last4: string;
  status: HealthStatus;
  lastCheckedAt: number | null;
  createdAt: number;
}

/** What support sees of a connection: metadata only, never the sealed columns. */
const LIST_COLUMNS = [
  "c.id",
  "c.organisation_id as organisationId",
  "o.name as organisationName",
  "c.mode",
  "c.state",
  "c.stripe_account_id as account",
  "c.key_last4 as last4",
  "c.health_status as status",
  "c.last_checked_at as lastCheckedAt",
  "c.created_at as createdAt",
] as const;

function encodeCursor(row: { createdAt: number; id: string }) {
  return Buffer.from(`${row.createdAt}:${row.id}`).toString("base64url");
}

function decodeCursor(cursor: string | undefined) {
  if (!cursor) return undefined;
  const [createdAt, id] = Buffer.from(cursor, "base64url").toString("utf8").split(":");
  const at = Number(createdAt);
  return Number.isFinite(at) && id ? { createdAt: at, id } : undefined;
}

export async function listConnectionsForSupport(ctx: Pick<AppContext, "db">, filter: SupportListFilter) {
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), 200);
  let query = ctx.db
    .selectFrom("connections as c")
    .innerJoin("organisations as o", "o.id", "c.organisation_id")
    .select(LIST_COLUMNS)
    .orderBy("c.created_at", "desc")
    .orderBy("c.id", "desc")
    .limit(limit + 1);

  const state = filter.state ?? "active";
  if (state === "active") query = query.where("c.state", "=", "active");
  else if (state === "ended") query = query.where("c.state", "!=", "active");
  if (filter.status) query = query.where("c.health_status", "=", filter.status);
  if (filter.mode) query = query.where("c.mode", "=", filter.mode);
  const q = filter.q?.trim();
  if (q) {
    query = /^acct_[A-Za-z0-9]*$/.test(q)
      ? query.where("c.stripe_account_id", "like", `${q}%`)
      : // LIKE wildcards in the search text are dropped rather than escaped: the two dialects escape differently.
        query.where(sql<string>`lower(o.name)`, "like", `%${q.toLowerCase().replace(/[\\%_]/g, "")}%`);
  }
  const cursor = decodeCursor(filter.after);
  if (cursor) {
    query = query.where((eb) =>
      eb.or([eb("c.created_at", "<", cursor.createdAt), eb.and([eb("c.created_at", "=", cursor.createdAt), eb("c.id", "<", cursor.id)])]),
    );
  }
  const rows = (await query.execute()) as SupportListRow[];
  const page = rows.slice(0, limit);
  return { rows: page, nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!) : null };
}

/** Active connections per health status, for the filter's counts. */
export async function countByStatus(ctx: Pick<AppContext, "db">) {
  const rows = await ctx.db
    .selectFrom("connections")
    .select(["health_status", (eb) => eb.fn.countAll<number>().as("count")])
    .where("state", "=", "active")
    .groupBy("health_status")
    .execute();
  return Object.fromEntries(rows.map((r) => [r.health_status, Number(r.count)])) as Partial<Record<HealthStatus, number>>;
}

/** One connection as support sees it: facts, latest report, history, audit events. Never the key. */
export async function getConnectionForSupport(ctx: Pick<AppContext, "db">, connectionId: string) {
  return ctx.db
    .selectFrom("connections as c")
    .innerJoin("organisations as o", "o.id", "c.organisation_id")
    .select([...LIST_COLUMNS, "c.next_check_at as nextCheckAt", "c.ended_at as endedAt", "c.manifest_version as manifestVersion"])
    .where("c.id", "=", connectionId)
    .executeTakeFirst();
}
