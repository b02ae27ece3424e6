import { z } from "zod";
import { hitRateLimit, type RateLimitRule } from "~/auth/rate-limit.server";
import { getManifest } from "~/config/manifest.server";
import type { ConnectionHealthStatus } from "~/db/schema";
import type { Manifest } from "~/domain/manifest/manifest";
import { checkKey } from "~/domain/probe/check-key";
import type { StripeTransport } from "~/domain/probe/stripe-transport";
import type { KeyCheckReport } from "~/domain/report/report";
import { redactSecrets } from "~/utils/redact-secrets";
import { type AppContext, getAppContext } from "./app-context.server";
import { type AuditActor, recordAuditEvent } from "./audit.server";
import { type Connection, type CONNECTION_COLUMNS, ConnectionStoreError, getConnection, listChecks, openConnectionSecret } from "./connection-store.server";
import { authenticateServiceToken, hasScope, type ServiceToken, type ServiceTokenScope } from "./service-tokens.server";
import { runHealthCheck } from "./health-check.server";
import { nextCheckAt } from "./health-scheduler.server";
import { scheduleSettings } from "./health.server";
import { getStripeTransport } from "./stripe.server";
import {
  type ApiCheck,
  type ApiConnection,
  CheckListSchema,
  type ConnectionDetailSchema,
  type ConnectionListSchema,
  type CredentialsSchema,
  type HealthCheckResultSchema,
  KeyCheckRequestSchema,
  ListChecksQuerySchema,
  ListConnectionsQuerySchema,
} from "./vendor-api-schemas";

/*
 * The vendor API under /api/v1/: each route module is one line over a handler here.
 *
 * Every request goes through `handle`: method check, bearer token, per-token rate limit, scope,
 * then the handler; errors are `{ error: { code, message } }` with the status that fits; every
 * request that presents a token, and every refused authentication, is audited with the token's
 * name and the caller's IP; no response may be cached.
 */

export interface VendorApiDependencies {
  ctx: AppContext;
  manifest: Manifest;
  transport: StripeTransport;
  runHealthCheck: RunHealthCheck;
  /** Tests lower the limits; production uses API_RATE_LIMITS. */
  rateLimits?: Partial<Record<keyof typeof API_RATE_LIMITS, RateLimitRule>>;
}

export const API_RATE_LIMITS = {
  requestsPerToken: { name: "api-token", limit: 600, windowMs: 60_000 },
  // A backend that fetches a key for every job still stays far below this; a loop that leaks keys does not.
  credentialsPerConnection: { name: "api-credentials", limit: 60, windowMs: 60 * 60_000 },
  // Each check sends a dozen requests with the customer's key; the portal allows 15 an hour per organisation.
  healthChecksPerConnection: { name: "api-health-check", limit: 12, windowMs: 60 * 60_000 },
  // Checking keys without storing them is an oracle for stolen keys: generous for onboarding, useless for bulk testing.
  keyChecksPerToken: { name: "api-key-check", limit: 100, windowMs: 60 * 60_000 },
  failedAuthenticationsPerIp: { name: "api-auth-ip", limit: 30, windowMs: 15 * 60_000 },
} satisfies Record<string, RateLimitRule>;

export type RunHealthCheck = (
  ctx: AppContext,
  connectionId: string,
  options: { trigger: "api"; actor: AuditActor & { ip?: string | null } },
) => Promise<{ status: ConnectionHealthStatus; previousStatus?: ConnectionHealthStatus; report: KeyCheckReport }>;

/** "Check now" for the API: the same health check as support's button and the scheduler. */
export function apiHealthCheck(deps: { manifest: Manifest; transport: StripeTransport; scheduleNext?: (status: ConnectionHealthStatus) => number }): RunHealthCheck {
  return async (ctx, connectionId, { trigger, actor: { ip, ...actor } }) => {
    const result = await runHealthCheck(ctx, connectionId, { trigger, actor, ip, manifest: deps.manifest, transport: deps.transport, scheduleNext: deps.scheduleNext });
    if (!result.report) throw new ConnectionStoreError("secret_unreadable", connectionId, result.error ?? "The stored key could not be opened.");
    return { status: result.status, previousStatus: result.previousStatus, report: result.report };
  };
}

