import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { createSecret } from "~/domain/key/secret";
import { parseManifest } from "~/domain/manifest/manifest";
import { createStripeTransport } from "~/domain/probe/stripe-transport";
import { generateKeyRingEntry, parseKeyRing } from "~/domain/vault/key-ring";
import { createEmulatorAdmin, type EmulatorAdmin } from "../../emulator/admin-client";
import { type RunningEmulator, startEmulator } from "../../emulator/server";
import { connectionInput, createCustomer, fakeRestrictedKey, plaintextForms } from "../../tests/support/connection-fixtures";
import { createTestDatabase, DIALECTS } from "../../tests/support/test-database";

import { type AppContext, createAppContext } from "./app-context.server";
import { listAuditEvents } from "./audit.server";
import { destroyConnectionSecret, recordCheck, storeConnection } from "./connection-store.server";
import { createServiceToken, revokeServiceToken, type ServiceTokenScope } from "./service-tokens.server";
import {
  apiHealthCheck,
  type ApiCall,
  checkKeyEndpoint,
  getConnectionEndpoint,
  getCredentialsEndpoint,
  listChecksEndpoint,
  listConnectionsEndpoint,
  notFoundEndpoint,
  startCheckEndpoint,
  type VendorApiDependencies,
} from "./vendor-api.server";
import { buildOpenApiDocument } from "./vendor-api-openapi";
import {
  ApiErrorSchema,
  CheckListSchema,
  ConnectionDetailSchema,
  ConnectionListSchema,
  CredentialsSchema,
  HealthCheckResultSchema,
  KeyCheckReportSchema,
} from "./vendor-api-schemas";

const demo = parseManifest(JSON.parse(fs.readFileSync("examples/manifests/demo.json", "utf8")));
const strict = { ...demo, excessWrite: "reject" as const };
const required = Object.entries(demo.permissions).map(([name, r]) => `${name}_${r.level}`);
const admin = { actor: { type: "system" as const, label: "vitest" } };
const IP = "198.51.100.77";
const BASE = "http://keyport.test/api/v1";

let emulator: RunningEmulator;
let stripe: EmulatorAdmin;
beforeAll(async () => {
  emulator = await startEmulator();
  stripe = createEmulatorAdmin(emulator.url);
});
afterAll(() => emulator.close());

async function body<T extends z.ZodType>(response: Response, schema: T): Promise<z.infer<T>> {
  return schema.parse(await response.json());
}

