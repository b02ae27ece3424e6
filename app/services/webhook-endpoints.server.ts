import { isIP } from "node:net";
import { randomInt } from "node:crypto";
import type { Selectable } from "kysely";
import { z } from "zod";
import type { WebhookDeliveryStatus, WebhookEndpointStatus, WebhookEndpointTable } from "~/db/schema";
import { createSecret, type Secret } from "~/domain/key/secret";
import { openSecret, rewrapDataKey, type SealedSecret, sealSecret, type SecretBinding } from "~/domain/vault/sealed-secret";
import { VaultError } from "~/domain/vault/vault-error";
import { createId } from "~/utils/ids";
import type { AppContext } from "./app-context.server";
import { type AuditActor, recordAuditEvent } from "./audit.server";

/*
 * The vendor's webhook endpoints and their signing secrets.
 *
 * A signing secret (`whsec_` and 43 random alphanumerics, about 256 bits) is shown once when the
 * endpoint is created and then only ever used to sign. It is sealed with the vault, like a
 * customer's key, rather than derived from a master key: the vendor configures it in their receiver,
 * so it must survive a master-key rotation unchanged, which a derived secret would not
 * (docs/decisions/006-vendor-api-and-webhook-signing.md). The binding names the endpoint under an
 * organisation id no customer organisation can have, so a sealed secret cannot be swapped with a
 * customer's sealed key or another endpoint's secret.
 */

export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string;
  status: WebhookEndpointStatus;
  secretLast4: string;
  createdAt: number;
  updatedAt: number;
}

export interface WebhookEndpointSummary extends WebhookEndpoint {
  deliveries: Record<WebhookDeliveryStatus, number>;
}

export interface EndpointAdministrator {
  actor: AuditActor;
  ip?: string | null;
}

const ENDPOINT_COLUMNS = ["id", "url", "description", "status", "secret_last4", "created_at", "updated_at"] as const;
type EndpointRow = Pick<Selectable<WebhookEndpointTable>, (typeof ENDPOINT_COLUMNS)[number]>;

function toEndpoint(row: EndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    status: row.status,
    secretLast4: row.secret_last4,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const SECRET_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

function generateSigningSecret(): Secret {
  let body = "";
  for (let i = 0; i < 43; i++) body += SECRET_ALPHABET[randomInt(SECRET_ALPHABET.length)];
  return createSecret(`whsec_${body}`);
}

/** The sealed record's binding: an organisation id no customer organisation can have (theirs are `org_…`). */
function secretBinding(endpointId: string): SecretBinding {
  return { organisationId: "keyport:webhook-endpoint", connectionId: endpointId };
}

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "");
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return host === "::1";
}

/**
 * An endpoint URL: https, or plain http to a loopback address when `allowInsecureLoopback` (development
 * and tests). No credentials in the URL (they would be shown in the admin pages) and no fragment.
 */
export function webhookUrlSchema(options: { allowInsecureLoopback: boolean }) {
  return z
    .string({ error: "Enter the endpoint's URL." })
    .trim()
    .min(1, { error: "Enter the endpoint's URL." })
    .max(2048, { error: "Use a URL of at most 2048 characters." })
    .superRefine((value, ctx) => {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        ctx.addIssue({ code: "custom", message: "Enter a full URL, such as https://billing.example.com/keyport/webhooks." });
        return;
      }
      if (url.username || url.password) {
        ctx.addIssue({ code: "custom", message: "Leave credentials out of the URL; Keyport signs every request instead." });
      } else if (url.hash) {
        ctx.addIssue({ code: "custom", message: "Leave the #fragment out of the URL." });
      } else if (url.protocol === "http:" && options.allowInsecureLoopback && isLoopbackHost(url.hostname)) {
        return;
      } else if (url.protocol !== "https:") {
        ctx.addIssue({
          code: "custom",
          message: options.allowInsecureLoopback ? "Use an https:// URL (plain http is allowed only for this machine's loopback address)." : "Use an https:// URL.",
        });
      }
    })
    .transform((value) => new URL(value).toString());
}

export const WebhookDescriptionSchema = z.string().trim().max(200, { error: "Use at most 200 characters." }).default("");

export type CreateEndpointResult =
  | { ok: true; endpoint: WebhookEndpoint; secret: Secret }
  | { ok: false; field: "url" | "description"; message: string };

