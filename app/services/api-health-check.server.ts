import type { HealthStatus } from "~/domain/health/health-status";
import { healthStatusFromReport } from "~/domain/health/health-status";
import type { Manifest } from "~/domain/manifest/manifest";
import { checkParsedKey } from "~/domain/probe/check-key";
import type { StripeTransport } from "~/domain/probe/stripe-transport";
import type { KeyCheckReport } from "~/domain/report/report";
import type { AppContext } from "./app-context.server";
import { type AuditActor, recordAuditEvent } from "./audit.server";
import { ConnectionStoreError, getConnection, openConnectionSecret, recordCheck } from "./connection-store.server";
import { connectionEventData, enqueueWebhookEvent } from "./webhooks.server";

/*
 * The API's "check now" goes through one function with the signature of issue 7's
 * `runHealthCheck(ctx, connectionId, { trigger, actor })` (app/services/health-check.server.ts).
 * That service is not on main yet, so this interim adapter does a plain re-check: open the key in
 * memory, run the same check as the connect flow, record it in the history, audit it, and put a
 * `connection.status_changed` event in the outbox when the status moved. When issue 7 lands, the
 * API's dependencies (vendor-api.server.ts, `vendorApiDependencies`) point at the real one and this
 * file goes away.
 */

export interface HealthCheckOptions {
  trigger: "api";
  actor: AuditActor & { ip?: string | null };
}

export interface HealthCheckOutcome {
  status: HealthStatus;
  previousStatus?: HealthStatus;
  report: KeyCheckReport;
}

export type RunHealthCheck = (ctx: AppContext, connectionId: string, options: HealthCheckOptions) => Promise<HealthCheckOutcome>;

export function createInterimHealthCheck(deps: { manifest: Manifest; transport: StripeTransport }): RunHealthCheck {
  return async (ctx, connectionId, options) => {
    const connection = await getConnection(ctx, connectionId);
    if (!connection) throw new ConnectionStoreError("connection_not_found", connectionId, `There is no connection '${connectionId}'.`);
    if (connection.state !== "active") throw new ConnectionStoreError("connection_not_active", connectionId, `Connection '${connectionId}' has already ended.`);
    const secret = await openConnectionSecret(ctx, connectionId);
    const { report } = await checkParsedKey(secret, { mode: connection.mode, last4: connection.key_last4 }, deps.manifest, { transport: deps.transport });
    const status = healthStatusFromReport(report);
    const { previousStatus } = await recordCheck(ctx, {
      connectionId,
      triggeredBy: "api",
      status,
      durationMs: report.durationMs,
      requests: report.requests,
      manifestVersion: deps.manifest.version,
      findings: report,
    });
    const { ip, ...actor } = options.actor;
    const audit = { actor, organisationId: connection.organisation_id, target: { type: "connection", id: connectionId }, ip };
    await recordAuditEvent(ctx, { ...audit, action: "connection.checked", outcome: status, details: { trigger: options.trigger, status, previousStatus, requests: report.requests } });
    if (status !== previousStatus) {
      await recordAuditEvent(ctx, { ...audit, action: "connection.status_changed", outcome: "success", details: { from: previousStatus, to: status } });
      await enqueueWebhookEvent(
        ctx.db,
        {
          type: "connection.status_changed",
          connectionId,
          organisationId: connection.organisation_id,
          data: { ...connectionEventData(connection, { previousStatus }), status },
        },
        { now: ctx.now() },
      );
    }
    return { status, previousStatus, report };
  };
}
