import { createHmac, randomBytes } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import { z } from "zod";
import type { Database, WebhookDeliveryStatus } from "~/db/schema";
import { HEALTH_STATUSES } from "~/domain/health/health-status";
import type { Secret } from "~/domain/key/secret";
import { VaultError } from "~/domain/vault/vault-error";
import { createId } from "~/utils/ids";
import { redactSecrets } from "~/utils/redact-secrets";
import { type AppContext, getAppContext } from "./app-context.server";
import { type AuditActor, recordAuditEvent } from "./audit.server";
import type { Connection } from "./connection-store.server";
import { openWebhookSigningSecret } from "./webhook-endpoints.server";

/*
 * Status webhooks: an outbox, Stripe-style signatures, and a delivery worker.
 *
 *   change to a connection ──same transaction──▶ webhook_events (outbox) + one webhook_deliveries row per enabled endpoint
 *   worker pass: claim due deliveries that head their (endpoint, connection) chain ──▶ sign ──▶ POST ──▶ log the attempt
 *
 * Per endpoint and connection, events are delivered in the order they happened: a delivery is only
 * claimed while no earlier delivery of the same chain is still pending, so event n+1 waits until n
 * has been delivered (or given up on). Failed attempts are retried with exponential backoff and
 * jitter until the delivery is older than its retry window; an admin can replay any delivery.
 * Claiming is safe with several workers: a conditional UPDATE of a lease (and, on PostgreSQL, the
 * candidate rows locked with FOR UPDATE SKIP LOCKED).
 */

export const WEBHOOK_EVENT_TYPES = ["connection.created", "connection.status_changed", "connection.replaced", "connection.revoked"] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const WEBHOOK_EVENT_DESCRIPTIONS: Record<WebhookEventType, string> = {
  "connection.created": "A customer connected a key that passed the check (a replacement key also sends connection.replaced for the old connection).",
  "connection.status_changed": "A health check found the connection in another state than before, e.g. healthy → expired.",
  "connection.replaced": "A customer replaced the connection's key with a new one; the old key was destroyed. data.object.replaced_by names the new connection.",
  "connection.revoked": "A customer disconnected; the key was destroyed and can no longer be fetched.",
};

/** The signature header on every delivery: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. */
export const SIGNATURE_HEADER = "Keyport-Signature";
/** Retries stop after the first failed attempt this long after the event (Stripe retries live events for up to three days). */
export const WEBHOOK_RETRY_WINDOW_MS = 3 * 24 * 60 * 60_000;

const ID = /^[a-z]+_[0-9a-z]{4,64}$/;
const ConnectionEventDataSchema = z.strictObject({
  mode: z.enum(["test", "live"]),
  account: z.string().regex(/^acct_[A-Za-z0-9]{1,64}$/).nullable(),
  status: z.enum(HEALTH_STATUSES),
  state: z.enum(["active", "replaced", "revoked_by_customer"]).default("active"),
  /** For connection.status_changed: the status before the check. */
  previousStatus: z.enum(HEALTH_STATUSES).optional(),
  manifestVersion: z.number().int().positive().optional(),
  /** For connection.replaced: the connection that took over. */
  replacedBy: z.string().regex(ID).optional(),
  /** For connection.created by a replacement: the connection it took over from. */
  replaces: z.string().regex(ID).optional(),
});
export type ConnectionEventData = z.input<typeof ConnectionEventDataSchema>;

const WebhookEventInputSchema = z.strictObject({
  type: z.enum(WEBHOOK_EVENT_TYPES),
  connectionId: z.string().regex(ID),
  organisationId: z.string().regex(ID),
  data: ConnectionEventDataSchema,
});
export type WebhookEventInput = z.input<typeof WebhookEventInputSchema>;

/** The body every endpoint receives. Only these fields, all of them typed: no key material can get in. */
export interface WebhookEventPayload {
  id: string;
  object: "event";
  type: WebhookEventType;
  /** ISO 8601, UTC. */
  created: string;
  data: {
    object: {
      id: string;
      object: "connection";
      organisation_id: string;
      mode: "test" | "live";
      account: string | null;
      state: "active" | "replaced" | "revoked_by_customer";
      status: string;
      manifest_version: number | null;
      replaced_by: string | null;
      replaces: string | null;
    };
    /** For connection.status_changed, the attributes before the change (as in Stripe's events). */
    previous_attributes?: { status: string };
  };
}

type Db = Kysely<Database> | Transaction<Database>;

