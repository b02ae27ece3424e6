import { healthStatusWithDrift, requirementsOf } from "~/domain/health/manifest-drift";
import type { HealthStatus } from "~/domain/health/health-status";
import type { Manifest } from "~/domain/manifest/manifest";
import { checkParsedKey } from "~/domain/probe/check-key";
import type { StripeTransport } from "~/domain/probe/stripe-transport";
import type { KeyCheckReport } from "~/domain/report/report";
import type { CheckTrigger } from "~/db/schema";
import type { AppContext } from "./app-context.server";
import { type AuditActor, recordAuditEvent } from "./audit.server";
import { ConnectionStoreError, getConnection, openConnectionSecret, recordCheck } from "./connection-store.server";
import { connectionEventData, enqueueWebhookEvent } from "./webhooks.server";

/**
 * Re-probes a stored connection: the key is decrypted in memory only, checked with the same plan
 * and judgement as when it was pasted, and the result is kept as history. A status change is an
 * event in the audit trail. Stripe being unreachable gives `check_failed`, never a permission status.
 */
export interface HealthCheckResult {
  connectionId: string;
  status: HealthStatus;
  previousStatus: HealthStatus;
  changed: boolean;
  report: KeyCheckReport | null;
  durationMs: number;
  requests: number;
  /** Set when the stored key could not be opened (tampered, moved, master key missing). */
  error?: string;
}

export interface HealthCheckOptions {
  trigger: CheckTrigger;
  actor: AuditActor;
  manifest: Manifest;
  transport: StripeTransport;
  /** When the scheduler should look again, given this check's status (interval and jitter). */
  scheduleNext?: (status: HealthStatus) => number;
  /** Requests per second by the key's mode (sweeps leave room for the vendor's own traffic). */
  ratePerMode?: { test: number; live: number };
  /** The scheduler's lease on the connection, released with the result. */
  leaseOwner?: string;
  ip?: string | null;
}

export async function runHealthCheck(ctx: AppContext, connectionId: string, options: HealthCheckOptions): Promise<HealthCheckResult> {
  const connection = await getConnection(ctx, connectionId);
  if (!connection) throw new ConnectionStoreError("connection_not_found", connectionId, `No connection ${connectionId}.`);
  if (connection.state !== "active") {
    throw new ConnectionStoreError("connection_not_active", connectionId, `Connection ${connectionId} has ended (${connection.state}); there is no key to check.`);
  }
  const { manifest } = options;
  const started = performance.now();

  let report: KeyCheckReport | null = null;
  let status: HealthStatus;
  let error: string | undefined;
  try {
    const secret = await openConnectionSecret(ctx, connectionId);
    ({ report } = await checkParsedKey(secret, { mode: connection.mode, last4: connection.key_last4 }, manifest, {
      transport: options.transport,
      ratePerSecond: options.ratePerMode?.[connection.mode],
    }));
    const baseline = await acceptedBaseline(ctx, connectionId, connection.report as KeyCheckReport, connection.manifest_version);
    status = healthStatusWithDrift(report, baseline);
  } catch (caught) {
    if (!(caught instanceof ConnectionStoreError)) throw caught;
    // A row that no longer opens is this connection's problem, reported for it, not a crash.
    status = "check_failed";
    error = caught.message;
  }

  const durationMs = Math.round(performance.now() - started);
  const requests = report?.requests ?? 0;
  const satisfies = status === "healthy" || status === "over_privileged";
  const { previousStatus } = await recordCheck(ctx, {
    connectionId,
    triggeredBy: options.trigger,
    status,
    durationMs,
    requests,
    manifestVersion: manifest.version,
    findings: report ?? { error },
    ...(options.scheduleNext ? { nextCheckAt: options.scheduleNext(status) } : {}),
    ...(satisfies ? { satisfiesManifestVersion: manifest.version } : {}),
    ...(options.leaseOwner ? { releaseLeaseOf: options.leaseOwner } : {}),
    // A status change reaches the vendor through the outbox, in the transaction that records it.
    onStatusChange: (trx, change) =>
      enqueueWebhookEvent(trx, {
        type: "connection.status_changed",
        connectionId,
        organisationId: connection.organisation_id,
        data: connectionEventData({ ...connection, health_status: change.next }, { previousStatus: change.previous }),
      }).then(() => undefined),
  });

  const common = { actor: options.actor, organisationId: connection.organisation_id, target: { type: "connection", id: connectionId }, ip: options.ip ?? null };
  await recordAuditEvent(ctx, {
    ...common,
    action: "connection.checked",
    outcome: status,
    details: { trigger: options.trigger, requests, durationMs, manifestVersion: manifest.version, ...(error ? { error } : {}) },
  });
  if (previousStatus !== status) {
    await recordAuditEvent(ctx, { ...common, action: "connection.status_changed", outcome: status, details: { from: previousStatus, to: status } });
  }
  return { connectionId, status, previousStatus, changed: previousStatus !== status, report, durationMs, requests, ...(error ? { error } : {}) };
}

/** What the key was last found to satisfy: the newest passing check, or the report it was accepted with. */
async function acceptedBaseline(ctx: AppContext, connectionId: string, acceptedReport: KeyCheckReport, manifestVersion: number) {
  const row = await ctx.db
    .selectFrom("connection_checks")
    .select(["findings", "manifest_version"])
    .where("connection_id", "=", connectionId)
    .where("status", "in", ["healthy", "over_privileged"])
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  const report = row ? (JSON.parse(row.findings) as KeyCheckReport) : acceptedReport;
  return { manifestVersion: row?.manifest_version ?? manifestVersion, required: requirementsOf(report) };
}
