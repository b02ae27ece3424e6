/**
 * The official stripe SDK against the emulator: each case must surface as the SDK's own error class
 * with Stripe's status, code and message, as shared/research/stripe-rak.md documents them.
 */
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CreateKeyOptions, createEmulatorAdmin, type EmulatorAdmin } from "./admin-client";
import { type RunningEmulator, startEmulator } from "./server";
import { rejectionOf, stripeFor } from "./test-helpers";

let emulator: RunningEmulator;
let admin: EmulatorAdmin;

beforeAll(async () => {
  emulator = await startEmulator();
  admin = createEmulatorAdmin(emulator.url);
});
afterAll(async () => {
  await emulator.close();
});

async function client(options: CreateKeyOptions) {
  const created = await admin.createKey(options);
  return { ...created, stripe: stripeFor(created.key, emulator.port) };
}

const stars = (n: number) => "*".repeat(n);
/** Stripe's masking in 403s and expiry errors: prefix, stars, last 6 (stripe/stripe-node #2246). */
const masked6 = (key: string) => `${key.slice(0, 8)}${stars(key.length - 14)}${key.slice(-6)}`;

describe("authentication: 401 StripeAuthenticationError", () => {
  it("answers an unknown key with Stripe's masked 'Invalid API Key provided'", async () => {
    const key = `rk_test_51${"Q".repeat(90)}Zz9yXw1`;
    const error = await rejectionOf(stripeFor(key, emulator.port).customers.list({ limit: 1 }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    const e = error as Stripe.errors.StripeError;
    expect(e.statusCode).toBe(401);
    expect(e.rawType).toBe("invalid_request_error");
    expect(e.code).toBeUndefined();
    expect(e.message).toBe(`Invalid API Key provided: rk_test_${stars(key.length - 12)}yXw1`);
    expect(e.message).not.toContain("QQQQ");
  });

  it("treats a deleted key as unknown", async () => {
    const { id, key, stripe } = await client({ mode: "test", permissions: ["customer_read"] });
    await stripe.customers.list({ limit: 1 });
    await admin.deleteKey(id);
    const error = (await rejectionOf(stripe.customers.list({ limit: 1 }))) as Stripe.errors.StripeError;
    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(error.message).toBe(`Invalid API Key provided: ${key.slice(0, 8)}${stars(key.length - 12)}${key.slice(-4)}`);
  });

  it("answers an expired key with code api_key_expired", async () => {
    const { id, key, stripe } = await client({ mode: "test", permissions: ["customer_read"] });
    await admin.expireKey(id);
    const error = (await rejectionOf(stripe.customers.list({ limit: 1 }))) as Stripe.errors.StripeError;
    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(error.statusCode).toBe(401);
    expect(error.code).toBe("api_key_expired");
    expect(error.doc_url).toBe("https://stripe.com/docs/error-codes/api-key-expired");
    expect(error.message).toBe(`Expired API Key provided: ${masked6(key)}`);
  });

  it("refuses a client address outside the key's allowlist, and records the check", async () => {
    const { id, stripe } = await client({ mode: "test", permissions: ["customer_read"], allowedIps: ["203.0.113.7"] });
    const error = (await rejectionOf(stripe.customers.list({ limit: 1 }))) as Stripe.errors.StripeError;
    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(error.statusCode).toBe(401);
    expect(error.message).toBe("The API key provided does not allow requests from your IP address.");

    await admin.setAllowedIps(id, ["127.0.0.0/8"]);
    await expect(stripe.customers.list({ limit: 1 })).resolves.toMatchObject({ object: "list" });
    const stats = (await admin.ledger(id)).requests[id];
    expect(stats?.ipDenied).toBe(1);
    expect(stats?.clientIps["127.0.0.1"]).toBe(2);
  });

  it("answers a request without any key with Stripe's prose message", async () => {
    const response = await fetch(`${emulator.url}/v1/customers`);
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: { message: string; type: string } };
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.message).toMatch(/^You did not provide an API key\. You need to provide your API key in the Authorization header/);
  });

  it("checks the key before the route: an unknown path with a bad key is a 401", async () => {
    const error = await rejectionOf(stripeFor("rk_test_nonsense_key_value", emulator.port).rawRequest("GET", "/v1/no_such_thing"));
    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
  });
});

