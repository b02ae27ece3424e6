import { z } from "zod";
import { SCOPE_DESCRIPTIONS, SERVICE_TOKEN_SCOPES } from "./service-tokens.server";
import {
  ApiErrorSchema,
  CheckListSchema,
  CheckSchema,
  ConnectionDetailSchema,
  ConnectionListSchema,
  ConnectionSchema,
  CredentialsSchema,
  HealthCheckResultSchema,
  HealthStatusSchema,
  KeyCheckReportSchema,
  KeyCheckRequestSchema,
} from "./vendor-api-schemas";
import { SIGNATURE_HEADER, WEBHOOK_EVENT_DESCRIPTIONS, WEBHOOK_EVENT_TYPES } from "./webhooks.server";

/**
 * The OpenAPI 3.1 description of /api/v1/, served at /api/v1/openapi.json. The component schemas
 * are generated from the zod schemas the API itself uses (OpenAPI 3.1 schemas are JSON Schema
 * 2020-12, which is what zod emits).
 */
export function buildOpenApiDocument(options: { serverUrl: string; vendorName: string }) {
  const registry = z.registry<{ id: string }>();
  const components = {
    Error: ApiErrorSchema,
    HealthStatus: HealthStatusSchema,
    Connection: ConnectionSchema,
    ConnectionList: ConnectionListSchema,
    ConnectionDetail: ConnectionDetailSchema,
    Check: CheckSchema,
    CheckList: CheckListSchema,
    HealthCheckResult: HealthCheckResultSchema,
    Credentials: CredentialsSchema,
    KeyCheckRequest: KeyCheckRequestSchema,
    KeyCheckReport: KeyCheckReportSchema,
  };
  for (const [id, schema] of Object.entries(components)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { uri: (id) => `#/components/schemas/${id}`, unrepresentable: "any" });
  for (const schema of Object.values(schemas)) {
    delete schema.$schema;
    delete schema.$id;
  }

  const ref = (id: keyof typeof components) => ({ $ref: `#/components/schemas/${id}` });
  const json = (id: keyof typeof components, description: string) => ({ description, content: { "application/json": { schema: ref(id) } } });
  const error = (description: string) => json("Error", description);
  const common = {
    "401": error("No token, or a token that is unknown (`invalid_token`), revoked (`token_revoked`) or expired (`token_expired`)."),
    "403": error("The token lacks the scope this operation needs (`insufficient_scope`)."),
    "429": {
      ...error("Rate limited (`rate_limited`); retry after the number of seconds in `Retry-After`."),
      headers: { "Retry-After": { schema: { type: "integer" }, description: "Seconds to wait." } },
    },
  };
  const connectionParameter = { name: "connectionId", in: "path", required: true, schema: { type: "string" }, example: "con_5k2m9q8d7c6b5a4z3y2x" };
  const notFound = error("There is no such connection (`connection_not_found`).");
  const paging = (what: string) => [
    { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 100, default: 20 }, description: `${what} per page.` },
    { name: "cursor", in: "query", schema: { type: "string" }, description: "`next_cursor` from the previous page." },
  ];
  const scope = (name: (typeof SERVICE_TOKEN_SCOPES)[number]) => [{ serviceToken: [name] }];

  return {
    openapi: "3.1.0",
    info: {
      title: `${options.vendorName} · Keyport service API`,
      version: "1",
      description:
        "For the vendor's own services: the customers' Stripe connections, their health, and their restricted keys, " +
        "so keys come from one place instead of environment variables and spreadsheets.\n\n" +
        "Authenticate with a service token created by an administrator (`npm run keyport -- token:create` or the admin page " +
        "/staff/tokens): `Authorization: Bearer kpt_…`. Each token carries scopes:\n\n" +
        SERVICE_TOKEN_SCOPES.map((s) => `- \`${s}\`: ${SCOPE_DESCRIPTIONS[s]}`).join("\n") +
        "\n\nErrors are `{ \"error\": { \"code\", \"message\" } }`. Every request is recorded in the audit trail with the token's name and the caller's IP. " +
        "No response may be cached (`Cache-Control: no-store`).",
    },
    servers: [{ url: options.serverUrl }],
    security: [{ serviceToken: [] }],
    paths: {
      "/connections": {
        get: {
          operationId: "listConnections",
          summary: "List connections, newest first",
          security: scope("connections:read"),
          parameters: [
            ...paging("Connections"),
            { name: "status", in: "query", schema: { type: "string" }, description: "One or more health statuses, comma-separated, e.g. `healthy,over_privileged`." },
            { name: "state", in: "query", schema: { type: "string", enum: ["active", "replaced", "revoked_by_customer"] } },
            { name: "mode", in: "query", schema: { type: "string", enum: ["test", "live"] } },
            { name: "organisation", in: "query", schema: { type: "string" }, description: "Only this organisation's connections." },
            { name: "account", in: "query", schema: { type: "string" }, description: "Only connections to this Stripe account (`acct_…`)." },
          ],
          responses: { "200": json("ConnectionList", "A page of connections."), "400": error("An unknown or invalid query parameter (`invalid_request`, `invalid_cursor`)."), ...common },
        },
      },
      "/connections/{connectionId}": {
        get: {
          operationId: "getConnection",
          summary: "One connection and its latest report",
          security: scope("connections:read"),
          parameters: [connectionParameter],
          responses: { "200": json("ConnectionDetail", "The connection."), "404": notFound, ...common },
        },
      },
      "/connections/{connectionId}/checks": {
        get: {
          operationId: "listChecks",
          summary: "The connection's check history, newest first",
          security: scope("connections:read"),
          parameters: [connectionParameter, ...paging("Checks")],
          responses: { "200": json("CheckList", "A page of checks."), "404": notFound, ...common },
        },
        post: {
          operationId: "startCheck",
          summary: "Check the connection's key against Stripe now",
          description: "Runs a health check (read-only requests with the customer's key) and records it in the history. At most 12 per connection and hour.",
          security: scope("connections:check"),
          parameters: [connectionParameter],
          responses: {
            "201": json("HealthCheckResult", "The check's result."),
            "404": notFound,
            "409": error("The connection has ended; its key was destroyed (`connection_ended`)."),
            ...common,
          },
        },
      },
      "/connections/{connectionId}/credentials": {
        get: {
          operationId: "getCredentials",
          summary: "Fetch the connection's decrypted restricted key",
          description:
            "Only while the connection's health is acceptable: `healthy`, or `over_privileged` when the manifest's `excessWrite` is `warn`. " +
            "Every call is audited with the token's name and the caller's IP; at most 60 per connection and hour. Keep the key in memory; never log or store it.",
          security: scope("credentials:read"),
          parameters: [connectionParameter],
          responses: {
            "200": { ...json("Credentials", "The key."), headers: { "Cache-Control": { schema: { type: "string", const: "no-store" } } } },
            "404": notFound,
            "409": error("The connection has ended (`connection_ended`) or its health does not allow handing out its key (`connection_unhealthy`)."),
            ...common,
          },
        },
      },
      "/keys/check": {
        post: {
          operationId: "checkKey",
          summary: "Check a key against the manifest without storing it",
          description:
            "For vendors with their own onboarding UI: the same check and report as `npm run keyport -- check --json`. Secret (`sk_`) and publishable keys are refused before any request to Stripe. " +
            "Nothing is stored; the key never appears in the response or the audit trail. At most 100 checks per token and hour.",
          security: scope("keys:check"),
          requestBody: { required: true, content: { "application/json": { schema: ref("KeyCheckRequest") } } },
          responses: {
            "200": json("KeyCheckReport", "The report; `verdict` says whether the key would be accepted."),
            "400": error("The body is not valid JSON (`invalid_json`) or not `{ \"key\": \"…\" }` (`invalid_request`)."),
            "413": error("The body is larger than 16 KiB (`body_too_large`)."),
            "415": error("The body is not `application/json` (`unsupported_media_type`)."),
            ...common,
          },
        },
      },
    },
    webhooks: Object.fromEntries(
      WEBHOOK_EVENT_TYPES.map((type) => [
        type,
        {
          post: {
            summary: type,
            description:
              `${WEBHOOK_EVENT_DESCRIPTIONS[type]}\n\nSigned like Stripe's webhooks: \`${SIGNATURE_HEADER}: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" under the endpoint's whsec_… secret>\`. ` +
              "Events for one connection arrive in order; answer 2xx within 10 seconds, otherwise the delivery is retried with exponential backoff for up to three days.",
            requestBody: {
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    required: ["id", "object", "type", "created", "data"],
                    properties: {
                      id: { type: "string", description: "`evt_…`; deliveries can repeat, so handle each id once." },
                      object: { const: "event" },
                      type: { const: type },
                      created: { type: "string", format: "date-time" },
                      data: {
                        type: "object",
                        properties: {
                          object: {
                            type: "object",
                            properties: {
                              id: { type: "string" },
                              object: { const: "connection" },
                              organisation_id: { type: "string" },
                              mode: { enum: ["test", "live"] },
                              account: { type: ["string", "null"] },
                              state: { enum: ["active", "replaced", "revoked_by_customer"] },
                              status: ref("HealthStatus"),
                              manifest_version: { type: ["integer", "null"] },
                              replaced_by: { type: ["string", "null"] },
                              replaces: { type: ["string", "null"] },
                            },
                          },
                          previous_attributes: { type: "object", properties: { status: ref("HealthStatus") } },
                        },
                      },
                    },
                  },
                },
              },
            },
            responses: { "200": { description: "Received." } },
          },
        },
      ]),
    ),
    components: {
      securitySchemes: {
        serviceToken: { type: "http", scheme: "bearer", description: "A service token, `kpt_…`." },
      },
      schemas,
    },
  };
}
