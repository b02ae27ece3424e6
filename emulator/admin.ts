/**
 * The admin API under `/_emulator/`: create, expire, delete and restrict keys, read the ledger, set
 * faults, seed objects, reset. Loopback callers only; every body is validated with zod.
 *
 *   GET    /_emulator/health
 *   GET    /_emulator/permissions
 *   POST   /_emulator/keys                      {mode, permissions?, account?, format?, type?, …}
 *   GET    /_emulator/keys
 *   GET    /_emulator/keys/:id
 *   DELETE /_emulator/keys/:id
 *   POST   /_emulator/keys/:id/expire
 *   PUT    /_emulator/keys/:id/allowed_ips      {ips: string[] | null}
 *   PUT    /_emulator/keys/:id/permissions      {permissions: string[]}
 *   PUT    /_emulator/keys/:id/format           {format: "legacy" | "modern" | null}
 *   PUT    /_emulator/keys/:id/faults           Faults      (DELETE clears)
 *   GET    /_emulator/faults                    PUT Faults (global), DELETE clears all
 *   GET    /_emulator/ledger?key=mk_…           DELETE clears (all, or one key's)
 *   POST   /_emulator/objects                   {type, mode, account?, fields?}
 *   POST   /_emulator/reset                     {keepKeys?}
 */
import type http from "node:http";
import { z } from "zod";
import { isKnownPermission, PERMISSIONS, RESOURCES, ROUTES } from "./catalogue";
import { FaultsSchema } from "./faults";
import { ACCOUNT_ID_PATTERN, isLoopback, isValidAllowlistEntry, type KeyRecord } from "./keys";
import { LISTABLE_TYPES } from "./objects";
import { type EmulatorState } from "./server";

const PermissionList = z.array(z.string()).superRefine((names, ctx) => {
  const unknown = names.filter((name) => !isKnownPermission(name));
  if (unknown.length > 0) ctx.addIssue({ code: "custom", message: `unknown permission(s): ${unknown.join(", ")}` });
});

const AllowedIps = z
  .array(z.string().refine(isValidAllowlistEntry, { message: "not an IP address or IPv4 CIDR range" }))
  .nullable();

const Format = z.enum(["legacy", "modern"]);

export const CreateKeyBody = z
  .strictObject({
    mode: z.enum(["test", "live"]),
    type: z.enum(["restricted", "secret"]).optional(),
    permissions: PermissionList.optional(),
    account: z.string().regex(ACCOUNT_ID_PATTERN, { message: "not an account id (acct_…)" }).optional(),
    format: Format.optional(),
    editLink: z.boolean().optional(),
    expired: z.boolean().optional(),
    allowedIps: AllowedIps.optional(),
    name: z.string().max(200).optional(),
  })
  .refine((body) => body.type !== "secret" || (body.permissions ?? []).length === 0, {
    message: "a secret key has full access; do not give it permissions",
    path: ["permissions"],
  });

const AllowedIpsBody = z.strictObject({ ips: AllowedIps });
const PermissionsBody = z.strictObject({ permissions: PermissionList });
const FormatBody = z.strictObject({ format: Format.nullable() });
const ResetBody = z.strictObject({ keepKeys: z.boolean().optional() });
const ObjectBody = z.strictObject({
  type: z.string().refine((type) => LISTABLE_TYPES.includes(type), { message: "not a listable type key (e.g. customers, checkout/sessions)" }),
  mode: z.enum(["test", "live"]),
  account: z.string().regex(ACCOUNT_ID_PATTERN).optional(),
  fields: z.record(z.string(), z.unknown()).optional(),
});

class AdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues?: { path: string; message: string }[],
  ) {
    super(message);
  }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, null, 2);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text), "Cache-Control": "no-store" });
  res.end(text);
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (text === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new AdminError(400, "body is not JSON");
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new AdminError(
      400,
      "invalid request body",
      result.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
    );
  }
  return result.data;
}

/** What the admin API shows of a key: everything but the secret, which only creation returns. */
export function publicKey(record: KeyRecord) {
  return {
    id: record.id,
    type: record.type,
    mode: record.mode,
    account: record.account,
    last4: record.secret.slice(-4),
    permissions: record.permissions,
    effective: [...record.effective].sort(),
    format: record.format ?? null,
    editLink: record.editLink,
    expired: record.expired,
    allowedIps: record.allowedIps,
    name: record.name ?? null,
    created: record.created,
  };
}

function permissionCatalogue() {
  const routesFor = new Map<string, string[]>();
  for (const route of ROUTES) {
    for (const name of route.requires) {
      const list = routesFor.get(name) ?? [];
      list.push(`${route.method} ${route.path}`);
      routesFor.set(name, list);
    }
  }
  return RESOURCES.flatMap((resource) =>
    resource.levels.map((level) => {
      const name = `${resource.name}_${level}`;
      return {
        name,
        label: PERMISSIONS.get(name)?.label,
        group: resource.group,
        routes: routesFor.get(name) ?? [],
        implies: resource.implies ?? [],
        noEndpoint: resource.noEndpoint?.[level] ?? null,
        inferred: resource.inferred ?? null,
        source: resource.source,
      };
    }),
  );
}

