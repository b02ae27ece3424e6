/**
 * The emulator's HTTP server: node:http, one request pipeline, in the order Stripe applies its
 * checks to a restricted key:
 *
 *   1. authentication (401: no key, unknown/deleted key, expired key, IP not on the allowlist);
 *   2. rate limit (429), which needs the authenticated identity because Stripe counts "per Stripe
 *      account" (docs.stripe.com/rate-limits) and says limits apply to all API requests, so a request
 *      that later fails is still counted (our reading; not documented per status);
 *   3. `Stripe-Account` access (403);
 *   4. route known? (404 "Unrecognized request URL (GET: /v1/…)"); an unknown route with a bad key is
 *      still a 401, as stripe-mock does (auth first, then route) and as Stripe's generic 401 text for
 *      any path suggests;
 *   5. permission (403), before
 *   6. the object lookup (404 resource_missing): research §4 (Polar: "cancelling a non-existent
 *      subscription fails with 'no such subscription' … when the key can write, and with
 *      PermissionError when it can't"; the Saleor fork's probes rely on the same order).
 * Faults (latency, resets, time-outs, 500s, 429 bursts) are applied before all of this.
 */
import http from "node:http";
import { type AddressInfo } from "node:net";
import { handleAdmin } from "./admin";
import { PERMISSIONS, ROUTES, type RouteDef } from "./catalogue";
import {
  accountAccessError,
  badRequestError,
  type ErrorAnswer,
  expiredKeyError,
  injectedServerError,
  invalidKeyError,
  ipNotAllowedError,
  noKeyError,
  permissionError,
  type PermissionMessageFormat,
  rakUnavailableError,
  rateLimitError,
  resourceMissingError,
  unrecognizedUrlError,
} from "./errors";
import { createFaultState, type FaultState, type Faults } from "./faults";
import { type FormObject, parseForm } from "./form";
import { ACCOUNT_ID_PATTERN, createKeyStore, ipAllowed, type KeyRecord, type KeyStore, newAccountId, normalizeIp } from "./keys";
import { createLedger, type Ledger } from "./ledger";
import { createObjectStore, type ObjectStore, type StoredObject, type StripeObject, typeInfo } from "./objects";
import { createRateLimiter, type RateLimiter, type RateLimits, STRIPE_RATE_LIMITS } from "./rate-limit";
import { compileRouter, type Router } from "./router";

export interface EmulatorOptions {
  /** 0 (the default) picks a free port. The emulator always binds 127.0.0.1. */
  port?: number;
  /** The 403 message format for keys that do not choose one. Default "modern". */
  format?: PermissionMessageFormat;
  /** Seed every listable resource with objects in both modes. Default true. */
  seed?: boolean;
  /** Objects per resource and mode when seeding. Default 3. */
  seedPerType?: number;
  /** Requests per second per key; `false` turns rate limiting off (benchmarks). Default 25 test / 100 live. */
  rateLimits?: RateLimits | false;
  /** Faults applied to every request from the start (the admin API can change them later). */
  faults?: Faults;
  /** The account keys belong to unless they name one. Default: a random `acct_1…`. */
  account?: string;
}

export interface RunningEmulator {
  url: string;
  port: number;
  /** The default account. */
  account: string;
  close(): Promise<void>;
}

export interface EmulatorState {
  keys: KeyStore;
  objects: ObjectStore;
  ledger: Ledger;
  faults: FaultState;
  limiter: RateLimiter;
  router: Router;
  defaultAccount: string;
  format: PermissionMessageFormat;
  rateLimits: RateLimits | false;
  startedAt: number;
}