describe("permissions: 403 StripePermissionError", () => {
  it("uses the modern format by default, with more_permissions_required, the Dashboard label and the account", async () => {
    const { key, account, stripe } = await client({ mode: "test", permissions: ["customer_read"] });
    const error = (await rejectionOf(stripe.payouts.list({ limit: 1 }))) as Stripe.errors.StripeError;
    expect(error).toBeInstanceOf(Stripe.errors.StripePermissionError);
    expect(error.statusCode).toBe(403);
    expect(error.rawType).toBe("invalid_request_error");
    expect(error.code).toBe("more_permissions_required");
    expect(error.message).toBe(
      `Permission denied. The provided key '${masked6(key)}' does not have the required permissions for this endpoint on account '${account}'. Enabling "Payouts Read" ('payout_read') permissions on this key would allow this request to continue.`,
    );
  });

  it("uses the legacy 'Having the rak_… permission' format, without a code, when the key asks for it", async () => {
    const { key, account, stripe } = await client({ mode: "test", permissions: ["customer_read"], format: "legacy" });
    const error = (await rejectionOf(stripe.prices.list({ limit: 1 }))) as Stripe.errors.StripeError;
    expect(error).toBeInstanceOf(Stripe.errors.StripePermissionError);
    expect(error.code).toBeUndefined();
    expect(error.message).toBe(
      `The provided key '${masked6(key)}' does not have the required permissions for this endpoint on account '${account}'. Having the 'rak_plan_read' permission would allow this request to continue.`,
    );
  });

  it("takes the run's default format from the options, and a key can still override it", async () => {
    const legacyRun = await startEmulator({ format: "legacy" });
    try {
      const legacyAdmin = createEmulatorAdmin(legacyRun.url);
      const plain = await legacyAdmin.createKey({ mode: "live", permissions: [] });
      const modern = await legacyAdmin.createKey({ mode: "live", permissions: [], format: "modern" });
      const e1 = (await rejectionOf(stripeFor(plain.key, legacyRun.port).customers.list())) as Stripe.errors.StripeError;
      const e2 = (await rejectionOf(stripeFor(modern.key, legacyRun.port).customers.list())) as Stripe.errors.StripeError;
      expect(e1.message).toContain("Having the 'rak_customer_read' permission would allow this request to continue.");
      expect(e1.message).toContain(`on account '${legacyRun.account}'`);
      expect(e2.code).toBe("more_permissions_required");
      expect(e2.message).toContain(`Enabling "Customers Read" ('customer_read') permissions on this key`);
      expect(e2.message).toMatch(/^Permission denied\. The provided key 'rk_live_\*+[A-Za-z0-9]{6}'/);
    } finally {
      await legacyRun.close();
    }
  });

  it("adds the Dashboard edit link with the key's mk_ id when asked", async () => {
    const { id, account, stripe } = await client({ mode: "test", permissions: [], editLink: true });
    const error = (await rejectionOf(stripe.customers.list())) as Stripe.errors.StripeError;
    expect(id).toMatch(/^mk_1[A-Za-z0-9]{23}$/);
    expect(error.message).toMatch(
      new RegExp(`would allow this request to continue\\. You can edit permissions at https://dashboard\\.stripe\\.com/b/${account}\\?destination=%2Fapikeys%2F${id}%2Fedit$`),
    );
  });

  it("refuses a write with a read-only grant and names the write permission", async () => {
    const { stripe } = await client({ mode: "test", permissions: ["customer_read"] });
    const error = (await rejectionOf(stripe.customers.update("cus_keyport_probe_0001", { metadata: { a: "b" } }))) as Stripe.errors.StripeError;
    expect(error).toBeInstanceOf(Stripe.errors.StripePermissionError);
    expect(error.message).toContain(`Enabling "Customers Write" ('customer_write')`);
  });

  it("accepts the rak_ form of a permission name when creating a key", async () => {
    const { stripe, permissions } = await client({ mode: "test", permissions: ["rak_customer_read"] });
    expect(permissions).toEqual(["customer_read"]);
    await expect(stripe.customers.list({ limit: 1 })).resolves.toMatchObject({ object: "list" });
  });

  it("makes GET /v1/account need the KYC permissions, which an all-read key lacks; a secret key may call it", async () => {
    const everyRead = (await admin.permissions()).map((p) => p.name).filter((n) => n.endsWith("_read") && !n.startsWith("accounts_kyc"));
    const broad = await client({ mode: "test", permissions: everyRead });
    const e1 = (await rejectionOf(broad.stripe.accounts.retrieveCurrent())) as Stripe.errors.StripeError;
    expect(e1).toBeInstanceOf(Stripe.errors.StripePermissionError);
    expect(e1.message).toContain("('accounts_kyc_basic_read')");
    expect(e1.message).toContain(`on account '${broad.account}'`);

    const basic = await client({ mode: "test", permissions: [...everyRead, "accounts_kyc_basic_read"], format: "legacy" });
    const e2 = (await rejectionOf(basic.stripe.accounts.retrieveCurrent())) as Stripe.errors.StripeError;
    // The message stripe/stripe-node #2246 shows for an "all Read" key.
    expect(e2.message).toContain("Having the 'rak_accounts_kyc_id_numbers_read' permission would allow this request to continue.");

    const kyc = await client({ mode: "test", permissions: ["accounts_kyc_basic_read", "accounts_kyc_id_numbers_read", "connected_account_read"] });
    await expect(kyc.stripe.accounts.retrieveCurrent()).resolves.toMatchObject({ id: kyc.account, object: "account" });

    const secret = await client({ mode: "test", type: "secret" });
    expect(secret.key).toMatch(/^sk_test_51[A-Za-z0-9]{97}$/);
    await expect(secret.stripe.accounts.retrieveCurrent()).resolves.toMatchObject({ id: secret.account, object: "account" });
  });

  it("answers endpoints no restricted key may call with Stripe's 'not available for use by restricted keys'", async () => {
    const { stripe } = await client({ mode: "test", permissions: ["financial_account_read"] });
    await expect(stripe.treasury.financialAccounts.list({ limit: 1 })).resolves.toMatchObject({ object: "list" });
    const error = (await rejectionOf(stripe.treasury.financialAccounts.create({ supported_currencies: ["usd"], features: {} }))) as Stripe.errors.StripeError;
    expect(error).toBeInstanceOf(Stripe.errors.StripePermissionError);
    expect(error.message).toMatch(/This is a restricted API key, but the required permissions are not available for use by restricted keys\.$/);
  });

  it("refuses a Stripe-Account header naming another account", async () => {
    const { stripe } = await client({ mode: "test", permissions: ["customer_read"] });
    const error = (await rejectionOf(stripe.customers.list({ limit: 1 }, { stripeAccount: "acct_1OtherAccount000" }))) as Stripe.errors.StripeError;
    expect(error).toBeInstanceOf(Stripe.errors.StripePermissionError);
    expect(error.message).toMatch(/does not have access to account 'acct_1OtherAccount000' \(or that account does not exist\)\. Application access may have been revoked\.$/);
  });
});

