import type { Kysely } from "kysely";
import { createLucia } from "~/auth/lucia.server";
import { getEnv } from "~/config/env.server";
import { connectDatabase, type DatabaseHandle, type Dialect } from "~/db/connect";
import { migrateToLatest } from "~/db/migrate";
import type { Database } from "~/db/schema";
import type { KeyRing } from "~/domain/vault/key-ring";

/**
 * What every service needs, passed explicitly so tests can run the same services against a
 * throwaway SQLite or PostgreSQL database.
 */
export interface AppContext {
  db: Kysely<Database>;
  dialect: Dialect;
  lucia: ReturnType<typeof createLucia>;
  now: () => number;
  /** The vault's master keys (KEYPORT_ENCRYPTION_KEYS); tests pass their own. */
  readonly keyRing: KeyRing;
}

export function createAppContext(
  handle: Pick<DatabaseHandle, "db" | "dialect">,
  options: { secureCookies: boolean; now?: () => number; keyRing?: KeyRing },
): AppContext {
  const now = options.now ?? Date.now;
  const { keyRing } = options;
  return {
    db: handle.db,
    dialect: handle.dialect,
    lucia: createLucia(handle.db, { secure: options.secureCookies, now }),
    now,
    // Read from the environment only when a service first needs the vault, so a context for
    // services that never touch it does not create development secrets.
    get keyRing() {
      return keyRing ?? getEnv().keyRing;
    },
  };
}

let shared: { context: AppContext; handle: DatabaseHandle } | undefined;
let migrated: Promise<string[]> | undefined;

/** The process-wide context for the portal and the command line, built from the environment. */
export function getAppContext(): AppContext {
  if (!shared) {
    const env = getEnv();
    const handle = connectDatabase({ url: env.DATABASE_URL, sqlitePath: env.sqlitePath });
    shared = { handle, context: createAppContext(handle, { secureCookies: env.isProduction, keyRing: env.keyRing }) };
  }
  return shared.context;
}

/** Applies pending migrations once per process; returns the names applied. */
export function ensureMigrated(): Promise<string[]> {
  const context = getAppContext();
  migrated ??= migrateToLatest(context.db, context.dialect);
  return migrated;
}

export async function closeAppContext() {
  await shared?.handle.destroy();
  shared = undefined;
  migrated = undefined;
}
