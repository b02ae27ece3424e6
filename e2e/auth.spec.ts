import { DEMO, expect, expectAccessible, logIn, test, uniqueEmail } from "./fixtures";

test("a customer signs up, lands on the dashboard, logs out and back in", async ({ page }) => {
  const email = uniqueEmail("signup");
  await page.goto("/signup");
  await page.getByLabel("Your name").fill("Grace Hopper");
  await page.getByLabel("Work e-mail address").fill(email);
  await page.getByLabel("Company name").fill("Hopper Analytics");
  await page.getByLabel("Password").fill("a very long passphrase");
  await page.getByRole("button", { name: "Create account" }).click();

  await expect(page).toHaveURL(/\/dashboard/);
  await expect(page.getByText("Welcome, Grace Hopper.")).toBeVisible();
  await page.getByRole("link", { name: "Organisation" }).click();
  await expect(page.getByRole("heading", { name: "Hopper Analytics" })).toBeVisible();

  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page.getByText("You have been logged out.")).toBeVisible();
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login\?redirectTo=%2Fdashboard/);

  await page.getByLabel("E-mail address").fill(email);
  await page.getByLabel("Password").fill("a very long passphrase");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
});

test("sign-up explains each invalid field inline and keeps what was typed", async ({ page }) => {
  await page.goto("/signup");
  await page.getByLabel("Your name").fill("Alan");
  await page.getByLabel("Work e-mail address").fill("not-an-email");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();

  await expect(page.getByText("Enter a valid e-mail address")).toBeVisible();
  await expect(page.getByText("Use at least 12 characters.")).toBeVisible();
  await expect(page.getByText("Enter your company's name.")).toBeVisible();
  await expect(page.getByLabel("Your name")).toHaveValue("Alan");
  await expect(page.getByLabel("Work e-mail address")).toHaveAttribute("aria-invalid", "true");
});

test("a wrong password and an unknown e-mail get the same answer", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("E-mail address").fill(DEMO.customer.email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Log in" }).click();
  const wrongPassword = await page.getByRole("alert").textContent();

  await page.getByLabel("E-mail address").fill(uniqueEmail("nobody"));
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("alert")).toHaveText(wrongPassword!);
  expect(wrongPassword).toContain("The e-mail address or password is incorrect.");
});

test("repeated wrong passwords lock the account for a while", async ({ page }) => {
  const email = uniqueEmail("locked");
  await page.goto("/signup");
  await page.getByLabel("Your name").fill("Lock Test");
  await page.getByLabel("Work e-mail address").fill(email);
  await page.getByLabel("Company name").fill("Lock Ltd");
  await page.getByLabel("Password").fill("the right passphrase");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("button", { name: "Log out" }).click();

  for (let i = 0; i < 5; i++) {
    await page.getByLabel("E-mail address").fill(email);
    await page.getByLabel("Password").fill(`wrong passphrase ${i}`);
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page.getByRole("alert")).toContainText("incorrect");
  }
  await page.getByLabel("E-mail address").fill(email);
  await page.getByLabel("Password").fill("the right passphrase");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("alert")).toContainText("Too many sign-in attempts");
  await expect(page).toHaveURL(/\/login/);
});

test("a customer is refused from the staff pages with a 403 page", async ({ page }) => {
  await logIn(page, DEMO.customer);
  const response = await page.goto("/staff");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "You don't have access to this page" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Connections" })).toHaveCount(0);
});

test("support staff reach the console; anonymous visitors are sent to log in", async ({ page }) => {
  const anonymous = await page.goto("/staff/audit");
  expect(anonymous?.url()).toContain("/login?redirectTo=%2Fstaff%2Faudit");
  await page.getByLabel("E-mail address").fill(DEMO.support.email);
  await page.getByLabel("Password").fill(DEMO.support.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/staff\/audit$/);
  await expect(page.getByRole("heading", { name: "Audit trail" })).toBeVisible();
  await expect(page.getByRole("cell", { name: /auth\.sign_in/ }).first()).toBeVisible();
});

test("log out everywhere ends the other browser's session too", async ({ page, browser }) => {
  await logIn(page, DEMO.admin);
  const other = await browser.newContext({ extraHTTPHeaders: { "X-Forwarded-For": "10.250.0.1" } });
  const otherPage = await other.newPage();
  await logIn(otherPage, DEMO.admin);

  await page.goto("/account");
  await page.getByRole("button", { name: "Log out everywhere" }).click();
  await expect(page.getByText("You have been logged out on every device.")).toBeVisible();
  await otherPage.goto("/account");
  await expect(otherPage).toHaveURL(/\/login/);
  await other.close();
});

test("a form posted from another site is refused", async ({ page, request }) => {
  await page.goto("/login");
  const response = await request.post("/login", {
    form: { email: DEMO.customer.email, password: DEMO.customer.password },
    headers: { Origin: "https://evil.example" },
  });
  expect(response.status()).toBe(403);
  expect(await response.text()).toContain("sent from another site");
});

test("forms work without JavaScript", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, extraHTTPHeaders: { "X-Forwarded-For": "10.251.0.1" } });
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByLabel("E-mail address").fill(DEMO.support.email);
  await page.getByLabel("Password").fill("wrong");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("alert")).toContainText("incorrect");
  await page.getByLabel("Password").fill(DEMO.support.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/staff$/);
  await context.close();
});

test("unknown pages get a friendly 404", async ({ page }) => {
  const response = await page.goto("/no/such/page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expectAccessible(page);
});
