import { test as base, expect, type Page } from "@playwright/test";
import { AxeBuilder } from "@axe-core/playwright";
import fs from "node:fs";
import { createEmulatorAdmin } from "../emulator/admin-client";

/** The Stripe emulator the portal under test talks to (started by playwright.config.ts). */
export const emulator = createEmulatorAdmin(process.env.E2E_EMULATOR_URL ?? "http://127.0.0.1:3211");

/** The demo manifest's grants, e.g. ["charge_read", …]: an "exact" key holds these. */
export const REQUIRED_GRANTS = Object.entries(
  (JSON.parse(fs.readFileSync("examples/manifests/demo.json", "utf8")) as { permissions: Record<string, { level: string }> }).permissions,
).map(([name, r]) => `${name}_${r.level}`);

let counter = 0;

/** Each test presents its own client address, so per-IP rate limits never leak between tests. */
export const test = base.extend<{ clientIp: string }>({
  clientIp: async ({}, use, testInfo) => {
    await use(`10.${(testInfo.workerIndex % 200) + 1}.${Math.floor(++counter / 250) % 250}.${(counter % 250) + 1}`);
  },
  context: async ({ context, clientIp }, use) => {
    await context.setExtraHTTPHeaders({ "X-Forwarded-For": clientIp });
    await use(context);
  },
  // A hydration mismatch or a Content-Security-Policy violation shows up as a console error: fail on it.
  page: async ({ page }, use) => {
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) errors.push(message.text());
    });
    await use(page);
    expect(errors, "errors in the browser console").toEqual([]);
  },
});

export { expect };

export const DEMO = {
  customer: { email: "customer@demo.keyport.test", password: "demo-customer-password" },
  support: { email: "support@demo.keyport.test", password: "demo-support-password" },
  admin: { email: "admin@demo.keyport.test", password: "demo-admin-password" },
};

export async function logIn(page: Page, who: { email: string; password: string }) {
  await page.goto("/login");
  await page.getByLabel("E-mail address").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("button", { name: "Log out" })).toBeVisible();
}

export function uniqueEmail(prefix = "user") {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}@example.test`;
}

/** Fails on any serious or critical WCAG 2.1 A/AA violation, naming each. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(
    serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`),
    `accessibility violations on ${page.url()}`,
  ).toEqual([]);
}

/** Signs a new customer up (a fresh organisation) and leaves them on the dashboard. */
export async function signUpCustomer(page: Page, prefix = "customer") {
  const email = uniqueEmail(prefix);
  await page.goto("/signup");
  await page.getByLabel("Your name").fill("Test Customer");
  await page.getByLabel("Work e-mail address").fill(email);
  await page.getByLabel("Company name").fill(`${prefix} Ltd`);
  await page.getByLabel("Password").fill("a long enough passphrase");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/dashboard/);
  return email;
}

/** Saves a full-page screenshot under test-results/screenshots/ for a person to look at. */
export async function keepScreenshot(page: Page, name: string) {
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
}
