import Database from "better-sqlite3";
import fs from "node:fs";
import path from "node:path";
import type { APIRequestContext, APIResponse } from "@playwright/test";
import { DEMO, emulator, expect, REQUIRED_GRANTS, test, uniqueEmail } from "./fixtures";

/*
 * Who may do what, route by route: every route module in app/routes against anonymous visitors,
 * a customer of the organisation that owns the connections (`owner`), a customer of another
 * organisation (`foreign`), support and admin. Requests go through the real server (sessions,
 * origin check, Remix), without a browser.
 *
 * One row per route and method; a new route is one more line in ROWS (the last test fails until
 * every file in app/routes has a row). Expectations:
 *   200, 400, 403, 404 — that status;
 *   "login"            — a redirect to /login?redirectTo=…;
 *   "→/path"           — a redirect to that path;
 *   null               — not sent (it would change the fixtures; e2e/customer-lifecycle.spec.ts covers it).
 * Path placeholders: {active}, {replaced}, {revoked} are the owner's connections (a live key, the
 * live key it replaced, a disconnected test key); {missing} is an id that never existed.
 */

type Role = "anonymous" | "owner" | "foreign" | "support" | "admin";
/** null: this role is not sent this request here (it would change the fixture; another spec covers it). */
type Expected = 200 | 400 | 401 | 403 | 404 | 409 | "login" | `→${string}` | null;
interface Row {
  /** The route module, as named in app/routes. */
  file: string;
  method?: "GET" | "POST";
  path: string;
  form?: Record<string, string>;
  expect: Record<Role, Expected>;
}

const ROLES: Role[] = ["anonymous", "owner", "foreign", "support", "admin"];
const all = (expected: Expected): Record<Role, Expected> => ({ anonymous: expected, owner: expected, foreign: expected, support: expected, admin: expected });
/** Public pages that signed-in users are sent away from (log in, sign up). */
const ANONYMOUS_ONLY: Record<Role, Expected> = { anonymous: 200, owner: "→/dashboard", foreign: "→/dashboard", support: "→/staff", admin: "→/staff" };
/** The customer's own organisation's pages (no id in the path). */
const CUSTOMERS: Record<Role, Expected> = { anonymous: "login", owner: 200, foreign: 200, support: 403, admin: 403 };
/** One organisation's resource, by id: any other organisation gets the same 404 as an id that does not exist. */
const OWNER_ONLY: Record<Role, Expected> = { anonymous: "login", owner: 200, foreign: 404, support: 403, admin: 403 };
const STAFF: Record<Role, Expected> = { anonymous: "login", owner: 403, foreign: 403, support: 200, admin: 200 };
/** The vendor's administrators only (tokens, webhooks). */
const ADMIN: Record<Role, Expected> = { anonymous: "login", owner: 403, foreign: 403, support: 403, admin: 200 };
const SIGNED_IN: Record<Role, Expected> = { anonymous: "login", owner: 200, foreign: 200, support: 200, admin: 200 };

