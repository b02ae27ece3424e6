import type { AppContext } from "./app-context.server";
import { type AuditEvent, listAuditEvents } from "./audit.server";

export const ACTIVITY_PAGE_SIZE = 50;

export interface ActivityPage {
  events: AuditEvent[];
  /** Pass as `beforeId` for the next (older) page; null on the last page. */
  nextBefore: number | null;
}

/**
 * An organisation's audit trail as its customers see it: only entries recorded for that
 * organisation, newest first, keyset-paginated. Optionally only those about one connection.
 * Read-only: entries are never edited or deleted (the database refuses to).
 */
export async function listOrganisationActivity(
  ctx: Pick<AppContext, "db">,
  filter: { organisationId: string; connectionId?: string; beforeId?: number; limit?: number },
  options: { vendorName: string },
): Promise<ActivityPage> {
  const limit = filter.limit ?? ACTIVITY_PAGE_SIZE;
  const rows = await listAuditEvents(ctx, { organisationId: filter.organisationId, targetId: filter.connectionId, beforeId: filter.beforeId, limit: limit + 1 });
  const page = rows.slice(0, limit);
  return {
    events: page.map((event) => forCustomerEyes(event, options.vendorName)),
    nextBefore: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
  };
}

/**
 * What a customer sees of one entry. Staff actions that concern the organisation are shown as the
 * vendor's support, without the staff member's identity, e-mail address or network address.
 */
export function forCustomerEyes(event: AuditEvent, vendorName: string): AuditEvent {
  const staff = event.actor_type === "staff";
  return {
    id: event.id,
    occurred_at: event.occurred_at,
    actor_type: event.actor_type,
    actor_id: staff ? null : event.actor_id,
    actor_label: staff ? `${vendorName} support` : event.actor_label,
    organisation_id: event.organisation_id,
    action: event.action,
    outcome: event.outcome,
    ip: staff ? null : event.ip,
    target_type: event.target_type,
    target_id: event.target_id,
    details: event.details,
  };
}