/**
 * The event data for a connection as it now stands (pass the row after the change), plus what the
 * event type needs: `previousStatus` for status_changed, `replacedBy` for replaced, `replaces` for a
 * created that took over from another connection.
 */
export function connectionEventData(
  connection: Pick<Connection, "mode" | "stripe_account_id" | "health_status" | "state" | "manifest_version">,
  extra: Pick<ConnectionEventData, "previousStatus" | "replacedBy" | "replaces"> = {},
): ConnectionEventData {
  return {
    mode: connection.mode,
    account: connection.stripe_account_id,
    status: connection.health_status,
    state: connection.state,
    manifestVersion: connection.manifest_version,
    ...extra,
  };
}

/**
 * Puts an event in the outbox, with one pending delivery per enabled endpoint. Call it with the
 * transaction that changes the connection, AFTER writing the connection's row: on PostgreSQL the
 * row lock then orders the two transactions, so events for one connection get outbox ids in the
 * order they commit. Given a plain database handle it opens its own transaction.
 *
 * The input is validated strictly (unknown fields are refused), so nothing but the listed fields
 * reaches a receiver. Throws on invalid input: that is a programming error.
 */
export async function enqueueWebhookEvent(db: Db, input: WebhookEventInput, options: { now?: number } = {}): Promise<{ eventId: string; deliveries: number }> {
  const event = WebhookEventInputSchema.parse(input);
  if (!db.isTransaction) return db.transaction().execute((trx) => enqueueWebhookEvent(trx, input, options));
  const now = options.now ?? Date.now();
  const eventId = createId("evt", 12);
  const payload: WebhookEventPayload = {
    id: eventId,
    object: "event",
    type: event.type,
    created: new Date(now).toISOString(),
    data: {
      object: {
        id: event.connectionId,
        object: "connection",
        organisation_id: event.organisationId,
        mode: event.data.mode,
        account: event.data.account,
        state: event.data.state,
        status: event.data.status,
        manifest_version: event.data.manifestVersion ?? null,
        replaced_by: event.data.replacedBy ?? null,
        replaces: event.data.replaces ?? null,
      },
      ...(event.data.previousStatus !== undefined ? { previous_attributes: { status: event.data.previousStatus } } : {}),
    },
  };
  const inserted = await db
    .insertInto("webhook_events")
    .values({
      event_id: eventId,
      type: event.type,
      connection_id: event.connectionId,
      organisation_id: event.organisationId,
      payload: JSON.stringify(payload),
      created_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const endpoints = await db.selectFrom("webhook_endpoints").select("id").where("status", "=", "enabled").execute();
  if (endpoints.length > 0) {
    await db
      .insertInto("webhook_deliveries")
      .values(
        endpoints.map((endpoint) => ({
          event_seq: Number(inserted.id),
          endpoint_id: endpoint.id,
          connection_id: event.connectionId,
          status: "pending" as const,
          attempts: 0,
          next_attempt_at: now,
          retry_until: now + WEBHOOK_RETRY_WINDOW_MS,
          created_at: now,
        })),
      )
      .execute();
  }
  nudgeWebhookWorker();
  return { eventId, deliveries: endpoints.length };
}

/** The `Keyport-Signature` value for a body, signed as Stripe signs its webhooks (docs.stripe.com/webhooks#verify-manually). */
export function webhookSignatureHeader(secret: Secret, body: string, timestampSeconds: number): string {
  const signature = createHmac("sha256", secret.reveal()).update(`${timestampSeconds}.${body}`, "utf8").digest("hex");
  return `t=${timestampSeconds},v1=${signature}`;
}

export interface RetryPolicy {
  /** Delay after the first failed attempt; doubles with each further one. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseDelayMs: 30_000, maxDelayMs: 60 * 60_000 };

/**
 * Exponential backoff with "equal jitter": half the capped exponential delay, plus a random part of
 * the other half, so receivers coming back up are not hit by every retry at once.
 */
export function retryDelayMs(failedAttempts: number, policy: RetryPolicy, random: () => number): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1));
  return Math.round(exponential / 2 + (exponential / 2) * random());
}

export interface DeliveryOptions {
  /** Defaults to the context's clock. */
  now?: () => number;
  random?: () => number;
  retry?: RetryPolicy;
  /** Per request. */
  timeoutMs?: number;
  /** How long a claimed delivery stays reserved for this worker; longer than `timeoutMs`. */
  leaseMs?: number;
  batchSize?: number;
  /** Deliveries sent at the same time (each heads its own chain). */
  concurrency?: number;
  /** A pass stops claiming more work after this long. */
  maxPassMs?: number;
  workerId?: string;
  /** Only this endpoint's deliveries. */
  endpointId?: string;
}

