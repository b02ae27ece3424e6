import { sql, type Kysely } from "kysely";
import type { Dialect } from "../connect";
import { autoIdColumn, timestamp } from "./column-types";

/**
 * Status webhooks: the endpoints the vendor configured, an outbox of events written in the same
 * transaction as the change they describe, one delivery per (event, endpoint), and every attempt.
 *
 * An endpoint's signing secret is sealed with the vault exactly like a customer's key (see
 * app/domain/vault/sealed-secret.ts): the four `secret_*` columns are whole while the endpoint
 * exists and all NULL once it is deleted.
 */
export function webhooks(dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("webhook_endpoints")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("url", "text", (c) => c.notNull())
        .addColumn("description", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('enabled', 'disabled', 'deleted')`))
        .addColumn("secret_master_key_id", "text")
        .addColumn("secret_wrapped_data_key", "text")
        .addColumn("secret_ciphertext", "text")
        .addColumn("secret_sealed_version", "integer")
        .addColumn("secret_last4", "text", (c) => c.notNull())
        .addColumn("created_at", timestamp, (c) => c.notNull())
        .addColumn("created_by", "text", (c) => c.references("users.id"))
        .addColumn("updated_at", timestamp, (c) => c.notNull())
        .addCheckConstraint(
          "webhook_endpoints_secret_whole",
          sql`(secret_master_key_id is null) = (secret_ciphertext is null) and (secret_wrapped_data_key is null) = (secret_ciphertext is null) and (secret_sealed_version is null) = (secret_ciphertext is null)`,
        )
        .addCheckConstraint("webhook_endpoints_secret_until_deleted", sql`(status = 'deleted') = (secret_ciphertext is null)`)
        .execute();

      // The outbox. `id` is the order events happened in (per connection, see enqueueWebhookEvent).
      await autoIdColumn(db.schema.createTable("webhook_events"), dialect)
        .addColumn("event_id", "text", (c) => c.notNull().unique())
        .addColumn("type", "text", (c) => c.notNull())
        .addColumn("connection_id", "text", (c) => c.notNull())
        .addColumn("organisation_id", "text", (c) => c.notNull())
        // The exact JSON body every endpoint receives; never key material.
        .addColumn("payload", "text", (c) => c.notNull())
        .addColumn("created_at", timestamp, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("webhook_events_connection").on("webhook_events").columns(["connection_id", "id"]).execute();

      await autoIdColumn(db.schema.createTable("webhook_deliveries"), dialect)
        .addColumn("event_seq", "bigint", (c) => c.notNull().references("webhook_events.id"))
        .addColumn("endpoint_id", "text", (c) => c.notNull().references("webhook_endpoints.id"))
        // Copied from the event: deliveries to one endpoint for one connection go out in event order.
        .addColumn("connection_id", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('pending', 'delivered', 'failed', 'cancelled')`))
        .addColumn("attempts", "integer", (c) => c.notNull())
        .addColumn("next_attempt_at", timestamp)
        // Retries stop (status 'failed') after the first failed attempt past this time; a replay moves it.
        .addColumn("retry_until", timestamp, (c) => c.notNull())
        .addColumn("lease_owner", "text")
        .addColumn("lease_expires_at", timestamp)
        .addColumn("last_attempt_at", timestamp)
        .addColumn("last_status_code", "integer")
        .addColumn("last_error", "text")
        .addColumn("created_at", timestamp, (c) => c.notNull())
        .addColumn("delivered_at", timestamp)
        .addUniqueConstraint("webhook_deliveries_once_per_endpoint", ["endpoint_id", "event_seq"])
        .addCheckConstraint("webhook_deliveries_scheduled_while_pending", sql`(status = 'pending') = (next_attempt_at is not null)`)
        .execute();
      // "Is anything earlier for this endpoint and connection still pending?"
      await db.schema
        .createIndex("webhook_deliveries_chain")
        .on("webhook_deliveries")
        .columns(["endpoint_id", "connection_id", "status", "event_seq"])
        .execute();
      // The worker's "what is due" query.
      await db.schema
        .createIndex("webhook_deliveries_due")
        .on("webhook_deliveries")
        .columns(["next_attempt_at", "event_seq"])
        .where(sql.ref("status"), "=", "pending")
        .execute();
      // The admin's delivery log, newest first.
      await db.schema.createIndex("webhook_deliveries_endpoint_log").on("webhook_deliveries").columns(["endpoint_id", "id"]).execute();

      await autoIdColumn(db.schema.createTable("webhook_attempts"), dialect)
        .addColumn("delivery_id", "bigint", (c) => c.notNull().references("webhook_deliveries.id"))
        .addColumn("attempted_at", timestamp, (c) => c.notNull())
        .addColumn("triggered_by", "text", (c) => c.notNull().check(sql`triggered_by in ('worker', 'replay')`))
        .addColumn("duration_ms", "integer", (c) => c.notNull())
        // NULL when no HTTP response came back (refused, timed out, TLS failure).
        .addColumn("status_code", "integer")
        .addColumn("error", "text")
        // The first bytes of the receiver's answer, for the admin reading the log.
        .addColumn("response_excerpt", "text")
        .execute();
      await db.schema.createIndex("webhook_attempts_delivery").on("webhook_attempts").columns(["delivery_id", "id"]).execute();
    },
  };
}
