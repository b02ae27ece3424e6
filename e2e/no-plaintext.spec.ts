import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { emulator, expect, REQUIRED_GRANTS, signUpCustomer, test } from "./fixtures";

/**
 * Keys pasted through the web page and the command line must not be found anywhere afterwards:
 * not in any HTTP response the browser received, not in the database file (or its WAL), not in the
 * server's output, not in the command's output. Each key is searched in the forms that would give
 * it away: as is, in base64, in hex, and long fragments of it.
 */
function leakForms(key: string) {
  const body = key.slice(key.indexOf("_", 3) + 1);
  return [key, body.slice(0, 24), body.slice(-24), Buffer.from(key).toString("base64").slice(0, 40), Buffer.from(key).toString("hex").slice(0, 48)];
}

test("no pasted key survives anywhere: responses, database file, server output, command output", async ({ page }) => {
  const dataDir = process.env.E2E_DATA_DIR!;
  const bodies: string[] = [];
  page.on("response", async (response) => {
    try {
      bodies.push(`${response.url()}\n${await response.text()}`);
    } catch {
      // Redirects and aborted requests have no body to read.
    }
  });

  await signUpCustomer(page, "leakcheck");
  const accepted = await emulator.createKey({ mode: "test", permissions: REQUIRED_GRANTS });
  const rejected = await emulator.createKey({ mode: "test", permissions: REQUIRED_GRANTS.slice(2) });
  const excess = await emulator.createKey({ mode: "test", permissions: [...REQUIRED_GRANTS, "transfer_write"] });
  const secret = await emulator.createKey({ mode: "test", type: "secret" });
  const cliKey = await emulator.createKey({ mode: "test", permissions: REQUIRED_GRANTS });
  const keys = [accepted, rejected, excess, secret, cliKey].map((k) => k.key);

  for (const key of [rejected.key, secret.key, accepted.key, excess.key]) {
    await page.goto("/connect");
    await page.getByLabel("Restricted API key").fill(key);
    await page.getByRole("button", { name: "Check and connect" }).click();
    await expect(page.getByRole("heading", { name: /This key can't be used yet|Key .* connected/ }).or(page.getByText(/connected$/)).first()).toBeVisible();
  }
  await page.goto("/dashboard");
  await page.getByRole("link", { name: "View report" }).first().click();
  await page.goto("/staff").catch(() => undefined);

  const cli = spawnSync(process.execPath, ["--import", "tsx", "cli/keyport.ts", "check", "--json"], {
    input: cliKey.key,
    env: { ...process.env, STRIPE_API_BASE: process.env.E2E_EMULATOR_URL, KEYPORT_DATA_DIR: dataDir, NODE_ENV: "test" },
    encoding: "utf8",
  });
  expect(cli.status, cli.stderr).toBe(0);

  const places: Record<string, string> = {
    "HTTP responses": bodies.join("\n"),
    "command output": cli.stdout + cli.stderr,
    "server output": fs.readFileSync(path.join(dataDir, "server.log"), "utf8"),
  };
  for (const file of ["keyport.db", "keyport.db-wal"]) {
    const full = path.join(dataDir, file);
    if (fs.existsSync(full)) places[file] = fs.readFileSync(full).toString("latin1");
  }
  expect(bodies.length).toBeGreaterThan(10);
  expect(places["keyport.db"]!.length).toBeGreaterThan(0);
  for (const key of keys) {
    for (const [where, haystack] of Object.entries(places)) {
      for (const form of leakForms(key)) {
        expect(haystack.includes(form), `a form of key …${key.slice(-4)} found in ${where}`).toBe(false);
      }
    }
  }
});