export interface PassSummary {
  attempted: number;
  delivered: number;
  /** Attempts that failed and will be retried. */
  retrying: number;
  /** Deliveries given up on (failed past their retry window). */
  failed: number;
}

const RESPONSE_EXCERPT_CHARS = 500;
const USER_AGENT = "Keyport-Webhooks/1.0";

type Claimed = { id: number; endpoint_id: string; attempts: number; retry_until: number };

function claimQuery(ctx: AppContext, now: number, options: { limit: number; endpointId?: string; deliveryId?: number }) {
  let candidates = ctx.db
    .selectFrom("webhook_deliveries as d")
    .innerJoin("webhook_endpoints as e", "e.id", "d.endpoint_id")
    .select("d.id")
    .where("d.status", "=", "pending")
    .where("e.status", "=", "enabled")
    .where("d.next_attempt_at", "<=", now)
    .where((eb) => eb.or([eb("d.lease_expires_at", "is", null), eb("d.lease_expires_at", "<=", now)]))
    // The head of its chain: nothing earlier for this endpoint and connection is still pending.
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("webhook_deliveries as p")
            .select("p.id")
            .whereRef("p.endpoint_id", "=", "d.endpoint_id")
            .whereRef("p.connection_id", "=", "d.connection_id")
            .where("p.status", "=", "pending")
            .whereRef("p.event_seq", "<", "d.event_seq"),
        ),
      ),
    )
    .orderBy("d.event_seq")
    .limit(options.limit);
  if (options.endpointId !== undefined) candidates = candidates.where("d.endpoint_id", "=", options.endpointId);
  if (options.deliveryId !== undefined) candidates = candidates.where("d.id", "=", options.deliveryId);
  // PostgreSQL: rows another worker is claiming right now are skipped instead of waited for.
  return ctx.dialect === "postgres" ? candidates.forUpdate("d").skipLocked() : candidates;
}

async function claim(ctx: AppContext, workerId: string, now: number, leaseMs: number, filter: { limit: number; endpointId?: string; deliveryId?: number }) {
  const rows = await ctx.db
    .updateTable("webhook_deliveries")
    .set({ lease_owner: workerId, lease_expires_at: now + leaseMs })
    .where("id", "in", claimQuery(ctx, now, filter))
    // Re-checked by the UPDATE itself, so two workers cannot both take a row (SQLite has no SKIP LOCKED).
    .where("status", "=", "pending")
    .where((eb) => eb.or([eb("lease_expires_at", "is", null), eb("lease_expires_at", "<=", now)]))
    .returning(["id", "endpoint_id", "attempts", "retry_until"])
    .execute();
  return rows.map((r): Claimed => ({ ...r, id: Number(r.id) })).sort((a, b) => a.id - b.id);
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) return `No answer within ${timeoutMs / 1000} s.`;
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === "string" ? cause.code : undefined;
  const known: Record<string, string> = {
    ECONNREFUSED: "Connection refused.",
    ECONNRESET: "Connection reset by the receiver.",
    ENOTFOUND: "The host name does not resolve.",
    EAI_AGAIN: "The host name could not be resolved (DNS failure).",
    UND_ERR_SOCKET: "The connection closed unexpectedly.",
  };
  if (code && known[code]) return known[code];
  const message = typeof cause?.message === "string" ? cause.message : error instanceof Error ? error.message : String(error);
  return redactSecrets(`${code ? `${code}: ` : ""}${message}`).slice(0, 300);
}

async function readExcerpt(response: Response): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    while (text.length < RESPONSE_EXCERPT_CHARS) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return redactSecrets(text.slice(0, RESPONSE_EXCERPT_CHARS));
}

type AttemptOutcome = { ok: boolean; statusCode: number | null; error: string | null; excerpt: string | null; durationMs: number };

async function send(url: string, body: string, signature: string, timeoutMs: number): Promise<AttemptOutcome> {
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "User-Agent": USER_AGENT, [SIGNATURE_HEADER]: signature },
      body,
      // A redirect is a failure, as with Stripe's own webhooks: the configured URL must answer.
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    const excerpt = await readExcerpt(response).catch(() => "");
    const ok = response.status >= 200 && response.status < 300;
    return {
      ok,
      statusCode: response.status,
      error: ok ? null : response.status >= 300 && response.status < 400 ? "Redirects are not followed; configure the final URL." : `HTTP ${response.status}`,
      excerpt: excerpt || null,
      durationMs: Math.round(performance.now() - started),
    };
  } catch (error) {
    return { ok: false, statusCode: null, error: describeFetchError(error, timeoutMs), excerpt: null, durationMs: Math.round(performance.now() - started) };
  }
}

