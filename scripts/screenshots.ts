import fs from "node:fs";
import { chromium } from "@playwright/test";

/**
 * Screenshots of every page for a human to look at: `tsx scripts/screenshots.ts [baseUrl]`
 * against a running portal (e.g. `npm run dev`). Writes test-results/screenshots/*.png.
 */
const base = process.argv[2] ?? "http://127.0.0.1:3000";
const out = "test-results/screenshots";
fs.mkdirSync(out, { recursive: true });

const PAGES: Record<string, { as?: "customer" | "support" | "admin"; paths: string[] }> = {
  public: { paths: ["/", "/login", "/signup", "/checklist", "/no-such-page"] },
  customer: { as: "customer", paths: ["/dashboard", "/connect", "/activity", "/organisation", "/account", "/staff"] },
  support: { as: "support", paths: ["/staff", "/staff/audit", "/account"] },
  admin: { as: "admin", paths: ["/staff/tokens", "/staff/webhooks"] },
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
for (const width of [1280, 390]) {
  for (const [group, { as, paths }] of Object.entries(PAGES)) {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    if (as) {
      await page.goto(`${base}/login`);
      await page.getByLabel("E-mail address").fill(`${as}@demo.keyport.test`);
      await page.getByLabel("Password").fill(`demo-${as}-password`);
      await page.getByRole("button", { name: "Log in" }).click();
      await page.waitForURL((url) => !url.pathname.startsWith("/login"));
    }
    for (const path of paths) {
      await page.goto(`${base}${path}`);
      const file = `${out}/${group}${path.replaceAll("/", "_") || "_"}-${width}.png`;
      await page.screenshot({ path: file, fullPage: true });
      console.log(file);
    }
    await context.close();
  }
}
await browser.close();
