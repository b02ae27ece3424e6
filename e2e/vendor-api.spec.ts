import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { APIRequestContext, Browser, Page } from "@playwright/test";
import { verifyKeyportSignature } from "../examples/verify-webhook";
import { startWebhookReceiver } from "../tests/support/webhook-receiver";
import { DEMO, emulator, expect, expectAccessible, keepScreenshot, logIn, REQUIRED_GRANTS, signUpCustomer, test } from "./fixtures";

let connectCounter = 0;

/** A new customer (in their own browser context) connects a fresh emulator key; returns it and the connection id. */
async function connectAsNewCustomer(browser: Browser) {
  const context = await browser.newContext({ extraHTTPHeaders: { "X-Forwarded-For": `10.251.${Math.floor(Math.random() * 250)}.${++connectCounter}` } });
  const page = await context.newPage();
  await signUpCustomer(page, "vendorapi");
  const key = await emulator.createKey({ mode: "test", permissions: REQUIRED_GRANTS });
  await page.goto("/connect");
  await page.getByLabel("Restricted API key").fill(key.key);
  await page.getByRole("button", { name: "Check and connect" }).click();
  await expect(page).toHaveURL(/\/dashboard\?connected=con_/);
  const connectionId = new URL(page.url()).searchParams.get("connected")!;
  await context.close();
  return { key, connectionId };
}

/** Creates a token on the admin page and returns it as shown (once). */
async function createToken(page: Page, name: string, scopes: string[]) {
  await page.goto("/staff/tokens");
  await page.getByLabel("Name").fill(name);
  for (const scope of scopes) await page.getByRole("checkbox", { name: new RegExp(`^${scope}\\b`) }).check();
  await page.getByLabel("Expires").selectOption("30");
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByText(`Token “${name}” created`)).toBeVisible();
  const token = await page.getByLabel("New token").inputValue();
  expect(token).toMatch(/^kpt_[A-Za-z0-9_-]{43}$/);
  return token;
}

function api(request: APIRequestContext, token: string, ip: string) {
  const headers = { Authorization: `Bearer ${token}`, "X-Forwarded-For": ip };
  return {
    get: (path: string) => request.get(`/api/v1${path}`, { headers }),
    post: (path: string, data?: unknown) => request.post(`/api/v1${path}`, { headers, ...(data === undefined ? {} : { data }) }),
  };
}

