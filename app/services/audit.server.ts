import type { AuditEventRow, AuditEventTable } from "~/db/schema";
import { redactSecrets } from "~/utils/redact-secrets";
import type { AppContext } from "./app-context.server";

export interface AuditActor {
  type: AuditEventTable["actor_type"];
  id?: string | null;
  label?: string | null;
}

export interface AuditEventInput {
  actor: AuditActor;
  action: string;
  outcome: string;
  organisationId?: string | null;
  target?: { type: string; id: string } | null;
  ip?: string | null;
  details?: Record<string, unknown>;
}

/** Appends one entry to the audit trail. Entries are never updated or deleted (the database refuses to). */
export async function recordAuditEvent(ctx: Pick<AppContext, "db" | "now">, event: AuditEventInput) {
  await ctx.db
    .insertInto("audit_events")
    .values({
      occurred_at: ctx.now(),
      actor_type: event.actor.type,
      actor_id: event.actor.id ?? null,
      actor_label: event.actor.label ?? null,
      organisation_id: event.organisationId ?? null,
      action: event.action,
      target_type: event.target?.type ?? null,
      target_id: event.target?.id ?? null,
      outcome: event.outcome,
      ip: event.ip ?? null,
      details: JSON.stringify(redactSecrets(event.details ?? {})),
    })
    .execute();
}

export interface AuditEvent extends Omit<AuditEventRow, "details"> {
  details: Record<string, unknown>;
}

export function toAuditEvent(row: AuditEventRow): AuditEvent {
  return { ...row, details: JSON.parse(row.details) as Record<string, unknown> };
}

export async function listAuditEvents(
  ctx: Pick<AppContext, "db">,
  filter: { organisationId?: string; targetId?: string; limit?: number; beforeId?: number } = {},
): Promise<AuditEvent[]> {
  let query = ctx.db.selectFrom("audit_events").selectAll().orderBy("id", "desc").limit(filter.limit ?? 50);
  if (filter.organisationId) query = query.where("organisation_id", "=", filter.organisationId);
  if (filter.targetId) query = query.where("target_id", "=", filter.targetId);
  if (filter.beforeId) query = query.where("id", "<", filter.beforeId);
  return (await query.execute()).map(toAuditEvent);
}
