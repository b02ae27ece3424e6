import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { findPostgresBinaries } from "../tests/support/postgres-cluster";

/**
 * `npm test`: type-check, lint, unit/integration tests (Vitest, both database dialects) and
 * end-to-end tests (Playwright in Debian's Chromium). Every step runs even if an earlier one
 * fails; each ends with a plain `N passed, N failed` line, and the exit code is non-zero if
 * anything failed.
 */
const results: Array<{ name: string; passed: number; failed: number }> = [];
fs.mkdirSync("test-results", { recursive: true });

function run(command: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync(command, args, { stdio: "inherit", env: { ...process.env, ...env } }).status ?? 1;
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as T;
  } catch {
    return null;
  }
}

function report(name: string, passed: number, failed: number) {
  results.push({ name, passed, failed });
  console.log(`\n${name}: ${passed} passed, ${failed} failed\n`);
}

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const missing = [
  fs.existsSync(chromium) ? null : `Chromium (${chromium}): sudo apt-get install -y chromium`,
  process.env.TEST_DATABASE_URL || findPostgresBinaries() ? null : "PostgreSQL (initdb, pg_ctl): sudo apt-get install -y postgresql, or set TEST_DATABASE_URL",
].filter(Boolean);
if (missing.length > 0) {
  console.error(`npm test needs:\n  ${missing.join("\n  ")}`);
  process.exit(1);
}

const typecheck = run("npx", ["tsc"]);
report("typecheck", typecheck === 0 ? 1 : 0, typecheck === 0 ? 0 : 1);

const lint = run("npx", ["eslint", "--max-warnings=0", "."]);
report("lint", lint === 0 ? 1 : 0, lint === 0 ? 0 : 1);

fs.rmSync("test-results/vitest.json", { force: true });
const vitestCode = run("npx", ["vitest", "run", "--reporter=default", "--reporter=json", "--outputFile.json=test-results/vitest.json"]);
const vitest = readJson<{ numPassedTests: number; numFailedTests: number }>("test-results/vitest.json");
report("vitest", vitest?.numPassedTests ?? 0, vitest ? vitest.numFailedTests + (vitestCode !== 0 && vitest.numFailedTests === 0 ? 1 : 0) : 1);

fs.rmSync("test-results/playwright.json", { force: true });
const e2eCode = run("npx", ["playwright", "test", "--reporter=list,json"], { PLAYWRIGHT_JSON_OUTPUT_NAME: "test-results/playwright.json" });
const e2e = readJson<{ stats: { expected: number; unexpected: number; flaky: number; skipped: number } }>("test-results/playwright.json");
const e2eFailed = e2e ? e2e.stats.unexpected + e2e.stats.flaky + e2e.stats.skipped : 1;
report("e2e", e2e?.stats.expected ?? 0, e2eFailed + (e2eCode !== 0 && e2eFailed === 0 ? 1 : 0));

const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
console.log(results.map((r) => `${r.name}: ${r.passed} passed, ${r.failed} failed`).join("\n"));
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
