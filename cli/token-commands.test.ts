import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectDatabase, type DatabaseHandle } from "~/db/connect";
import { migrateToLatest } from "~/db/migrate";
import { generateKeyRingEntry, parseKeyRing } from "~/domain/vault/key-ring";
import { createAppContext } from "~/services/app-context.server";
import { authenticateServiceToken } from "~/services/service-tokens.server";
import { createWebhookEndpoint, listWebhookEndpoints } from "~/services/webhook-endpoints.server";
import { enqueueWebhookEvent, listWebhookDeliveries } from "~/services/webhooks.server";
import { createCustomer } from "../tests/support/connection-fixtures";
import { startWebhookReceiver } from "../tests/support/webhook-receiver";

const root = path.resolve(import.meta.dirname, "..");
const entry = generateKeyRingEntry("cli");

/** Runs the command line asynchronously, so a receiver in this process can answer it. */
function keyport(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(path.join(root, "node_modules/.bin/tsx"), ["cli/keyport.ts", ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", NODE_ENV: "development", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("token and webhook commands", () => {
  let dir: string;
  let env: Record<string, string>;
  let handle: DatabaseHandle;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "keyport-cli-tokens-"));
    env = { KEYPORT_DATA_DIR: dir, DATABASE_URL: `sqlite:${path.join(dir, "keyport.db")}`, KEYPORT_ENCRYPTION_KEYS: entry };
    handle = connectDatabase({ sqlitePath: path.join(dir, "keyport.db") });
    await migrateToLatest(handle.db, handle.dialect);
  });
  afterAll(async () => {
    await handle.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("token:create prints the token alone, once; token:list never shows it; token:revoke stops it", async () => {
    const created = await keyport(["token:create", "--name", "billing-sync", "--scope", "connections:read,credentials:read", "--expires-in-days", "30"], env);
    expect(created.stderr).toMatch(/Created token "billing-sync" \(tok_[0-9a-z]+\) with connections:read, credentials:read; expires 20\d\d-/);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^kpt_[A-Za-z0-9_-]{43}\n$/);
    const token = created.stdout.trim();

    const ctx = createAppContext(handle, { secureCookies: false, keyRing: parseKeyRing(entry) });
    expect((await authenticateServiceToken(ctx, `Bearer ${token}`, { ip: null })).ok).toBe(true);
    // Searched by another process: opening the file here would drop this process's SQLite locks (POSIX lock semantics).
    const files = ["keyport.db", "keyport.db-wal"].map((f) => path.join(dir, f)).filter((f) => fs.existsSync(f));
    expect(spawnSync("grep", ["-qF", token, ...files]).status).toBe(1);

    const listed = await keyport(["token:list"], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(`billing-sync  kpt_…${token.slice(-4)}  active`);
    expect(listed.stdout).not.toContain(token);

    expect((await keyport(["token:create", "--name", "billing-sync", "--scope", "connections:read"], env)).code).toBe(64);
    expect((await keyport(["token:create", "--name", "x", "--scope", "everything"], env)).code).toBe(64);
    expect((await keyport(["token:create", "--name", "x", "--scope", "keys:check", "--expires-in-days", "0"], env)).code).toBe(64);

    const revoked = await keyport(["token:revoke", "--name", "billing-sync"], env);
    expect(revoked.stdout).toMatch(/^Revoked "billing-sync" \(tok_[0-9a-z]+\); it no longer works\.\n$/);
    expect(await authenticateServiceToken(ctx, `Bearer ${token}`, { ip: null })).toMatchObject({ ok: false, reason: "revoked" });
    expect((await keyport(["token:revoke", "--name", "billing-sync"], env)).code).toBe(1);
  }, 90_000);

  it("webhooks:deliver runs one pass of the delivery worker", async () => {
    const receiver = await startWebhookReceiver();
    try {
      const ctx = createAppContext(handle, { secureCookies: false, keyRing: parseKeyRing(entry) });
      const created = await createWebhookEndpoint(ctx, { url: receiver.url }, { actor: { type: "system", label: "vitest" } }, { allowInsecureLoopback: true });
      if (!created.ok) throw new Error(created.message);
      const { organisationId } = await createCustomer(ctx.db);
      await enqueueWebhookEvent(ctx.db, {
        type: "connection.revoked",
        connectionId: "con_clidelivery01",
        organisationId,
        data: { mode: "live", account: null, status: "healthy", state: "revoked_by_customer" },
      });
      const run = await keyport(["webhooks:deliver"], env);
      expect(run.stderr).toBe("");
      expect(run.stdout).toBe("1 attempted: 1 delivered, 0 to retry later, 0 given up (past their retry window).\n");
      expect(receiver.events().map((e) => e.type)).toEqual(["connection.revoked"]);
      const [endpoint] = await listWebhookEndpoints(ctx);
      expect((await listWebhookDeliveries(ctx, endpoint!.id))[0]).toMatchObject({ status: "delivered", lastStatusCode: 200 });
    } finally {
      await receiver.close();
    }
  }, 60_000);
});
