/**
 * The admin API and the `npm run emulator` entry point.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulatorAdmin, type EmulatorAdmin, EmulatorAdminError } from "./admin-client";
import { configFromEnv, DEFAULT_DEMO_PERMISSIONS } from "./config";
import { isLoopback } from "./keys";
import { type RunningEmulator, startEmulator } from "./server";
import { rejectionOf, stripeFor } from "./test-helpers";

let emulator: RunningEmulator;
let admin: EmulatorAdmin;

beforeAll(async () => {
  emulator = await startEmulator({ account: "acct_1AdminTestAcct01" });
  admin = createEmulatorAdmin(emulator.url);
});
afterAll(async () => {
  await emulator.close();
});

async function adminFailure(promise: Promise<unknown>) {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(EmulatorAdminError);
  return error as EmulatorAdminError;
}

describe("POST /_emulator/keys", () => {
  it("returns {id, key, account} with keys shaped like Stripe's", async () => {
    const created = await admin.createKey({ mode: "live", permissions: ["customer_read"] });
    expect(created.id).toMatch(/^mk_1[A-Za-z0-9]{23}$/);
    expect(created.account).toBe("acct_1AdminTestAcct01");
    expect(created.key).toMatch(/^rk_live_51[A-Za-z0-9]{97}$/);
    expect(created.key.length).toBe(107);
    expect(created.key.startsWith("rk_live_51AdminTestAcct01")).toBe(true);

    const other = await admin.createKey({ mode: "test", permissions: [], account: "acct_1Nv0FGQ9RKHgCVdK" });
    expect(other.account).toBe("acct_1Nv0FGQ9RKHgCVdK");
    expect(other.key).toMatch(/^rk_test_51Nv0FGQ9RKHgCVdK[A-Za-z0-9]{82}$/);
  });

  it("shows the secret only once: listing and fetching a key give its last four characters", async () => {
    const created = await admin.createKey({ mode: "test", permissions: ["charge_write"] });
    const fetched = await admin.getKey(created.id);
    expect(fetched).not.toHaveProperty("key");
    expect(fetched.last4).toBe(created.key.slice(-4));
    expect(fetched.effective).toEqual(["charge_read", "charge_write"]);
    const listed = await admin.listKeys();
    expect(JSON.stringify(listed)).not.toContain(created.key);
  });

  it("rejects unknown permissions, naming them", async () => {
    const error = await adminFailure(admin.createKey({ mode: "test", permissions: ["customer_read", "rak_price_read", "charges_read"] }));
    expect(error.status).toBe(400);
    expect(JSON.stringify(error.body)).toContain("unknown permission(s): rak_price_read, charges_read");
  });

  it("rejects a bad mode, account, address, permissions on a secret key and unknown fields", async () => {
    await expect(adminFailure(admin.createKey({ mode: "sandbox" as "test" }))).resolves.toMatchObject({ status: 400 });
    await expect(adminFailure(admin.createKey({ mode: "test", account: "acct_" }))).resolves.toMatchObject({ status: 400 });
    await expect(adminFailure(admin.createKey({ mode: "test", allowedIps: ["not-an-ip"] }))).resolves.toMatchObject({ status: 400 });
    await expect(adminFailure(admin.createKey({ mode: "test", type: "secret", permissions: ["customer_read"] }))).resolves.toMatchObject({ status: 400 });
    const response = await fetch(`${emulator.url}/_emulator/keys`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ mode: "test", colour: "blue" }),
    });
    expect(response.status).toBe(400);
  });
});

describe("changing a key", () => {
  it("changes what the key may do at once when its permissions are edited", async () => {
    const created = await admin.createKey({ mode: "test", permissions: [] });
    const stripe = stripeFor(created.key, emulator.port);
    await expect(stripe.invoices.list({ limit: 1 })).rejects.toBeInstanceOf(Stripe.errors.StripePermissionError);
    await admin.setPermissions(created.id, ["invoice_read"]);
    await expect(stripe.invoices.list({ limit: 1 })).resolves.toMatchObject({ object: "list" });
    // invoice_read implies credit_note_read (docs.stripe.com/stripe-apps/reference/permissions).
    await expect(stripe.creditNotes.list({ limit: 1 })).resolves.toMatchObject({ object: "list" });
  });

  it("switches a key's 403 format", async () => {
    const created = await admin.createKey({ mode: "test", permissions: [] });
    await admin.setFormat(created.id, "legacy");
    const error = (await rejectionOf(stripeFor(created.key, emulator.port).disputes.list())) as Stripe.errors.StripeError;
    expect(error.message).toContain("'rak_dispute_read'");
  });

  it("answers 404 for an unknown key id", async () => {
    await expect(adminFailure(admin.expireKey("mk_1doesnotexist"))).resolves.toMatchObject({ status: 404 });
  });
});

describe("objects, ledger and reset", () => {
  it("seeds an object without a ledger entry, and a read key can retrieve it", async () => {
    const created = await admin.createObject({ type: "checkout/sessions", mode: "test", fields: { status: "open" } });
    expect(created.id).toMatch(/^cs_test_/);
    const key = await admin.createKey({ mode: "test", permissions: ["checkout_session_read"] });
    await expect(stripeFor(key.key, emulator.port).checkout.sessions.retrieve(created.id)).resolves.toMatchObject({ id: created.id, status: "open" });
    expect((await admin.ledger()).changes).toEqual([]);
    await expect(adminFailure(admin.createObject({ type: "no_such_things", mode: "test" }))).resolves.toMatchObject({ status: 400 });
  });

  it("counts requests from unknown keys under 'unknown', and clears one key's ledger", async () => {
    await fetch(`${emulator.url}/v1/balance`, { headers: { Authorization: "Bearer rk_test_unknown_key_for_ledger" } });
    expect((await admin.ledger()).requests.unknown?.byStatus["401"]).toBeGreaterThanOrEqual(1);
    const key = await admin.createKey({ mode: "test", permissions: ["balance_read"] });
    await stripeFor(key.key, emulator.port).balance.retrieve();
    expect((await admin.ledger(key.id)).requests[key.id]?.total).toBe(1);
    await admin.clearLedger(key.id);
    expect((await admin.ledger(key.id)).requests).toEqual({});
  });

  it("resets objects, ledger and keys (or keeps the keys)", async () => {
    const kept = await admin.createKey({ mode: "test", type: "secret" });
    const stripe = stripeFor(kept.key, emulator.port);
    const customer = await stripe.customers.create({ email: "gone@example.com" });
    await admin.reset({ keepKeys: true });
    expect((await admin.ledger()).changes).toEqual([]);
    await expect(stripe.customers.retrieve(customer.id)).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    await admin.reset();
    await expect(stripe.customers.list()).rejects.toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(await admin.listKeys()).toEqual([]);
  });
});

describe("GET /_emulator/permissions and /health", () => {
  it("lists every permission with its routes", async () => {
    const permissions = await admin.permissions();
    const byName = new Map(permissions.map((p) => [p.name, p]));
    expect(byName.get("customer_read")?.routes).toContain("GET /v1/customers");
    expect(byName.get("customer_write")?.routes).toContain("DELETE /v1/customers/{id}");
    expect(byName.get("plan_read")?.label).toBe("Prices Read");
    expect(byName.get("api_key_write")?.noEndpoint).toMatch(/no public endpoint/);
    const health = await admin.health();
    expect(health).toMatchObject({ ok: true, account: "acct_1AdminTestAcct01", format: "modern", rateLimits: { test: 25, live: 100 } });
  });
});

describe("loopback only", () => {
  it("accepts loopback addresses and nothing else", () => {
    expect(isLoopback("127.0.0.1")).toBe(true);
    expect(isLoopback("::1")).toBe(true);
    expect(isLoopback("::ffff:127.0.0.1")).toBe(true);
    expect(isLoopback("10.0.0.1")).toBe(false);
    expect(isLoopback("::ffff:192.168.1.20")).toBe(false);
    expect(isLoopback(undefined)).toBe(false);
  });
});

describe("npm run emulator", () => {
  it("reads its settings from the environment", () => {
    const defaults = configFromEnv({});
    expect(defaults.options).toMatchObject({ port: 12111, format: "modern", seed: true, rateLimits: { test: 25, live: 100 }, faults: {} });
    expect(defaults.demoPermissions).toEqual(DEFAULT_DEMO_PERMISSIONS);
    const custom = configFromEnv({
      STRIPE_EMULATOR_PORT: "4242",
      STRIPE_EMULATOR_403_FORMAT: "legacy",
      STRIPE_EMULATOR_RATE_LIMIT: "off",
      STRIPE_EMULATOR_SEED: "off",
      STRIPE_EMULATOR_DEMO_PERMISSIONS: "customer_read, rak_invoice_read",
    });
    expect(custom.options).toMatchObject({ port: 4242, format: "legacy", seed: false, rateLimits: false });
    expect(custom.demoPermissions).toEqual(["customer_read", "rak_invoice_read"]);
    expect(() => configFromEnv({ STRIPE_EMULATOR_403_FORMAT: "fancy" })).toThrow(/STRIPE_EMULATOR_403_FORMAT/);
    expect(() => configFromEnv({ STRIPE_EMULATOR_DEMO_PERMISSIONS: "customer_read,nonsense_read" })).toThrow(/unknown permission/);
  });

  it("prints its URL first, then four demo keys that behave as labelled", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "emulator/main.ts"], {
      env: { ...process.env, STRIPE_EMULATOR_PORT: "0", STRIPE_EMULATOR_DEMO_PERMISSIONS: "customer_read,invoice_read" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      const lines: string[] = [];
      const reader = createInterface({ input: child.stdout });
      await new Promise<void>((resolve, reject) => {
        reader.on("line", (line) => {
          lines.push(line);
          if (lines.length === 5) resolve();
        });
        child.once("exit", (code) => reject(new Error(`emulator exited with ${code}`)));
      });
      const url = /^Stripe emulator listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(lines[0] as string)?.[1];
      expect(url).toBeDefined();
      const port = Number(new URL(url as string).port);
      const keyOf = (label: string) => lines.find((l) => l.startsWith(`demo key (${label};`))?.split(": ").pop() as string;

      await expect(stripeFor(keyOf("exact"), port).invoices.list()).resolves.toMatchObject({ object: "list" });
      await expect(stripeFor(keyOf("missing a permission"), port).invoices.list()).rejects.toBeInstanceOf(Stripe.errors.StripePermissionError);
      await expect(stripeFor(keyOf("unnecessary write"), port).customers.update("cus_probe_missing", {})).rejects.toBeInstanceOf(
        Stripe.errors.StripeInvalidRequestError,
      );
      const expired = (await rejectionOf(stripeFor(keyOf("expired"), port).customers.list())) as Stripe.errors.StripeError;
      expect(expired.code).toBe("api_key_expired");
    } finally {
      child.kill("SIGTERM");
    }
  });
});