const uniqueName = (prefix: string) => `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;

test("an admin creates a token that is shown once; a service lists connections, fetches a key and checks one; revoking the token stops it", async ({
  page,
  browser,
  request,
  clientIp,
}) => {
  const { key, connectionId } = await connectAsNewCustomer(browser);
  await logIn(page, DEMO.admin);
  await page.goto("/staff/tokens");
  await expectAccessible(page);

  const name = uniqueName("billing-sync");
  const token = await createToken(page, name, ["connections:read", "credentials:read", "keys:check"]);
  await expectAccessible(page);
  await keepScreenshot(page, "vendor-token-created");

  // Shown once: a reload shows only its last four characters.
  await page.reload();
  await expect(page.getByLabel("New token")).toHaveCount(0);
  const row = page.getByRole("row", { name: new RegExp(name) });
  await expect(row).toContainText(`kpt_…${token.slice(-4)}`);
  await expect(row).toContainText("Active");
  expect(await page.content()).not.toContain(token);

  const service = api(request, token, clientIp);
  const listed = await service.get("/connections?state=active&limit=100");
  expect(listed.status()).toBe(200);
  expect(listed.headers()["cache-control"]).toBe("no-store");
  const connection = ((await listed.json()) as { data: { id: string; status: string; account: string; key_last4: string }[] }).data.find((c) => c.id === connectionId);
  expect(connection).toMatchObject({ status: "healthy", account: key.account, key_last4: key.key.slice(-4) });

  const credentials = await service.get(`/connections/${connectionId}/credentials`);
  expect(credentials.status()).toBe(200);
  expect(credentials.headers()["cache-control"]).toBe("no-store");
  expect(await credentials.json()).toMatchObject({ connection: connectionId, key: key.key, status: "healthy" });

  const other = await emulator.createKey({ mode: "test", permissions: REQUIRED_GRANTS.slice(1) });
  const checked = await service.post("/keys/check", { key: other.key });
  expect(checked.status()).toBe(200);
  expect(await checked.json()).toMatchObject({ verdict: "rejected", key: { last4: other.key.slice(-4) }, problems: [{ code: "missing_permission" }] });

  // The example client does the whole loop: Keyport for the key, then Stripe's SDK with it.
  const client = spawnSync(process.execPath, ["--import", "tsx", "examples/vendor-client.ts", "--connection", connectionId], {
    env: { ...process.env, KEYPORT_URL: test.info().project.use.baseURL!, KEYPORT_TOKEN: token, STRIPE_API_BASE: process.env.E2E_EMULATOR_URL! },
    encoding: "utf8",
  });
  expect(client.status, client.stderr).toBe(0);
  expect(client.stdout).toContain(`Fetched the test-mode key rk_test_…${key.key.slice(-4)}`);
  expect(client.stdout).toMatch(new RegExp(`account ${key.account}: first 3 customers\n  cus_`));
  expect(client.stdout).toMatch(/First 3 charges\n {2}ch_/);
  expect(client.stdout + client.stderr).not.toContain(key.key);

  const forbidden = await service.post(`/connections/${connectionId}/checks`);
  expect(forbidden.status()).toBe(403);
  expect(await forbidden.json()).toEqual({ error: { code: "insufficient_scope", message: "This token lacks the scope `connections:check`." } });

  // Every use is in the audit trail with the token's name and the caller's address.
  await page.goto("/staff/audit");
  const fetches = page.getByRole("row").filter({ hasText: "api.credentials.read" }).filter({ hasText: name });
  await expect(fetches.filter({ hasText: clientIp })).toHaveCount(1);
  // The example client's fetch, from this machine.
  await expect(fetches.filter({ hasText: "127.0.0.1" })).toHaveCount(1);

  await page.goto("/staff/tokens");
  const revokeRow = page.getByRole("row", { name: new RegExp(name) });
  await revokeRow.getByText(`Revoke ${name}`).click();
  await revokeRow.getByRole("button", { name: `Revoke “${name}” now` }).click();
  await expect(page.getByText(`Token “${name}” is revoked.`)).toBeVisible();
  await expect(page.getByRole("row", { name: new RegExp(name) })).toContainText("Revoked");
  const refused = await service.get("/connections");
  expect(refused.status()).toBe(401);
  expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("token_revoked");

  // Neither the token nor the key is in the server's output or the database file.
  const dataDir = process.env.E2E_DATA_DIR!;
  const places = ["server.log", "keyport.db", "keyport.db-wal"].map((f) => path.join(dataDir, f)).filter((f) => fs.existsSync(f));
  for (const file of places) {
    const content = fs.readFileSync(file).toString("latin1");
    expect(content.includes(token), `the token in ${file}`).toBe(false);
    expect(content.includes(key.key), `the key in ${file}`).toBe(false);
  }
});

test("an admin adds a webhook endpoint, sees the signed delivery of a status change in the log, and replays it", async ({ page, browser, request, clientIp }) => {
  const receiver = await startWebhookReceiver();
  try {
    const { key, connectionId } = await connectAsNewCustomer(browser);
    await logIn(page, DEMO.admin);
    await page.goto("/staff/webhooks");
    await expectAccessible(page);

    await page.getByLabel("Endpoint URL").fill("http://hooks.example.com/keyport");
    await page.getByRole("button", { name: "Add endpoint" }).click();
    await expect(page.getByText("Use an https:// URL (plain http is allowed only for this machine's loopback address).")).toBeVisible();
    await expectAccessible(page);

    await page.getByLabel("Endpoint URL").fill(receiver.url);
    await page.getByLabel("Description (optional)").fill("e2e receiver");
    await page.getByRole("button", { name: "Add endpoint" }).click();
    await expect(page.getByText("Endpoint added")).toBeVisible();
    const secret = await page.getByLabel("Signing secret").inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9]{43}$/);
    await keepScreenshot(page, "vendor-webhook-endpoint-added");
    await page.reload();
    await expect(page.getByLabel("Signing secret")).toHaveCount(0);
    expect(await page.content()).not.toContain(secret);

    // The key expires in Stripe; the vendor's service asks for a check; the status change is delivered, signed.
    const token = await createToken(page, uniqueName("checker"), ["connections:check"]);
    await emulator.expireKey(key.id);
    const check = await api(request, token, clientIp).post(`/connections/${connectionId}/checks`);
    expect(check.status()).toBe(201);
    expect(await check.json()).toMatchObject({ status: "expired", previous_status: "healthy" });

    await expect.poll(() => receiver.received.length, { timeout: 15_000 }).toBe(1);
    const [delivery] = receiver.received;
    expect(verifyKeyportSignature(delivery!.body, delivery!.signature, secret)).toMatchObject({ ok: true });
    const event = JSON.parse(delivery!.body) as { id: string; type: string; data: { object: Record<string, unknown>; previous_attributes: unknown } };
    expect(event).toMatchObject({
      type: "connection.status_changed",
      data: { object: { id: connectionId, status: "expired", account: key.account, mode: "test" }, previous_attributes: { status: "healthy" } },
    });
    expect(delivery!.body).not.toContain(key.key);

    await page.goto("/staff/webhooks");
    await page.getByRole("link", { name: receiver.url }).click();
    const logRow = page.getByRole("row", { name: new RegExp(event.id) });
    await expect(logRow).toContainText("connection.status_changed");
    await expect(logRow).toContainText("Delivered");
    await expect(logRow).toContainText("HTTP 200");
    await logRow.getByText("1 attempt").click();
    await expect(logRow.getByText(/automatic · HTTP 200/)).toBeVisible();
    await expectAccessible(page);
    await keepScreenshot(page, "vendor-webhook-delivery-log");

    await logRow.getByRole("button", { name: `Replay ${event.id}` }).click();
    await expect(page.getByText(`connection.status_changed (${event.id}) was sent again and accepted.`)).toBeVisible();
    expect(receiver.events().map((e) => e.id)).toEqual([event.id, event.id]);
    const replayedRow = page.getByRole("row", { name: new RegExp(event.id) });
    // The attempts list stays open across the page's revalidation if it was open before.
    const attempts = replayedRow.locator("details", { has: page.getByText("2 attempts") });
    if (!(await attempts.evaluate((details) => (details as HTMLDetailsElement).open))) await attempts.getByText("2 attempts").click();
    await expect(replayedRow.getByText(/replay · HTTP 200/)).toBeVisible();

    // Paused, then deleted: the secret is destroyed and the endpoint leaves the list.
    await page.getByRole("button", { name: "Pause deliveries" }).click();
    await expect(page.getByText("Deliveries to this endpoint are paused")).toBeVisible();
    await page.getByText("Delete endpoint…").click();
    await page.getByRole("button", { name: "Delete this endpoint" }).click();
    await expect(page).toHaveURL(/\/staff\/webhooks$/);
    await expect(page.getByRole("link", { name: receiver.url })).toHaveCount(0);

    const dataDir = process.env.E2E_DATA_DIR!;
    for (const file of ["server.log", "keyport.db", "keyport.db-wal"].map((f) => path.join(dataDir, f)).filter((f) => fs.existsSync(f))) {
      expect(fs.readFileSync(file).toString("latin1").includes(secret), `the signing secret in ${file}`).toBe(false);
    }
  } finally {
    await receiver.close();
  }
});

test("only administrators reach the token and webhook pages; the API answers in JSON", async ({ page, request }) => {
  await logIn(page, DEMO.support);
  for (const path of ["/staff/tokens", "/staff/webhooks"]) {
    const response = await page.goto(path);
    expect(response?.status()).toBe(403);
    await expect(page.getByText("Only administrators can open this page.")).toBeVisible();
  }
  const anonymous = await request.get("/api/v1/connections");
  expect(anonymous.status()).toBe(401);
  expect(anonymous.headers()["www-authenticate"]).toBe('Bearer realm="keyport"');
  const unknown = await request.get("/api/v1/nothing-here");
  expect(unknown.status()).toBe(404);
  expect(await unknown.json()).toMatchObject({ error: { code: "not_found" } });
  const description = await request.get("/api/v1/openapi.json");
  expect(description.status()).toBe(200);
  expect(await description.json()).toMatchObject({ openapi: "3.1.0", paths: { "/connections/{connectionId}/credentials": { get: { operationId: "getCredentials" } } } });
});
