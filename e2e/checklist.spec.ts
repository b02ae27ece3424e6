import fs from "node:fs";
import type { Locator, Page } from "@playwright/test";
import { DEMO, expect, expectAccessible, logIn, test } from "./fixtures";

/**
 * The public checklist for the demo manifest the e2e server runs with (examples/manifests/demo.json).
 * Levels, purposes and the key name come from that file; the grouping, order and row labels are
 * written here as the Stripe Dashboard shows them (../shared/research/stripe-rak.md §2), so a
 * wrong catalogue order fails here instead of agreeing with itself.
 */
type DemoManifest = {
  version: number;
  lastChanged: string;
  changes?: string;
  vendor: { name: string; keyName: string };
  permissions: Record<string, { level: "read" | "write"; purpose?: string }>;
  modes: Array<"test" | "live">;
};
const demo = JSON.parse(fs.readFileSync("examples/manifests/demo.json", "utf8")) as DemoManifest;

const DASHBOARD: Array<{ group: string; rows: Array<{ name: string; label: string }> }> = [
  {
    group: "Core",
    rows: [
      { name: "charge", label: "Charges and Refunds" },
      { name: "customer", label: "Customers" },
      { name: "dispute", label: "Disputes" },
      { name: "event", label: "Events" },
      { name: "product", label: "Products" },
    ],
  },
  {
    group: "Billing",
    rows: [
      { name: "invoice", label: "Invoices" },
      { name: "plan", label: "Prices" },
      { name: "subscription", label: "Subscriptions" },
    ],
  },
];
const LEVEL_TEXT = { read: "Read", write: "Write" } as const;

function requirement(name: string) {
  const entry = demo.permissions[name];
  if (!entry) throw new Error(`The demo manifest does not require ${name}`);
  return entry;
}

/** Every required `rak_` id in Dashboard order. */
const EXPECTED_RAK_IDS = DASHBOARD.flatMap(({ rows }) => rows.map(({ name }) => `rak_${name}_${requirement(name).level}`));

type Row = { label: string; level: string };

/** What the page shows: the permission groups with each row's label and level, in page order. */
async function rowsOnPage(page: Page): Promise<Array<{ group: string; rows: Row[] }>> {
  const section = page.getByRole("region", { name: "Permissions to set" });
  const groups = await section.getByRole("heading", { level: 3 }).allTextContents();
  return Promise.all(
    groups.map(async (group) => {
      const items = section.getByRole("list", { name: group, exact: true }).getByRole("listitem");
      const rows: Row[] = [];
      for (const item of await items.all()) {
        rows.push({
          label: (await item.locator(".checklist-row-name").textContent()) ?? "",
          level: (await item.locator(".level-badge").textContent()) ?? "",
        });
      }
      return { group, rows };
    }),
  );
}

function row(page: Page, label: string): Locator {
  return page.getByRole("region", { name: "Permissions to set" }).getByRole("listitem").filter({ has: page.getByText(label, { exact: true }) });
}

test("the demo oracle covers exactly the demo manifest's permissions", () => {
  const oracle = DASHBOARD.flatMap(({ rows }) => rows.map(({ name }) => name)).sort();
  expect(oracle).toEqual(Object.keys(demo.permissions).sort());
});

