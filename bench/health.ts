/**
 * A health sweep of many stored connections against the emulator with injected latency:
 *   npx tsx bench/health.ts [connections=1000] [latencyMs=50] [concurrency=32]
 *
 * Prints wall time, requests per connection, peak memory, and the ratio to the lower bound set by
 * latency and concurrency: ⌈connections ÷ concurrency⌉ × latency × ⌈requests per check ÷ 8⌉
 * (each check sends its probes 8 at a time). Live-mode keys, the sweep's own rate limit (40% of
 * Stripe's) per key, SQLite in a temporary folder. Asserts every key stayed unchanged in Stripe.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createEmulatorAdmin } from "../emulator/admin-client";
import { connectDatabase } from "~/db/connect";
import { migrateToLatest } from "~/db/migrate";
import { createSecret } from "~/domain/key/secret";
import { parseManifest } from "~/domain/manifest/manifest";
import { checkKey } from "~/domain/probe/check-key";
import { createStripeTransport } from "~/domain/probe/stripe-transport";
import { generateKeyRingEntry, parseKeyRing } from "~/domain/vault/key-ring";
import { createAppContext } from "~/services/app-context.server";
import { storeConnection } from "~/services/connection-store.server";
import { describeSweep, makeDue, sweepHealth } from "~/services/health-scheduler.server";
import { createId } from "~/utils/ids";
import { startEmulatorProcess } from "./support/emulator-process";

const connections = Number(process.argv[2] ?? 1000);
const latencyMs = Number(process.argv[3] ?? 50);
const concurrency = Number(process.argv[4] ?? 32);

const manifest = parseManifest(JSON.parse(fs.readFileSync("examples/manifests/demo.json", "utf8")));
const grants = Object.entries(manifest.permissions).map(([name, r]) => `${name}_${r.level}`);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keyport-bench-health-"));
const handle = connectDatabase({ sqlitePath: path.join(dir, "keyport.db") });
await migrateToLatest(handle.db, handle.dialect);
const ctx = createAppContext(handle, { secureCookies: false, keyRing: parseKeyRing(generateKeyRingEntry("bench")) });

const { url, stop } = await startEmulatorProcess({ STRIPE_EMULATOR_LATENCY_MS: String(latencyMs) });
try {
  const admin = createEmulatorAdmin(url);
  const transport = createStripeTransport({ apiBase: url });
  process.stdout.write(`Preparing ${connections} connections (live-mode keys, ${latencyMs} ms latency)… `);
  const sample = await admin.createKey({ mode: "live", permissions: grants });
  const { report } = await checkKey(sample.key, manifest, { transport });
  if (report.verdict !== "accepted") throw new Error(`sample key not accepted: ${report.summary}`);
  const keyIds: string[] = [];
  for (let i = 0; i < connections; i++) {
    const key = await admin.createKey({ mode: "live", permissions: grants });
    keyIds.push(key.id);
    const organisationId = createId("org");
    await ctx.db.insertInto("organisations").values({ id: organisationId, name: `Bench ${i}`, created_at: Date.now() }).execute();
    await storeConnection(ctx, {
      organisationId,
      mode: "live",
      stripeAccountId: key.account,
      secret: createSecret(key.key),
      last4: key.key.slice(-4),
      manifestVersion: manifest.version,
      report,
      createdBy: null,
    });
  }
  await makeDue(ctx);
  console.log("done.\n");

  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 25);
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const summary = await sweepHealth(ctx, {
    instanceId: "bench",
    manifest,
    transport,
    schedule: { intervalMs: 24 * 3_600_000, jitter: 0.1 },
    concurrency,
    batchSize: concurrency * 4,
  });
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(sampler);

  const { total } = await ctx.db
    .selectFrom("connection_checks")
    .select((eb) => eb.fn.sum<number>("requests").as("total"))
    .where("triggered_by", "=", "scheduled")
    .executeTakeFirstOrThrow();
  const perConnection = Number(total) / summary.checked;
  const bound = Math.ceil(connections / concurrency) * latencyMs * Math.ceil(perConnection / 8);
  const ledger = await admin.ledger();
  const rateLimited = keyIds.reduce((n, id) => n + (ledger.requests[id]?.rateLimited ?? 0), 0);
  if (ledger.changes.length > 0) throw new Error("a health check changed something in Stripe");

  console.log(describeSweep(summary));
  console.log(`connections            ${summary.checked}`);
  console.log(`wall time              ${(wallMs / 1000).toFixed(2)} s (${(summary.checked / (wallMs / 1000)).toFixed(0)} checks/s)`);
  console.log(`requests per check     ${perConnection.toFixed(1)}`);
  console.log(`peak memory (RSS)      ${(peakRss / 1024 / 1024).toFixed(0)} MiB`);
  console.log(`sweeper CPU            ${(((cpu.user + cpu.system) / 1000 / wallMs) * 100).toFixed(0)}% of one core`);
  console.log(`lower bound            ${(bound / 1000).toFixed(2)} s  (⌈${connections}/${concurrency}⌉ × ${latencyMs} ms × ⌈${perConnection.toFixed(1)}/8⌉)`);
  console.log(`ratio to lower bound   ${(wallMs / bound).toFixed(2)}`);
  console.log(`429s from Stripe       ${rateLimited}`);
} finally {
  stop();
  await handle.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
}
