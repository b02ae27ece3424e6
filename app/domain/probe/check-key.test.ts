import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulatorAdmin, type EmulatorAdmin } from "../../../emulator/admin-client";
import { startEmulator, type RunningEmulator } from "../../../emulator/server";
import { parseManifest, type Manifest } from "~/domain/manifest/manifest";
import { checkKey } from "./check-key";
import { createStripeTransport } from "./stripe-transport";

/**
 * The whole key check against the emulator: what a customer who pastes each kind of key sees,
 * and that nothing in their account changes.
 */
let emulator: RunningEmulator;
let admin: EmulatorAdmin;
const demo = parseManifest(JSON.parse(fs.readFileSync("examples/manifests/demo.json", "utf8")));
const required = Object.entries(demo.permissions).map(([name, r]) => `${name}_${r.level}`);

beforeAll(async () => {
  emulator = await startEmulator();
  admin = createEmulatorAdmin(emulator.url);
});
afterAll(() => emulator.close());

const fast = { sleep: () => Promise.resolve(), random: () => 0 };

function check(key: string, manifest: Manifest = demo, extra: Parameters<typeof checkKey>[2] extends infer O ? Partial<O> : never = {}) {
  return checkKey(key, manifest, { transport: createStripeTransport({ apiBase: emulator.url }), ...extra });
}

async function expectNoChanges(keyId: string) {
  expect((await admin.ledger(keyId)).changes).toEqual([]);
}

