import { DEMO, emulator, expect, expectAccessible, keepScreenshot, logIn, REQUIRED_GRANTS, signUpCustomer, test } from "./fixtures";

test("an exact key is accepted; the dashboard shows the connection with only its last four", async ({ page }) => {
  await signUpCustomer(page, "exact");
  const key = await emulator.createKey({ mode: "test", permissions: REQUIRED_GRANTS });
  await page.goto("/connect");
  await expectAccessible(page);
  await page.getByLabel("Restricted API key").fill(key.key);
  await page.getByRole("button", { name: "Check and connect" }).click();

  await expect(page).toHaveURL(/\/dashboard\?connected=con_/);
  await expect(page.getByText(`Key …${key.key.slice(-4)} connected`)).toBeVisible();
  await expect(page.getByText(`rk_test_…${key.key.slice(-4)}`)).toBeVisible();
  await expect(page.getByText(key.account)).toBeVisible();
  await expect(page.getByText("Working")).toBeVisible();
  expect(await page.content()).not.toContain(key.key);
  expect((await emulator.ledger(key.id)).changes).toEqual([]);
  await keepScreenshot(page, "connect-accepted-dashboard");

  await page.getByRole("link", { name: "View report" }).click();
  await expect(page.getByRole("heading", { name: "Key accepted" })).toBeVisible();
  await expect(page.getByRole("row", { name: /Core › Customers.*Read.*Read.*OK/ })).toBeVisible();
  expect(await page.content()).not.toContain(key.key);
  await expectAccessible(page);
});

test("a key missing a permission is rejected with that row named, and nothing is stored", async ({ page }) => {
  await signUpCustomer(page, "missing");
  const key = await emulator.createKey({ mode: "test", permissions: REQUIRED_GRANTS.filter((g) => g !== "dispute_read") });
  await page.goto("/connect");
  await page.getByLabel("Restricted API key").fill(key.key);
  await page.getByRole("button", { name: "Check and connect" }).click();

  await expect(page.getByRole("heading", { name: "This key can't be used yet" })).toBeVisible();
  await expect(page.getByText("In the Stripe Dashboard, set Core › Disputes to Read.")).toBeVisible();
  await expect(page.getByRole("row", { name: /Core › Disputes.*Missing/ })).toBeVisible();
  await expect(page.getByRole("link", { name: /Create a correct key in Stripe/ })).toHaveAttribute("href", /permissions\[\]=rak_dispute_read/);
  await expect(page.getByLabel("Restricted API key")).toHaveValue("");
  expect(await page.content()).not.toContain(key.key);
  await keepScreenshot(page, "connect-rejected-missing");
  await expectAccessible(page);

  await page.goto("/dashboard");
  await expect(page.getByText("No Stripe key connected yet")).toBeVisible();
});

test("a secret key is refused with advice to roll it, never sent to Stripe, and nothing is stored", async ({ page }) => {
  await signUpCustomer(page, "secret");
  const secret = await emulator.createKey({ mode: "test", type: "secret" });
  await page.goto("/connect");
  await page.getByLabel("Restricted API key").fill(secret.key);
  await page.getByRole("button", { name: "Check and connect" }).click();

  await expect(page.getByText(/This is a secret key/).first()).toBeVisible();
  await expect(page.getByText(/roll it/).first()).toBeVisible();
  expect(await page.content()).not.toContain(secret.key);
  expect((await emulator.ledger(secret.id)).requests[secret.id]?.total ?? 0).toBe(0);
  await keepScreenshot(page, "connect-refused-secret");
  await page.goto("/dashboard");
  await expect(page.getByText("No Stripe key connected yet")).toBeVisible();
});

test("an over-privileged key is flagged", async ({ page }) => {
  await signUpCustomer(page, "excess");
  const key = await emulator.createKey({ mode: "test", permissions: [...REQUIRED_GRANTS.filter((g) => g !== "customer_read"), "customer_write", "payout_write"] });
  await page.goto("/connect");
  await page.getByLabel("Restricted API key").fill(key.key);
  await page.getByRole("button", { name: "Check and connect" }).click();
  await expect(page).toHaveURL(/\/dashboard\?connected=/);
  await expect(page.getByText("More access than needed")).toBeVisible();
  await page.getByRole("link", { name: "View report" }).click();
  await expect(page.getByText("In the Stripe Dashboard, set Core › Customers to Read.")).toBeVisible();
  await expect(page.getByText("In the Stripe Dashboard, set Core › Payouts to None.")).toBeVisible();
  await expect(page.getByRole("row", { name: /Core › Payouts.*Not needed/ })).toBeVisible();
  await keepScreenshot(page, "connect-over-privileged-report");
});

test("Stripe failing gives 'could not check', never 'missing', and stores nothing", async ({ page }) => {
  await signUpCustomer(page, "outage");
  const key = await emulator.createKey({ mode: "test", permissions: REQUIRED_GRANTS });
  await emulator.setFaults({ errorRate: 1 }, key.id);
  await page.goto("/connect");
  await page.getByLabel("Restricted API key").fill(key.key);
  await page.getByRole("button", { name: "Check and connect" }).click();
  await expect(page.getByRole("heading", { name: "We could not check this key" })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByText(/Missing/)).toHaveCount(0);
  await keepScreenshot(page, "connect-could-not-check");
  await page.goto("/dashboard");
  await expect(page.getByText("No Stripe key connected yet")).toBeVisible();
});

test("shows which resources are being checked while the check runs", async ({ page }) => {
  await signUpCustomer(page, "progress");
  const key = await emulator.createKey({ mode: "test", permissions: REQUIRED_GRANTS });
  await emulator.setFaults({ latencyMs: 150 }, key.id);
  await page.goto("/connect");
  await page.getByLabel("Restricted API key").fill(key.key);
  await page.getByRole("button", { name: "Check and connect" }).click();
  await expect(page.getByRole("status").filter({ hasText: /Checked \d+ of \d+: / })).toBeVisible();
  await expect(page.getByRole("progressbar", { name: "Check progress" })).toBeVisible();
  await keepScreenshot(page, "connect-progress");
  await expect(page).toHaveURL(/\/dashboard\?connected=/, { timeout: 20_000 });
});

test("works without JavaScript: a plain form post returns the report", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, extraHTTPHeaders: { "X-Forwarded-For": "10.252.0.1" } });
  const page = await context.newPage();
  await logIn(page, DEMO.customer);
  const key = await emulator.createKey({ mode: "test", permissions: REQUIRED_GRANTS.slice(1) });
  await page.goto("/connect");
  await page.getByLabel("Restricted API key").fill(key.key);
  await page.getByRole("button", { name: "Check and connect" }).click();
  await expect(page.getByRole("heading", { name: "This key can't be used yet" })).toBeVisible();
  await expect(page.getByText(/set Core › Charges and Refunds to Read/)).toBeVisible();
  expect(await page.content()).not.toContain(key.key);
  await context.close();
});
