import { type Kysely, type Migration, Migrator } from "kysely";
import type { Dialect } from "./connect";
import { foundation } from "./migrations/0001-foundation";
import { connections } from "./migrations/0002-connections";
import { supportListIndex } from "./migrations/0003-support-list-index";
import { serviceTokens } from "./migrations/0004-service-tokens";
import { webhooks } from "./migrations/0005-webhooks";
import type { Database } from "./schema";

/** Every migration, in order. Written with Kysely's schema builder so each runs on both dialects. */
function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    "0001-foundation": foundation(dialect),
    "0002-connections": connections(dialect),
    "0003-support-list-index": supportListIndex(),
    "0004-service-tokens": serviceTokens(dialect),
    "0005-webhooks": webhooks(dialect),
  };
}

export async function migrateToLatest(db: Kysely<Database>, dialect: Dialect) {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations(dialect) },
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error");
    throw new Error(`Migration ${failed?.migrationName ?? "(unknown)"} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
