import { sql, type Kysely } from "kysely";
import type { Dialect } from "../connect";
import { autoIdColumn, timestamp } from "./column-types";

/**
 * Stored customer keys (`connections`) and their health-check history (`connection_checks`).
 *
 * A connection's key lives only in the vault columns (`master_key_id`, `wrapped_data_key`,
 * `ciphertext`, `sealed_version`, see app/domain/vault/sealed-secret.ts) and in the HMAC
 * `fingerprint`. Ending a connection (replaced, disconnected) sets all of them to NULL in the same
 * UPDATE that changes its state; the check constraints below make any other way of ending one fail.
 */
export function connections(dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("connections")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("organisation_id", "text", (c) => c.notNull().references("organisations.id"))
        .addColumn("mode", "text", (c) => c.notNull().check(sql`mode in ('test', 'live')`))
        .addColumn("state", "text", (c) => c.notNull().check(sql`state in ('active', 'replaced', 'revoked_by_customer')`))
        // Issue 7's statuses; deliberately unconstrained here so adding one needs no migration.
        .addColumn("health_status", "text", (c) => c.notNull().defaultTo("unchecked"))
        // NULL when the check could not tell the account (a key with no failing probe reveals none).
        .addColumn("stripe_account_id", "text")
        .addColumn("key_last4", "text", (c) => c.notNull().check(sql`length(key_last4) = 4`))
        .addColumn("fingerprint", "text")
        .addColumn("fingerprint_key_id", "text")
        .addColumn("master_key_id", "text")
        .addColumn("wrapped_data_key", "text")
        .addColumn("ciphertext", "text")
        .addColumn("sealed_version", "integer")
        .addColumn("manifest_version", "integer", (c) => c.notNull())
        .addColumn("report", "text", (c) => c.notNull())
        .addColumn("created_at", timestamp, (c) => c.notNull())
        .addColumn("created_by", "text", (c) => c.references("users.id"))
        .addColumn("updated_at", timestamp, (c) => c.notNull())
        .addColumn("ended_at", timestamp)
        .addColumn("ended_by", "text", (c) => c.references("users.id"))
        .addColumn("replaced_by", "text", (c) => c.references("connections.id"))
        .addColumn("last_checked_at", timestamp)
        .addColumn("next_check_at", timestamp)
        .addColumn("lease_owner", "text")
        .addColumn("lease_expires_at", timestamp)
        // The sealed record is whole or gone, and present exactly while the connection is active:
        // an UPDATE that ends a connection without destroying its key is refused by the database.
        .addCheckConstraint(
          "connections_sealed_record_whole",
          sql`(master_key_id is null) = (ciphertext is null) and (wrapped_data_key is null) = (ciphertext is null) and (sealed_version is null) = (ciphertext is null)`,
        )
        .addCheckConstraint("connections_secret_only_while_active", sql`(state = 'active') = (ciphertext is not null)`)
        .addCheckConstraint("connections_fingerprint_whole", sql`(fingerprint is null) = (fingerprint_key_id is null)`)
        .addCheckConstraint("connections_fingerprint_only_while_active", sql`state = 'active' or fingerprint is null`)
        .addCheckConstraint("connections_ended_consistently", sql`(state = 'active') = (ended_at is null)`)
        .execute();

      // One active connection per organisation and mode; any number of ended ones.
      await db.schema
        .createIndex("connections_one_active_per_mode")
        .on("connections")
        .columns(["organisation_id", "mode"])
        .unique()
        .where(sql.ref("state"), "=", "active")
        .execute();
      // A customer's dashboard (all states, newest first).
      await db.schema.createIndex("connections_organisation").on("connections").columns(["organisation_id", "created_at"]).execute();
      // The support console: filter by state and status, newest first, keyset-paginated.
      await db.schema.createIndex("connections_status_list").on("connections").columns(["state", "health_status", "created_at", "id"]).execute();
      await db.schema.createIndex("connections_stripe_account").on("connections").column("stripe_account_id").execute();
      await db.schema.createIndex("connections_fingerprint").on("connections").columns(["fingerprint", "fingerprint_key_id"]).execute();
      // The scheduler's "what is due" query.
      await db.schema
        .createIndex("connections_next_check")
        .on("connections")
        .column("next_check_at")
        .where(sql.ref("state"), "=", "active")
        .execute();

      await autoIdColumn(db.schema.createTable("connection_checks"), dialect)
        .addColumn("connection_id", "text", (c) => c.notNull().references("connections.id"))
        .addColumn("checked_at", timestamp, (c) => c.notNull())
        .addColumn("triggered_by", "text", (c) => c.notNull().check(sql`triggered_by in ('connect', 'scheduled', 'manual', 'support', 'api')`))
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("duration_ms", "integer", (c) => c.notNull())
        .addColumn("requests", "integer", (c) => c.notNull())
        .addColumn("manifest_version", "integer", (c) => c.notNull())
        .addColumn("findings", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("connection_checks_connection").on("connection_checks").columns(["connection_id", "id"]).execute();
    },
  };
}