describe.each(DIALECTS)("vendor API on %s", (dialect) => {
  let handle: Awaited<ReturnType<typeof createTestDatabase>>;
  let ctx: AppContext;
  let deps: VendorApiDependencies;
  let clock = Date.UTC(2026, 10, 23, 12);

  beforeAll(async () => {
    handle = await createTestDatabase(dialect);
    ctx = createAppContext(handle, { secureCookies: false, now: () => clock, keyRing: parseKeyRing(generateKeyRingEntry("api")) });
    const transport = createStripeTransport({ apiBase: emulator.url });
    deps = { ctx, manifest: demo, transport, runHealthCheck: apiHealthCheck({ manifest: demo, transport }) };
  });
  afterAll(() => handle.destroy());

  async function token(scopes: ServiceTokenScope[], name = `token-${Math.random().toString(36).slice(2, 8)}`) {
    const created = await createServiceToken(ctx, { name, scopes, expiresAt: null }, admin);
    if (!created.ok) throw new Error(created.message);
    return { ...created, bearer: `Bearer ${created.token.reveal()}` };
  }

  function call(path: string, bearer: string | null, init: RequestInit & { params?: Record<string, string> } = {}): ApiCall {
    const { params = {}, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (bearer) headers.set("Authorization", bearer);
    return { request: new Request(`${BASE}${path}`, { ...rest, headers }), ip: IP, params };
  }

  /** A stored connection holding a real emulator key, accepted and healthy. */
  async function emulatorConnection(permissions = required) {
    const customer = await createCustomer(ctx.db, clock);
    const key = await stripe.createKey({ mode: "test", permissions });
    const connection = await storeConnection(
      ctx,
      connectionInput(customer, createSecret(key.key), {
        stripeAccountId: key.account,
        check: { triggeredBy: "connect", status: "healthy", durationMs: 5, requests: 9, manifestVersion: 3, findings: { verdict: "accepted" } },
      }),
    );
    return { customer, key, connection };
  }

  it("refuses a request without a usable token with 401, a JSON error and a Bearer challenge, and audits it", async () => {
    const missing = await listConnectionsEndpoint(deps, call("/connections", null));
    expect(missing.status).toBe(401);
    expect(missing.headers.get("WWW-Authenticate")).toBe('Bearer realm="keyport"');
    expect(missing.headers.get("Cache-Control")).toBe("no-store");
    expect((await body(missing, ApiErrorSchema)).error.code).toBe("authentication_required");

    const invalid = await listConnectionsEndpoint(deps, call("/connections", "Bearer kpt_notarealtokennotarealtokennotarealtoken1234"));
    expect(invalid.status).toBe(401);
    expect((await body(invalid, ApiErrorSchema)).error.code).toBe("invalid_token");

    const revoked = await token(["connections:read"], "revoked-one");
    await revokeServiceToken(ctx, revoked.record.id, admin);
    const refused = await listConnectionsEndpoint(deps, call("/connections", revoked.bearer));
    expect(refused.status).toBe(401);
    expect((await body(refused, ApiErrorSchema)).error.code).toBe("token_revoked");

    const shortLived = await createServiceToken(ctx, { name: "short-lived", scopes: ["connections:read"], expiresAt: clock + 1000 }, admin);
    if (!shortLived.ok) throw new Error(shortLived.message);
    clock += 1000;
    const expired = await listConnectionsEndpoint(deps, call("/connections", `Bearer ${shortLived.token.reveal()}`));
    expect((await body(expired, ApiErrorSchema)).error.code).toBe("token_expired");

    const audit = await listAuditEvents(ctx, { limit: 10 });
    expect(audit.find((a) => a.actor_label === "revoked-one")).toMatchObject({ actor_type: "service_token", outcome: "revoked", ip: IP, action: "api.connections.list" });
    expect(audit.find((a) => a.action === "api.authentication_failed")).toMatchObject({ actor_type: "anonymous", outcome: "unknown", ip: IP });
  });

  it("limits refused authentications per address, so they cannot flood the audit trail", async () => {
    const limited: VendorApiDependencies = { ...deps, rateLimits: { failedAuthenticationsPerIp: { name: "t-auth", limit: 2, windowMs: 60_000 } } };
    const attempt = () => listConnectionsEndpoint(limited, { ...call("/connections", "Bearer kpt_guessguessguessguessguessguessguessguess123"), ip: "192.0.2.44" });
    expect((await attempt()).status).toBe(401);
    expect((await attempt()).status).toBe(401);
    const third = await attempt();
    expect(third.status).toBe(429);
    expect(third.headers.get("Retry-After")).toMatch(/^\d+$/);
    const audited = (await listAuditEvents(ctx, { limit: 50 })).filter((a) => a.ip === "192.0.2.44");
    expect(audited.map((a) => a.outcome)).toEqual(["unknown", "unknown"]);
  });

  it("answers 403 when the token lacks the scope, and 405 for the wrong method", async () => {
    const { bearer } = await token(["keys:check"]);
    const response = await listConnectionsEndpoint(deps, call("/connections", bearer));
    expect(response.status).toBe(403);
    expect(await body(response, ApiErrorSchema)).toEqual({ error: { code: "insufficient_scope", message: "This token lacks the scope `connections:read`." } });
    const wrong = await listConnectionsEndpoint(deps, call("/connections", bearer, { method: "DELETE" }));
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("Allow")).toBe("GET");
    expect((await body(notFoundEndpoint(call("/nothing", null)), ApiErrorSchema)).error.code).toBe("not_found");
  });

  it("lists connections newest first, filtered by status and state, a page at a time", async () => {
    const { bearer } = await token(["connections:read"]);
    const customer = await createCustomer(ctx.db, clock);
    const other = await createCustomer(ctx.db, clock);
    const ids: string[] = [];
    for (const [who, mode] of [
      [customer, "test"],
      [customer, "live"],
      [other, "test"],
      [other, "live"],
    ] as const) {
      clock += 1000;
      const connection = await storeConnection(ctx, connectionInput(who, fakeRestrictedKey(mode)));
      ids.unshift(connection.id);
    }
    await recordCheck(ctx, { connectionId: ids[0]!, triggeredBy: "scheduled", status: "expired", durationMs: 1, requests: 1, manifestVersion: 3, findings: null });
    await recordCheck(ctx, { connectionId: ids[1]!, triggeredBy: "scheduled", status: "healthy", durationMs: 1, requests: 1, manifestVersion: 3, findings: null });

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query = new URLSearchParams({ limit: "1", organisation: customer.organisationId, ...(cursor ? { cursor } : {}) });
      const response = await listConnectionsEndpoint(deps, call(`/connections?${query}`, bearer));
      expect(response.status).toBe(200);
      expect(response.headers.get("Cache-Control")).toBe("no-store");
      const page = await body(response, ConnectionListSchema);
      seen.push(...page.data.map((c) => c.id));
      cursor = page.next_cursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(ids.slice(2));
    expect(pages).toBe(2);

    const everyone = await body(await listConnectionsEndpoint(deps, call("/connections?limit=1", bearer)), ConnectionListSchema);
    expect(everyone).toMatchObject({ has_more: true, data: [{ id: ids[0], status: "expired", organisation: { id: other.organisationId, name: `Org ${other.organisationId}` } }] });
    const second = await body(await listConnectionsEndpoint(deps, call(`/connections?limit=1&cursor=${everyone.next_cursor}`, bearer)), ConnectionListSchema);
    expect(second.data.map((c) => c.id)).toEqual([ids[1]]);

    const filtered = await body(await listConnectionsEndpoint(deps, call(`/connections?status=expired,healthy&mode=live`, bearer)), ConnectionListSchema);
    expect(filtered.data.map((c) => [c.id, c.status])).toEqual([[ids[0], "expired"]]);

    const bad = await listConnectionsEndpoint(deps, call("/connections?status=sick", bearer));
    expect(bad.status).toBe(400);
    expect((await body(bad, ApiErrorSchema)).error.message).toMatch(/Statuses are unchecked, healthy/);
    const unknown = await listConnectionsEndpoint(deps, call("/connections?colour=red", bearer));
    expect(await body(unknown, ApiErrorSchema)).toEqual({ error: { code: "invalid_request", message: "Unknown query parameter: colour." } });
    const badCursor = await listConnectionsEndpoint(deps, call("/connections?cursor=bm90LWpzb24", bearer));
    expect((await body(badCursor, ApiErrorSchema)).error.code).toBe("invalid_cursor");
  });

  it("reads one connection with its latest report, 404 for an unknown id", async () => {
    const { bearer } = await token(["connections:read"]);
    const { connection, key } = await emulatorConnection();
    const response = await getConnectionEndpoint(deps, call(`/connections/${connection.id}`, bearer, { params: { connectionId: connection.id } }));
    expect(response.status).toBe(200);
    const detail = await body(response, ConnectionDetailSchema);
    expect(detail).toMatchObject({ id: connection.id, state: "active", status: "healthy", account: key.account, key_last4: key.key.slice(-4), latest_check: { triggered_by: "connect" } });
    expect(JSON.stringify(detail)).not.toContain(key.key);
    const missing = await getConnectionEndpoint(deps, call("/connections/con_nope", bearer, { params: { connectionId: "con_nope" } }));
    expect(missing.status).toBe(404);
    expect((await body(missing, ApiErrorSchema)).error.code).toBe("connection_not_found");
  });

  it("runs a health check on request, records it in the history, and queues a status webhook when the status moves", async () => {
    const { bearer } = await token(["connections:read", "connections:check"], "checker");
    const { connection, key } = await emulatorConnection();
    const params = { connectionId: connection.id };
    const first = await startCheckEndpoint(deps, call(`/connections/${connection.id}/checks`, bearer, { method: "POST", params }));
    expect(first.status).toBe(201);
    expect(await body(first, HealthCheckResultSchema)).toMatchObject({ status: "healthy", previous_status: "healthy", report: { verdict: "accepted" } });

    await stripe.expireKey(key.id);
    clock += 60_000;
    const second = await body(await startCheckEndpoint(deps, call(`/connections/${connection.id}/checks`, bearer, { method: "POST", params })), HealthCheckResultSchema);
    expect(second).toMatchObject({ status: "expired", previous_status: "healthy", connection: { status: "expired" } });
    const events = await ctx.db.selectFrom("webhook_events").select(["type", "payload"]).where("connection_id", "=", connection.id).execute();
    expect(events.map((e) => e.type)).toEqual(["connection.status_changed"]);
    expect(JSON.parse(events[0]!.payload)).toMatchObject({ data: { object: { status: "expired" }, previous_attributes: { status: "healthy" } } });

    const history = await body(await listChecksEndpoint(deps, call(`/connections/${connection.id}/checks?limit=2`, bearer, { params })), CheckListSchema);
    expect(history.data.map((c) => [c.triggered_by, c.status])).toEqual([
      ["api", "expired"],
      ["api", "healthy"],
    ]);
    expect(history.has_more).toBe(true);
    const rest = await body(await listChecksEndpoint(deps, call(`/connections/${connection.id}/checks?cursor=${history.next_cursor}`, bearer, { params })), CheckListSchema);
    expect(rest.data.map((c) => c.triggered_by)).toEqual(["connect"]);
    const audit = await listAuditEvents(ctx, { targetId: connection.id });
    expect(audit.find((a) => a.action === "connection.checked")).toMatchObject({ actor_type: "service_token", actor_label: "checker", ip: IP });
    for (const form of plaintextForms(key.key)) expect(JSON.stringify(audit)).not.toContain(form);

    const readOnly = await token(["connections:read"]);
    expect((await startCheckEndpoint(deps, call(`/connections/${connection.id}/checks`, readOnly.bearer, { method: "POST", params }))).status).toBe(403);
  });

  it("hands out the key of a healthy connection, never cached, audited with the token's name and the caller's IP", async () => {
    const { bearer } = await token(["credentials:read"], "billing-sync");
    const { connection, key } = await emulatorConnection();
    const response = await getCredentialsEndpoint(deps, call(`/connections/${connection.id}/credentials`, bearer, { params: { connectionId: connection.id } }));
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(await body(response, CredentialsSchema)).toEqual({
      object: "credentials",
      connection: connection.id,
      mode: "test",
      account: key.account,
      status: "healthy",
      key: key.key,
      key_last4: key.key.slice(-4),
    });
    const [entry] = await listAuditEvents(ctx, { targetId: connection.id, limit: 1 });
    expect(entry).toMatchObject({ action: "api.credentials.read", actor_type: "service_token", actor_label: "billing-sync", ip: IP, outcome: "success" });
    for (const form of plaintextForms(key.key)) expect(JSON.stringify(entry)).not.toContain(form);

    const withoutScope = await token(["connections:read", "connections:check", "keys:check"]);
    expect((await getCredentialsEndpoint(deps, call(`/connections/${connection.id}/credentials`, withoutScope.bearer, { params: { connectionId: connection.id } }))).status).toBe(403);
  });

  it("refuses the key while the connection's health is not acceptable under the vendor's policy, or once it has ended", async () => {
    const { bearer } = await token(["credentials:read"]);
    const { connection } = await emulatorConnection();
    const params = { connectionId: connection.id };
    const fetchKey = (manifest = demo) => getCredentialsEndpoint({ ...deps, manifest }, call(`/connections/${connection.id}/credentials`, bearer, { params }));
    const setStatus = (status: "over_privileged" | "expired" | "check_failed") =>
      recordCheck(ctx, { connectionId: connection.id, triggeredBy: "scheduled", status, durationMs: 1, requests: 1, manifestVersion: 3, findings: null });

    await setStatus("over_privileged");
    expect((await fetchKey()).status).toBe(200);
    const strictAnswer = await fetchKey(strict);
    expect(strictAnswer.status).toBe(409);
    expect(await body(strictAnswer, ApiErrorSchema)).toMatchObject({ error: { code: "connection_unhealthy", message: expect.stringContaining("is over_privileged") } });
    for (const status of ["expired", "check_failed"] as const) {
      await setStatus(status);
      expect((await body(await fetchKey(), ApiErrorSchema)).error.code).toBe("connection_unhealthy");
    }
    const [refusal] = await listAuditEvents(ctx, { targetId: connection.id, limit: 1 });
    expect(refusal).toMatchObject({ action: "api.credentials.read", outcome: "denied", details: { code: "connection_unhealthy", status: "check_failed" } });

    await destroyConnectionSecret(ctx, connection.id, { state: "revoked_by_customer", endedBy: null });
    expect((await body(await fetchKey(), ApiErrorSchema)).error.code).toBe("connection_ended");
  });

  it("limits key fetches per connection and requests per token, with Retry-After", async () => {
    const limited: VendorApiDependencies = {
      ...deps,
      rateLimits: { credentialsPerConnection: { name: "t-cred", limit: 2, windowMs: 60_000 }, requestsPerToken: { name: "t-token", limit: 5, windowMs: 60_000 } },
    };
    const { bearer } = await token(["credentials:read"]);
    const { connection } = await emulatorConnection();
    const fetchKey = () => getCredentialsEndpoint(limited, call(`/connections/${connection.id}/credentials`, bearer, { params: { connectionId: connection.id } }));
    expect((await fetchKey()).status).toBe(200);
    expect((await fetchKey()).status).toBe(200);
    const third = await fetchKey();
    expect(third.status).toBe(429);
    expect(Number(third.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect((await body(third, ApiErrorSchema)).error.code).toBe("rate_limited");
    await fetchKey();
    await fetchKey();
    const overall = await fetchKey();
    expect(overall.status).toBe(429);
    expect((await body(overall, ApiErrorSchema)).error.message).toMatch(/This token has sent too many requests/);
  });

  it("checks a key without storing it and returns the command line's report", async () => {
    const { bearer } = await token(["keys:check"], "onboarding-ui");
    const key = await stripe.createKey({ mode: "test", permissions: required });
    const before = await ctx.db.selectFrom("connections").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    const post = (payload: string, headers: Record<string, string> = { "Content-Type": "application/json" }) =>
      checkKeyEndpoint(deps, call("/keys/check", bearer, { method: "POST", body: payload, headers }));

    const response = await post(JSON.stringify({ key: key.key }));
    expect(response.status).toBe(200);
    const report = await body(response, KeyCheckReportSchema);
    expect(report).toMatchObject({ verdict: "accepted", account: key.account, key: { type: "restricted", mode: "test", last4: key.key.slice(-4) } });
    const after = await ctx.db.selectFrom("connections").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    const [entry] = await listAuditEvents(ctx, { limit: 1 });
    expect(entry).toMatchObject({ action: "api.keys.check", actor_label: "onboarding-ui", details: { verdict: "accepted", last4: key.key.slice(-4) } });
    for (const form of plaintextForms(key.key)) expect(JSON.stringify(entry)).not.toContain(form);

    const secret = await stripe.createKey({ mode: "test", type: "secret" });
    const refused = await body(await post(JSON.stringify({ key: secret.key })), KeyCheckReportSchema);
    expect(refused).toMatchObject({ verdict: "rejected", key: { type: "secret" }, problems: [{ code: "secret_key" }] });
    expect((await stripe.ledger(secret.id)).requests[secret.id]?.total ?? 0).toBe(0);

    const notJson = await post(`{"key": "${key.key}"`);
    expect(notJson.status).toBe(400);
    const notJsonText = await notJson.text();
    for (const form of plaintextForms(key.key)) expect(notJsonText).not.toContain(form);
    expect((await post(JSON.stringify({ key: key.key }), { "Content-Type": "text/plain" })).status).toBe(415);
    expect(await body(await post(JSON.stringify({ key: key.key, store: true })), ApiErrorSchema)).toEqual({
      error: { code: "invalid_request", message: "The body takes one field, `key`." },
    });
    expect((await post("x".repeat(20_000))).status).toBe(413);
  });

  it("limits key checks per token", async () => {
    const { bearer } = await token(["keys:check"]);
    const limited: VendorApiDependencies = { ...deps, rateLimits: { keyChecksPerToken: { name: "t-check", limit: 1, windowMs: 60_000 } } };
    const post = () => checkKeyEndpoint(limited, call("/keys/check", bearer, { method: "POST", body: JSON.stringify({ key: "sk_test_nope" }), headers: { "Content-Type": "application/json" } }));
    expect((await post()).status).toBe(200);
    const second = await post();
    expect(second.status).toBe(429);
    expect(second.headers.get("Retry-After")).toMatch(/^\d+$/);
  });
});

describe("the OpenAPI description", () => {
  const document = buildOpenApiDocument({ serverUrl: "https://keys.example.com/api/v1", vendorName: "Northwind" });

  it("is OpenAPI 3.1 with every reference resolving to a component", () => {
    expect(document.openapi).toBe("3.1.0");
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/schemas\/([A-Za-z]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of new Set(refs)) expect(document.components.schemas, ref).toHaveProperty(ref);
  });

  it("describes every operation the API serves, each with its scope", () => {
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => `${method.toUpperCase()} ${path} ${(op as { security: { serviceToken: string[] }[] }).security[0]!.serviceToken[0]}`),
    );
    expect(operations.sort()).toEqual([
      "GET /connections connections:read",
      "GET /connections/{connectionId} connections:read",
      "GET /connections/{connectionId}/checks connections:read",
      "GET /connections/{connectionId}/credentials credentials:read",
      "POST /connections/{connectionId}/checks connections:check",
      "POST /keys/check keys:check",
    ]);
    expect(Object.keys(document.webhooks).sort()).toEqual(["connection.created", "connection.replaced", "connection.revoked", "connection.status_changed"]);
  });
});
