import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulatorAdmin, type EmulatorAdmin } from "../emulator/admin-client";
import { startEmulator, type RunningEmulator } from "../emulator/server";

/** `npm run --silent keyport -- check`: the key on standard input, the report on standard output, the verdict in the exit code. */
let emulator: RunningEmulator;
let admin: EmulatorAdmin;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "keyport-cli-"));
const demo = JSON.parse(fs.readFileSync("examples/manifests/demo.json", "utf8")) as { permissions: Record<string, { level: string }> };
const required = Object.entries(demo.permissions).map(([name, r]) => `${name}_${r.level}`);

beforeAll(async () => {
  emulator = await startEmulator();
  admin = createEmulatorAdmin(emulator.url);
});
afterAll(() => emulator.close());

function runCheck(stdin: string, args: string[] = ["--json"]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "cli/keyport.ts", "check", ...args], {
      env: { ...process.env, STRIPE_API_BASE: emulator.url, KEYPORT_DATA_DIR: dataDir, NODE_ENV: "test" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe("keyport check", () => {
  it("exits 0 and prints only the JSON report for an accepted key", async () => {
    const key = await admin.createKey({ mode: "test", permissions: required });
    const { code, stdout, stderr } = await runCheck(`  "${key.key}"\n`);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ verdict: "accepted", key: { type: "restricted", mode: "test", last4: key.key.slice(-4) }, account: key.account });
    expect(report.permissions[0]).toEqual(expect.objectContaining({ permission: expect.any(String), required: "read", granted: "read", finding: "ok" }));
    expect(stdout + stderr).not.toContain(key.key);
  });

  it("exits 1 for a rejected key and for a refused secret key", async () => {
    const key = await admin.createKey({ mode: "test", permissions: required.slice(1) });
    const rejected = await runCheck(key.key);
    expect(rejected.code).toBe(1);
    expect(JSON.parse(rejected.stdout).problems[0]).toMatchObject({ code: "missing_permission" });

    const secret = await admin.createKey({ mode: "test", type: "secret" });
    const refused = await runCheck(secret.key);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ verdict: "rejected", key: { type: "secret" } });
    expect(refused.stdout + refused.stderr).not.toContain(secret.key);
  });

  it("exits 2 when Stripe cannot be reached", async () => {
    const key = await admin.createKey({ mode: "test", permissions: required });
    await admin.setFaults({ errorRate: 1 }, key.id);
    const { code, stdout } = await runCheck(key.key);
    expect(code).toBe(2);
    expect(JSON.parse(stdout).verdict).toBe("inconclusive");
  });

  it("prints a readable report without --json", async () => {
    const key = await admin.createKey({ mode: "test", permissions: required });
    const { code, stdout } = await runCheck(key.key, []);
    expect(code).toBe(0);
    expect(stdout).toContain("Key check: ACCEPTED");
    expect(stdout).toContain("Core › Customers");
  });

  it("exits 64 on a usage error and never takes the key as an argument", async () => {
    const { code, stderr } = await runCheck("", ["rk_test_123"]);
    expect(code).toBe(64);
    expect(stderr).toContain("Usage: npm run keyport -- check");
  });
});