/** The dependencies the routes use: the process's context, manifest and Stripe transport. */
export function vendorApiDependencies(): VendorApiDependencies {
  const manifest = getManifest();
  const transport = getStripeTransport();
  const ctx = getAppContext();
  const schedule = scheduleSettings();
  return { ctx, manifest, transport, runHealthCheck: apiHealthCheck({ manifest, transport, scheduleNext: (status) => nextCheckAt(ctx.now(), schedule, status) }) };
}

export interface ApiCall {
  request: Request;
  /** The caller's address, as the server's trusted-proxy setting resolves it. */
  ip: string;
  params: Record<string, string | undefined>;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const JSON_HEADERS = { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" };

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(`${JSON.stringify(body, null, 2)}\n`, { status, headers: { ...JSON_HEADERS, ...headers } });
}

function errorResponse(error: ApiError): Response {
  return jsonResponse(error.status, { error: { code: error.code, message: error.message } }, error.headers);
}

function retryAfter(ms: number): Record<string, string> {
  return { "Retry-After": String(Math.max(1, Math.ceil(ms / 1000))) };
}

/** What a handler tells the audit entry about the request, beside the outcome. */
interface AuditNote {
  organisationId?: string | null;
  target?: { type: string; id: string };
  details?: Record<string, unknown>;
  /** Overrides `api.<operation>` for requests worth their own action name (fetching a key). */
  action?: string;
}

interface Operation {
  name: string;
  method: "GET" | "POST";
  scope: ServiceTokenScope;
}

type Handler = (deps: VendorApiDependencies, call: ApiCall, token: ServiceToken, note: AuditNote) => Promise<Response>;

function limit(deps: VendorApiDependencies, rule: keyof typeof API_RATE_LIMITS): RateLimitRule {
  return deps.rateLimits?.[rule] ?? API_RATE_LIMITS[rule];
}

const AUTH_ERRORS = {
  missing: { code: "authentication_required", message: "Send a service token: `Authorization: Bearer kpt_…`." },
  unknown: { code: "invalid_token", message: "The service token is not valid." },
  revoked: { code: "token_revoked", message: "The service token was revoked; ask the vendor's administrator for a new one." },
  expired: { code: "token_expired", message: "The service token has expired; ask the vendor's administrator for a new one." },
} as const;

async function handle(deps: VendorApiDependencies, call: ApiCall, operation: Operation, handler: Handler): Promise<Response> {
  const { ctx } = deps;
  if (call.request.method !== operation.method && !(operation.method === "GET" && call.request.method === "HEAD")) {
    return errorResponse(new ApiError(405, "method_not_allowed", `Use ${operation.method} for this path.`, { Allow: operation.method }));
  }

  const auth = await authenticateServiceToken(ctx, call.request.headers.get("authorization"), { ip: call.ip });
  if (!auth.ok) {
    const failure = AUTH_ERRORS[auth.reason];
    const challenge = { "WWW-Authenticate": `Bearer realm="keyport"${auth.reason === "missing" ? "" : ', error="invalid_token"'}` };
    // Guessing tokens is hopeless (256 bits), but an endless stream of refused requests must not flood the audit trail.
    const perIp = await hitRateLimit(ctx.db, limit(deps, "failedAuthenticationsPerIp"), call.ip, ctx.now());
    if (!perIp.allowed) {
      return errorResponse(new ApiError(429, "rate_limited", "Too many requests without a valid token from this address.", retryAfter(perIp.retryAfterMs)));
    }
    const request = { method: call.request.method, path: new URL(call.request.url).pathname };
    await recordAuditEvent(ctx, {
      ...(auth.token
        ? { actor: { type: "service_token", id: auth.token.id, label: auth.token.name }, action: `api.${operation.name}`, details: { ...request, status: 401 } }
        : { actor: { type: "anonymous" }, action: "api.authentication_failed", details: request }),
      outcome: auth.reason,
      ip: call.ip,
    });
    return errorResponse(new ApiError(401, failure.code, failure.message, challenge));
  }

  const { token } = auth;
  const note: AuditNote = {};
  let response: Response;
  try {
    const perToken = await hitRateLimit(ctx.db, limit(deps, "requestsPerToken"), token.id, ctx.now());
    if (!perToken.allowed) {
      throw new ApiError(429, "rate_limited", "This token has sent too many requests; wait and retry.", retryAfter(perToken.retryAfterMs));
    }
    if (!hasScope(token, operation.scope)) {
      throw new ApiError(403, "insufficient_scope", `This token lacks the scope \`${operation.scope}\`.`);
    }
    response = await handler(deps, call, token, note);
  } catch (error) {
    if (error instanceof ApiError) {
      response = errorResponse(error);
      note.details = { ...note.details, code: error.code };
    } else {
      console.error(redactSecrets(`Vendor API ${operation.name} failed: ${error instanceof Error ? `${error.message}\n${error.stack ?? ""}` : String(error)}`));
      response = errorResponse(new ApiError(500, "internal_error", "Keyport could not complete the request."));
      note.details = { ...note.details, code: "internal_error" };
    }
  }
  await recordAuditEvent(ctx, {
    actor: { type: "service_token", id: token.id, label: token.name },
    action: note.action ?? `api.${operation.name}`,
    outcome: response.status < 400 ? "success" : response.status === 429 ? "rate_limited" : response.status === 403 || response.status === 409 ? "denied" : "failure",
    organisationId: note.organisationId ?? null,
    target: note.target ?? null,
    ip: call.ip,
    details: { method: call.request.method, path: new URL(call.request.url).pathname, status: response.status, ...note.details },
  });
  return response;
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

const VIEW_COLUMNS = [
  "id",
  "organisation_id",
  "mode",
  "state",
  "health_status",
  "stripe_account_id",
  "key_last4",
  "manifest_version",
  "created_at",
  "last_checked_at",
  "ended_at",
  "replaced_by",
] as const satisfies readonly (typeof CONNECTION_COLUMNS)[number][];

type ViewFields = Pick<Connection, (typeof VIEW_COLUMNS)[number]>;

function connectionView(row: ViewFields, organisationName: string): ApiConnection {
  return {
    id: row.id,
    object: "connection",
    organisation: { id: row.organisation_id, name: organisationName },
    mode: row.mode,
    state: row.state,
    status: row.health_status,
    account: row.stripe_account_id,
    key_last4: row.key_last4,
    manifest_version: row.manifest_version,
    created_at: iso(row.created_at)!,
    last_checked_at: iso(row.last_checked_at),
    ended_at: iso(row.ended_at),
    replaced_by: row.replaced_by,
  };
}

function parseQuery<T extends z.ZodType>(schema: T, request: Request): z.infer<T> {
  const parsed = schema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? `\`${issue.path.join(".")}\`: ` : "";
    const message = issue.code === "unrecognized_keys" ? `Unknown query parameter${issue.keys.length > 1 ? "s" : ""}: ${issue.keys.join(", ")}.` : `${where}${issue.message}`;
    throw new ApiError(400, "invalid_request", message);
  }
  return parsed.data;
}

const ConnectionCursorSchema = z.tuple([z.number().int(), z.string().max(64)]);

function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

function decodeCursor<T extends z.ZodType>(schema: T, cursor: string): z.infer<T> {
  try {
    const parsed = schema.safeParse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    if (parsed.success) return parsed.data;
  } catch {
    // Falls through to the error below.
  }
  throw new ApiError(400, "invalid_cursor", "`cursor` is not one this API returned.");
}

async function findConnection(deps: VendorApiDependencies, id: string | undefined, note: AuditNote) {
  const connection = id ? await getConnection(deps.ctx, id) : undefined;
  if (!connection) throw new ApiError(404, "connection_not_found", `There is no connection '${id ?? ""}'.`);
  note.organisationId = connection.organisation_id;
  note.target = { type: "connection", id: connection.id };
  const organisation = await deps.ctx.db.selectFrom("organisations").select("name").where("id", "=", connection.organisation_id).executeTakeFirst();
  return { connection, view: connectionView(connection, organisation?.name ?? "") };
}

/* GET /api/v1/connections */
export function listConnectionsEndpoint(deps: VendorApiDependencies, call: ApiCall) {
  return handle(deps, call, { name: "connections.list", method: "GET", scope: "connections:read" }, async (deps, call) => {
    const query = parseQuery(ListConnectionsQuerySchema, call.request);
    let select = deps.ctx.db
      .selectFrom("connections")
      .innerJoin("organisations", "organisations.id", "connections.organisation_id")
      .select(VIEW_COLUMNS.map((c) => `connections.${c}` as const))
      .select("organisations.name as organisation_name")
      .orderBy("connections.created_at", "desc")
      .orderBy("connections.id", "desc")
      .limit(query.limit + 1);
    if (query.status) select = select.where("connections.health_status", "in", query.status);
    if (query.state) select = select.where("connections.state", "=", query.state);
    if (query.mode) select = select.where("connections.mode", "=", query.mode);
    if (query.organisation) select = select.where("connections.organisation_id", "=", query.organisation);
    if (query.account) select = select.where("connections.stripe_account_id", "=", query.account);
    if (query.cursor) {
      const [createdAt, id] = decodeCursor(ConnectionCursorSchema, query.cursor);
      select = select.where((eb) =>
        eb.or([eb("connections.created_at", "<", createdAt), eb.and([eb("connections.created_at", "=", createdAt), eb("connections.id", "<", id)])]),
      );
    }
    const rows = await select.execute();
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    const body: z.infer<typeof ConnectionListSchema> = {
      object: "list",
      data: page.map((row) => connectionView(row, row.organisation_name)),
      has_more: rows.length > query.limit,
      next_cursor: rows.length > query.limit && last ? encodeCursor([last.created_at, last.id]) : null,
    };
    return jsonResponse(200, body);
  });
}

function checkView(check: Awaited<ReturnType<typeof listChecks>>[number]): ApiCheck {
  return {
    id: check.id,
    object: "check",
    checked_at: iso(check.checked_at)!,
    triggered_by: check.triggered_by,
    status: check.status,
    duration_ms: check.duration_ms,
    requests: check.requests,
    manifest_version: check.manifest_version,
    findings: check.findings,
  };
}

function isReport(value: unknown): value is KeyCheckReport {
  return typeof value === "object" && value !== null && "verdict" in value && "permissions" in value && "problems" in value;
}

/* GET /api/v1/connections/:connectionId */
export function getConnectionEndpoint(deps: VendorApiDependencies, call: ApiCall) {
  return handle(deps, call, { name: "connections.read", method: "GET", scope: "connections:read" }, async (deps, call, _token, note) => {
    const { connection, view } = await findConnection(deps, call.params.connectionId, note);
    const [latest] = await listChecks(deps.ctx, connection.id, { limit: 1 });
    const report = latest && isReport(latest.findings) ? latest.findings : isReport(connection.report) ? connection.report : null;
    let latestCheck: z.infer<typeof ConnectionDetailSchema>["latest_check"] = null;
    if (latest) {
      const { findings: _findings, ...summary } = checkView(latest);
      latestCheck = summary;
    }
    const body: z.infer<typeof ConnectionDetailSchema> = { ...view, report, latest_check: latestCheck };
    return jsonResponse(200, body);
  });
}

/* GET /api/v1/connections/:connectionId/checks */
export function listChecksEndpoint(deps: VendorApiDependencies, call: ApiCall) {
  return handle(deps, call, { name: "checks.list", method: "GET", scope: "connections:read" }, async (deps, call, _token, note) => {
    const query = parseQuery(ListChecksQuerySchema, call.request);
    const { connection } = await findConnection(deps, call.params.connectionId, note);
    const beforeId = query.cursor === undefined ? undefined : decodeCursor(z.number().int().positive(), query.cursor);
    const checks = await listChecks(deps.ctx, connection.id, { limit: query.limit + 1, beforeId });
    const page = checks.slice(0, query.limit);
    const body = CheckListSchema.parse({
      object: "list",
      data: page.map(checkView),
      has_more: checks.length > query.limit,
      next_cursor: checks.length > query.limit ? encodeCursor(page[page.length - 1]!.id) : null,
    });
    return jsonResponse(200, body);
  });
}

function endedError(connection: { id: string; state: string }) {
  return new ApiError(409, "connection_ended", `Connection '${connection.id}' has ended (${connection.state}); its key was destroyed.`);
}

/* POST /api/v1/connections/:connectionId/checks */
export function startCheckEndpoint(deps: VendorApiDependencies, call: ApiCall) {
  return handle(deps, call, { name: "checks.create", method: "POST", scope: "connections:check" }, async (deps, call, token, note) => {
    const { connection } = await findConnection(deps, call.params.connectionId, note);
    if (connection.state !== "active") throw endedError(connection);
    const perConnection = await hitRateLimit(deps.ctx.db, limit(deps, "healthChecksPerConnection"), connection.id, deps.ctx.now());
    if (!perConnection.allowed) {
      throw new ApiError(429, "rate_limited", "This connection was checked too often in the last hour; wait and retry.", retryAfter(perConnection.retryAfterMs));
    }
    let outcome;
    try {
      outcome = await deps.runHealthCheck(deps.ctx, connection.id, {
        trigger: "api",
        actor: { type: "service_token", id: token.id, label: token.name, ip: call.ip },
      });
    } catch (error) {
      if (error instanceof ConnectionStoreError && (error.code === "connection_not_active" || error.code === "secret_destroyed")) throw endedError(connection);
      if (error instanceof ConnectionStoreError && error.code === "secret_unreadable") {
        throw new ApiError(500, "key_unreadable", "The stored key cannot be decrypted; the vendor's administrator has to look at the vault configuration.");
      }
      throw error;
    }
    const { view } = await findConnection(deps, connection.id, note);
    note.details = { status: outcome.status, previousStatus: outcome.previousStatus ?? connection.health_status };
    const body: z.infer<typeof HealthCheckResultSchema> = {
      object: "health_check",
      status: outcome.status,
      previous_status: outcome.previousStatus ?? connection.health_status,
      connection: view,
      report: outcome.report,
    };
    return jsonResponse(201, body);
  });
}

/** The statuses whose key the vendor's services may fetch: healthy, and over-privileged only where the manifest merely warns about excess grants. */
export function acceptableStatuses(manifest: Pick<Manifest, "excessWrite">): ConnectionHealthStatus[] {
  return manifest.excessWrite === "warn" ? ["healthy", "over_privileged"] : ["healthy"];
}

/* GET /api/v1/connections/:connectionId/credentials */
export function getCredentialsEndpoint(deps: VendorApiDependencies, call: ApiCall) {
  return handle(deps, call, { name: "credentials.read", method: "GET", scope: "credentials:read" }, async (deps, call, _token, note) => {
    note.action = "api.credentials.read";
    const { connection } = await findConnection(deps, call.params.connectionId, note);
    note.details = { mode: connection.mode, last4: connection.key_last4, status: connection.health_status };
    if (connection.state !== "active") throw endedError(connection);
    const perConnection = await hitRateLimit(deps.ctx.db, limit(deps, "credentialsPerConnection"), connection.id, deps.ctx.now());
    if (!perConnection.allowed) {
      throw new ApiError(429, "rate_limited", "This connection's key was fetched too often in the last hour; keep it in memory between jobs.", retryAfter(perConnection.retryAfterMs));
    }
    const acceptable = acceptableStatuses(deps.manifest);
    if (!acceptable.includes(connection.health_status)) {
      throw new ApiError(
        409,
        "connection_unhealthy",
        `Connection '${connection.id}' is ${connection.health_status}; keys are handed out only while the connection is ${acceptable.join(" or ")}. ` +
          "The customer has been asked to fix it; a health check shows when it works again.",
      );
    }
    let secret;
    try {
      secret = await openConnectionSecret(deps.ctx, connection.id);
    } catch (error) {
      if (error instanceof ConnectionStoreError && error.code === "secret_destroyed") throw endedError(connection);
      if (error instanceof ConnectionStoreError && error.code === "secret_unreadable") {
        throw new ApiError(500, "key_unreadable", "The stored key cannot be decrypted; the vendor's administrator has to look at the vault configuration.");
      }
      throw error;
    }
    const body: z.infer<typeof CredentialsSchema> = {
      object: "credentials",
      connection: connection.id,
      mode: connection.mode,
      account: connection.stripe_account_id,
      status: connection.health_status,
      // The one place a stored key leaves Keyport: this response body, to a token holding credentials:read.
      key: secret.reveal(),
      key_last4: connection.key_last4,
    };
    return jsonResponse(200, body);
  });
}

const MAX_BODY_BYTES = 16 * 1024;

async function readJsonBody(request: Request): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) throw new ApiError(415, "unsupported_media_type", "Send the body as JSON with `Content-Type: application/json`.");
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw new ApiError(413, "body_too_large", `The body is larger than ${MAX_BODY_BYTES} bytes.`);
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw new ApiError(413, "body_too_large", `The body is larger than ${MAX_BODY_BYTES} bytes.`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Never echo the body: it holds a key.
    throw new ApiError(400, "invalid_json", "The body is not valid JSON.");
  }
}

