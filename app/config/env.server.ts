import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { generateKeyRingEntry, type KeyRing, parseKeyRing } from "~/domain/vault/key-ring";

/**
 * The one module that reads the environment. Every other module asks `getEnv()`.
 *
 * In production a missing or malformed secret stops the start with a message naming the
 * variable. In development and tests the data folder and development secrets are created on
 * first use, so `npm run dev` works on a fresh clone.
 */

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  HOST: z.string().default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  KEYPORT_DATA_DIR: z.string().min(1).default("data"),
  /** `postgres://…` selects PostgreSQL; anything else (or nothing) is the embedded SQLite file. */
  DATABASE_URL: z.string().optional(),
  /** The public origin users reach the portal at, e.g. https://keys.example.com. */
  KEYPORT_ORIGIN: z
    .string()
    .url()
    .transform((u) => new URL(u).origin)
    .optional(),
  /** Comma-separated `id:base64(32 bytes)` master keys; the first one encrypts new keys. */
  KEYPORT_ENCRYPTION_KEYS: z.string().optional(),
  KEYPORT_MANIFEST: z.string().default("examples/manifests/demo.json"),
  STRIPE_API_BASE: z.string().url().default("https://api.stripe.com"),
  /** Number of reverse proxies in front of the portal whose X-Forwarded-For we trust. */
  KEYPORT_TRUSTED_PROXIES: z.coerce.number().int().min(0).max(10).default(0),
  KEYPORT_LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  /** Hours between scheduled health checks of one connection. */
  KEYPORT_HEALTH_INTERVAL_HOURS: z.coerce.number().positive().max(24 * 30).default(24),
  /** Spread of each interval (0.1 = ±10%), so checks do not all fall at once. */
  KEYPORT_HEALTH_JITTER: z.coerce.number().min(0).max(0.5).default(0.1),
  /** Run scheduled health checks inside this portal process ("off" to leave them to cron). */
  KEYPORT_SCHEDULER: z.enum(["on", "off"]).default("on"),
});

export type Env = Omit<z.infer<typeof EnvSchema>, "KEYPORT_ENCRYPTION_KEYS"> & {
  /** The vault's master keys; never printed (the ring holds KeyObjects). */
  keyRing: KeyRing;
  /** Absolute path of the SQLite file when no PostgreSQL URL is configured. */
  sqlitePath: string;
  isProduction: boolean;
};

const REQUIRED_IN_PRODUCTION = ["KEYPORT_ENCRYPTION_KEYS", "KEYPORT_ORIGIN"] as const;

export class EnvError extends Error {
  override name = "EnvError";
}

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".") || "(environment)"}: ${issue.message}`);
    throw new EnvError(`Invalid environment:\n${lines.join("\n")}`);
  }
  const env = parsed.data;
  const isProduction = env.NODE_ENV === "production";
  const dataDir = path.resolve(env.KEYPORT_DATA_DIR);

  let encryptionKeys = env.KEYPORT_ENCRYPTION_KEYS;
  if (isProduction) {
    const missing = REQUIRED_IN_PRODUCTION.filter((name) => !env[name]);
    if (missing.length > 0) {
      throw new EnvError(
        `Missing required environment variable${missing.length > 1 ? "s" : ""} in production: ${missing.join(", ")}. ` +
          "See README.md, section Configuration.",
      );
    }
  } else if (!encryptionKeys) {
    encryptionKeys = loadDevelopmentSecrets(dataDir).KEYPORT_ENCRYPTION_KEYS;
  }

  const databaseUrl = env.DATABASE_URL;
  const sqlitePath =
    databaseUrl && !isPostgresUrl(databaseUrl)
      ? path.resolve(databaseUrl.replace(/^(sqlite|file):(\/\/)?/, ""))
      : path.join(dataDir, "keyport.db");

  let keyRing: KeyRing;
  try {
    keyRing = parseKeyRing(encryptionKeys as string);
  } catch (error) {
    // The vault's message names the variable and the problem, never the key material.
    throw new EnvError(`Invalid environment:\n  ${error instanceof Error ? error.message : String(error)}`);
  }

  const { KEYPORT_ENCRYPTION_KEYS: _spec, ...rest } = env;
  return {
    ...rest,
    KEYPORT_DATA_DIR: dataDir,
    keyRing,
    sqlitePath,
    isProduction,
  };
}

export function isPostgresUrl(url: string | undefined): boolean {
  return !!url && /^postgres(ql)?:\/\//.test(url);
}

const DevSecretsSchema = z.object({ KEYPORT_ENCRYPTION_KEYS: z.string() });

/** Development secrets live in the git-ignored data folder, created on first start. */
function loadDevelopmentSecrets(dataDir: string) {
  const file = path.join(dataDir, "dev-secrets.json");
  if (fs.existsSync(file)) {
    return DevSecretsSchema.parse(JSON.parse(fs.readFileSync(file, "utf8")));
  }
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secrets = { KEYPORT_ENCRYPTION_KEYS: generateKeyRingEntry("dev-1") };
  fs.writeFileSync(file, JSON.stringify(secrets, null, 2) + "\n", { mode: 0o600, flag: "wx" });
  return secrets;
}

let cached: Env | undefined;

export function getEnv(): Env {
  cached ??= parseEnv();
  return cached;
}

/** For tests that change the environment between cases. */
export function resetEnvForTests() {
  cached = undefined;
}