interface Resolved {
  now: () => number;
  random: () => number;
  retry: RetryPolicy;
  timeoutMs: number;
  leaseMs: number;
  batchSize: number;
  concurrency: number;
  maxPassMs: number;
  workerId: string;
}

function resolve(ctx: AppContext, options: DeliveryOptions): Resolved {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    now: options.now ?? ctx.now,
    random: options.random ?? Math.random,
    retry: options.retry ?? DEFAULT_RETRY_POLICY,
    timeoutMs,
    leaseMs: options.leaseMs ?? Math.max(60_000, timeoutMs * 3),
    batchSize: options.batchSize ?? 25,
    concurrency: options.concurrency ?? 4,
    maxPassMs: options.maxPassMs ?? 60_000,
    workerId: options.workerId ?? `worker_${randomBytes(6).toString("hex")}`,
  };
}

/** Sends one claimed delivery and records the attempt and the delivery's new state in one transaction. */
async function attempt(
  ctx: AppContext,
  claimed: Claimed,
  resolved: Resolved,
  secrets: Map<string, Promise<Secret>>,
  triggeredBy: "worker" | "replay",
): Promise<"delivered" | "retrying" | "failed"> {
  const target = await ctx.db
    .selectFrom("webhook_deliveries as d")
    .innerJoin("webhook_events as ev", "ev.id", "d.event_seq")
    .innerJoin("webhook_endpoints as e", "e.id", "d.endpoint_id")
    .select(["ev.payload", "e.url"])
    .where("d.id", "=", claimed.id)
    .executeTakeFirstOrThrow();

  let outcome: AttemptOutcome;
  let secret: Secret | undefined;
  try {
    let pending = secrets.get(claimed.endpoint_id);
    if (!pending) {
      pending = openWebhookSigningSecret(ctx, claimed.endpoint_id);
      secrets.set(claimed.endpoint_id, pending);
    }
    secret = await pending;
  } catch (error) {
    if (!(error instanceof VaultError)) throw error;
    outcome = { ok: false, statusCode: null, error: `Not sent: the signing secret cannot be opened (${error.code}).`, excerpt: null, durationMs: 0 };
  }
  if (secret) {
    const signature = webhookSignatureHeader(secret, target.payload, Math.floor(resolved.now() / 1000));
    outcome = await send(target.url, target.payload, signature, resolved.timeoutMs);
  }
  const result = outcome!;

  const now = resolved.now();
  const attempts = claimed.attempts + 1;
  const verdict = result.ok ? "delivered" : now >= claimed.retry_until ? "failed" : "retrying";
  const status: WebhookDeliveryStatus = verdict === "retrying" ? "pending" : verdict;
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto("webhook_attempts")
      .values({
        delivery_id: claimed.id,
        attempted_at: now,
        triggered_by: triggeredBy,
        duration_ms: result.durationMs,
        status_code: result.statusCode,
        error: result.error,
        response_excerpt: result.excerpt,
      })
      .execute();
    await trx
      .updateTable("webhook_deliveries")
      .set({
        status,
        attempts,
        next_attempt_at: verdict === "retrying" ? now + retryDelayMs(attempts, resolved.retry, resolved.random) : null,
        delivered_at: verdict === "delivered" ? now : null,
        last_attempt_at: now,
        last_status_code: result.statusCode,
        last_error: result.error,
        lease_owner: null,
        lease_expires_at: null,
      })
      .where("id", "=", claimed.id)
      .where("lease_owner", "=", resolved.workerId)
      // An endpoint deleted meanwhile cancelled this delivery; the attempt is still logged.
      .where("status", "=", "pending")
      .execute();
  });
  return verdict;
}

async function inParallel<T>(items: T[], limit: number, run: (item: T) => Promise<void>) {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await run(items[next++]!);
  });
  await Promise.all(lanes);
}

/**
 * One pass of the delivery worker: claims what is due, sends it, and repeats (each round, the next
 * event of a chain whose head was just delivered becomes due) until nothing is due or the pass has
 * run `maxPassMs`. Used by the in-process worker, `npm run keyport -- webhooks:deliver` and tests.
 */
