import { sql, type Kysely } from "kysely";
import type { Dialect } from "../connect";
import { timestamp } from "./column-types";

/**
 * Service tokens for the vendor API (`/api/v1/`). A token is shown once when it is created; the
 * table keeps only its SHA-256 (`token_hash`) and last four characters, so a copy of the database
 * cannot be used to call the API.
 */
export function serviceTokens(_dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("service_tokens")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("token_hash", "text", (c) => c.notNull().unique())
        .addColumn("last4", "text", (c) => c.notNull().check(sql`length(last4) = 4`))
        // JSON array of scope names.
        .addColumn("scopes", "text", (c) => c.notNull())
        .addColumn("created_at", timestamp, (c) => c.notNull())
        // A user id, or NULL when the command line created it; `created_by_label` says who in words either way.
        .addColumn("created_by", "text", (c) => c.references("users.id"))
        .addColumn("created_by_label", "text", (c) => c.notNull())
        .addColumn("expires_at", timestamp)
        .addColumn("revoked_at", timestamp)
        .addColumn("revoked_by_label", "text")
        .addColumn("last_used_at", timestamp)
        .addColumn("last_used_ip", "text")
        .addCheckConstraint("service_tokens_revoked_consistently", sql`(revoked_at is null) = (revoked_by_label is null)`)
        .execute();
      // A name identifies one usable token at a time; revoked tokens keep theirs in the history.
      await db.schema
        .createIndex("service_tokens_name_unrevoked")
        .on("service_tokens")
        .column("name")
        .unique()
        .where(sql.ref("revoked_at"), "is", null)
        .execute();
    },
  };
}