const ROWS: Row[] = [
  { file: "_index.tsx", path: "/", expect: all(200) },
  { file: "login.tsx", path: "/login", expect: ANONYMOUS_ONLY },
  { file: "signup.tsx", path: "/signup", expect: ANONYMOUS_ONLY },
  { file: "logout.tsx", path: "/logout", expect: all("→/") },
  { file: "checklist.tsx", path: "/checklist", expect: all(200) },
  { file: "checklist[.]json.tsx", path: "/checklist.json", expect: all(200) },
  { file: "checklist[.]md.tsx", path: "/checklist.md", expect: all(200) },
  { file: "$.tsx", path: "/no/such/page", expect: all(404) },
  { file: "dashboard.tsx", path: "/dashboard", expect: CUSTOMERS },
  { file: "organisation.tsx", path: "/organisation", expect: CUSTOMERS },
  { file: "organisation.tsx", method: "POST", path: "/organisation", form: { email: "not-an-address" }, expect: { ...CUSTOMERS, owner: 400, foreign: 400 } },
  { file: "activity.tsx", path: "/activity", expect: CUSTOMERS },
  { file: "account.tsx", path: "/account", expect: SIGNED_IN },
  { file: "connect.tsx", path: "/connect", expect: CUSTOMERS },
  { file: "connect.tsx", path: "/connect?replace={active}", expect: OWNER_ONLY },
  { file: "connect.tsx", path: "/connect?replace={replaced}", expect: { ...OWNER_ONLY, owner: "→/connections/{replaced}" } },
  { file: "connect.tsx", path: "/connect?replace={missing}", expect: { ...OWNER_ONLY, owner: 404 } },
  // Replacing another organisation's key is refused before anything is checked; the owner's empty key is refused by the check.
  { file: "connect.tsx", method: "POST", path: "/connect", form: { key: "", replace: "{active}" }, expect: OWNER_ONLY },
  { file: "connect_.stream.tsx", method: "POST", path: "/connect/stream", form: { key: "", replace: "{active}" }, expect: OWNER_ONLY },
  { file: "connect_.stream.tsx", path: "/connect/stream", expect: all(404) },
  { file: "connections.$connectionId.tsx", path: "/connections/{active}", expect: OWNER_ONLY },
  { file: "connections.$connectionId.tsx", path: "/connections/{replaced}", expect: OWNER_ONLY },
  { file: "connections.$connectionId.tsx", path: "/connections/{revoked}", expect: OWNER_ONLY },
  { file: "connections.$connectionId.tsx", path: "/connections/{missing}", expect: { ...OWNER_ONLY, owner: 404 } },
  { file: "connections.$connectionId_.disconnect.tsx", path: "/connections/{active}/disconnect", expect: OWNER_ONLY },
  { file: "connections.$connectionId_.disconnect.tsx", path: "/connections/{revoked}/disconnect", expect: { ...OWNER_ONLY, owner: "→/connections/{revoked}/disconnected" } },
  // Without the confirmation the owner is asked again (400); nobody else gets that far.
  { file: "connections.$connectionId_.disconnect.tsx", method: "POST", path: "/connections/{active}/disconnect", form: {}, expect: { ...OWNER_ONLY, owner: 400 } },
  { file: "connections.$connectionId_.disconnect.tsx", method: "POST", path: "/connections/{active}/disconnect", form: { confirm: "yes" }, expect: { ...OWNER_ONLY, owner: 400 } },
  // The right confirmation for a live key: only the owner could use it, and is not sent it here.
  { file: "connections.$connectionId_.disconnect.tsx", method: "POST", path: "/connections/{active}/disconnect", form: { confirm: "disconnect" }, expect: { ...OWNER_ONLY, owner: null } },
  { file: "connections.$connectionId_.disconnect.tsx", method: "POST", path: "/connections/{missing}/disconnect", form: { confirm: "yes" }, expect: { ...OWNER_ONLY, owner: 404 } },
  { file: "connections.$connectionId_.disconnected.tsx", path: "/connections/{revoked}/disconnected", expect: OWNER_ONLY },
  { file: "connections.$connectionId_.disconnected.tsx", path: "/connections/{active}/disconnected", expect: { ...OWNER_ONLY, owner: "→/connections/{active}" } },
  { file: "staff.tsx", path: "/staff", expect: STAFF },
  { file: "staff._index.tsx", path: "/staff", expect: STAFF },
  { file: "staff.audit.tsx", path: "/staff/audit", expect: STAFF },
  { file: "staff.connections.$connectionId.tsx", path: "/staff/connections/{active}", expect: STAFF },
  { file: "staff.connections.$connectionId.tsx", path: "/staff/connections/{missing}", expect: { ...STAFF, support: 404, admin: 404 } },
  { file: "staff.tokens.tsx", path: "/staff/tokens", expect: ADMIN },
  { file: "staff.tokens.tsx", method: "POST", path: "/staff/tokens", form: { intent: "create", name: "" }, expect: { ...ADMIN, admin: 400 } },
  { file: "staff.webhooks.tsx", path: "/staff/webhooks", expect: ADMIN },
  { file: "staff.webhooks.tsx", method: "POST", path: "/staff/webhooks", form: { intent: "create", url: "not a url" }, expect: { ...ADMIN, admin: 400 } },
  { file: "staff.webhooks_.$endpointId.tsx", path: "/staff/webhooks/{missing}", expect: { ...ADMIN, admin: 404 } },
  // The vendor API authenticates bearer tokens only: a session cookie opens nothing there.
  { file: "api.v1.connections.tsx", path: "/api/v1/connections", expect: all(401) },
  { file: "api.v1.connections.$connectionId.tsx", path: "/api/v1/connections/{active}", expect: all(401) },
  { file: "api.v1.connections.$connectionId.checks.tsx", method: "POST", path: "/api/v1/connections/{active}/checks", expect: all(401) },
  { file: "api.v1.connections.$connectionId.credentials.tsx", path: "/api/v1/connections/{active}/credentials", expect: all(401) },
  { file: "api.v1.keys.check.tsx", method: "POST", path: "/api/v1/keys/check", expect: all(401) },
  { file: "api.v1.openapi[.]json.tsx", path: "/api/v1/openapi.json", expect: all(200) },
  { file: "api.v1.$.tsx", path: "/api/v1/nothing-here", expect: all(404) },
  // "Check now" re-probes the key (read-only); customers, even the owner, are refused.
  { file: "staff.connections.$connectionId.tsx", method: "POST", path: "/staff/connections/{revoked}", form: { intent: "check-now" }, expect: { ...STAFF, support: 409, admin: 409 } },
];

