import { DEMO, expectAccessible, logIn, test } from "./fixtures";

const PUBLIC_PAGES = ["/", "/login", "/signup", "/checklist"];
// Pages with an id in their path (a connection, its disconnect steps, the support view of it) are checked in the specs that create one.
const CUSTOMER_PAGES = ["/dashboard", "/connect", "/activity", "/organisation", "/account", "/checklist"];
const STAFF_PAGES = ["/staff", "/staff?state=all", "/staff/audit", "/account"];

for (const path of PUBLIC_PAGES) {
  test(`public page ${path} has no serious accessibility violations`, async ({ page }) => {
    await page.goto(path);
    await expectAccessible(page);
  });
}

test("customer pages have no serious accessibility violations", async ({ page }) => {
  await logIn(page, DEMO.customer);
  for (const path of CUSTOMER_PAGES) {
    await page.goto(path);
    await expectAccessible(page);
  }
});

test("staff pages have no serious accessibility violations", async ({ page }) => {
  await logIn(page, DEMO.support);
  for (const path of STAFF_PAGES) {
    await page.goto(path);
    await expectAccessible(page);
  }
});

test("forms with errors have no serious accessibility violations", async ({ page }) => {
  await page.goto("/signup");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByText("Enter your name.").waitFor();
  await expectAccessible(page);
});