test("the checklist shows the vendor, the manifest version and every required row grouped and ordered as in the Dashboard", async ({ page }) => {
  await page.goto("/checklist");
  await expect(page).toHaveTitle(`Stripe key checklist · ${demo.vendor.name}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`The Stripe key ${demo.vendor.name} needs`);
  const header = page.locator(".checklist-header");
  await expect(header.getByText(`Version ${demo.version}, last changed`)).toBeVisible();
  await expect(header.locator(`time[datetime="${demo.lastChanged}"]`)).toBeVisible();
  if (demo.changes) await expect(header.getByText(demo.changes)).toBeVisible();
  await expect(header.getByText(demo.vendor.keyName, { exact: true })).toBeVisible();

  expect(await rowsOnPage(page)).toEqual(
    DASHBOARD.map(({ group, rows }) => ({
      group,
      rows: rows.map(({ name, label }) => ({ label, level: LEVEL_TEXT[requirement(name).level] })),
    })),
  );

  for (const { rows } of DASHBOARD) {
    for (const { name, label } of rows) {
      const purpose = requirement(name).purpose;
      if (purpose) await expect(row(page, label)).toContainText(purpose);
      // Every demo row has a read probe, so Keyport can check each one.
      await expect(row(page, label)).toContainText("Keyport checks this row on your key.");
    }
  }
  // Charges and customers are sensitive: their rows carry a risk note; events are not.
  await expect(row(page, "Charges and Refunds").getByText("Sensitive", { exact: true })).toBeVisible();
  await expect(row(page, "Customers").getByText("Sensitive", { exact: true })).toBeVisible();
  await expect(row(page, "Events").getByText("Sensitive", { exact: true })).toHaveCount(0);
});

test("after the required rows, everything else is None", async ({ page }) => {
  await page.goto("/checklist");
  const section = page.getByRole("region", { name: "Permissions to set" });
  const everythingElse = section.locator(".checklist-everything-else");
  await expect(everythingElse).toHaveText(/^Everything else\s*:\s*None$/);
  // It comes after the last group, not inside one.
  await expect(section.getByRole("listitem").filter({ hasText: "Everything else" })).toHaveCount(0);
});

test("the pre-filled create links carry every required rak_ id as a repeated permissions[] and nothing else", async ({ page }) => {
  await page.goto("/checklist");
  const links = page.getByRole("region", { name: "Create the key" }).getByRole("link", { name: /^Create the key in (test|live) mode/ });
  await expect(links).toHaveCount(demo.modes.length);

  const seenModes: string[] = [];
  for (const link of await links.all()) {
    const href = (await link.getAttribute("href")) ?? "";
    const mode = /test mode/.test((await link.textContent()) ?? "") ? "test" : "live";
    seenModes.push(mode);
    const url = new URL(href);
    expect(url.origin).toBe("https://dashboard.stripe.com");
    expect(url.pathname).toBe(mode === "test" ? "/test/apikeys/create" : "/apikeys/create");
    expect(url.searchParams.get("name")).toBe(demo.vendor.keyName);
    expect(url.searchParams.getAll("permissions[]")).toEqual(EXPECTED_RAK_IDS);
    expect([...new Set(url.searchParams.keys())].sort()).toEqual(["name", "permissions[]"]);
    // One parameter per id, never a comma-joined list (which the Dashboard ignores).
    expect(href.split("permissions[]=").length - 1).toBe(EXPECTED_RAK_IDS.length);
    await expect(link).toHaveAttribute("target", "_blank");
    await expect(link).toHaveAttribute("rel", /noopener/);
  }
  expect(seenModes.sort()).toEqual([...demo.modes].sort());
  const create = page.getByRole("region", { name: "Create the key" });
  await expect(create.getByText("Stripe silently ignores any entry its form does not recognise")).toBeVisible();
});

test("/checklist.json is the structure the page shows, public and cacheable", async ({ page, request }) => {
  const response = await request.get("/checklist.json");
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toBe("application/json; charset=utf-8");
  expect(response.headers()["cache-control"]).toMatch(/^public, max-age=\d+$/);
  expect(response.headers()["access-control-allow-origin"]).toBe("*");
  expect(response.headers()["set-cookie"]).toBeUndefined();
  const json = (await response.json()) as {
    vendor: { name: string };
    manifest: { version: number; lastChanged: string };
    groups: Array<{ label: string; items: Array<{ label: string; levelLabel: string; rakId: string }> }>;
    everythingElse: { text: string };
    createLinks: Array<{ mode: string; url: string }>;
  };
  expect(json.vendor.name).toBe(demo.vendor.name);
  expect(json.manifest).toMatchObject({ version: demo.version, lastChanged: demo.lastChanged });
  expect(json.groups.flatMap((group) => group.items.map((item) => item.rakId))).toEqual(EXPECTED_RAK_IDS);

  await page.goto("/checklist");
  expect(await rowsOnPage(page)).toEqual(
    json.groups.map((group) => ({ group: group.label, rows: group.items.map((item) => ({ label: item.label, level: item.levelLabel })) })),
  );
  const hrefs = await page.getByRole("link", { name: /^Create the key in/ }).evaluateAll((links) => links.map((link) => link.getAttribute("href")));
  expect(hrefs).toEqual(json.createLinks.map((link) => link.url));
  await expect(page.locator(".checklist-everything-else")).toHaveText(json.everythingElse.text);
});

test("/checklist.md has every row in Dashboard order with its level", async ({ request }) => {
  const response = await request.get("/checklist.md");
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toBe("text/markdown; charset=utf-8");
  const markdown = await response.text();
  const lines = markdown.split("\n");
  expect(lines[0]).toContain(demo.vendor.name);

  let previous = -1;
  for (const { group, rows } of DASHBOARD) {
    const heading = lines.indexOf(`### ${group}`);
    expect(heading, `heading for ${group}`).toBeGreaterThan(previous);
    previous = heading;
    for (const { name, label } of rows) {
      const index = lines.findIndex((line) => line.startsWith(`| ${label} | **${LEVEL_TEXT[requirement(name).level]}** |`));
      expect(index, `row ${label}`).toBeGreaterThan(previous);
      previous = index;
    }
  }
  expect(markdown).toContain("Everything else: None");
  for (const id of EXPECTED_RAK_IDS) expect(markdown).toContain(`permissions[]=${id}`);
});