/** Adds an endpoint (enabled) and returns its signing secret, once. */
export async function createWebhookEndpoint(
  ctx: AppContext,
  input: { url: string; description?: string },
  by: EndpointAdministrator,
  options: { allowInsecureLoopback: boolean },
): Promise<CreateEndpointResult> {
  const url = webhookUrlSchema(options).safeParse(input.url);
  if (!url.success) return { ok: false, field: "url", message: url.error.issues[0]!.message };
  const description = WebhookDescriptionSchema.safeParse(input.description ?? "");
  if (!description.success) return { ok: false, field: "description", message: description.error.issues[0]!.message };

  const id = createId("we");
  const secret = generateSigningSecret();
  const sealed = sealSecret({ plaintext: secret, binding: secretBinding(id), keyRing: ctx.keyRing });
  const now = ctx.now();
  const row: Selectable<WebhookEndpointTable> = {
    id,
    url: url.data,
    description: description.data,
    status: "enabled",
    secret_master_key_id: sealed.masterKeyId,
    secret_wrapped_data_key: sealed.wrappedDataKey,
    secret_ciphertext: sealed.ciphertext,
    secret_sealed_version: sealed.version,
    secret_last4: secret.reveal().slice(-4),
    created_at: now,
    created_by: by.actor.type === "staff" ? (by.actor.id ?? null) : null,
    updated_at: now,
  };
  await ctx.db.insertInto("webhook_endpoints").values(row).execute();
  await recordAuditEvent(ctx, {
    actor: by.actor,
    action: "webhook_endpoint.created",
    outcome: "success",
    target: { type: "webhook_endpoint", id },
    ip: by.ip,
    details: { url: row.url, description: row.description, secretLast4: row.secret_last4 },
  });
  return { ok: true, endpoint: toEndpoint(row), secret };
}

export async function getWebhookEndpoint(ctx: Pick<AppContext, "db">, id: string): Promise<WebhookEndpoint | undefined> {
  const row = await ctx.db.selectFrom("webhook_endpoints").select(ENDPOINT_COLUMNS).where("id", "=", id).where("status", "!=", "deleted").executeTakeFirst();
  return row && toEndpoint(row);
}

/** Every endpoint that is not deleted, oldest first, with its deliveries counted by status. */
export async function listWebhookEndpoints(ctx: Pick<AppContext, "db">): Promise<WebhookEndpointSummary[]> {
  const rows = await ctx.db.selectFrom("webhook_endpoints").select(ENDPOINT_COLUMNS).where("status", "!=", "deleted").orderBy("created_at").orderBy("id").execute();
  if (rows.length === 0) return [];
  const counts = await ctx.db
    .selectFrom("webhook_deliveries")
    .select(["endpoint_id", "status", (eb) => eb.fn.countAll<number | string>().as("count")])
    .where(
      "endpoint_id",
      "in",
      rows.map((r) => r.id),
    )
    .groupBy(["endpoint_id", "status"])
    .execute();
  return rows.map((row) => {
    const deliveries: Record<WebhookDeliveryStatus, number> = { pending: 0, delivered: 0, failed: 0, cancelled: 0 };
    for (const c of counts) if (c.endpoint_id === row.id) deliveries[c.status] = Number(c.count);
    return { ...toEndpoint(row), deliveries };
  });
}

/** Stops (disabled) or resumes (enabled) deliveries to an endpoint. Pending deliveries wait while it is disabled. */
export async function setWebhookEndpointStatus(
  ctx: AppContext,
  id: string,
  status: "enabled" | "disabled",
  by: EndpointAdministrator,
): Promise<WebhookEndpoint | undefined> {
  const result = await ctx.db
    .updateTable("webhook_endpoints")
    .set({ status, updated_at: ctx.now() })
    .where("id", "=", id)
    .where("status", "!=", "deleted")
    .where("status", "!=", status)
    .executeTakeFirst();
  const endpoint = await getWebhookEndpoint(ctx, id);
  if (endpoint && Number(result.numUpdatedRows) === 1) {
    await recordAuditEvent(ctx, {
      actor: by.actor,
      action: status === "enabled" ? "webhook_endpoint.enabled" : "webhook_endpoint.disabled",
      outcome: "success",
      target: { type: "webhook_endpoint", id },
      ip: by.ip,
      details: { url: endpoint.url },
    });
  }
  return endpoint;
}