const MAX_BODY_BYTES = 1024 * 1024;

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const account = options.account ?? newAccountId();
  if (!ACCOUNT_ID_PATTERN.test(account)) throw new Error(`not an account id: ${account}`);
  const state: EmulatorState = {
    keys: createKeyStore(),
    objects: createObjectStore({ seed: options.seed ?? true, perType: options.seedPerType ?? 3 }),
    ledger: createLedger(),
    faults: createFaultState(options.faults),
    limiter: createRateLimiter(),
    router: compileRouter(ROUTES),
    defaultAccount: account,
    format: options.format ?? "modern",
    rateLimits: options.rateLimits === undefined ? STRIPE_RATE_LIMITS : options.rateLimits,
    startedAt: Date.now(),
  };

  const server = http.createServer({ keepAlive: true }, (req, res) => {
    handle(state, req, res).catch((error: unknown) => {
      // A bug in the emulator, not an injected fault: say so without echoing anything sensitive.
      if (!res.headersSent) send(res, 500, { error: { type: "api_error", message: `Stripe emulator error: ${(error as Error).name}` } });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 60_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    account,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Hanging (time-out fault) and idle keep-alive connections would hold close() open.
        server.closeAllConnections();
      }),
  };
}

// ── Responses ─────────────────────────────────────────────────────────────────────────────────

let requestCounter = 0;
const requestIdPrefix = Math.random().toString(36).slice(2, 8);

function nextRequestId(): string {
  requestCounter = (requestCounter + 1) % 0x7fffffff;
  return `req_${requestIdPrefix}${requestCounter.toString(36).padStart(8, "0")}`;
}

function send(res: http.ServerResponse, status: number, body: unknown, requestId = nextRequestId()): void {
  // Stripe pretty-prints its JSON with two spaces.
  const text = JSON.stringify(body, null, 2);
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
    // stripe-node reads the request id from this header into error.requestId.
    "Request-Id": requestId,
    "Cache-Control": "no-cache, no-store",
  });
  res.end(text);
}

// ── Pipeline ──────────────────────────────────────────────────────────────────────────────────

/** `Bearer <key>`, or Basic auth with the key as the user name (`curl -u sk_test_…:`). */
function keyFromAuthorization(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const space = header.indexOf(" ");
  if (space === -1) return undefined;
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === "bearer") return value || undefined;
  if (scheme === "basic") {
    const decoded = Buffer.from(value, "base64").toString("utf8");
    const user = decoded.split(":")[0];
    return user || undefined;
  }
  return undefined;
}

async function handle(state: EmulatorState, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const rawUrl = req.url ?? "/";
  const q = rawUrl.indexOf("?");
  const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
  const query = q === -1 ? "" : rawUrl.slice(q + 1);
  if (path === "/_emulator" || path.startsWith("/_emulator/")) {
    await handleAdmin(state, req, res, path, query);
    return;
  }

  const method = req.method ?? "GET";
  const clientIp = normalizeIp(req.socket.remoteAddress);
  const secret = keyFromAuthorization(req.headers.authorization);
  const key = secret === undefined ? undefined : state.keys.bySecret(secret);
  const keyId = key?.id;
  const reply = (answer: ErrorAnswer | { status: number; body: unknown }) => {
    state.ledger.recordRequest(keyId, method, answer.status, clientIp);
    send(res, answer.status, answer.body);
  };

  if (!state.faults.idle) {
    const decision = state.faults.decide(keyId);
    if (decision.delayMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, decision.delayMs));
      if (req.socket.destroyed) return;
    }
    switch (decision.kind) {
      case "reset":
        state.ledger.recordRequest(keyId, method, 0, clientIp);
        req.socket.destroy();
        return;
      case "timeout":
        // Never answer; the client gives up and closes, or close() tears the socket down.
        state.ledger.recordRequest(keyId, method, 0, clientIp);
        return;
      case "error":
        return reply(injectedServerError());
      case "rate-limit":
        return reply(rateLimitError());
      case "none":
        break;
    }
  }

  // 1. Authentication.
  if (secret === undefined) return reply(noKeyError());
  if (!key) return reply(invalidKeyError(secret));
  if (key.expired) return reply(expiredKeyError(secret));
  if (key.allowedIps && !ipAllowed(clientIp, key.allowedIps)) {
    state.ledger.recordIpDenied(key.id);
    return reply(ipNotAllowedError());
  }

  // 2. Rate limit.
  if (state.rateLimits && !state.limiter.take(key.id, state.rateLimits[key.mode])) {
    state.ledger.recordRateLimited(key.id);
    return reply(rateLimitError());
  }

  // 3. Acting for another account.
  const stripeAccount = req.headers["stripe-account"];
  if (typeof stripeAccount === "string" && stripeAccount !== "" && stripeAccount !== key.account) {
    return reply(accountAccessError(secret, stripeAccount));
  }

  // 4. Route.
  const match = state.router.match(method, path);
  if (!match) return reply(unrecognizedUrlError(method, path));
  const { route, params } = match;

  // 5. Permission (restricted keys only: a secret key "can do anything in your Stripe account",
  // docs.stripe.com/keys/restricted-api-keys).
  if (key.type === "restricted") {
    if (route.rakUnavailable) return reply(rakUnavailableError(secret, key.account));
    for (const permission of route.requires) {
      if (!key.effective.has(permission)) {
        const info = PERMISSIONS.get(permission);
        return reply(
          permissionError({
            key: secret,
            account: key.account,
            permission,
            label: info?.label ?? permission,
            format: key.format ?? state.format,
            keyId: key.id,
            editLink: key.editLink,
          }),
        );
      }
    }
  }

  // 6. Body, then the object lookup and the operation.
  let body: FormObject = {};
  if (method === "POST") {
    const text = await readBody(req);
    if (text === undefined) return reply(badRequestError("Request body too large."));
    try {
      body = parseBody(text, req.headers["content-type"]);
    } catch {
      return reply(badRequestError("Invalid request body."));
    }
  }
  return reply(execute(state, key, route, params, path, method, query, body));
}