test("copy as text puts the checklist on the clipboard and says so", async ({ page, context, baseURL }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL });
  await page.goto("/checklist");
  const fallbackText = await page.locator(".checklist-text-pre").textContent();

  await page.getByRole("button", { name: "Copy as text" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Copied" })).toBeVisible();

  // The portal sends Permissions-Policy: clipboard-read=(), so the checklist page itself may not
  // read the clipboard (as it should be). Read it from a blank test page on the same origin instead.
  await page.route("**/__read-clipboard", (route) => route.fulfill({ contentType: "text/html", body: "<!doctype html><title>clipboard</title>" }));
  await page.goto("/__read-clipboard");
  const copied = await page.evaluate(() => navigator.clipboard.readText());

  expect(copied).toBe(fallbackText);
  expect(copied).toContain(`Stripe restricted key for ${demo.vendor.name}`);
  for (const { rows } of DASHBOARD) {
    for (const { name, label } of rows) expect(copied).toContain(`  ${label}: ${LEVEL_TEXT[requirement(name).level]}\n`);
  }
  expect(copied).toContain("Everything else: None");
});

test("when the browser refuses to copy, the text is opened and selected for copying by hand", async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(navigator, "clipboard", { value: { writeText: () => Promise.reject(new DOMException("Denied", "NotAllowedError")) } });
  });
  await page.goto("/checklist");
  await page.getByRole("button", { name: "Copy as text" }).click();
  await expect(page.getByRole("status").filter({ hasText: "did not let this page copy" })).toBeVisible();
  const text = page.getByRole("region", { name: "The checklist as plain text" });
  await expect(text).toBeVisible();
  await expect(text).toBeFocused();
  // Chromium leaves the final line break out of a selection's text.
  const selected = await page.evaluate(() => window.getSelection()?.toString() ?? "");
  expect(selected.trimEnd()).toBe((await text.textContent())?.trimEnd());
  expect(selected).toContain("Everything else: None");
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the checklist text is still there to read and select, and no dead copy button is shown", async ({ page, request }) => {
    await page.goto("/checklist");
    await expect(page.getByRole("button", { name: "Copy as text" })).toHaveCount(0);
    const text = page.getByRole("region", { name: "The checklist as plain text" });
    await expect(text).toBeHidden();
    await page.getByText("Show the checklist as plain text").click();
    await expect(text).toBeVisible();

    const json = (await (await request.get("/checklist.json")).json()) as {
      groups: Array<{ items: Array<{ label: string; levelLabel: string }> }>;
      createLinks: Array<{ url: string }>;
    };
    for (const item of json.groups.flatMap((group) => group.items)) await expect(text).toContainText(`${item.label}: ${item.levelLabel}`);
    for (const link of json.createLinks) await expect(text).toContainText(link.url);
    await expect(text).toContainText("Everything else: None");
  });
});

test("the call to action is signing up or logging in for visitors, and connecting for signed-in customers", async ({ page }) => {
  await page.goto("/checklist");
  await expect(page.getByRole("link", { name: "Create an account" })).toHaveAttribute("href", "/signup");
  await expect(page.getByRole("main").getByRole("link", { name: "Log in" })).toHaveAttribute("href", "/login?redirectTo=%2Fconnect");
  await expect(page.getByRole("link", { name: "Connect your key" })).toHaveCount(0);

  await logIn(page, DEMO.customer);
  await page.goto("/checklist");
  await expect(page.getByRole("link", { name: "Connect your key" })).toHaveAttribute("href", "/connect");
  await expect(page.getByRole("link", { name: "Create an account" })).toHaveCount(0);
});

test("the checklist has no serious accessibility violations, with the text open and after copying", async ({ page, context, baseURL }) => {
  await context.grantPermissions(["clipboard-write"], { origin: baseURL });
  await page.goto("/checklist");
  await expectAccessible(page);
  await page.getByText("Show the checklist as plain text").click();
  await page.getByRole("button", { name: "Copy as text" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Copied" })).toBeVisible();
  await expectAccessible(page);

  await logIn(page, DEMO.customer);
  await page.goto("/checklist");
  await expectAccessible(page);
});
