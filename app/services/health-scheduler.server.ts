import { randomBytes } from "node:crypto";
import { HEALTH_STATUSES, type HealthStatus } from "~/domain/health/health-status";
import type { Manifest } from "~/domain/manifest/manifest";
import { STRIPE_RATE_LIMITS } from "~/domain/probe/rate-limiter";
import type { StripeTransport } from "~/domain/probe/stripe-transport";
import type { AppContext } from "./app-context.server";
import { runHealthCheck } from "./health-check.server";

/**
 * Scheduled health checks. Due connections are claimed with a lease (lease_owner,
 * lease_expires_at), so with several portal instances on one PostgreSQL database each connection
 * is checked by one instance only (`FOR UPDATE SKIP LOCKED`), and a crashed instance's lease
 * simply expires. On SQLite the claiming UPDATE is atomic on its own.
 */
export interface ScheduleSettings {
  intervalMs: number;
  /** 0.1 spreads each interval by ±10%. */
  jitter: number;
  /** Checks that could not reach Stripe are retried sooner than the full interval. */
  retryFailedMs?: number;
}

/** Sweeps use 40% of a key's documented rate limit, leaving the rest to the vendor's own traffic. */
export const SWEEP_RATE = { test: STRIPE_RATE_LIMITS.test * 0.4, live: STRIPE_RATE_LIMITS.live * 0.4 };

export function nextCheckAt(now: number, settings: ScheduleSettings, status: HealthStatus | "new", random = Math.random) {
  const base = status === "check_failed" ? Math.min(settings.intervalMs, settings.retryFailedMs ?? 15 * 60_000) : settings.intervalMs;
  return Math.round(now + base * (1 + settings.jitter * (2 * random() - 1)));
}

export function newInstanceId() {
  return `instance-${randomBytes(6).toString("hex")}`;
}

/** Claims up to `limit` due connections for `instanceId`; returns their ids. */
export async function claimDueConnections(
  ctx: AppContext,
  options: { instanceId: string; limit: number; leaseMs: number; now?: number; onlyIds?: string[] },
): Promise<string[]> {
  const now = options.now ?? ctx.now();
  let due = ctx.db
    .selectFrom("connections")
    .select("id")
    .where("state", "=", "active")
    .where((eb) => eb.or([eb("next_check_at", "is", null), eb("next_check_at", "<=", now)]))
    .where((eb) => eb.or([eb("lease_expires_at", "is", null), eb("lease_expires_at", "<", now)]))
    .orderBy("next_check_at")
    .orderBy("id")
    .limit(options.limit);
  if (options.onlyIds) due = due.where("id", "in", options.onlyIds.length ? options.onlyIds : [""]);
  if (ctx.dialect === "postgres") due = due.forUpdate().skipLocked();
  const claimed = await ctx.db
    .updateTable("connections")
    .set({ lease_owner: options.instanceId, lease_expires_at: now + options.leaseMs })
    .where("id", "in", due)
    .where((eb) => eb.or([eb("lease_expires_at", "is", null), eb("lease_expires_at", "<", now)]))
    .returning("id")
    .execute();
  return claimed.map((r) => r.id);
}

export interface SweepOptions {
  instanceId: string;
  manifest: Manifest;
  transport: StripeTransport;
  schedule: ScheduleSettings;
  /** Connections checked at once (each under its own key's rate limit). */
  concurrency?: number;
  batchSize?: number;
  leaseMs?: number;
  /** Requests per second per key during a sweep; defaults to SWEEP_RATE. */
  ratePerMode?: { test: number; live: number };
  /** Only these connections (the command line's --connection). */
  onlyIds?: string[];
  signal?: AbortSignal;
}

export interface SweepSummary {
  checked: number;
  byStatus: Partial<Record<HealthStatus, number>>;
  failed: Array<{ connectionId: string; error: string }>;
  durationMs: number;
}