export async function deliverDueWebhooks(ctx: AppContext, options: DeliveryOptions = {}): Promise<PassSummary> {
  const resolved = resolve(ctx, options);
  const summary: PassSummary = { attempted: 0, delivered: 0, retrying: 0, failed: 0 };
  const started = Date.now();
  // Each endpoint's secret is opened once per pass and dropped with it.
  const secrets = new Map<string, Promise<Secret>>();
  while (Date.now() - started < resolved.maxPassMs) {
    const claimed = await claim(ctx, resolved.workerId, resolved.now(), resolved.leaseMs, { limit: resolved.batchSize, endpointId: options.endpointId });
    if (claimed.length === 0) break;
    await inParallel(claimed, resolved.concurrency, async (delivery) => {
      const verdict = await attempt(ctx, delivery, resolved, secrets, "worker");
      summary.attempted++;
      summary[verdict]++;
    });
  }
  return summary;
}

/**
 * Sends a delivery again (an admin's "replay"), whatever its state: it becomes pending with a fresh
 * retry window and, when nothing earlier for its endpoint and connection is pending, is sent at
 * once. Otherwise the worker sends it in order. Undefined when there is no such delivery or its
 * endpoint is deleted.
 */
export async function replayWebhookDelivery(
  ctx: AppContext,
  deliveryId: number,
  by: { actor: AuditActor; ip?: string | null },
  options: DeliveryOptions = {},
): Promise<{ sent: boolean; verdict?: "delivered" | "retrying" | "failed" } | undefined> {
  const resolved = resolve(ctx, options);
  const now = resolved.now();
  const delivery = await ctx.db
    .selectFrom("webhook_deliveries as d")
    .innerJoin("webhook_endpoints as e", "e.id", "d.endpoint_id")
    .innerJoin("webhook_events as ev", "ev.id", "d.event_seq")
    .select(["d.id", "d.endpoint_id", "d.status", "ev.event_id", "ev.type"])
    .where("d.id", "=", deliveryId)
    .where("e.status", "!=", "deleted")
    .executeTakeFirst();
  if (!delivery) return undefined;
  await ctx.db
    .updateTable("webhook_deliveries")
    .set({ status: "pending", next_attempt_at: now, retry_until: now + WEBHOOK_RETRY_WINDOW_MS, delivered_at: null })
    .where("id", "=", deliveryId)
    .execute();
  await recordAuditEvent(ctx, {
    actor: by.actor,
    action: "webhook.delivery_replayed",
    outcome: "success",
    target: { type: "webhook_endpoint", id: delivery.endpoint_id },
    ip: by.ip,
    details: { delivery: deliveryId, event: delivery.event_id, type: delivery.type, previousStatus: delivery.status },
  });
  const [claimed] = await claim(ctx, resolved.workerId, now, resolved.leaseMs, { limit: 1, deliveryId });
  if (!claimed) return { sent: false };
  const verdict = await attempt(ctx, claimed, resolved, new Map(), "replay");
  return { sent: true, verdict };
}

export interface DeliveryLogEntry {
  id: number;
  eventId: string;
  type: string;
  connectionId: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  createdAt: number;
  nextAttemptAt: number | null;
  deliveredAt: number | null;
  lastStatusCode: number | null;
  lastError: string | null;
  /** The JSON body the endpoint receives. */
  payload: string;
  /** Newest first. */
  attemptLog: {
    id: number;
    attemptedAt: number;
    triggeredBy: "worker" | "replay";
    durationMs: number;
    statusCode: number | null;
    error: string | null;
    responseExcerpt: string | null;
  }[];
}

