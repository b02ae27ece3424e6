import Database from "better-sqlite3";
import path from "node:path";
import type { Page } from "@playwright/test";
import { DEMO, emulator, expect, expectAccessible, keepScreenshot, logIn, REQUIRED_GRANTS, signUpCustomer, test } from "./fixtures";

/** The portal's SQLite file, read-only: what the database really holds for a connection. */
function storedRow(connectionId: string) {
  const db = new Database(path.join(process.env.E2E_DATA_DIR!, "keyport.db"), { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare("select state, replaced_by, ciphertext, wrapped_data_key, master_key_id, fingerprint, key_last4 from connections where id = ?")
      .get(connectionId) as
      | { state: string; replaced_by: string | null; ciphertext: string | null; wrapped_data_key: string | null; master_key_id: string | null; fingerprint: string | null; key_last4: string }
      | undefined;
  } finally {
    db.close();
  }
}

function otherAccount() {
  return `acct_1Other${Math.random().toString(36).slice(2, 12).replace(/[^a-z0-9]/g, "x")}`;
}

async function pasteKey(page: Page, key: string, button: string) {
  await page.getByLabel("Restricted API key").fill(key);
  await page.getByRole("button", { name: button }).click();
}

const connectedId = (page: Page) => new URL(page.url()).searchParams.get("connected")!;
const last4 = (key: { key: string }) => key.key.slice(-4);

test("a customer replaces a key, must confirm a switch of Stripe account, then disconnects; no ciphertext is left", async ({ page }) => {
  test.setTimeout(90_000);
  await signUpCustomer(page, "lifecycle");
  const first = await emulator.createKey({ mode: "test", permissions: REQUIRED_GRANTS });
  await page.goto("/connect");
  await pasteKey(page, first.key, "Check and connect");
  await expect(page).toHaveURL(/\/dashboard\?connected=con_/);
  const firstId = connectedId(page);

  // Replace with a key of the same Stripe account.
  await page.getByRole("link", { name: `Replace key …${last4(first)}` }).click();
  await expect(page).toHaveURL(`/connect?replace=${firstId}`);
  await expect(page.getByRole("heading", { level: 1, name: `Replace your test-mode key …${last4(first)}` })).toBeVisible();
  await expect(page.getByText(`Connected now: rk_test_…${last4(first)}`)).toBeVisible();
  await expectAccessible(page);
  await keepScreenshot(page, "lifecycle-1-replace-form");

  const second = await emulator.createKey({ mode: "test", permissions: REQUIRED_GRANTS, account: first.account });
  await pasteKey(page, second.key, "Check and replace");
  await expect(page).toHaveURL(/\/dashboard\?connected=con_/);
  const secondId = connectedId(page);
  await expect(page.getByRole("status").filter({ hasText: `Key …${last4(second)} connected` })).toContainText(`replaces …${last4(first)}`);
  await expect(page.getByRole("link", { name: `Delete …${last4(first)} in the Stripe Dashboard (test mode)` })).toHaveAttribute(
    "href",
    "https://dashboard.stripe.com/test/apikeys",
  );
  await expect(page.locator(".connection-card").getByText(`rk_test_…${last4(second)}`)).toBeVisible();
  const history = page.getByRole("table", { name: /Ended connections/ });
  await expect(history.getByRole("row", { name: new RegExp(`rk_test_…${last4(first)}.*Replaced by …${last4(second)}`) })).toBeVisible();
  await expectAccessible(page);
  await keepScreenshot(page, "lifecycle-2-replaced-dashboard");
  expect(storedRow(firstId)).toMatchObject({ state: "replaced", replaced_by: secondId, ciphertext: null, wrapped_data_key: null, fingerprint: null });
  expect(storedRow(secondId)?.ciphertext).toEqual(expect.any(String));

  // A key of another Stripe account is refused until the customer confirms the switch.
  const third = await emulator.createKey({ mode: "test", permissions: REQUIRED_GRANTS, account: otherAccount() });
  await page.getByRole("link", { name: `Replace key …${last4(second)}` }).click();
  await pasteKey(page, third.key, "Check and replace");
  const warning = page.getByRole("alert").filter({ hasText: "This key belongs to a different Stripe account" });
  await expect(warning).toBeVisible();
  // Connected now, then the pasted key's account.
  await expect(warning.getByRole("definition")).toHaveText([first.account, third.account]);
  await expect(page.getByLabel("Restricted API key")).toHaveValue("");
  await expectAccessible(page);
  await keepScreenshot(page, "lifecycle-3-account-switch");
  expect(storedRow(secondId)?.state).toBe("active");
  await page.goto("/dashboard");
  await expect(page.locator(".connection-card").getByText(`rk_test_…${last4(second)}`)).toBeVisible();

  await page.getByRole("link", { name: `Replace key …${last4(second)}` }).click();
  await pasteKey(page, third.key, "Check and replace");
  await expect(warning).toBeVisible();
  await page.getByLabel(/Yes, switch Northwind Insights/).check();
  await pasteKey(page, third.key, "Check and replace");
  await expect(page).toHaveURL(/\/dashboard\?connected=con_/);
  const thirdId = connectedId(page);
  await expect(page.getByRole("status").filter({ hasText: `Key …${last4(third)} connected` })).toContainText(`replaces …${last4(second)}`);
  await expect(page.locator(".connection-card").getByText(third.account)).toBeVisible();

  // The connection page: status and actions, check history, the report, this key's activity.
  await page.getByRole("link", { name: `View report of key …${last4(third)}` }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Test mode key …${last4(third)}` })).toBeVisible();
  await expect(page.getByRole("table", { name: /Checks of this key/ }).getByRole("row", { name: /When connected.*Working/ })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Key accepted" })).toBeVisible();
  await expect(page.getByRole("cell", { name: /connection\.replaced/ })).toBeVisible();
  await expect(page.getByRole("link", { name: `…${last4(second)}` })).toHaveAttribute("href", `/connections/${secondId}`);
  await expectAccessible(page);
  await keepScreenshot(page, "lifecycle-4-connection-page");

  // Disconnect: a confirmation page first.
  await page.getByRole("link", { name: "Disconnect" }).click();
  await expect(page).toHaveURL(`/connections/${thirdId}/disconnect`);
  await expect(page.getByRole("heading", { level: 1, name: `Disconnect your test-mode key …${last4(third)}?` })).toBeVisible();
  await expect(page.getByText("The key itself keeps working in Stripe until you delete it there.", { exact: false })).toBeVisible();
  await expectAccessible(page);
  await keepScreenshot(page, "lifecycle-5-disconnect-confirm");
  await page.getByRole("button", { name: `Disconnect key …${last4(third)}` }).click();
  await expect(page.getByText("Tick the box to confirm. Nothing was changed.")).toBeVisible();
  expect(storedRow(thirdId)?.state).toBe("active");
  await expectAccessible(page);

  await page.getByLabel(/I understand that Northwind Insights can no longer use key/).check();
  await page.getByRole("button", { name: `Disconnect key …${last4(third)}` }).click();
  await expect(page).toHaveURL(`/connections/${thirdId}/disconnected`);
  await expect(page.getByRole("heading", { level: 1, name: `Key …${last4(third)} disconnected` })).toBeVisible();
  await expect(page.getByRole("link", { name: /Open API keys in the Stripe Dashboard/ })).toHaveAttribute("href", "https://dashboard.stripe.com/test/apikeys");
  await expect(page.getByText(`rk_test_…${last4(third)}`)).toBeVisible();
  await expectAccessible(page);
  await keepScreenshot(page, "lifecycle-6-disconnected");

  for (const id of [firstId, secondId, thirdId]) {
    expect(storedRow(id), id).toMatchObject({ ciphertext: null, wrapped_data_key: null, master_key_id: null, fingerprint: null });
  }
  expect(storedRow(thirdId)?.state).toBe("revoked_by_customer");

  await page.goto("/dashboard");
  await expect(page.getByRole("heading", { name: "No Stripe key connected yet" })).toBeVisible();
  await expect(history.getByRole("row")).toHaveCount(4);
  await expect(history.getByRole("row", { name: new RegExp(`rk_test_…${last4(third)}.*Disconnected`) })).toBeVisible();
  await expect(history.getByRole("row", { name: new RegExp(`rk_test_…${last4(second)}.*Replaced by …${last4(third)}`) })).toBeVisible();
  await expectAccessible(page);
  await keepScreenshot(page, "lifecycle-7-dashboard-history");

  // The ended key's page keeps its history, without actions.
  await history.getByRole("link", { name: `rk_test_…${last4(third)}` }).click();
  await expect(page.getByText(/^Disconnected on /)).toBeVisible();
  await expect(page.getByRole("link", { name: "Replace key" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Disconnect" })).toHaveCount(0);
  await expect(page.getByRole("cell", { name: /connection\.revoked/ })).toBeVisible();

  // The organisation's activity: every step, newest first, never a key.
  await page.getByRole("link", { name: "Activity", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Activity" })).toBeVisible();
  const entries = page.getByRole("table", { name: /Audit entries/ }).getByRole("row");
  await expect(entries.nth(1)).toContainText("connection.revoked");
  await expect(entries.nth(1)).toContainText("success");
  for (const action of [/connection\.replaced/, /key\.submitted.*account mismatch/, /connection\.created/, /auth\.sign_in|account\.signed_up/]) {
    await expect(entries.filter({ hasText: action }).first()).toBeVisible();
  }
  const content = await page.content();
  for (const key of [first, second, third]) expect(content).not.toContain(key.key);
  await expectAccessible(page);
  await keepScreenshot(page, "lifecycle-8-activity");

  // On a phone: the history table scrolls inside its frame, the page does not.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/dashboard");
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await keepScreenshot(page, "lifecycle-9-dashboard-phone");
  await page.goto(`/connections/${thirdId}/disconnected`);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await keepScreenshot(page, "lifecycle-10-disconnected-phone");

  // Keyport only read: none of the keys changed anything in Stripe.
  for (const key of [first, second, third]) expect((await emulator.ledger(key.id)).changes).toEqual([]);
});

test("replacing refuses a key of the other mode, and a key that was replaced meanwhile, before asking Stripe", async ({ page }) => {
  await signUpCustomer(page, "wrongmode");
  const testKey = await emulator.createKey({ mode: "test", permissions: REQUIRED_GRANTS });
  await page.goto("/connect");
  await pasteKey(page, testKey.key, "Check and connect");
  await expect(page).toHaveURL(/\/dashboard\?connected=con_/);
  const id = connectedId(page);

  const liveKey = await emulator.createKey({ mode: "live", permissions: REQUIRED_GRANTS });
  await page.goto(`/connect?replace=${id}`);
  await pasteKey(page, liveKey.key, "Check and replace");
  await expect(page.getByRole("alert")).toContainText(`You are replacing your test-mode key …${last4(testKey)}, but this is a live-mode key.`);
  expect((await emulator.ledger(liveKey.id)).requests[liveKey.id]?.total ?? 0).toBe(0);
  expect(storedRow(id)?.state).toBe("active");
  await page.getByRole("link", { name: "Cancel" }).click();
  await expect(page).toHaveURL(`/connections/${id}`);

  // A stale page: the key was replaced elsewhere (another tab, a colleague) while this page was open.
  await page.getByRole("link", { name: "Replace key" }).click();
  const elsewhere = await emulator.createKey({ mode: "test", permissions: REQUIRED_GRANTS });
  const origin = new URL(page.url()).origin;
  const replacedElsewhere = await page.request.post("/connect", { form: { key: elsewhere.key, replace: id }, headers: { Origin: origin }, maxRedirects: 0 });
  expect(replacedElsewhere.headers().location).toMatch(/\/dashboard\?connected=con_/);
  const late = await emulator.createKey({ mode: "test", permissions: REQUIRED_GRANTS });
  await pasteKey(page, late.key, "Check and replace");
  await expect(page.getByRole("alert")).toContainText(`Your test-mode key …${last4(testKey)} was replaced or disconnected in the meantime`);
  expect((await emulator.ledger(late.id)).requests[late.id]?.total ?? 0).toBe(0);
  await page.goto("/dashboard");
  await expect(page.locator(".connection-card").getByText(`rk_test_…${last4(elsewhere)}`)).toBeVisible();
});

test("without JavaScript: replace, then disconnect a live key with the typed confirmation", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, extraHTTPHeaders: { "X-Forwarded-For": "10.253.0.1" } });
  const page = await context.newPage();
  await signUpCustomer(page, "nojs");
  const first = await emulator.createKey({ mode: "live", permissions: REQUIRED_GRANTS });
  await page.goto("/connect");
  await pasteKey(page, first.key, "Check and connect");
  await expect(page).toHaveURL(/\/dashboard\?connected=con_/);
  const firstId = connectedId(page);

  await page.getByRole("link", { name: `Replace key …${last4(first)}` }).click();
  const second = await emulator.createKey({ mode: "live", permissions: REQUIRED_GRANTS, account: first.account });
  await pasteKey(page, second.key, "Check and replace");
  await expect(page).toHaveURL(/\/dashboard\?connected=con_/);
  const secondId = connectedId(page);
  await expect(page.getByRole("status").filter({ hasText: `Key …${last4(second)} connected` })).toContainText(`replaces …${last4(first)}`);
  await expect(page.getByRole("link", { name: `Delete …${last4(first)} in the Stripe Dashboard (live mode)` })).toHaveAttribute(
    "href",
    "https://dashboard.stripe.com/apikeys",
  );
  expect(storedRow(firstId)).toMatchObject({ state: "replaced", ciphertext: null, wrapped_data_key: null });

  await page.getByRole("link", { name: `Disconnect key …${last4(second)}` }).click();
  await expect(page.getByText("This is your live-mode key.", { exact: false })).toBeVisible();
  await page.getByLabel("Type “disconnect” to confirm").fill("yes please");
  await page.getByRole("button", { name: `Disconnect key …${last4(second)}` }).click();
  await expect(page.getByText("Type “disconnect” to confirm. Nothing was changed.")).toBeVisible();
  await expect(page.getByLabel("Type “disconnect” to confirm")).toHaveAttribute("aria-invalid", "true");
  expect(storedRow(secondId)?.state).toBe("active");
  await keepScreenshot(page, "lifecycle-nojs-live-confirm-error");

  await page.getByLabel("Type “disconnect” to confirm").fill("Disconnect");
  await page.getByRole("button", { name: `Disconnect key …${last4(second)}` }).click();
  await expect(page).toHaveURL(`/connections/${secondId}/disconnected`);
  await expect(page.getByRole("link", { name: /Open API keys in the Stripe Dashboard/ })).toHaveAttribute("href", "https://dashboard.stripe.com/apikeys");
  expect(storedRow(secondId)).toMatchObject({ state: "revoked_by_customer", ciphertext: null, wrapped_data_key: null });

  // Going back to the confirmation page of an ended key leads to its after-page; posting again changes nothing.
  await page.goto(`/connections/${secondId}/disconnect`);
  await expect(page).toHaveURL(`/connections/${secondId}/disconnected`);
  await context.close();
});

test("support staff see the disconnection in the audit trail but have no way to disconnect or replace", async ({ page, browser }) => {
  await signUpCustomer(page, "audited");
  const key = await emulator.createKey({ mode: "test", permissions: REQUIRED_GRANTS });
  await page.goto("/connect");
  await pasteKey(page, key.key, "Check and connect");
  await expect(page).toHaveURL(/\/dashboard\?connected=con_/);
  const id = connectedId(page);
  await page.goto(`/connections/${id}/disconnect`);
  await page.getByRole("checkbox").check();
  await page.getByRole("button", { name: /Disconnect key/ }).click();
  await expect(page).toHaveURL(`/connections/${id}/disconnected`);

  const staff = await browser.newContext({ extraHTTPHeaders: { "X-Forwarded-For": "10.253.0.2" } });
  const staffPage = await staff.newPage();
  await logIn(staffPage, DEMO.support);
  await staffPage.goto("/staff/audit");
  await expect(staffPage.getByRole("row", { name: new RegExp(`connection\\.revoked.*last4: ${last4(key)}.*success`) })).toBeVisible();
  const refused = await staffPage.goto(`/connections/${id}/disconnect`);
  expect(refused?.status()).toBe(403);
  await staff.close();
});