export async function handleAdmin(state: EmulatorState, req: http.IncomingMessage, res: http.ServerResponse, path: string, query: string): Promise<void> {
  if (!isLoopback(req.socket.remoteAddress)) {
    sendJson(res, 403, { error: { message: "the Stripe emulator's admin API answers loopback callers only" } });
    return;
  }
  try {
    const result = await route(state, req, path, new URLSearchParams(query));
    sendJson(res, result.status ?? 200, result.body);
  } catch (error) {
    if (error instanceof AdminError) {
      sendJson(res, error.status, { error: { message: error.message, ...(error.issues ? { issues: error.issues } : {}) } });
    } else {
      sendJson(res, 500, { error: { message: `admin error: ${(error as Error).message}` } });
    }
  }
}

function keyOr404(state: EmulatorState, id: string): KeyRecord {
  const record = state.keys.get(id);
  if (!record) throw new AdminError(404, `no key ${id}`);
  return record;
}

async function route(
  state: EmulatorState,
  req: http.IncomingMessage,
  path: string,
  params: URLSearchParams,
): Promise<{ status?: number; body: unknown }> {
  const method = req.method ?? "GET";
  const parts = path.split("/").filter(Boolean).slice(1); // drop "_emulator"
  const [first, id, sub] = parts;

  if (first === "health" && method === "GET") {
    return {
      body: {
        ok: true,
        account: state.defaultAccount,
        format: state.format,
        rateLimits: state.rateLimits,
        routes: state.router.size,
        permissions: PERMISSIONS.size,
        pid: process.pid,
        uptimeMs: Date.now() - state.startedAt,
        // Lets a benchmark report the emulator's own CPU time (user + system, microseconds).
        cpu: process.cpuUsage(),
      },
    };
  }
  if (first === "permissions" && method === "GET") return { body: permissionCatalogue() };

  if (first === "keys") {
    if (id === undefined) {
      if (method === "POST") {
        const body = parse(CreateKeyBody, await readJson(req));
        const record = state.keys.create(body, state.defaultAccount);
        return { body: { ...publicKey(record), key: record.secret } };
      }
      if (method === "GET") return { body: state.keys.list().map(publicKey) };
    } else {
      const record = keyOr404(state, id);
      if (sub === undefined && method === "GET") return { body: publicKey(record) };
      if (sub === undefined && method === "DELETE") {
        state.keys.delete(id);
        state.faults.clear(id);
        return { body: { id, deleted: true } };
      }
      if (sub === "expire" && method === "POST") {
        record.expired = true;
        return { body: publicKey(record) };
      }
      if (sub === "allowed_ips" && method === "PUT") {
        record.allowedIps = parse(AllowedIpsBody, await readJson(req)).ips;
        return { body: publicKey(record) };
      }
      if (sub === "permissions" && method === "PUT") {
        if (record.type === "secret") throw new AdminError(400, "a secret key has full access; it has no permissions to set");
        state.keys.setPermissions(record, parse(PermissionsBody, await readJson(req)).permissions);
        return { body: publicKey(record) };
      }
      if (sub === "format" && method === "PUT") {
        record.format = parse(FormatBody, await readJson(req)).format ?? undefined;
        return { body: publicKey(record) };
      }
      if (sub === "faults" && method === "PUT") {
        state.faults.set(parse(FaultsSchema, await readJson(req)), id);
        return { body: state.faults.get(id) };
      }
      if (sub === "faults" && method === "GET") return { body: state.faults.get(id) };
      if (sub === "faults" && method === "DELETE") {
        state.faults.clear(id);
        return { body: state.faults.get(id) };
      }
    }
  }

  if (first === "faults" && id === undefined) {
    if (method === "GET") return { body: state.faults.snapshot() };
    if (method === "PUT") {
      state.faults.set(parse(FaultsSchema, await readJson(req)));
      return { body: state.faults.snapshot() };
    }
    if (method === "DELETE") {
      state.faults.clear();
      return { body: state.faults.snapshot() };
    }
  }

  if (first === "ledger" && id === undefined) {
    const keyId = params.get("key") ?? undefined;
    if (method === "GET") return { body: state.ledger.snapshot(keyId) };
    if (method === "DELETE") {
      state.ledger.clear(keyId);
      return { body: state.ledger.snapshot(keyId) };
    }
  }

  if (first === "objects" && id === undefined && method === "POST") {
    const body = parse(ObjectBody, await readJson(req));
    const stored = state.objects.create(body.account ?? state.defaultAccount, body.type, body.mode, body.fields ?? {});
    return { body: stored.data };
  }

  if (first === "reset" && id === undefined && method === "POST") {
    const body = parse(ResetBody, await readJson(req));
    state.objects.clear();
    state.ledger.clear();
    state.limiter.clear();
    state.faults.clear();
    if (!body.keepKeys) state.keys.clear();
    return { body: { ok: true } };
  }

  throw new AdminError(404, `no admin route ${method} ${path}`);
}
