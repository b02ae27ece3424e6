import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { connectDatabase, type DatabaseHandle, type Dialect } from "~/db/connect";
import { migrateToLatest } from "~/db/migrate";

export const DIALECTS: Dialect[] = ["sqlite", "postgres"];

/** A fresh, migrated database of the given dialect: in-memory SQLite, or a new PostgreSQL database. */
export async function createTestDatabase(dialect: Dialect): Promise<DatabaseHandle & { url?: string }> {
  if (dialect === "sqlite") {
    const handle = connectDatabase({ sqlitePath: ":memory:" });
    await migrateToLatest(handle.db, handle.dialect);
    return handle;
  }
  const adminUrl = inject("postgresAdminUrl");
  const name = `keyport_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = connectDatabase({ url: url.toString(), sqlitePath: ":memory:", poolSize: 5 });
  await migrateToLatest(handle.db, handle.dialect);
  return {
    ...handle,
    url: url.toString(),
    async destroy() {
      await handle.destroy();
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}
