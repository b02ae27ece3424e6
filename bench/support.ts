/**
 * The support console's list with many connections: npx tsx bench/support.ts [connections=10000] [requests=200]
 *
 * Seeds a temporary SQLite database (organisations and connections; the sealed columns hold
 * placeholders, since the list never opens a key), starts the production build of the portal on
 * it, signs a support user in, and times the server's answer to GET /staff for the first page, a
 * deep page, a status filter and an organisation search: median and p95 over repeated requests.
 * Target: under 50 ms at the median.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { connectDatabase } from "~/db/connect";
import { migrateToLatest } from "~/db/migrate";
import type { HealthStatus } from "~/domain/health/health-status";
import { generateKeyRingEntry } from "~/domain/vault/key-ring";
import { createAppContext } from "~/services/app-context.server";
import { createStaffUser } from "~/services/accounts.server";
import { listConnectionsForSupport } from "~/services/support-console.server";
import { createId } from "~/utils/ids";

const total = Number(process.argv[2] ?? 10_000);
const requests = Number(process.argv[3] ?? 200);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keyport-bench-support-"));
const sqlitePath = path.join(dir, "keyport.db");

async function freePort() {
  return new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

// 1. Data: one organisation per connection pair (test + live), as customers have.
const handle = connectDatabase({ sqlitePath });
await migrateToLatest(handle.db, handle.dialect);
const ctx = createAppContext(handle, { secureCookies: true });
const now = Date.now();
const orgs = Array.from({ length: Math.ceil(total / 2) }, (_, i) => ({ id: createId("org"), name: `Customer ${i} ${["Analytics", "Retail", "Labs", "Health"][i % 4]}`, created_at: now }));
for (let i = 0; i < orgs.length; i += 500) await handle.db.insertInto("organisations").values(orgs.slice(i, i + 500)).execute();
const rows = Array.from({ length: total }, (_, i) => ({
  id: createId("con"),
  organisation_id: orgs[Math.floor(i / 2)]!.id,
  mode: (i % 2 === 0 ? "test" : "live") as "test" | "live",
  state: "active" as const,
  health_status: (i % 7 === 0 ? "expired" : i % 5 === 0 ? "missing_permissions" : "healthy") as HealthStatus,
  stripe_account_id: `acct_1${String(i).padStart(15, "0")}`,
  key_last4: String(i % 10_000).padStart(4, "0"),
  fingerprint: `placeholder-${i}`,
  fingerprint_key_id: "bench",
  master_key_id: "bench",
  wrapped_data_key: "AAAA",
  ciphertext: "AAAA",
  sealed_version: 1,
  manifest_version: 3,
  report: "{}",
  created_at: now - (total - i) * 60_000,
  created_by: null,
  updated_at: now,
  last_checked_at: now - (i % 1440) * 60_000,
  next_check_at: now + 3_600_000,
}));
for (let i = 0; i < rows.length; i += 500) await handle.db.insertInto("connections").values(rows.slice(i, i + 500)).execute();
const { user, generatedPassword } = await createStaffUser(ctx, { email: "bench-support@vendor.test", name: "Bench", role: "support" }, { type: "system", label: "bench" });
const session = await ctx.lucia.createSession(user.id, { created_at: now, ip: "127.0.0.1", user_agent: "bench" });
const cookie = ctx.lucia.createSessionCookie(session.id);
let deepCursor: string | undefined;
for (let page = 0, after: string | undefined; page < 40; page++) {
  const result = await listConnectionsForSupport(ctx, { after, limit: 50 });
  after = result.nextCursor ?? undefined;
  deepCursor = after;
}
await handle.destroy();
void generatedPassword;

// 2. The portal, production build, on that database.
if (spawnSync("npx", ["remix", "build"], { stdio: "ignore" }).status !== 0) throw new Error("remix build failed");
const port = await freePort();
const origin = `http://127.0.0.1:${port}`;
const server = spawn(process.execPath, ["--import", "tsx", "server/index.ts"], {
  env: {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(port),
    KEYPORT_ORIGIN: origin,
    KEYPORT_DATA_DIR: dir,
    DATABASE_URL: `sqlite:${sqlitePath}`,
    KEYPORT_ENCRYPTION_KEYS: generateKeyRingEntry("bench"),
    KEYPORT_SCHEDULER: "off",
    KEYPORT_LOG_LEVEL: "warn",
  },
  stdio: ["ignore", "pipe", "inherit"],
});
await new Promise<void>((resolve) => server.stdout.on("data", (d: Buffer) => d.toString().includes("listening") && resolve()));

try {
  const scenarios: Record<string, string> = {
    "first page": "/staff",
    "page 41 (cursor)": `/staff?after=${deepCursor}`,
    "status filter": "/staff?status=missing_permissions",
    "organisation search": "/staff?q=customer%204321",
    "account search": "/staff?q=acct_1000000000004321",
  };
  console.log(`Support console list, ${total.toLocaleString("en-US")} connections, ${requests} requests per scenario (server response time, full HTML)\n`);
  console.log("scenario               median ms   p95 ms   rows");
  for (const [name, url] of Object.entries(scenarios)) {
    const times: number[] = [];
    let rowsShown = 0;
    for (let i = 0; i < requests + 10; i++) {
      const started = performance.now();
      const response = await fetch(`${origin}${url}`, { headers: { Cookie: `${cookie.name}=${cookie.value}` } });
      const html = await response.text();
      if (response.status !== 200) throw new Error(`${name}: HTTP ${response.status}`);
      if (i >= 10) times.push(performance.now() - started);
      rowsShown = (html.match(/<tr>/g)?.length ?? 1) - 1;
    }
    times.sort((a, b) => a - b);
    const pick = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
    console.log(`${name.padEnd(22)} ${pick(0.5).toFixed(1).padStart(9)} ${pick(0.95).toFixed(1).padStart(8)} ${String(rowsShown).padStart(6)}`);
  }
} finally {
  server.kill("SIGTERM");
  fs.rmSync(dir, { recursive: true, force: true });
}