describe("permission before lookup: 404 StripeInvalidRequestError", () => {
  it("answers an unknown id with resource_missing when the key may write, and 403 when it may not", async () => {
    const writer = await client({ mode: "test", permissions: ["customer_write"] });
    const error = (await rejectionOf(writer.stripe.customers.update("cus_doesnotexist", { metadata: { probe: "1" } }))) as Stripe.errors.StripeError;
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error.statusCode).toBe(404);
    expect(error.code).toBe("resource_missing");
    expect(error.param).toBe("id");
    expect(error.message).toBe("No such customer: 'cus_doesnotexist'");

    const none = await client({ mode: "test", permissions: [] });
    await expect(none.stripe.customers.update("cus_doesnotexist", {})).rejects.toBeInstanceOf(Stripe.errors.StripePermissionError);
  });

  it("does the same for Polar's and Saleor's probes (DELETE a subscription, cancel a payment intent)", async () => {
    const writer = await client({ mode: "test", permissions: ["subscription_write", "payment_intent_write"] });
    const e1 = (await rejectionOf(writer.stripe.subscriptions.cancel("sub_polar_scope_probe"))) as Stripe.errors.StripeError;
    expect(e1).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(e1.message).toBe("No such subscription: 'sub_polar_scope_probe'");
    const e2 = (await rejectionOf(writer.stripe.paymentIntents.cancel("pi_permission_probe_missing"))) as Stripe.errors.StripeError;
    expect(e2.code).toBe("resource_missing");
    expect(e2.message).toBe("No such payment_intent: 'pi_permission_probe_missing'");

    const reader = await client({ mode: "test", permissions: ["subscription_read", "payment_intent_read"] });
    await expect(reader.stripe.subscriptions.cancel("sub_polar_scope_probe")).rejects.toBeInstanceOf(Stripe.errors.StripePermissionError);
    await expect(reader.stripe.paymentIntents.cancel("pi_permission_probe_missing")).rejects.toBeInstanceOf(Stripe.errors.StripePermissionError);
  });

  it("retrieves a real object, and hints when the id exists in the other mode", async () => {
    const test = await client({ mode: "test", permissions: ["customer_read"] });
    const live = await client({ mode: "live", permissions: ["customer_read"] });
    const [first] = (await live.stripe.customers.list({ limit: 1 })).data;
    expect(first?.livemode).toBe(true);
    await expect(live.stripe.customers.retrieve(first?.id as string)).resolves.toMatchObject({ id: first?.id });
    const error = (await rejectionOf(test.stripe.customers.retrieve(first?.id as string))) as Stripe.errors.StripeError;
    expect(error.statusCode).toBe(404);
    expect(error.message).toBe(`No such customer: '${first?.id}'; a similar object exists in live mode, but a test mode key was used to make this request.`);
  });

  it("answers an unknown path or method with 'Unrecognized request URL'", async () => {
    const { stripe } = await client({ mode: "test", permissions: ["charge_write"] });
    const e1 = (await rejectionOf(stripe.rawRequest("GET", "/v1/customerz"))) as Stripe.errors.StripeError;
    expect(e1).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(e1.statusCode).toBe(404);
    expect(e1.code).toBeUndefined();
    expect(e1.message).toBe("Unrecognized request URL (GET: /v1/customerz). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.");
    const e2 = (await rejectionOf(stripe.rawRequest("DELETE", "/v1/charges/ch_123"))) as Stripe.errors.StripeError;
    expect(e2.message).toMatch(/^Unrecognized request URL \(DELETE: \/v1\/charges\/ch_123\)\./);
  });
});

