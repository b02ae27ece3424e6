import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import type { Adapter, DatabaseSession, DatabaseUser } from "lucia";
import type { Database } from "~/db/schema";

/** Sessions are stored under the SHA-256 of their id: a leaked database cannot be replayed as cookies. */
export function hashSessionId(sessionId: string): string {
  return createHash("sha256").update(sessionId).digest("hex");
}

/**
 * A lucia v3 adapter over Kysely, so one adapter serves SQLite and PostgreSQL alike
 * (lucia ships one adapter per driver, and none for Kysely).
 */
export function createKyselyAdapter(db: Kysely<Database>, now: () => number = Date.now): Adapter {
  const toSession = (row: { id: string; user_id: string; expires_at: number; created_at: number; ip: string | null; user_agent: string | null }): DatabaseSession => ({
    id: row.id,
    userId: row.user_id,
    expiresAt: new Date(row.expires_at),
    attributes: { created_at: row.created_at, ip: row.ip, user_agent: row.user_agent },
  });

  return {
    async getSessionAndUser(sessionId) {
      const row = await db
        .selectFrom("sessions")
        .innerJoin("users", "users.id", "sessions.user_id")
        .select([
          "sessions.id as session_id",
          "sessions.user_id",
          "sessions.expires_at",
          "sessions.created_at",
          "sessions.ip",
          "sessions.user_agent",
          "users.email",
          "users.name",
          "users.role",
          "users.organisation_id",
        ])
        .where("sessions.id", "=", hashSessionId(sessionId))
        .executeTakeFirst();
      if (!row) return [null, null];
      const session: DatabaseSession = {
        ...toSession({ ...row, id: row.session_id }),
        // lucia compares against the id it was given, so hand back the unhashed one.
        id: sessionId,
      };
      const user: DatabaseUser = {
        id: row.user_id,
        attributes: { email: row.email, name: row.name, role: row.role, organisation_id: row.organisation_id },
      };
      return [session, user];
    },

    async getUserSessions(userId) {
      const rows = await db.selectFrom("sessions").selectAll().where("user_id", "=", userId).execute();
      return rows.map(toSession);
    },

    async setSession(session) {
      await db
        .insertInto("sessions")
        .values({
          id: hashSessionId(session.id),
          user_id: session.userId,
          expires_at: session.expiresAt.getTime(),
          created_at: session.attributes.created_at ?? now(),
          ip: session.attributes.ip ?? null,
          user_agent: session.attributes.user_agent ?? null,
        })
        .execute();
    },

    async updateSessionExpiration(sessionId, expiresAt) {
      await db.updateTable("sessions").set({ expires_at: expiresAt.getTime() }).where("id", "=", hashSessionId(sessionId)).execute();
    },

    async deleteSession(sessionId) {
      await db.deleteFrom("sessions").where("id", "=", hashSessionId(sessionId)).execute();
    },

    async deleteUserSessions(userId) {
      await db.deleteFrom("sessions").where("user_id", "=", userId).execute();
    },

    async deleteExpiredSessions() {
      await db.deleteFrom("sessions").where("expires_at", "<=", now()).execute();
    },
  };
}