describe("checking a pasted key", () => {
  it("accepts a key with exactly the manifest's permissions, naming its account, and changes nothing", async () => {
    const key = await admin.createKey({ mode: "test", permissions: required });
    const { report, secret } = await check(key.key);
    expect(report.verdict).toBe("accepted");
    expect(report.account).toBe(key.account);
    expect(report.key).toEqual({ type: "restricted", mode: "test", last4: key.key.slice(-4) });
    expect(report.problems).toEqual([]);
    expect(report.permissions.every((p) => p.finding === "ok")).toBe(true);
    expect(report.permissions.map((p) => p.permission).sort()).toEqual(Object.keys(demo.permissions).sort());
    expect(secret?.reveal()).toBe(key.key);
    expect(JSON.stringify(report)).not.toContain(key.key);
    await expectNoChanges(key.id);
  });

  it("rejects a key missing a permission and names the Dashboard row to fix", async () => {
    const key = await admin.createKey({ mode: "test", permissions: required.filter((p) => p !== "dispute_read") });
    const { report } = await check(key.key);
    expect(report.verdict).toBe("rejected");
    expect(report.permissions.find((p) => p.permission === "dispute")).toMatchObject({ required: "read", granted: "none", finding: "missing" });
    expect(report.problems).toEqual([expect.objectContaining({ code: "missing_permission", permission: "dispute", fix: "In the Stripe Dashboard, set Core › Disputes to Read." })]);
    expect(report.createKeyLink).toContain("permissions[]=rak_dispute_read");
    await expectNoChanges(key.id);
  });

  it("flags a write grant where reading is enough: a warning under excessWrite 'warn', a rejection under 'reject'", async () => {
    const key = await admin.createKey({ mode: "test", permissions: [...required.filter((p) => p !== "customer_read"), "customer_write"] });
    const warned = await check(key.key);
    expect(warned.report.verdict).toBe("accepted");
    expect(warned.report.permissions.find((p) => p.permission === "customer")).toMatchObject({ granted: "write", finding: "excess_write" });
    expect(warned.report.problems).toEqual([expect.objectContaining({ code: "excess_write", severity: "warning", fix: "In the Stripe Dashboard, set Core › Customers to Read." })]);

    const strict = await check(key.key, { ...demo, excessWrite: "reject" });
    expect(strict.report.verdict).toBe("rejected");
    await expectNoChanges(key.id);
  });

  it("finds a dangerous grant the vendor does not need at all", async () => {
    const key = await admin.createKey({ mode: "test", permissions: [...required, "payout_write"] });
    const { report } = await check(key.key);
    expect(report.permissions.find((p) => p.permission === "payout")).toMatchObject({ required: "none", granted: "write", finding: "excess_access", sensitive: true });
    expect(report.problems.find((p) => p.permission === "payout")).toMatchObject({ code: "excess_access", fix: "In the Stripe Dashboard, set Core › Payouts to None." });
    await expectNoChanges(key.id);
  });

  it("tells read-only from missing when write is required", async () => {
    const manifest: Manifest = { ...demo, permissions: { ...demo.permissions, webhook: { level: "write" } } };
    const readOnly = await admin.createKey({ mode: "test", permissions: [...required, "webhook_read"] });
    const none = await admin.createKey({ mode: "test", permissions: required });
    const writer = await admin.createKey({ mode: "test", permissions: [...required, "webhook_write"] });
    const row = async (key: string) => (await check(key, manifest)).report.permissions.find((p) => p.permission === "webhook");
    expect(await row(readOnly.key)).toMatchObject({ granted: "read", finding: "insufficient" });
    expect(await row(none.key)).toMatchObject({ granted: "none", finding: "missing" });
    expect(await row(writer.key)).toMatchObject({ granted: "write", finding: "ok" });
  });

  it("reports effective access: a read can succeed through an implied grant", async () => {
    const key = await admin.createKey({ mode: "test", permissions: [...required.filter((p) => p !== "product_read"), "checkout_session_read"] });
    const { report } = await check(key.key);
    expect(report.permissions.find((p) => p.permission === "product")).toMatchObject({ granted: "read", finding: "ok" });
  });

  it("reads the account from both 403 formats Stripe has used", async () => {
    for (const format of ["legacy", "modern"] as const) {
      const key = await admin.createKey({ mode: "test", permissions: required, format });
      const { report } = await check(key.key);
      expect(report.account, format).toBe(key.account);
      expect(report.verdict, format).toBe("accepted");
    }
  });

  it("refuses a secret key without sending it anywhere, and tells the customer to roll it", async () => {
    const before = (await admin.ledger()).requests;
    const secretKey = await admin.createKey({ mode: "test", type: "secret" });
    const { report, secret } = await check(secretKey.key);
    expect(report.verdict).toBe("rejected");
    expect(report.key.type).toBe("secret");
    expect(report.problems[0]).toMatchObject({ code: "secret_key" });
    expect(report.problems[0]!.message).toMatch(/roll/i);
    expect(secret).toBeUndefined();
    expect((await admin.ledger()).requests[secretKey.id]).toBeUndefined();
    expect(Object.keys((await admin.ledger()).requests)).toEqual(Object.keys(before).length ? expect.arrayContaining(Object.keys(before)) : expect.any(Array));
  });

  it("refuses a mode the manifest does not accept before probing", async () => {
    const live = await admin.createKey({ mode: "live", permissions: required });
    const { report } = await check(live.key, { ...demo, modes: ["test"] });
    expect(report.verdict).toBe("rejected");
    expect(report.problems[0]).toMatchObject({ code: "mode_not_accepted" });
    expect((await admin.ledger(live.id)).requests[live.id]?.total ?? 0).toBe(0);
  });

  it("tells an expired, a deleted and an IP-restricted key apart", async () => {
    const expired = await admin.createKey({ mode: "test", permissions: required, expired: true });
    const deleted = await admin.createKey({ mode: "test", permissions: required });
    await admin.deleteKey(deleted.id);
    const locked = await admin.createKey({ mode: "test", permissions: required, allowedIps: ["192.0.2.10"] });
    expect((await check(expired.key)).report.problems[0]).toMatchObject({ code: "key_expired" });
    expect((await check(deleted.key)).report.problems[0]).toMatchObject({ code: "key_invalid" });
    expect((await check(locked.key)).report.problems[0]).toMatchObject({ code: "ip_not_allowed" });
  });

  it("never reports an outage as a missing permission: Stripe failing gives 'could not check'", async () => {
    const key = await admin.createKey({ mode: "test", permissions: required });
    await admin.setFaults({ errorRate: 1 }, key.id);
    const { report } = await check(key.key, demo, fast);
    expect(report.verdict).toBe("inconclusive");
    expect(report.problems[0]).toMatchObject({ code: "could_not_check" });
    expect(report.problems.some((p) => p.code === "missing_permission")).toBe(false);
  });

  it("survives a burst of 429s and a share of 500s by retrying, and still gets every answer right", async () => {
    const key = await admin.createKey({ mode: "test", permissions: required.filter((p) => p !== "event_read") });
    await admin.setFaults({ rateLimitBurst: 6, errorRate: 0.2 }, key.id);
    // The burst can land entirely on the first request; 12 attempts leave 6 against the 20% of 500s.
    const { report } = await check(key.key, demo, { ...fast, maxAttempts: 12 });
    expect(report.verdict).toBe("rejected");
    expect(report.problems.map((p) => p.code)).toEqual(["missing_permission"]);
    expect(report.problems[0]!.permission).toBe("event");
    await expectNoChanges(key.id);
  });

  it("bounds the whole check by a time-out when Stripe stops answering", async () => {
    const key = await admin.createKey({ mode: "test", permissions: required });
    await admin.setFaults({ timeoutRate: 1 }, key.id);
    const started = Date.now();
    const { report } = await check(key.key, demo, { requestTimeoutMs: 300, totalTimeoutMs: 1_500 });
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(report.verdict).toBe("inconclusive");
  });

  it("stays within the key's rate limit: no 429s from the emulator's per-key bucket", async () => {
    const manifest: Manifest = { ...demo, fullScan: true };
    const key = await admin.createKey({ mode: "test", permissions: required });
    const { report } = await check(key.key, manifest);
    const stats = (await admin.ledger(key.id)).requests[key.id]!;
    expect(report.requests).toBeGreaterThan(60);
    expect(stats.rateLimited).toBe(0);
    expect(report.verdict).toBe("accepted");
    await expectNoChanges(key.id);
  });
});