/** An endpoint's deliveries, newest first, keyset-paginated by `beforeId`, each with its attempts. */
export async function listWebhookDeliveries(
  ctx: Pick<AppContext, "db">,
  endpointId: string,
  page: { limit?: number; beforeId?: number; status?: WebhookDeliveryStatus } = {},
): Promise<DeliveryLogEntry[]> {
  let query = ctx.db
    .selectFrom("webhook_deliveries as d")
    .innerJoin("webhook_events as ev", "ev.id", "d.event_seq")
    .select([
      "d.id",
      "ev.event_id",
      "ev.type",
      "d.connection_id",
      "d.status",
      "d.attempts",
      "d.created_at",
      "d.next_attempt_at",
      "d.delivered_at",
      "d.last_status_code",
      "d.last_error",
      "ev.payload",
    ])
    .where("d.endpoint_id", "=", endpointId)
    .orderBy("d.id", "desc")
    .limit(page.limit ?? 50);
  if (page.beforeId !== undefined) query = query.where("d.id", "<", page.beforeId);
  if (page.status !== undefined) query = query.where("d.status", "=", page.status);
  const rows = await query.execute();
  if (rows.length === 0) return [];
  const attempts = await ctx.db
    .selectFrom("webhook_attempts")
    .selectAll()
    .where(
      "delivery_id",
      "in",
      rows.map((r) => Number(r.id)),
    )
    .orderBy("id", "desc")
    .execute();
  return rows.map((row) => ({
    id: Number(row.id),
    eventId: row.event_id,
    type: row.type,
    connectionId: row.connection_id,
    status: row.status,
    attempts: row.attempts,
    createdAt: row.created_at,
    nextAttemptAt: row.next_attempt_at,
    deliveredAt: row.delivered_at,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    payload: row.payload,
    attemptLog: attempts
      .filter((a) => Number(a.delivery_id) === Number(row.id))
      .map((a) => ({
        id: Number(a.id),
        attemptedAt: a.attempted_at,
        triggeredBy: a.triggered_by,
        durationMs: a.duration_ms,
        statusCode: a.status_code,
        error: a.error,
        responseExcerpt: a.response_excerpt,
      })),
  }));
}

/** One delivery of an endpoint (undefined when the id belongs to another endpoint). */
export async function getWebhookDelivery(ctx: Pick<AppContext, "db">, endpointId: string, deliveryId: number): Promise<DeliveryLogEntry | undefined> {
  const [entry] = await listWebhookDeliveries(ctx, endpointId, { beforeId: deliveryId + 1, limit: 1 });
  return entry?.id === deliveryId ? entry : undefined;
}

/** The payload of an event, as receivers get it. */
export async function getWebhookEvent(ctx: Pick<AppContext, "db">, eventId: string): Promise<WebhookEventPayload | undefined> {
  const row = await ctx.db.selectFrom("webhook_events").select("payload").where("event_id", "=", eventId).executeTakeFirst();
  return row && (JSON.parse(row.payload) as WebhookEventPayload);
}

/* The in-process worker: one pass every `intervalMs`, and soon after an event is enqueued here. */

interface RunningWorker {
  ctx: AppContext;
  intervalMs: number;
  options: DeliveryOptions;
  log: (message: string) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
  pass: Promise<void> | undefined;
  again: boolean;
  stopped: boolean;
}

let worker: RunningWorker | undefined;

function schedule(running: RunningWorker, delayMs: number) {
  if (running.stopped) return;
  if (running.timer) clearTimeout(running.timer);
  running.timer = setTimeout(() => runPass(running), delayMs);
  running.timer.unref?.();
}

function runPass(running: RunningWorker) {
  running.timer = undefined;
  if (running.stopped) return;
  if (running.pass) {
    running.again = true;
    return;
  }
  running.pass = deliverDueWebhooks(running.ctx, running.options)
    .then(() => undefined)
    .catch((error: unknown) => running.log(redactSecrets(`Webhook delivery pass failed: ${error instanceof Error ? error.message : String(error)}`)))
    .finally(() => {
      running.pass = undefined;
      const again = running.again;
      running.again = false;
      schedule(running, again ? 0 : running.intervalMs);
    });
}

/**
 * Starts delivering webhooks from this process (one worker per process; several processes share
 * the work safely). Returns a handle whose `stop()` waits for the current pass to finish.
 */
export function startWebhookWorker(
  options: { ctx?: AppContext; intervalMs?: number; delivery?: DeliveryOptions; log?: (message: string) => void } = {},
): { stop: () => Promise<void> } {
  if (!worker) {
    worker = {
      ctx: options.ctx ?? getAppContext(),
      intervalMs: options.intervalMs ?? 5_000,
      options: options.delivery ?? {},
      log: options.log ?? ((message) => console.error(message)),
      timer: undefined,
      pass: undefined,
      again: false,
      stopped: false,
    };
    schedule(worker, 0);
  }
  return { stop: stopWebhookWorker };
}

export async function stopWebhookWorker(): Promise<void> {
  const running = worker;
  worker = undefined;
  if (!running) return;
  running.stopped = true;
  if (running.timer) clearTimeout(running.timer);
  await running.pass;
}

/** Runs a pass shortly (after the enqueuing transaction has had time to commit). */
function nudgeWebhookWorker() {
  if (worker && !worker.stopped && !worker.pass) schedule(worker, 250);
  else if (worker?.pass) worker.again = true;
}
