import { z } from "zod";
import { HEALTH_STATUSES } from "~/domain/health/health-status";

/*
 * The vendor API's request and response shapes, in zod. They validate input, type the handlers'
 * output, and become the OpenAPI description (vendor-api-openapi.ts), so the description and the
 * API cannot drift apart; tests parse real responses with them.
 */

const timestamp = z.iso.datetime().meta({ description: "ISO 8601, UTC." });
const connectionId = z.string().regex(/^con_[0-9a-z]+$/).meta({ example: "con_5k2m9q8d7c6b5a4z3y2x" });

export const HealthStatusSchema = z.enum(HEALTH_STATUSES).meta({
  id: "HealthStatus",
  description:
    "The connection's health from its latest check: `healthy`; `over_privileged` (works, but grants more than the manifest needs); " +
    "`missing_permissions`; `needs_update` (the manifest now needs more); `revoked` (deleted in Stripe); `expired` (rolled in Stripe); " +
    "`ip_blocked` (the key's IP allowlist excludes Keyport); `check_failed` (Stripe did not answer; nothing known to be wrong); `unchecked`.",
});

export const ApiErrorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ example: "insufficient_scope" }),
      message: z.string().meta({ description: "One or two sentences for the developer; never contains key material." }),
    }),
  })
  .meta({ id: "Error" });

export const ConnectionSchema = z
  .object({
    id: connectionId,
    object: z.literal("connection"),
    organisation: z.object({ id: z.string(), name: z.string() }).meta({ description: "The customer organisation that connected the key." }),
    mode: z.enum(["test", "live"]),
    state: z.enum(["active", "replaced", "revoked_by_customer"]).meta({ description: "Only `active` connections hold a key." }),
    status: HealthStatusSchema,
    account: z.string().nullable().meta({ description: "The Stripe account (`acct_…`), when the check could tell it.", example: "acct_1PJBLEBBLEfVtest" }),
    key_last4: z.string().length(4),
    manifest_version: z.number().int().meta({ description: "The manifest version the key was accepted under." }),
    created_at: timestamp,
    last_checked_at: timestamp.nullable(),
    ended_at: timestamp.nullable(),
    replaced_by: connectionId.nullable(),
  })
  .meta({ id: "Connection" });

export const ConnectionListSchema = z
  .object({
    object: z.literal("list"),
    data: z.array(ConnectionSchema),
    has_more: z.boolean(),
    next_cursor: z.string().nullable().meta({ description: "Pass as `cursor` to get the next page; null on the last page." }),
  })
  .meta({ id: "ConnectionList" });

const PermissionReportSchema = z.object({
  permission: z.string(),
  label: z.string(),
  category: z.string(),
  dashboardRow: z.string(),
  required: z.enum(["none", "read", "write"]),
  granted: z.enum(["none", "read", "write", "unknown"]),
  finding: z.enum(["ok", "missing", "insufficient", "excess_write", "excess_access", "unknown", "unverified"]),
  sensitive: z.boolean(),
  note: z.string().optional(),
});

const ProblemSchema = z.object({
  code: z.string(),
  severity: z.enum(["error", "warning"]),
  message: z.string(),
  permission: z.string().optional(),
  fix: z.string().optional(),
  guidance: z.array(z.string()).readonly().optional(),
});

export const KeyCheckReportSchema = z
  .object({
    verdict: z.enum(["accepted", "rejected", "inconclusive"]),
    summary: z.string(),
    key: z.object({ type: z.string(), mode: z.enum(["test", "live"]).nullable(), last4: z.string().nullable() }),
    account: z.string().nullable(),
    manifestVersion: z.number().int(),
    checkedAt: timestamp,
    durationMs: z.number(),
    requests: z.number().int(),
    permissions: z.array(PermissionReportSchema),
    problems: z.array(ProblemSchema),
    createKeyLink: z.string().nullable(),
  })
  .meta({
    id: "KeyCheckReport",
    description: "The report of one key check: the same JSON as `npm run keyport -- check --json`. Holds the key's last four characters at most.",
  });

export const CheckSchema = z
  .object({
    id: z.number().int(),
    object: z.literal("check"),
    checked_at: timestamp,
    triggered_by: z.enum(["connect", "scheduled", "manual", "support", "api"]),
    status: HealthStatusSchema,
    duration_ms: z.number().int(),
    requests: z.number().int(),
    manifest_version: z.number().int(),
    findings: z.unknown().meta({ description: "What the check found (for checks since issue 7, a KeyCheckReport)." }),
  })
  .meta({ id: "Check" });

export const CheckListSchema = z
  .object({ object: z.literal("list"), data: z.array(CheckSchema), has_more: z.boolean(), next_cursor: z.string().nullable() })
  .meta({ id: "CheckList" });

export const ConnectionDetailSchema = ConnectionSchema.extend({
  report: KeyCheckReportSchema.nullable().meta({ description: "The latest report: from the latest check, or the one the key was accepted with." }),
  latest_check: CheckSchema.omit({ findings: true }).nullable(),
}).meta({ id: "ConnectionDetail" });

export const HealthCheckResultSchema = z
  .object({
    object: z.literal("health_check"),
    status: HealthStatusSchema,
    previous_status: HealthStatusSchema,
    connection: ConnectionSchema,
    report: KeyCheckReportSchema,
  })
  .meta({ id: "HealthCheckResult" });

export const CredentialsSchema = z
  .object({
    object: z.literal("credentials"),
    connection: connectionId,
    mode: z.enum(["test", "live"]),
    account: z.string().nullable(),
    status: HealthStatusSchema,
    key: z.string().regex(/^rk_(test|live)_[A-Za-z0-9]+$/).meta({ description: "The customer's restricted key. Keep it in memory only; never log or store it." }),
    key_last4: z.string().length(4),
  })
  .meta({ id: "Credentials" });

export const KeyCheckRequestSchema = z
  .strictObject({
    key: z
      .string({ error: "`key` must be a string." })
      .min(1, { error: "`key` must not be empty." })
      .max(10_000, { error: "`key` is too long to be a Stripe key." }),
  })
  .meta({ id: "KeyCheckRequest", description: "The key to check. It is never stored or logged; only its last four characters appear in the report." });

const statusList = z
  .string()
  .transform((value) => value.split(",").map((s) => s.trim()))
  .pipe(z.array(z.enum(HEALTH_STATUSES, { error: `Statuses are ${HEALTH_STATUSES.join(", ")}.` })));

export const ListConnectionsQuerySchema = z.strictObject({
  limit: z.coerce.number({ error: "`limit` must be a number." }).int().min(1).max(100, { error: "`limit` is at most 100." }).default(20),
  status: statusList.optional(),
  state: z.enum(["active", "replaced", "revoked_by_customer"]).optional(),
  mode: z.enum(["test", "live"]).optional(),
  organisation: z.string().max(64).optional(),
  account: z.string().max(64).optional(),
  cursor: z.string().max(200).optional(),
});

export const ListChecksQuerySchema = z.strictObject({
  limit: z.coerce.number({ error: "`limit` must be a number." }).int().min(1).max(100, { error: "`limit` is at most 100." }).default(20),
  cursor: z.string().max(40).optional(),
});

export type ApiConnection = z.infer<typeof ConnectionSchema>;
export type ApiCheck = z.infer<typeof CheckSchema>;