describe("lists", () => {
  it("lists seeded objects of the key's mode in Stripe's envelope, honouring limit and cursors", async () => {
    const test = await client({ mode: "test", permissions: ["customer_read"] });
    const page = await test.stripe.customers.list({ limit: 2 });
    expect(page.object).toBe("list");
    expect(page.url).toBe("/v1/customers");
    expect(page.has_more).toBe(true);
    expect(page.data).toHaveLength(2);
    expect(page.data.every((c) => c.object === "customer" && c.livemode === false && c.id.startsWith("cus_"))).toBe(true);

    const next = await test.stripe.customers.list({ limit: 2, starting_after: page.data[1]?.id });
    expect(next.data).toHaveLength(1);
    expect(next.has_more).toBe(false);

    const all: string[] = [];
    for await (const customer of test.stripe.customers.list({ limit: 1 })) all.push(customer.id);
    expect(new Set(all).size).toBe(3);

    const live = await client({ mode: "live", permissions: ["customer_read"] });
    const livePage = await live.stripe.customers.list({ limit: 10 });
    expect(livePage.data.every((c) => c.livemode === true)).toBe(true);
    expect(livePage.data.some((c) => all.includes(c.id))).toBe(false);
  });

  it("lists nothing when seeding is off", async () => {
    const empty = await startEmulator({ seed: false });
    try {
      const key = await createEmulatorAdmin(empty.url).createKey({ mode: "test", permissions: ["charge_read"] });
      const page = await stripeFor(key.key, empty.port).charges.list();
      expect(page).toMatchObject({ object: "list", data: [], has_more: false, url: "/v1/charges" });
    } finally {
      await empty.close();
    }
  });
});

describe("implied permissions and write-implies-read", () => {
  it("lets checkout_session_read read products and payment intents, but not prices", async () => {
    const { stripe } = await client({ mode: "test", permissions: ["checkout_session_read"] });
    await expect(stripe.products.list({ limit: 1 })).resolves.toMatchObject({ object: "list" });
    await expect(stripe.paymentIntents.list({ limit: 1 })).resolves.toMatchObject({ object: "list" });
    await expect(stripe.checkout.sessions.list({ limit: 1 })).resolves.toMatchObject({ object: "list" });
    await expect(stripe.prices.list({ limit: 1 })).rejects.toBeInstanceOf(Stripe.errors.StripePermissionError);
    await expect(stripe.products.create({ name: "x" })).rejects.toBeInstanceOf(Stripe.errors.StripePermissionError);
  });

  it("lets a write grant read, and transfer_read read payouts", async () => {
    const writer = await client({ mode: "test", permissions: ["customer_write", "transfer_read"] });
    await expect(writer.stripe.customers.list({ limit: 1 })).resolves.toMatchObject({ object: "list" });
    await expect(writer.stripe.payouts.list({ limit: 1 })).resolves.toMatchObject({ object: "list" });
    await expect(writer.stripe.payouts.create({ amount: 1, currency: "usd" })).rejects.toBeInstanceOf(Stripe.errors.StripePermissionError);
  });

  it("gives a secret key full access", async () => {
    const { stripe } = await client({ mode: "live", type: "secret" });
    await expect(stripe.payouts.list({ limit: 1 })).resolves.toMatchObject({ object: "list" });
    await expect(stripe.balance.retrieve()).resolves.toMatchObject({ object: "balance", livemode: true });
    await expect(stripe.webhookEndpoints.list()).resolves.toMatchObject({ object: "list" });
  });
});

