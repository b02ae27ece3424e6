import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import type { Database } from "./schema";

export type Dialect = "sqlite" | "postgres";

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: Dialect;
  destroy(): Promise<void>;
}

// BIGINT (int8) columns hold epoch milliseconds and identity ids, all far below 2^53.
pg.types.setTypeParser(20, (value) => Number(value));

/**
 * Opens the database: PostgreSQL when `url` is a postgres:// URL, otherwise the SQLite file at
 * `sqlitePath` (":memory:" for throwaway test databases).
 */
export function connectDatabase(options: { url?: string; sqlitePath: string; poolSize?: number }): DatabaseHandle {
  if (options.url && /^postgres(ql)?:\/\//.test(options.url)) {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
    // An idle pooled connection that the server ends (a restart, a failover, an administrator)
    // emits 'error'; unhandled, that would crash the process. The pool replaces it on next use.
    pool.on("error", (error) => console.warn(`PostgreSQL closed an idle connection: ${error.message}`));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: "postgres", destroy: () => db.destroy() };
  }
  if (options.sqlitePath !== ":memory:") {
    fs.mkdirSync(path.dirname(options.sqlitePath), { recursive: true, mode: 0o700 });
  }
  const sqlite = new SQLite(options.sqlitePath);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  // Deleted rows are overwritten, not left in free pages: a disconnected key's ciphertext and
  // wrapped data key must not survive in the file (checkpointed WAL included).
  sqlite.pragma("secure_delete = ON");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect: "sqlite", destroy: () => db.destroy() };
}
