import { sql, type Kysely } from "kysely";
import type { Dialect } from "../connect";
import { autoIdColumn, timestamp } from "./column-types";

/** Accounts, organisations, sessions, invitations, rate limits and the append-only audit trail. */
export function foundation(dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("organisations")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("created_at", timestamp, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("users")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("email", "text", (c) => c.notNull().unique())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("password_hash", "text", (c) => c.notNull())
        .addColumn("role", "text", (c) => c.notNull().check(sql`role in ('customer', 'support', 'admin')`))
        .addColumn("organisation_id", "text", (c) => c.references("organisations.id"))
        .addColumn("created_at", timestamp, (c) => c.notNull())
        .addCheckConstraint("customers_have_an_organisation", sql`(role = 'customer') = (organisation_id is not null)`)
        .execute();
      await db.schema.createIndex("users_organisation").on("users").column("organisation_id").execute();

      await db.schema
        .createTable("sessions")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("expires_at", timestamp, (c) => c.notNull())
        .addColumn("created_at", timestamp, (c) => c.notNull())
        .addColumn("ip", "text")
        .addColumn("user_agent", "text")
        .execute();
      await db.schema.createIndex("sessions_user").on("sessions").column("user_id").execute();

      await db.schema
        .createTable("invitations")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id"))
        .addColumn("email", "text", (c) => c.notNull())
        .addColumn("token_hash", "text", (c) => c.notNull().unique())
        .addColumn("invited_by", "text", (c) => c.notNull().references("users.id"))
        .addColumn("created_at", timestamp, (c) => c.notNull())
        .addColumn("expires_at", timestamp, (c) => c.notNull())
        .addColumn("accepted_at", timestamp)
        .execute();

      await db.schema
        .createTable("rate_limits")
        .addColumn("bucket", "text", (c) => c.notNull())
        .addColumn("window_start", timestamp, (c) => c.notNull())
        .addColumn("hits", "integer", (c) => c.notNull())
        .addPrimaryKeyConstraint("rate_limits_pk", ["bucket", "window_start"])
        .execute();

      await autoIdColumn(db.schema.createTable("audit_events"), dialect)
        .addColumn("occurred_at", timestamp, (c) => c.notNull())
        .addColumn("actor_type", "text", (c) => c.notNull())
        .addColumn("actor_id", "text")
        .addColumn("actor_label", "text")
        .addColumn("organisation_id", "text")
        .addColumn("action", "text", (c) => c.notNull())
        .addColumn("target_type", "text")
        .addColumn("target_id", "text")
        .addColumn("outcome", "text", (c) => c.notNull())
        .addColumn("ip", "text")
        .addColumn("details", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("audit_events_organisation").on("audit_events").columns(["organisation_id", "id"]).execute();
      await db.schema.createIndex("audit_events_target").on("audit_events").columns(["target_id", "id"]).execute();

      // The audit trail is append-only at the database level too: nothing in the app can edit or delete an entry.
      if (dialect === "postgres") {
        await sql`create function audit_events_append_only() returns trigger language plpgsql as $$
          begin raise exception 'audit_events is append-only'; end $$`.execute(db);
        await sql`create trigger audit_events_no_update before update or delete on audit_events
          for each row execute function audit_events_append_only()`.execute(db);
      } else {
        await sql`create trigger audit_events_no_update before update on audit_events
          begin select raise(abort, 'audit_events is append-only'); end`.execute(db);
        await sql`create trigger audit_events_no_delete before delete on audit_events
          begin select raise(abort, 'audit_events is append-only'); end`.execute(db);
      }
    },
  };
}