describe("rate limits: 429 StripeRateLimitError", () => {
  it("allows about 25 requests per second to a test key and answers the rest 429 rate_limit", async () => {
    const { id, stripe } = await client({ mode: "test", permissions: ["customer_read"] });
    const results = await Promise.allSettled(Array.from({ length: 40 }, () => stripe.customers.list({ limit: 1 })));
    const ok = results.filter((r) => r.status === "fulfilled").length;
    const refused = results.flatMap((r) => (r.status === "rejected" ? [r.reason as Stripe.errors.StripeError] : []));
    expect(ok).toBeGreaterThanOrEqual(25);
    expect(ok).toBeLessThanOrEqual(30);
    expect(refused.length).toBe(40 - ok);
    for (const error of refused) {
      expect(error).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
      expect(error.statusCode).toBe(429);
      expect(error.code).toBe("rate_limit");
    }
    expect((await admin.ledger(id)).requests[id]?.rateLimited).toBe(refused.length);
  });

  it("allows about 100 per second to a live key", async () => {
    const { stripe } = await client({ mode: "live", permissions: ["customer_read"] });
    const results = await Promise.allSettled(Array.from({ length: 130 }, () => stripe.customers.list({ limit: 1 })));
    const ok = results.filter((r) => r.status === "fulfilled").length;
    expect(ok).toBeGreaterThanOrEqual(100);
    expect(ok).toBeLessThan(130);
  });
});

describe("the ledger", () => {
  it("records a real create, update and delete, with the key and the object", async () => {
    const { id, stripe } = await client({ mode: "test", type: "secret" });
    const customer = await stripe.customers.create({ email: "new@example.com", metadata: { source: "test" } });
    expect(customer).toMatchObject({ object: "customer", livemode: false, email: "new@example.com", metadata: { source: "test" } });
    await expect(stripe.customers.retrieve(customer.id)).resolves.toMatchObject({ id: customer.id });
    await stripe.customers.update(customer.id, { name: "Renamed" });
    await stripe.customers.del(customer.id);
    await expect(stripe.customers.retrieve(customer.id)).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);

    const { changes, requests } = await admin.ledger(id);
    expect(changes.map((c) => [c.change, c.object, c.id, c.method, c.path])).toEqual([
      ["created", "customer", customer.id, "POST", "/v1/customers"],
      ["updated", "customer", customer.id, "POST", `/v1/customers/${customer.id}`],
      ["deleted", "customer", customer.id, "DELETE", `/v1/customers/${customer.id}`],
    ]);
    expect(requests[id]).toMatchObject({ total: 5, byStatus: { 200: 4, 404: 1 } });
  });

  it("records nothing for a denied write or a write to an unknown id, but counts the requests", async () => {
    const reader = await client({ mode: "test", permissions: ["customer_read"] });
    const writer = await client({ mode: "test", permissions: ["customer_write"] });
    await expect(reader.stripe.customers.create({ email: "x@example.com" })).rejects.toBeInstanceOf(Stripe.errors.StripePermissionError);
    await expect(writer.stripe.customers.update("cus_nonexistent_probe", { name: "x" })).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    await expect(writer.stripe.customers.del("cus_nonexistent_probe")).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);

    const readerLedger = await admin.ledger(reader.id);
    const writerLedger = await admin.ledger(writer.id);
    expect(readerLedger.changes).toEqual([]);
    expect(writerLedger.changes).toEqual([]);
    expect(readerLedger.requests[reader.id]).toMatchObject({ total: 1, byStatus: { 403: 1 }, byMethod: { POST: 1 } });
    expect(writerLedger.requests[writer.id]).toMatchObject({ total: 2, byStatus: { 404: 2 }, byMethod: { POST: 1, DELETE: 1 } });
  });

  it("shows a probe that accidentally mutates: an action on a real object, a create with the permission", async () => {
    const { id, stripe } = await client({ mode: "live", permissions: ["subscription_write", "customer_write"] });
    const [subscription] = (await stripe.subscriptions.list({ limit: 1 })).data;
    const canceled = await stripe.subscriptions.cancel(subscription?.id as string);
    expect(canceled.status).toBe("canceled");
    const customer = await stripe.customers.create({ name: "Probe leftover" });
    expect(customer).toMatchObject({ object: "customer", livemode: true, name: "Probe leftover" });
    expect((await admin.ledger(id)).changes).toMatchObject([
      { change: "action", action: "cancel", object: "subscription", id: subscription?.id, mode: "live" },
      { change: "created", object: "customer", id: customer.id, mode: "live", method: "POST", path: "/v1/customers" },
    ]);
  });
});