interface Fixture {
  baseURL: string;
  contexts: Record<Role, APIRequestContext>;
  ids: { active: string; replaced: string; revoked: string; missing: string };
}
let fixture: Fixture;

function storedRow(connectionId: string) {
  const db = new Database(path.join(process.env.E2E_DATA_DIR!, "keyport.db"), { readonly: true, fileMustExist: true });
  try {
    return db.prepare("select organisation_id, state, ciphertext, wrapped_data_key from connections where id = ?").get(connectionId) as
      | { organisation_id: string; state: string; ciphertext: string | null; wrapped_data_key: string | null }
      | undefined;
  } finally {
    db.close();
  }
}

function fill(text: string): string {
  return text.replace(/\{(active|replaced|revoked|missing)\}/g, (_, name: keyof Fixture["ids"]) => fixture.ids[name]);
}

async function expectOk(response: APIResponse, what: string) {
  expect(response.status(), `${what}: ${await response.text().catch(() => "")}`).toBeLessThan(400);
  return response;
}

async function signUp(context: APIRequestContext, prefix: string) {
  const response = await context.post("/signup", {
    form: { name: "Matrix Customer", email: uniqueEmail(prefix), organisationName: `${prefix} Ltd`, password: "a long enough passphrase" },
    maxRedirects: 0,
  });
  expect(response.status(), "sign-up redirects to the dashboard").toBe(302);
}

async function logInAs(context: APIRequestContext, who: { email: string; password: string }) {
  const response = await context.post("/login", { form: who, maxRedirects: 0 });
  expect(response.status(), `log in as ${who.email}`).toBe(302);
}

/** Connects a key through the plain form post; returns the new connection's id. */
async function connect(context: APIRequestContext, key: string, replace?: string) {
  const response = await context.post("/connect", { form: { key, ...(replace ? { replace } : {}) }, maxRedirects: 0 });
  const location = response.headers().location ?? "";
  expect(location, `connect: ${response.status()}`).toMatch(/\/dashboard\?connected=con_/);
  return new URL(location, "http://x").searchParams.get("connected")!;
}