/* POST /api/v1/keys/check */
export function checkKeyEndpoint(deps: VendorApiDependencies, call: ApiCall) {
  return handle(deps, call, { name: "keys.check", method: "POST", scope: "keys:check" }, async (deps, call, token, note) => {
    const parsed = KeyCheckRequestSchema.safeParse(await readJsonBody(call.request));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ApiError(400, "invalid_request", issue.code === "unrecognized_keys" ? "The body takes one field, `key`." : issue.message);
    }
    const perToken = await hitRateLimit(deps.ctx.db, limit(deps, "keyChecksPerToken"), token.id, deps.ctx.now());
    if (!perToken.allowed) {
      throw new ApiError(429, "rate_limited", "This token has checked too many keys in the last hour; wait and retry.", retryAfter(perToken.retryAfterMs));
    }
    const { report } = await checkKey(parsed.data.key, deps.manifest, { transport: deps.transport });
    note.details = {
      verdict: report.verdict,
      type: report.key.type,
      mode: report.key.mode,
      last4: report.key.last4,
      account: report.account,
      problems: report.problems.map((p) => p.code),
      requests: report.requests,
    };
    return jsonResponse(200, report);
  });
}

/** Any other path under /api/v1/: a JSON 404, so clients never get an HTML page. */
export function notFoundEndpoint(call: Pick<ApiCall, "request">): Response {
  const path = new URL(call.request.url).pathname;
  return errorResponse(new ApiError(404, "not_found", `There is no API at ${path}; see /api/v1/openapi.json.`));
}

export function methodNotAllowed(allowed: "GET" | "POST"): Response {
  return errorResponse(new ApiError(405, "method_not_allowed", `Use ${allowed} for this path.`, { Allow: allowed }));
}
