import Database from "better-sqlite3";
import path from "node:path";
import { DEMO, emulator, expect, expectAccessible, keepScreenshot, logIn, REQUIRED_GRANTS, signUpCustomer, test } from "./fixtures";

test("a key's life: connected, seen healthy by support, expired in Stripe and found by 'check now', replaced, disconnected, its ciphertext gone", async ({ page, browser }) => {
  const email = await signUpCustomer(page, "supportflow");
  const company = "supportflow Ltd";
  const key = await emulator.createKey({ mode: "test", permissions: REQUIRED_GRANTS });
  await page.goto("/connect");
  await page.getByLabel("Restricted API key").fill(key.key);
  await page.getByRole("button", { name: "Check and connect" }).click();
  await expect(page).toHaveURL(/\/dashboard\?connected=/);
  expect(email).toContain("supportflow");

  const staff = await browser.newContext({ extraHTTPHeaders: { "X-Forwarded-For": "10.253.0.1" } });
  const support = await staff.newPage();
  await logIn(support, DEMO.support);
  await support.goto(`/staff?q=${encodeURIComponent(key.account)}`);
  const row = support.getByRole("row", { name: new RegExp(company) });
  await expect(row).toContainText("Working");
  await expect(row).toContainText(`…${key.key.slice(-4)}`);
  await expectAccessible(support);
  await keepScreenshot(support, "support-console-list");

  await row.getByRole("link", { name: company }).click();
  await expect(support.getByRole("heading", { name: company })).toBeVisible();
  await emulator.expireKey(key.id);
  await support.getByRole("button", { name: "Check now" }).click();
  await expect(support.getByRole("status").filter({ hasText: "Checked just now" })).toContainText("Expired");
  await expect(support.getByRole("cell", { name: /support/ }).first()).toBeVisible();
  await expect(support.getByText("connection.status_changed")).toBeVisible();
  expect(await support.content()).not.toContain(key.key);
  await expectAccessible(support);
  await keepScreenshot(support, "support-connection-expired");

  await page.goto("/dashboard");
  await expect(page.locator(".badge", { hasText: "Expired" })).toBeVisible();
  await expect(page.getByText("The key was rolled or has expired in Stripe.")).toBeVisible();

  // The customer replaces the expired key with a new one of the same account, then disconnects.
  const replacement = await emulator.createKey({ mode: "test", permissions: REQUIRED_GRANTS });
  await page.getByRole("link", { name: `Replace key …${key.key.slice(-4)}` }).click();
  await page.getByLabel("Restricted API key").fill(replacement.key);
  await page.getByRole("button", { name: /Check and/ }).click();
  await expect(page.getByRole("status").filter({ hasText: `Key …${replacement.key.slice(-4)} connected` })).toContainText(`replaces …${key.key.slice(-4)}`);
  await support.goto(`/staff?q=${encodeURIComponent(key.account)}`);
  await expect(support.getByRole("row", { name: new RegExp(company) })).toContainText(`…${replacement.key.slice(-4)}`);

  await page.getByRole("link", { name: "Disconnect" }).first().click();
  await page.getByLabel(/I understand that/).check();
  await page.getByRole("button", { name: `Disconnect key …${replacement.key.slice(-4)}` }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Key …${replacement.key.slice(-4)} disconnected` })).toBeVisible();
  await expect(page.getByRole("link", { name: /Open API keys in the Stripe Dashboard/ })).toHaveAttribute("href", "https://dashboard.stripe.com/test/apikeys");

  const db = new Database(path.join(process.env.E2E_DATA_DIR!, "keyport.db"), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare("select state, ciphertext, wrapped_data_key, fingerprint from connections where stripe_account_id = ? and key_last4 in (?, ?)").all(key.account, key.key.slice(-4), replacement.key.slice(-4)) as Array<Record<string, unknown>>;
    expect(rows.map((r) => r.state).sort()).toEqual(["replaced", "revoked_by_customer"]);
    for (const row of rows) expect([row.ciphertext, row.wrapped_data_key, row.fingerprint]).toEqual([null, null, null]);
  } finally {
    db.close();
  }
  await staff.close();
});

test("support can filter by status and mode and search by organisation", async ({ page }) => {
  await logIn(page, DEMO.support);
  await page.goto("/staff");
  await page.getByLabel("Status").selectOption("expired");
  await page.getByLabel("Mode").selectOption("test");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/status=expired/);
  const statuses = await page.locator("tbody .badge").allTextContents();
  expect(statuses.every((s) => s.includes("Expired"))).toBe(true);
  await page.getByLabel("Organisation or account").fill("no organisation is called this");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByText("No connections match.")).toBeVisible();
});