function readBody(req: http.IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** v1 bodies are form-encoded (what stripe-node sends); v2 bodies are JSON. */
function parseBody(text: string, contentType: string | undefined): FormObject {
  if (text.trim() === "") return {};
  if (contentType?.includes("application/json")) {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
    return parsed as FormObject;
  }
  return parseForm(text);
}

// ── Operations ────────────────────────────────────────────────────────────────────────────────

type Answer = ErrorAnswer | { status: number; body: unknown };

/** What a request may set on an object: everything but `expand` and Stripe-managed fields. */
function writableFields(body: FormObject): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body)) {
    if (name === "expand" || name === "id" || name === "object" || name === "livemode" || name === "created") continue;
    out[name] = value;
  }
  return out;
}

/** Status after an action, where the action's name says it (the rest leave the status alone). */
const ACTION_STATUS: Readonly<Record<string, string>> = {
  cancel: "canceled",
  expire: "expired",
  void: "void",
  finalize: "open",
  pay: "paid",
  mark_uncollectible: "uncollectible",
  pause: "paused",
  resume: "active",
  deactivate: "inactive",
  reactivate: "active",
  archive: "archived",
  unarchive: "active",
  capture: "succeeded",
  confirm: "succeeded",
  close: "lost",
  reject: "rejected",
};

function parentField(parentTypeKey: string): string {
  const last = parentTypeKey.split("/").pop() as string;
  return typeInfo(last).object;
}

