/**
 * How many requests per second the Stripe emulator answers, so it is never the bottleneck of a
 * benchmark. `npx tsx bench/emulator-throughput.ts [seconds-per-scenario] [connections]`
 *
 * The emulator runs in a child process (its own core; Node runs it on one thread) with rate limits
 * off and no faults; this process drives it over keep-alive connections, one request in flight per
 * connection (no pipelining), and reports for each scenario:
 *   (a) 403 denials: GET /v1/customers with a key that has no permissions,
 *   (b) list reads:  GET /v1/customers?limit=3 with customer_read,
 *   (c) 401s:        GET /v1/customers with an unknown key,
 * the requests per second, the emulator's CPU use over the run (from /_emulator/health), and the
 * rate that CPU use implies for one fully used core.
 */
import net from "node:net";
import { createEmulatorAdmin } from "../emulator/admin-client";
import { startEmulatorProcess } from "./support/emulator-process";

const seconds = Number(process.argv[2] ?? 5);
const connections = Number(process.argv[3] ?? 32);

const { url, stop } = await startEmulatorProcess({ STRIPE_EMULATOR_RATE_LIMIT: "off" });
const port = Number(new URL(url).port);
const admin = createEmulatorAdmin(url);

const denied = await admin.createKey({ mode: "test", permissions: [] });
const reader = await admin.createKey({ mode: "test", permissions: ["customer_read"] });
const unknownKey = `rk_test_51${"x".repeat(97)}`;

function requestBytes(path: string, key: string): Buffer {
  return Buffer.from(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${key}\r\nConnection: keep-alive\r\n\r\n`);
}

interface RunResult {
  completed: number;
  statuses: Map<number, number>;
  elapsedMs: number;
}

/** Drives `connections` keep-alive sockets, each sending the next request when the last answer is complete. */
function drive(request: Buffer, durationMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const statuses = new Map<number, number>();
    let completed = 0;
    let open = connections;
    const started = performance.now();
    const deadline = started + durationMs;
    for (let c = 0; c < connections; c++) {
      const socket = net.connect(port, "127.0.0.1");
      socket.setNoDelay(true);
      let buffer: Buffer = Buffer.alloc(0);
      socket.on("connect", () => socket.write(request));
      socket.on("data", (chunk: Buffer) => {
        buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
        for (;;) {
          const headerEnd = buffer.indexOf("\r\n\r\n");
          if (headerEnd === -1) return;
          const head = buffer.subarray(0, headerEnd).toString("latin1");
          const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
          const total = headerEnd + 4 + length;
          if (buffer.length < total) return;
          const status = Number(head.slice(9, 12));
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          completed++;
          buffer = buffer.subarray(total);
          if (performance.now() < deadline) socket.write(request);
          else socket.end();
        }
      });
      socket.on("error", reject);
      socket.on("close", () => {
        open--;
        if (open === 0) resolve({ completed, statuses, elapsedMs: performance.now() - started });
      });
    }
  });
}

const scenarios = [
  { name: "(a) 403 permission denial", request: requestBytes("/v1/customers", denied.key), expect: 403 },
  { name: "(b) list read, limit=3", request: requestBytes("/v1/customers?limit=3", reader.key), expect: 200 },
  { name: "(c) 401 invalid key", request: requestBytes("/v1/customers", unknownKey), expect: 401 },
];

console.log(`Stripe emulator throughput: ${connections} keep-alive connections, ${seconds} s per scenario`);
try {
  for (const scenario of scenarios) {
    await drive(scenario.request, 1000); // warm-up (JIT, connection set-up)
    const before = await admin.health();
    const run = await drive(scenario.request, seconds * 1000);
    const after = await admin.health();
    const cpuSeconds = (after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / 1e6;
    const wallSeconds = run.elapsedMs / 1000;
    const perSecond = run.completed / wallSeconds;
    const cpuShare = cpuSeconds / wallSeconds;
    const unexpected = [...run.statuses].filter(([status]) => status !== scenario.expect);
    if (unexpected.length > 0) throw new Error(`${scenario.name}: unexpected statuses ${JSON.stringify(unexpected)}`);
    console.log(
      `${scenario.name.padEnd(28)} ${Math.round(perSecond).toLocaleString("en-US").padStart(8)} req/s   emulator CPU ${(cpuShare * 100).toFixed(0).padStart(3)}%   ≈ ${Math.round(perSecond / cpuShare).toLocaleString("en-US").padStart(8)} req/s per core   (${run.completed.toLocaleString("en-US")} × ${scenario.expect})`,
    );
  }
} finally {
  stop();
}
