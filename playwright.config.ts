import path from "node:path";
import { defineConfig } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3210);
const EMULATOR_PORT = Number(process.env.E2E_EMULATOR_PORT ?? PORT + 1);
process.env.E2E_EMULATOR_URL = `http://127.0.0.1:${EMULATOR_PORT}`;
const DATA_DIR = path.resolve("test-results/e2e-data");
process.env.E2E_DATA_DIR = DATA_DIR;

/**
 * End-to-end tests in Debian's Chromium (never `playwright install`). The portal runs from a
 * fresh build on a throwaway SQLite database under test-results/, against the Stripe emulator. It trusts one proxy hop so each
 * test can present its own client address (X-Forwarded-For) and rate limits stay per test.
 */
export default defineConfig({
  testDir: "./e2e",
  outputDir: "test-results/e2e-artifacts",
  workers: 1,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    browserName: "chromium",
    headless: true,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--headless",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  webServer: [
    {
      command: "tsx emulator/main.ts",
      url: `http://127.0.0.1:${EMULATOR_PORT}/_emulator/health`,
      env: { STRIPE_EMULATOR_PORT: String(EMULATOR_PORT), STRIPE_EMULATOR_DEMO_KEYS: "off" },
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: "pipe",
      stderr: "pipe",
    },
    {
    // The server's output is kept in a file so a test can search it for key material.
    command: `rm -rf ${DATA_DIR} && mkdir -p ${DATA_DIR} && npm run build && tsx cli/keyport.ts db:seed && tsx server/index.ts 2>&1 | tee ${DATA_DIR}/server.log`,
    url: `http://127.0.0.1:${PORT}/`,
    env: {
      PORT: String(PORT),
      HOST: "127.0.0.1",
      NODE_ENV: "test",
      KEYPORT_DATA_DIR: DATA_DIR,
      KEYPORT_TRUSTED_PROXIES: "1",
      KEYPORT_LOG_LEVEL: "info",
      STRIPE_API_BASE: `http://127.0.0.1:${EMULATOR_PORT}`,
    },
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
    },
  ],
});