test.beforeAll(async ({ playwright }, testInfo) => {
  testInfo.setTimeout(120_000);
  const baseURL = testInfo.project.use.baseURL!;
  const newContext = (ip: string) =>
    playwright.request.newContext({ baseURL, extraHTTPHeaders: { "X-Forwarded-For": ip, Origin: baseURL } });
  const contexts: Record<Role, APIRequestContext> = {
    anonymous: await newContext("10.254.0.1"),
    owner: await newContext("10.254.0.2"),
    foreign: await newContext("10.254.0.3"),
    support: await newContext("10.254.0.4"),
    admin: await newContext("10.254.0.5"),
  };
  await signUp(contexts.owner, "matrix-owner");
  await signUp(contexts.foreign, "matrix-foreign");
  await logInAs(contexts.support, DEMO.support);
  await logInAs(contexts.admin, DEMO.admin);

  // The active key is a live one, so "confirm=yes" (a test key's checkbox) does not disconnect it.
  const [first, second, ended, foreignKey] = await Promise.all([
    emulator.createKey({ mode: "live", permissions: REQUIRED_GRANTS }),
    emulator.createKey({ mode: "live", permissions: REQUIRED_GRANTS }),
    emulator.createKey({ mode: "test", permissions: REQUIRED_GRANTS }),
    emulator.createKey({ mode: "test", permissions: REQUIRED_GRANTS }),
  ]);
  const replaced = await connect(contexts.owner, first.key);
  const active = await connect(contexts.owner, second.key, replaced);
  const revoked = await connect(contexts.owner, ended.key);
  await expectOk(await contexts.owner.post(`/connections/${revoked}/disconnect`, { form: { confirm: "yes" }, maxRedirects: 0 }), "disconnect");
  await connect(contexts.foreign, foreignKey.key);
  fixture = { baseURL, contexts, ids: { active, replaced, revoked, missing: "con_0000000000000000" } };

  expect(storedRow(active)?.state).toBe("active");
  expect(storedRow(replaced)?.state).toBe("replaced");
  expect(storedRow(revoked)?.state).toBe("revoked_by_customer");
});

test.afterAll(async () => {
  for (const context of Object.values(fixture?.contexts ?? {})) await context.dispose();
});

for (const row of ROWS) {
  const method = row.method ?? "GET";
  test(`${method} ${row.path}${row.form ? ` ${JSON.stringify(row.form)}` : ""} (${row.file})`, async () => {
    const url = fill(row.path);
    const outcomes: Record<string, string> = {};
    const expected: Record<string, string> = {};
    for (const role of ROLES) {
      const want = row.expect[role];
      if (want === null) continue;
      const context = fixture.contexts[role];
      const form = row.form && Object.fromEntries(Object.entries(row.form).map(([k, v]) => [k, fill(v)]));
      const response = method === "GET" ? await context.get(url, { maxRedirects: 0 }) : await context.post(url, { form: form ?? {}, maxRedirects: 0 });
      const location = response.headers().location;
      const status = response.status();
      outcomes[role] =
        status >= 300 && status < 400 && location
          ? location.startsWith("/login?redirectTo=")
            ? "login"
            : `→${location}`
          : String(status);
      expected[role] = typeof want === "string" && want.startsWith("→") ? fill(want) : String(want);

      // Another organisation's customer never sees the owner's connection ids, other than those it typed itself.
      if (role === "foreign") {
        const body = await response.text().catch(() => "");
        for (const id of [fixture.ids.active, fixture.ids.replaced, fixture.ids.revoked]) {
          if (!url.includes(id) && !Object.values(form ?? {}).includes(id)) expect(body, `${role} ${method} ${url}`).not.toContain(id);
        }
      }
    }
    expect(outcomes).toEqual(expected);
    // Whatever anyone sent, the owner's active key is still there, and the ended ones stayed destroyed.
    expect(storedRow(fixture.ids.active)).toMatchObject({ state: "active", ciphertext: expect.any(String), wrapped_data_key: expect.any(String) });
    expect(storedRow(fixture.ids.revoked)).toMatchObject({ state: "revoked_by_customer", ciphertext: null });
  });
}

test("every route module has at least one row in the matrix, and every row names a real module", () => {
  const files = fs.readdirSync(path.resolve("app/routes")).filter((f) => /\.(tsx|ts)$/.test(f) && !/\.test\.tsx?$/.test(f));
  const covered = new Set(ROWS.map((r) => r.file));
  expect(files.filter((f) => !covered.has(f)), "route modules without a row in e2e/access-control.spec.ts").toEqual([]);
  expect([...covered].filter((f) => !files.includes(f)), "rows naming a route module that does not exist").toEqual([]);
});

test("anonymous visitors reach only the public pages", () => {
  const reachable = ROWS.filter((r) => r.expect.anonymous === 200).map((r) => r.path);
  expect(reachable.sort()).toEqual(["/", "/api/v1/openapi.json", "/checklist", "/checklist.json", "/checklist.md", "/login", "/signup"]);
});
