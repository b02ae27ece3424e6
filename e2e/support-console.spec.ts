import { DEMO, emulator, expect, expectAccessible, keepScreenshot, logIn, REQUIRED_GRANTS, signUpCustomer, test } from "./fixtures";

test("support sees a customer's key healthy, and 'check now' finds it expired once Stripe expires it", async ({ page, browser }) => {
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
