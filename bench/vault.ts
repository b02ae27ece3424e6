/**
 * Vault throughput and the time to rotate 10,000 stored connections on SQLite.
 *
 *   npx tsx bench/vault.ts [--connections 10000] [--batch-size 200]
 *
 * Uses a throwaway SQLite file in the system temp folder (WAL, as the portal opens it) and fresh
 * master keys; prints figures only.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { connectDatabase } from "~/db/connect";
import { migrateToLatest } from "~/db/migrate";
import { fingerprintSecret } from "~/domain/vault/fingerprint";
import { generateKeyRingEntry, parseKeyRing } from "~/domain/vault/key-ring";
import { openSecret, rewrapDataKey, sealSecret } from "~/domain/vault/sealed-secret";
import { createAppContext } from "~/services/app-context.server";
import { openConnectionSecret, storeConnection } from "~/services/connection-store.server";
import { rotateVault } from "~/services/vault-rotation.server";
import { createId } from "~/utils/ids";
import { connectionInput, fakeRestrictedKey } from "../tests/support/connection-fixtures";

const { values } = parseArgs({ options: { connections: { type: "string", default: "10000" }, "batch-size": { type: "string", default: "200" } } });
const CONNECTIONS = Number(values.connections);
const BATCH_SIZE = Number(values["batch-size"]);

const oldEntry = generateKeyRingEntry("old");
const newEntry = generateKeyRingEntry("new");
const oldRing = parseKeyRing(oldEntry);
const rotatingRing = parseKeyRing(`${newEntry},${oldEntry}`);
const newRing = parseKeyRing(newEntry);

function throughput(label: string, iterations: number, run: (i: number) => void) {
  for (let i = 0; i < Math.min(1000, iterations); i++) run(i); // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) run(i);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(`${label.padEnd(34)} ${Math.round(iterations / seconds).toLocaleString("en").padStart(9)} ops/s  (${((seconds / iterations) * 1e6).toFixed(1)} µs each)`);
}

const elapsed = (start: number) => `${((performance.now() - start) / 1000).toFixed(2)} s`;

console.log(`Node ${process.version}, ${os.cpus().length} CPU(s): ${os.cpus()[0]?.model ?? "unknown"}\n`);

// In-memory operations.
const N = 20_000;
const secret = fakeRestrictedKey("live");
const binding = { organisationId: "org_bench", connectionId: "con_bench" };
const sealed = Array.from({ length: 1000 }, () => sealSecret({ plaintext: secret, binding, keyRing: oldRing }));
throughput("sealSecret (fresh data key)", N, () => sealSecret({ plaintext: secret, binding, keyRing: oldRing }));
throughput("openSecret", N, (i) => openSecret(sealed[i % sealed.length]!, binding, oldRing));
throughput("rewrapDataKey (old → new)", N, (i) => rewrapDataKey(sealed[i % sealed.length]!, rotatingRing));
throughput("fingerprintSecret (HMAC)", N, () => fingerprintSecret(secret, oldRing));

// Stored connections on SQLite.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keyport-bench-vault-"));
const handle = connectDatabase({ sqlitePath: path.join(dir, "keyport.db") });
try {
  await migrateToLatest(handle.db, handle.dialect);
  const now = Date.now();
  const customers = Array.from({ length: Math.ceil(CONNECTIONS / 2) }, () => ({ organisationId: createId("org"), userId: createId("usr") }));
  for (let i = 0; i < customers.length; i += 500) {
    const slice = customers.slice(i, i + 500);
    await handle.db.insertInto("organisations").values(slice.map((c) => ({ id: c.organisationId, name: c.organisationId, created_at: now }))).execute();
    await handle.db
      .insertInto("users")
      .values(slice.map((c) => ({ id: c.userId, email: `${c.userId}@bench.test`, name: "b", password_hash: "x", role: "customer" as const, organisation_id: c.organisationId, created_at: now })))
      .execute();
  }

  const storing = createAppContext(handle, { secureCookies: false, keyRing: oldRing });
  let start = performance.now();
  for (let i = 0; i < CONNECTIONS; i++) {
    const customer = customers[Math.floor(i / 2)]!;
    await storeConnection(storing, connectionInput(customer, fakeRestrictedKey(i % 2 === 0 ? "test" : "live")));
  }
  const storeSeconds = (performance.now() - start) / 1000;
  console.log(`\nstoreConnection × ${CONNECTIONS.toLocaleString("en")} (one transaction each): ${storeSeconds.toFixed(2)} s, ${Math.round(CONNECTIONS / storeSeconds).toLocaleString("en")}/s`);

  const rotating = createAppContext(handle, { secureCookies: false, keyRing: rotatingRing });
  start = performance.now();
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const summary = await rotateVault(rotating, {
    batchSize: BATCH_SIZE,
    onProgress: () => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    },
  });
  const rotateTime = elapsed(start);
  console.log(
    `vault:rotate ${CONNECTIONS.toLocaleString("en")} connections, batch ${BATCH_SIZE}: ${rotateTime} ` +
      `(${summary.rewrapped} re-wrapped, ${summary.refingerprinted} re-fingerprinted, ${summary.failed.length} failed, ${summary.batches} batches; ` +
      `RSS ${(rssBefore / 2 ** 20).toFixed(0)} → peak ${(peakRss / 2 ** 20).toFixed(0)} MiB)`,
  );
  if (summary.rewrapped !== CONNECTIONS || summary.failed.length > 0) throw new Error("rotation did not re-wrap every connection");

  start = performance.now();
  const again = await rotateVault(rotating, { batchSize: BATCH_SIZE });
  console.log(`second run (nothing to do): ${elapsed(start)}, ${again.rewrapped} re-wrapped`);

  // Spot check: the old key can go.
  const after = createAppContext(handle, { secureCookies: false, keyRing: newRing });
  const sample = await after.db.selectFrom("connections").select("id").limit(1).executeTakeFirstOrThrow();
  await openConnectionSecret(after, sample.id);
  console.log("opened a rotated connection with the new key alone: ok");
} finally {
  await handle.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
}