/** Checks every due connection, batch by batch, until none is left (or the signal aborts). */
export async function sweepHealth(ctx: AppContext, options: SweepOptions): Promise<SweepSummary> {
  const started = performance.now();
  const summary: SweepSummary = { checked: 0, byStatus: {}, failed: [], durationMs: 0 };
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const concurrency = options.concurrency ?? 8;
  for (;;) {
    if (options.signal?.aborted) break;
    const ids = await claimDueConnections(ctx, { instanceId: options.instanceId, limit: options.batchSize ?? 50, leaseMs, onlyIds: options.onlyIds });
    if (ids.length === 0) break;
    const queue = [...ids];
    const worker = async () => {
      for (let id = queue.shift(); id; id = queue.shift()) {
        try {
          const result = await runHealthCheck(ctx, id, {
            trigger: "scheduled",
            actor: { type: "system", label: "health scheduler" },
            manifest: options.manifest,
            transport: options.transport,
            ratePerMode: options.ratePerMode ?? SWEEP_RATE,
            leaseOwner: options.instanceId,
            // Rescheduled in the same transaction that releases the lease, so no other instance sees it due.
            scheduleNext: (status) => nextCheckAt(ctx.now(), options.schedule, status),
          });
          summary.checked++;
          summary.byStatus[result.status] = (summary.byStatus[result.status] ?? 0) + 1;
        } catch (error) {
          summary.failed.push({ connectionId: id, error: error instanceof Error ? error.message : String(error) });
          // Leave it for later rather than retrying in a tight loop.
          await ctx.db
            .updateTable("connections")
            .set({ lease_owner: null, lease_expires_at: null, next_check_at: nextCheckAt(ctx.now(), options.schedule, "check_failed") })
            .where("id", "=", id)
            .where("lease_owner", "=", options.instanceId)
            .execute();
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, worker));
  }
  summary.durationMs = Math.round(performance.now() - started);
  return summary;
}

/** Makes every active connection due now (`health --all`), or only those accepted under an older manifest. */
export async function makeDue(ctx: AppContext, options: { olderThanManifest?: number; at?: number } = {}) {
  let query = ctx.db.updateTable("connections").set({ next_check_at: options.at ?? ctx.now() }).where("state", "=", "active");
  if (options.olderThanManifest !== undefined) {
    query = query.where("manifest_version", "<", options.olderThanManifest).where((eb) => eb.or([eb("next_check_at", "is", null), eb("next_check_at", ">", options.at ?? ctx.now())]));
  }
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export function describeSweep(summary: SweepSummary) {
  const statuses = HEALTH_STATUSES.filter((s) => summary.byStatus[s]).map((s) => `${summary.byStatus[s]} ${s}`);
  return `Checked ${summary.checked} connection${summary.checked === 1 ? "" : "s"} in ${(summary.durationMs / 1000).toFixed(1)} s${statuses.length ? `: ${statuses.join(", ")}` : ""}${summary.failed.length ? `; ${summary.failed.length} failed` : ""}.`;
}

/**
 * The portal's own scheduler: soon after start (and so soon after a manifest change), then every
 * `tickMs`, it sweeps the due connections. Returns a function that stops it.
 */
export function startHealthScheduler(ctx: AppContext, options: Omit<SweepOptions, "instanceId" | "signal"> & { tickMs?: number; log?: (line: string) => void }) {
  const instanceId = newInstanceId();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = (async () => {
      try {
        // Connections accepted under an older manifest are re-evaluated within the next few minutes.
        await makeDue(ctx, { olderThanManifest: options.manifest.version, at: ctx.now() + Math.round(Math.random() * 60_000) });
        const summary = await sweepHealth(ctx, { ...options, instanceId, signal: controller.signal });
        if (summary.checked > 0 || summary.failed.length > 0) options.log?.(`Health: ${describeSweep(summary)}`);
      } catch (error) {
        options.log?.(`Health scheduler: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        if (!controller.signal.aborted) timer = setTimeout(tick, options.tickMs ?? 60_000).unref();
      }
    })();
  };
  timer = setTimeout(tick, 5_000).unref();
  return async () => {
    controller.abort();
    clearTimeout(timer);
    await running;
  };
}
