import { hitRateLimit, RATE_LIMITS } from "~/auth/rate-limit.server";
import { healthStatusFromReport } from "~/domain/health/health-status";
import { parseKey } from "~/domain/key/parse-key";
import type { Manifest } from "~/domain/manifest/manifest";
import { checkParsedKey } from "~/domain/probe/check-key";
import { refusalReport } from "~/domain/probe/judge";
import type { ProbeProgress } from "~/domain/probe/run-probe";
import type { StripeTransport } from "~/domain/probe/stripe-transport";
import type { KeyCheckReport } from "~/domain/report/report";
import type { RequestMeta } from "./accounts.server";
import type { AppContext } from "./app-context.server";
import { recordAuditEvent } from "./audit.server";
import {
  type Connection,
  ConnectionStoreError,
  findActiveConnectionByFingerprint,
  listConnections,
  storeConnection,
} from "./connection-store.server";
import { connectionEventData, enqueueWebhookEvent } from "./webhooks.server";

/**
 * A customer pastes a key: rate limits, parse, probe, and — only when the verdict is accepted —
 * seal and store it as the organisation's connection for its mode (replacing the current one in
 * the same transaction). Refused, rejected and inconclusive keys leave nothing behind but an
 * audit entry without the key.
 */
export type ConnectOutcome =
  | { kind: "accepted"; report: KeyCheckReport; connection: Connection; replaced: Connection | null }
  | { kind: "rejected" | "refused" | "inconclusive"; report: KeyCheckReport }
  | { kind: "already_connected"; connection: Connection }
  | { kind: "account_mismatch"; report: KeyCheckReport; currentAccount: string; newAccount: string }
  | { kind: "rate_limited"; retryAfterMs: number };

export interface ConnectInput {
  organisationId: string;
  actor: { id: string; email: string };
  pasted: string;
  /** The customer confirmed that the new key may belong to another Stripe account than the current one. */
  confirmAccountSwitch?: boolean;
}

export interface ConnectDependencies {
  manifest: Manifest;
  transport: StripeTransport;
  onProgress?: (progress: ProbeProgress) => void;
  /** When the first scheduled health check should run. */
  firstCheckAt?: () => number;
}

export async function connectKey(ctx: AppContext, input: ConnectInput, meta: RequestMeta, deps: ConnectDependencies): Promise<ConnectOutcome> {
  const { manifest } = deps;
  const actor = { type: "user" as const, id: input.actor.id, label: input.actor.email };
  const audit = (outcome: string, details: Record<string, unknown>, target?: { type: string; id: string }) =>
    recordAuditEvent(ctx, { actor, action: "key.submitted", outcome, organisationId: input.organisationId, ip: meta.ip, target, details });

  const now = ctx.now();
  const perOrganisation = await hitRateLimit(ctx.db, RATE_LIMITS.keySubmissionsPerOrganisation, input.organisationId, now);
  const perIp = await hitRateLimit(ctx.db, RATE_LIMITS.keySubmissionsPerIp, meta.ip, now);
  if (!perOrganisation.allowed || !perIp.allowed) {
    await audit("rate_limited", { limit: !perOrganisation.allowed ? "organisation" : "ip" });
    return { kind: "rate_limited", retryAfterMs: Math.max(perOrganisation.retryAfterMs, perIp.retryAfterMs) };
  }

  const parsed = parseKey(input.pasted, { acceptedModes: manifest.modes });
  if (!parsed.ok) {
    const report = refusalReport(parsed.refusal, { manifest, checkedAt: new Date(now) });
    await audit("refused", { code: parsed.refusal.code, type: parsed.refusal.type, mode: parsed.refusal.mode ?? null, last4: parsed.refusal.last4 ?? null });
    return { kind: "refused", report };
  }
  const { secret, mode, last4 } = parsed.key;

  const duplicate = await findActiveConnectionByFingerprint(ctx, input.organisationId, secret);
  if (duplicate) {
    await audit("already_connected", { mode, last4 }, { type: "connection", id: duplicate.id });
    return { kind: "already_connected", connection: duplicate };
  }

  const { report } = await checkParsedKey(secret, { mode, last4 }, manifest, { transport: deps.transport, onProgress: deps.onProgress });
  const summary = {
    mode,
    last4,
    account: report.account,
    verdict: report.verdict,
    problems: report.problems.map((p) => p.code),
    requests: report.requests,
    durationMs: report.durationMs,
    manifestVersion: manifest.version,
  };
  if (report.verdict !== "accepted") {
    await audit(report.verdict, summary);
    return { kind: report.verdict, report };
  }

  const [current] = await listConnections(ctx, { organisationId: input.organisationId, state: "active", mode });
  if (current?.stripe_account_id && report.account && current.stripe_account_id !== report.account && !input.confirmAccountSwitch) {
    await audit("account_mismatch", { ...summary, currentAccount: current.stripe_account_id });
    return { kind: "account_mismatch", report, currentAccount: current.stripe_account_id, newAccount: report.account };
  }

  let connection: Connection;
  try {
    connection = await storeConnection(ctx, {
      organisationId: input.organisationId,
      mode,
      stripeAccountId: report.account,
      secret,
      last4,
      manifestVersion: manifest.version,
      report,
      createdBy: input.actor.id,
      replaces: current?.id,
      check: {
        triggeredBy: "connect",
        status: healthStatusFromReport(report),
        durationMs: report.durationMs,
        requests: report.requests,
        manifestVersion: manifest.version,
        findings: report,
        ...(deps.firstCheckAt ? { nextCheckAt: deps.firstCheckAt() } : {}),
      },
      // The vendor hears of it from the outbox, written in the same transaction as the connection.
      onStored: async (trx, stored) => {
        const organisationId = input.organisationId;
        if (current) {
          const replacedRow = { ...current, state: "replaced" as const };
          await enqueueWebhookEvent(trx, { type: "connection.replaced", connectionId: current.id, organisationId, data: connectionEventData(replacedRow, { replacedBy: stored.connection.id }) });
        }
        await enqueueWebhookEvent(trx, {
          type: "connection.created",
          connectionId: stored.connection.id,
          organisationId,
          data: connectionEventData(stored.connection, current ? { replaces: current.id } : {}),
        });
      },
    });
  } catch (error) {
    // Another key was stored for this mode at the same moment (or the one we replace just ended).
    if (error instanceof ConnectionStoreError && (error.code === "active_connection_exists" || error.code === "connection_not_active")) {
      await audit("inconclusive", { ...summary, conflict: error.code });
      const message = "Another key for this mode was connected or disconnected at the same moment. Nothing was stored from this attempt; reload the page and try again.";
      return { kind: "inconclusive", report: { ...report, verdict: "inconclusive", summary: message, problems: [{ code: "could_not_check", severity: "error", message }] } };
    }
    throw error;
  }

  await audit("accepted", summary, { type: "connection", id: connection.id });
  await recordAuditEvent(ctx, {
    actor,
    action: current ? "connection.replaced" : "connection.created",
    outcome: "success",
    organisationId: input.organisationId,
    target: { type: "connection", id: connection.id },
    ip: meta.ip,
    details: { mode, last4, account: report.account, ...(current ? { replaced: current.id, replacedLast4: current.key_last4 } : {}) },
  });
  return { kind: "accepted", report, connection, replaced: current ?? null };
}
