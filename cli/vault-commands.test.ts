import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectDatabase, type DatabaseHandle } from "~/db/connect";
import { migrateToLatest } from "~/db/migrate";
import type { Secret } from "~/domain/key/secret";
import { generateKeyRingEntry, parseKeyRing } from "~/domain/vault/key-ring";
import { createAppContext } from "~/services/app-context.server";
import { openConnectionSecret, storeConnection } from "~/services/connection-store.server";
import { connectionInput, createCustomer, fakeRestrictedKey, plaintextForms } from "../tests/support/connection-fixtures";

const root = path.resolve(import.meta.dirname, "..");
const oldEntry = generateKeyRingEntry("old");
const newEntry = generateKeyRingEntry("new");

function keyport(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(path.join(root, "node_modules/.bin/tsx"), ["cli/keyport.ts", ...args], {
    cwd: root,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "development", ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("vault commands", () => {
  let dir: string;
  let env: Record<string, string>;
  let handle: DatabaseHandle;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "keyport-cli-vault-"));
    env = { KEYPORT_DATA_DIR: dir, DATABASE_URL: `sqlite:${path.join(dir, "keyport.db")}` };
  });
  afterAll(async () => {
    await handle?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("vault:generate-key prints one fresh ring entry on standard output, advice on standard error", () => {
    const printed = keyport(["vault:generate-key", "--id", "2027-01"]);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toMatch(/^2027-01:[A-Za-z0-9+/]{43}=\n$/);
    expect(printed.stderr).toMatch(/vault:rotate/);
    // A real, fresh key: it parses as a ring beside the current one (which refuses a repeated key).
    expect(parseKeyRing(`${printed.stdout.trim()},${oldEntry}`).keyIds).toEqual(["2027-01", "old"]);
    expect(keyport(["vault:generate-key", "--id", "Not Valid"]).code).toBe(64);
  }, 60_000);

  it("vault:rotate re-wraps the stored keys, prints a summary without any key, and refuses a bad batch size", async () => {
    handle = connectDatabase({ sqlitePath: path.join(dir, "keyport.db") });
    await migrateToLatest(handle.db, handle.dialect);
    const ctx = createAppContext(handle, { secureCookies: false, keyRing: parseKeyRing(oldEntry) });
    const stored: { id: string; key: Secret }[] = [];
    for (let i = 0; i < 3; i++) {
      const customer = await createCustomer(ctx.db);
      const key = fakeRestrictedKey("live");
      stored.push({ id: (await storeConnection(ctx, connectionInput(customer, key))).id, key });
    }

    expect(keyport(["vault:rotate", "--batch-size", "0"], { ...env, KEYPORT_ENCRYPTION_KEYS: `${newEntry},${oldEntry}` }).code).toBe(64);

    const run = keyport(["vault:rotate", "--batch-size", "2"], { ...env, KEYPORT_ENCRYPTION_KEYS: `${newEntry},${oldEntry}` });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/batch 1: 2 examined, 2 re-wrapped/);
    expect(run.stdout).toMatch(/Done: 3 re-wrapped, 3 re-fingerprinted, 0 skipped .*, 0 failed/);
    expect(run.stdout).toMatch(/old \(in ring\): 0 sealed keys, 0 fingerprints, 0 webhook secrets; nothing depends on it any more/);
    expect(run.stdout).toMatch(/Webhook signing secrets: 0 re-wrapped, 0 failed/);
    for (const { key } of stored) for (const form of plaintextForms(key.reveal())) expect(run.stdout).not.toContain(form);

    const newOnly = createAppContext(handle, { secureCookies: false, keyRing: parseKeyRing(newEntry) });
    for (const { id, key } of stored) expect((await openConnectionSecret(newOnly, id)).reveal()).toBe(key.reveal());

    // A tampered row: reported by id, the command exits 1, the others are untouched.
    const victim = stored[0]!.id;
    await handle.db.updateTable("connections").set({ ciphertext: "AQ==" }).where("id", "=", victim).execute();
    await handle.db.updateTable("connections").set({ fingerprint_key_id: "old" }).execute();
    const failing = keyport(["vault:rotate"], { ...env, KEYPORT_ENCRYPTION_KEYS: `${newEntry},${oldEntry}` });
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain(`FAILED ${victim} (tampered)`);
    expect(failing.stdout).toMatch(/Done: 0 re-wrapped, 2 re-fingerprinted, 0 skipped .*, 1 failed/);
  }, 60_000);
});
