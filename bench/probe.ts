/**
 * How fast a key check is, against the emulator with injected latency:
 *   npx tsx bench/probe.ts [latencyMs=50] [runs=3]
 *
 * For the demo manifest and a 20-permission manifest, in test mode (25 requests/s) and live mode
 * (100 requests/s), it prints the requests Keyport's prober made, its wall time, the ratio to the
 * lower bound max(latency × ⌈requests ÷ concurrency⌉, requests ÷ rate limit), and the same for a
 * naive prober written here as the baseline: one request at a time, read then write for every
 * permission the manifest lists. Every run asserts the emulator's ledger stayed empty.
 */
import fs from "node:fs";
import { createEmulatorAdmin } from "../emulator/admin-client";
import { getLevel, resolveProbe, type Mode, type ProbeRequest } from "~/domain/catalogue/catalogue";
import { createSecret, type Secret } from "~/domain/key/secret";
import { parseManifest, type Manifest } from "~/domain/manifest/manifest";
import { checkKey } from "~/domain/probe/check-key";
import { interpretProbeAnswer } from "~/domain/probe/run-probe";
import { createStripeTransport, type StripeTransport } from "~/domain/probe/stripe-transport";
import { startEmulatorProcess } from "./support/emulator-process";

const latencyMs = Number(process.argv[2] ?? 50);
const runs = Number(process.argv[3] ?? 3);
// The prober's shipped default (run-probe.ts), so the figures describe what customers get.
const CONCURRENCY = 8;
const RATE = { test: 25, live: 100 } as const;

const demo = parseManifest(JSON.parse(fs.readFileSync("examples/manifests/demo.json", "utf8")));
// Twenty permissions an analytics vendor might plausibly need: eighteen read, two written.
const TWENTY = [
  "charge", "customer", "dispute", "event", "file", "payment_intent", "payment_method", "payout", "product", "setup_intent",
  "checkout_session", "payment_links", "coupon", "credit_note", "invoice", "plan", "promotion_code", "quote", "subscription", "tax_rate",
];
const twenty = parseManifest({
  ...demo,
  permissions: Object.fromEntries(TWENTY.map((name) => [name, name === "coupon" || name === "promotion_code" ? "write" : "read"])),
});

function grantsOf(manifest: Manifest) {
  return Object.entries(manifest.permissions).map(([name, r]) => `${name}_${r.level}`);
}

/** The baseline: one request at a time, read then write for every permission in the manifest. */
async function naiveProbe(transport: StripeTransport, secret: Secret, manifest: Manifest) {
  let requests = 0;
  for (const name of Object.keys(manifest.permissions)) {
    for (const level of ["read", "write"] as const) {
      const probe = getLevel(name, level)?.probe;
      if (probe?.kind !== "request") continue;
      const resolved = resolveProbe(probe as ProbeRequest, "naivebaseline1");
      const query = Object.entries(resolved.params).map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join("&");
      const answer = await transport.send(secret, { method: resolved.method, path: query ? `${resolved.path}?${query}` : resolved.path }, { timeoutMs: 10_000 });
      requests++;
      interpretProbeAnswer(resolved.expect, answer);
    }
  }
  return requests;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const { url, stop } = await startEmulatorProcess({ STRIPE_EMULATOR_LATENCY_MS: String(latencyMs) });
try {
  const admin = createEmulatorAdmin(url);
  const transport = createStripeTransport({ apiBase: url });
  console.log(`Key check against the emulator, ${latencyMs} ms latency per request, concurrency ${CONCURRENCY}, median of ${runs} runs\n`);
  console.log("manifest          mode  prober   requests   wall ms   lower bound ms   ratio   speed-up vs naive");
  for (const [label, manifest] of [["demo (8 perms)", demo], ["20 permissions", twenty]] as const) {
    for (const mode of ["test", "live"] as Mode[]) {
      const ours: Array<{ ms: number; requests: number }> = [];
      const naive: Array<{ ms: number; requests: number }> = [];
      for (let run = 0; run < runs; run++) {
        // A fresh key per run: each starts with a full rate-limit bucket, as a newly pasted key does.
        const key = await admin.createKey({ mode, permissions: grantsOf(manifest) });
        let started = performance.now();
        const { report } = await checkKey(key.key, { ...manifest, modes: ["test", "live"] }, { transport, concurrency: CONCURRENCY });
        ours.push({ ms: performance.now() - started, requests: report.requests });
        if (report.verdict !== "accepted") throw new Error(`${label} ${mode}: expected accepted, got ${report.verdict}: ${report.summary}`);
        if ((await admin.ledger(key.id)).changes.length > 0) throw new Error("the probe changed something");

        const baselineKey = await admin.createKey({ mode, permissions: grantsOf(manifest) });
        started = performance.now();
        const requests = await naiveProbe(transport, createSecret(baselineKey.key), manifest);
        naive.push({ ms: performance.now() - started, requests });
      }
      const bound = (requests: number, concurrency: number) => Math.max(latencyMs * Math.ceil(requests / concurrency), (requests / RATE[mode]) * 1000);
      const o = { ms: median(ours.map((r) => r.ms)), requests: median(ours.map((r) => r.requests)) };
      const n = { ms: median(naive.map((r) => r.ms)), requests: median(naive.map((r) => r.requests)) };
      const row = (who: string, r: { ms: number; requests: number }, concurrency: number, speedUp: string) =>
        `${label.padEnd(17)} ${mode.padEnd(5)} ${who.padEnd(8)} ${String(r.requests).padStart(8)} ${r.ms.toFixed(0).padStart(9)} ${bound(r.requests, concurrency).toFixed(0).padStart(16)} ${(r.ms / bound(r.requests, concurrency)).toFixed(2).padStart(7)}   ${speedUp}`;
      console.log(row("keyport", o, CONCURRENCY, `${(n.ms / o.ms).toFixed(1)}×`));
      console.log(row("naive", n, 1, ""));
    }
  }
} finally {
  stop();
}