/**
 * Deletes an endpoint: its signing secret is destroyed (the sealed record set to NULL in the same
 * UPDATE) and its pending deliveries are cancelled, in one transaction. Its log stays in the database.
 */
export async function deleteWebhookEndpoint(ctx: AppContext, id: string, by: EndpointAdministrator): Promise<boolean> {
  const endpoint = await getWebhookEndpoint(ctx, id);
  if (!endpoint) return false;
  const now = ctx.now();
  const deleted = await ctx.db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable("webhook_endpoints")
      .set({
        status: "deleted",
        secret_master_key_id: null,
        secret_wrapped_data_key: null,
        secret_ciphertext: null,
        secret_sealed_version: null,
        updated_at: now,
      })
      .where("id", "=", id)
      .where("status", "!=", "deleted")
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return false;
    await trx
      .updateTable("webhook_deliveries")
      .set({ status: "cancelled", next_attempt_at: null, lease_owner: null, lease_expires_at: null })
      .where("endpoint_id", "=", id)
      .where("status", "=", "pending")
      .execute();
    return true;
  });
  if (deleted) {
    await recordAuditEvent(ctx, {
      actor: by.actor,
      action: "webhook_endpoint.deleted",
      outcome: "success",
      target: { type: "webhook_endpoint", id },
      ip: by.ip,
      details: { url: endpoint.url },
    });
  }
  return deleted;
}

/** The endpoint's signing secret, decrypted in memory for signing. Throws VaultError when it cannot be opened. */
export async function openWebhookSigningSecret(ctx: AppContext, endpointId: string): Promise<Secret> {
  const row = await ctx.db
    .selectFrom("webhook_endpoints")
    .select(["secret_master_key_id", "secret_wrapped_data_key", "secret_ciphertext", "secret_sealed_version"])
    .where("id", "=", endpointId)
    .executeTakeFirst();
  const sealed = row && sealedRecord(row);
  if (!sealed) throw new VaultError("tampered", `Webhook endpoint '${endpointId}' has no signing secret (it was deleted).`, "record");
  return openSecret(sealed, secretBinding(endpointId), ctx.keyRing);
}

function sealedRecord(
  row: Pick<WebhookEndpointTable, "secret_master_key_id" | "secret_wrapped_data_key" | "secret_ciphertext" | "secret_sealed_version">,
): SealedSecret | undefined {
  if (row.secret_master_key_id === null || row.secret_wrapped_data_key === null || row.secret_ciphertext === null || row.secret_sealed_version === null) {
    return undefined;
  }
  return { masterKeyId: row.secret_master_key_id, wrappedDataKey: row.secret_wrapped_data_key, ciphertext: row.secret_ciphertext, version: row.secret_sealed_version };
}

/**
 * Re-wraps every endpoint's signing secret under the active master key (the secret itself, and so
 * every receiver's configuration, stays the same). For `vault:rotate`; safe to re-run.
 */
export async function rewrapWebhookSecrets(ctx: AppContext): Promise<{ rewrapped: number; failed: { endpointId: string; message: string }[] }> {
  const rows = await ctx.db
    .selectFrom("webhook_endpoints")
    .select(["id", "secret_master_key_id", "secret_wrapped_data_key", "secret_ciphertext", "secret_sealed_version"])
    .where("status", "!=", "deleted")
    .where("secret_master_key_id", "!=", ctx.keyRing.activeKeyId)
    .execute();
  let rewrapped = 0;
  const failed: { endpointId: string; message: string }[] = [];
  for (const row of rows) {
    const sealed = sealedRecord(row);
    if (!sealed) continue;
    try {
      const next = rewrapDataKey(sealed, ctx.keyRing).sealed;
      const result = await ctx.db
        .updateTable("webhook_endpoints")
        .set({ secret_master_key_id: next.masterKeyId, secret_wrapped_data_key: next.wrappedDataKey })
        .where("id", "=", row.id)
        .where("secret_master_key_id", "=", sealed.masterKeyId)
        .where("secret_wrapped_data_key", "=", sealed.wrappedDataKey)
        .executeTakeFirst();
      rewrapped += Number(result.numUpdatedRows);
    } catch (error) {
      if (!(error instanceof VaultError)) throw error;
      failed.push({ endpointId: row.id, message: error.message });
    }
  }
  return { rewrapped, failed };
}
