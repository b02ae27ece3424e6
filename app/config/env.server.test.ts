import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { generateKeyRingEntry } from "~/domain/vault/key-ring";
import { parseEnv } from "./env.server";

const production = { NODE_ENV: "production", KEYPORT_ORIGIN: "https://keys.example.com", KEYPORT_ENCRYPTION_KEYS: generateKeyRingEntry("k1") };

describe("environment", () => {
  it("refuses to start in production without the encryption keys, naming the variable", () => {
    expect(() => parseEnv({ ...production, KEYPORT_ENCRYPTION_KEYS: undefined })).toThrow(/KEYPORT_ENCRYPTION_KEYS/);
  });

  it("refuses to start in production without the public origin, naming the variable", () => {
    expect(() => parseEnv({ ...production, KEYPORT_ORIGIN: undefined })).toThrow(/Missing required environment variable in production: KEYPORT_ORIGIN/);
  });

  it("names a malformed key ring without printing the key material", () => {
    const bare = Buffer.alloc(32, 7).toString("base64");
    let message = "";
    try {
      parseEnv({ ...production, KEYPORT_ENCRYPTION_KEYS: bare });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/KEYPORT_ENCRYPTION_KEYS: entry 1 has no ':'/);
    expect(message).not.toContain(bare);
  });

  it("names any other malformed variable", () => {
    expect(() => parseEnv({ ...production, PORT: "eighty" })).toThrow(/PORT:/);
    expect(() => parseEnv({ ...production, STRIPE_API_BASE: "not a url" })).toThrow(/STRIPE_API_BASE:/);
  });

  it("accepts a complete production environment", () => {
    const env = parseEnv(production);
    expect(env.isProduction).toBe(true);
    expect(env.keyRing.activeKeyId).toBe("k1");
    expect(JSON.stringify(env)).not.toContain(production.KEYPORT_ENCRYPTION_KEYS.split(":")[1]);
  });

  it("creates the data folder and development secrets on first start, and reuses them", () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "keyport-env-")), "data");
    const first = parseEnv({ NODE_ENV: "development", KEYPORT_DATA_DIR: dir });
    expect(fs.existsSync(path.join(dir, "dev-secrets.json"))).toBe(true);
    expect(fs.statSync(path.join(dir, "dev-secrets.json")).mode & 0o077).toBe(0);
    const second = parseEnv({ NODE_ENV: "development", KEYPORT_DATA_DIR: dir });
    expect(second.keyRing.activeKeyId).toBe(first.keyRing.activeKeyId);
    expect(first.sqlitePath).toBe(path.join(dir, "keyport.db"));
  });

  it("selects PostgreSQL by URL and SQLite otherwise", () => {
    expect(parseEnv({ ...production, DATABASE_URL: "postgres://u@h/db" }).DATABASE_URL).toBe("postgres://u@h/db");
    expect(parseEnv({ ...production, DATABASE_URL: "sqlite:/tmp/x.db" }).sqlitePath).toBe("/tmp/x.db");
  });
});