function execute(
  state: EmulatorState,
  key: KeyRecord,
  route: RouteDef,
  params: readonly string[],
  path: string,
  method: string,
  query: string,
  body: FormObject,
): Answer {
  const objects = state.objects.forAccount(key.account);
  const mode = key.mode;

  // Every id in the path must name an existing object of the right type, in this mode.
  const found: StoredObject[] = [];
  for (let i = 0; i < route.chain.length; i++) {
    const typeKey = route.chain[i] as string;
    const id = params[i] as string;
    const expected = typeInfo(typeKey).object;
    const stored = objects.byId.get(id);
    const parent = found[i - 1];
    if (!stored || typeInfo(stored.typeKey).object !== expected || (parent && stored.parentId !== undefined && stored.parentId !== parent.id)) {
      return resourceMissingError(expected, id);
    }
    if (stored.mode !== mode) return resourceMissingError(expected, id, stored.mode);
    found.push(stored);
  }
  const target = found[found.length - 1];
  const record = (change: "created" | "updated" | "deleted" | "action", stored: { typeKey: string; id: string }, action?: string) =>
    state.ledger.recordChange({
      keyId: key.id,
      account: key.account,
      mode,
      method,
      path,
      change,
      object: typeInfo(stored.typeKey).object,
      id: stored.id,
      ...(action === undefined ? {} : { action }),
    });

  switch (route.op) {
    case "list":
    case "search":
    case "nested-list":
      return { status: 200, body: listBody(state.objects.list(objects, route.typeKey, mode, target?.id), path, query, route.op === "search") };
    case "retrieve":
      return { status: 200, body: (target as StoredObject).data };
    case "create": {
      const stored = state.objects.create(key.account, route.typeKey, mode, writableFields(body));
      record("created", stored);
      return { status: 200, body: stored.data };
    }
    case "nested-create": {
      const parent = target as StoredObject;
      const fields = { ...writableFields(body), [parentField(parent.typeKey)]: parent.id };
      const stored = state.objects.create(key.account, route.typeKey, mode, fields, parent.id);
      record("created", stored);
      return { status: 200, body: stored.data };
    }
    case "update": {
      const stored = target as StoredObject;
      Object.assign(stored.data, writableFields(body));
      record("updated", stored);
      return { status: 200, body: stored.data };
    }
    case "delete": {
      const stored = target as StoredObject;
      state.objects.remove(objects, stored);
      record("deleted", stored);
      return { status: 200, body: { id: stored.id, object: stored.data.object, deleted: true } };
    }
    case "action": {
      const stored = target as StoredObject;
      const action = route.actionName as string;
      const status = ACTION_STATUS[action];
      if (status !== undefined) stored.data.status = status;
      Object.assign(stored.data, writableFields(body));
      record("action", stored, action);
      return { status: 200, body: stored.data };
    }
    case "singleton-read": {
      if (route.typeKey.endsWith("/lines")) return { status: 200, body: listBody([], path, query, false) };
      return { status: 200, body: state.objects.singleton(objects, route.typeKey, mode) };
    }
    case "singleton-write": {
      const singleton: StripeObject = state.objects.singleton(objects, route.typeKey, mode);
      Object.assign(singleton, writableFields(body));
      record("updated", { typeKey: route.typeKey, id: route.typeKey });
      return { status: 200, body: singleton };
    }
    case "noop":
      return { status: 200, body: { object: typeInfo(route.typeKey.split("/")[0] as string).object, livemode: mode === "live" } };
  }
}

/**
 * Stripe's list envelope `{object: "list", data, has_more, url}` (search: `object: "search_result"`
 * plus `next_page`); v2 lists are `{data, next_page_url, previous_page_url}`. `limit` is 1–100,
 * default 10; `starting_after` / `ending_before` page by id.
 */
function listBody(items: readonly StoredObject[], path: string, query: string, search: boolean): unknown {
  const params = query === "" ? undefined : new URLSearchParams(query);
  const rawLimit = Number(params?.get("limit") ?? 10);
  const limit = Number.isFinite(rawLimit) ? Math.min(100, Math.max(1, Math.trunc(rawLimit))) : 10;
  const after = params?.get("starting_after");
  const before = params?.get("ending_before");
  let start = 0;
  let end = items.length;
  if (after) {
    const index = items.findIndex((o) => o.id === after);
    start = index === -1 ? items.length : index + 1;
  } else if (before) {
    const index = items.findIndex((o) => o.id === before);
    end = index === -1 ? 0 : index;
    start = Math.max(0, end - limit);
  }
  const page = items.slice(start, Math.min(end, start + limit)).map((o) => o.data);
  const hasMore = before ? start > 0 : start + limit < end;
  if (path.startsWith("/v2/")) return { data: page, next_page_url: null, previous_page_url: null };
  if (search) return { object: "search_result", data: page, has_more: hasMore, next_page: null, url: path };
  return { object: "list", data: page, has_more: hasMore, url: path };
}

