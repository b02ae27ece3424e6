import { connectionEventData, enqueueWebhookEvent } from "./webhooks.server";
import type { Transaction } from "kysely";
import type { ConnectionMode, Database } from "~/db/schema";
import type { RequestMeta } from "./accounts.server";
import type { AppContext } from "./app-context.server";
import { type AuditActor, recordAuditEvent } from "./audit.server";
import { type Connection, ConnectionStoreError, destroyConnectionSecret, getConnection } from "./connection-store.server";

/**
 * A customer ends their organisation's connection: its key is destroyed here (ciphertext, wrapped
 * data key and fingerprint set to NULL in one UPDATE), the row stays as history with state
 * `revoked_by_customer`, and the audit trail says who did it, from where, and how it went.
 * Keyport cannot delete the key in Stripe; the caller shows `stripeApiKeysUrl(mode)` so the
 * customer can.
 */
export type DisconnectOutcome =
  | { kind: "disconnected"; connection: Connection; stripeApiKeysUrl: string }
  /** No such connection in this organisation: another organisation's id is answered the same way. */
  | { kind: "not_found" }
  /** It had already ended (replaced or disconnected); nothing changed. */
  | { kind: "already_ended"; connection: Connection };

export interface DisconnectInput {
  connectionId: string;
  organisationId: string;
  actor: AuditActor;
}

export interface DisconnectHooks {
  /**
   * Hook point for the `connection.revoked` webhook event: runs inside the transaction that
   * destroys the key and records the audit entry, after both, so an event enqueued here (an
   * outbox row) exists exactly when the disconnection does. Throwing rolls all of it back.
   */
  onRevoked?: (trx: Transaction<Database>, connection: Connection) => Promise<void>;
}

/** The Stripe Dashboard's API keys page for a mode, where the customer deletes the key. */
export function stripeApiKeysUrl(mode: ConnectionMode): string {
  return mode === "live" ? "https://dashboard.stripe.com/apikeys" : "https://dashboard.stripe.com/test/apikeys";
}

export async function disconnectConnection(
  ctx: AppContext,
  input: DisconnectInput,
  meta: Pick<RequestMeta, "ip">,
  hooks: DisconnectHooks = {},
): Promise<DisconnectOutcome> {
  const audit = (c: Pick<AppContext, "db" | "now">, outcome: string, details: Record<string, unknown>) =>
    recordAuditEvent(c, {
      actor: input.actor,
      action: "connection.revoked",
      outcome,
      organisationId: input.organisationId,
      target: { type: "connection", id: input.connectionId },
      ip: meta.ip,
      details,
    });

  const existing = await getConnection(ctx, input.connectionId, input.organisationId);
  if (!existing) {
    await audit(ctx, "not_found", {});
    return { kind: "not_found" };
  }
  const summary = { mode: existing.mode, last4: existing.key_last4, account: existing.stripe_account_id };
  if (existing.state !== "active") {
    await audit(ctx, "already_ended", { ...summary, state: existing.state });
    return { kind: "already_ended", connection: existing };
  }

  // ended_by references users: a customer or a staff member, never a service token.
  const endedBy = input.actor.type === "user" || input.actor.type === "staff" ? (input.actor.id ?? null) : null;
  try {
    const connection = await ctx.db.transaction().execute(async (trx) => {
      // The same context with the transaction as its database (Object.create leaves the lazy keyRing unread).
      const scoped = Object.create(ctx, { db: { value: trx } }) as AppContext;
      const ended = await destroyConnectionSecret(scoped, input.connectionId, { state: "revoked_by_customer", endedBy, organisationId: input.organisationId });
      await audit(scoped, "success", summary);
      // The vendor's systems hear of it from the outbox, in the same transaction.
      await enqueueWebhookEvent(trx, { type: "connection.revoked", connectionId: ended.id, organisationId: ended.organisation_id, data: connectionEventData(ended) });
      await hooks.onRevoked?.(trx, ended);
      return ended;
    });
    return { kind: "disconnected", connection, stripeApiKeysUrl: stripeApiKeysUrl(connection.mode) };
  } catch (error) {
    // Replaced or disconnected by someone else between our read and the UPDATE.
    if (error instanceof ConnectionStoreError && error.code === "connection_not_active") {
      const now = await getConnection(ctx, input.connectionId, input.organisationId);
      await audit(ctx, "already_ended", { ...summary, state: now?.state ?? null });
      if (now) return { kind: "already_ended", connection: now };
      return { kind: "not_found" };
    }
    throw error;
  }
}
