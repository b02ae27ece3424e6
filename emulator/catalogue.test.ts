/**
 * The permission catalogue, the router and the form parser.
 */
import { describe, expect, it } from "vitest";
import { effectivePermissions, MANAGED_KEYS_API_NAMES, PERMISSIONS, RESOURCES, ROUTES } from "./catalogue";
import { parseForm } from "./form";
import { ipAllowed } from "./keys";
import { compileRouter } from "./router";

describe("the permission catalogue", () => {
  it("knows all 158 names the Managed API Keys API accepts", () => {
    expect(MANAGED_KEYS_API_NAMES).toHaveLength(158);
    expect(new Set(MANAGED_KEYS_API_NAMES).size).toBe(158);
    expect(MANAGED_KEYS_API_NAMES.filter((name) => !PERMISSIONS.has(name))).toEqual([]);
  });

  it("gives every permission at least one route, or says why it has none", () => {
    const required = new Set(ROUTES.flatMap((r) => r.requires));
    const unexplained = [...PERMISSIONS.values()].filter((p) => !required.has(p.name) && !p.resource.noEndpoint?.[p.level]).map((p) => p.name);
    expect(unexplained).toEqual([]);
  });

  it("does not claim 'no endpoint' for a level that has routes", () => {
    const required = new Set(ROUTES.flatMap((r) => r.requires));
    const contradictions = [...PERMISSIONS.values()].filter((p) => required.has(p.name) && p.resource.noEndpoint?.[p.level]).map((p) => p.name);
    expect(contradictions).toEqual([]);
  });

  it("maps GET to read and POST/DELETE to write, except where a route says otherwise", () => {
    for (const route of ROUTES) {
      if (route.rakUnavailable || route.path === "/v1/account" || route.path === "/v1/reporting/report_runs") continue;
      const [permission] = route.requires;
      const writeOnly = !route.resource.levels.includes("read");
      const expected = route.method === "GET" && !writeOnly ? "_read" : "_write";
      expect(permission, `${route.method} ${route.path}`).toMatch(new RegExp(`${expected}$`));
    }
  });

  it("has one label per permission, in the Dashboard's 'Row Read/Write' shape", () => {
    expect(PERMISSIONS.get("customer_read")?.label).toBe("Customers Read");
    expect(PERMISSIONS.get("plan_read")?.label).toBe("Prices Read");
    expect(PERMISSIONS.get("checkout_session_read")?.label).toBe("Checkout Sessions Read");
    for (const resource of RESOURCES) expect(resource.label.length, resource.name).toBeGreaterThan(2);
  });

  it("covers the resources a vendor typically asks for", () => {
    const routes = new Set(ROUTES.map((r) => `${r.method} ${r.path}`));
    for (const expected of [
      "GET /v1/customers",
      "GET /v1/customers/{id}",
      "POST /v1/customers/{id}",
      "DELETE /v1/customers/{id}",
      "GET /v1/balance",
      "GET /v1/prices",
      "POST /v1/payment_intents/{id}/cancel",
      "DELETE /v1/subscriptions/{id}",
      "POST /v1/refunds",
      "GET /v1/events",
      "GET /v1/webhook_endpoints",
    ]) {
      expect(routes, expected).toContain(expected);
    }
  });
});

describe("effective permissions", () => {
  it("lets write imply read", () => {
    expect([...effectivePermissions(["charge_write"])].sort()).toEqual(["charge_read", "charge_write"]);
  });

  it("adds the implied permissions of the apps reference, transitively", () => {
    const checkout = effectivePermissions(["checkout_session_read"]);
    for (const name of ["mandate_read", "payment_intent_read", "payment_links_read", "product_read", "setup_intent_read", "sku_read"]) {
      expect(checkout.has(name), name).toBe(true);
    }
    expect(checkout.has("plan_read")).toBe(false);
    expect(effectivePermissions(["balance_transaction_source_read"]).has("payout_read")).toBe(true);
  });

  it("accepts the rak_ form and refuses unknown names", () => {
    expect(effectivePermissions(["rak_customer_read"]).has("customer_read")).toBe(true);
    expect(() => effectivePermissions(["rak_price_read"])).toThrow(/unknown permission/);
  });

  it("reads 'All Issuing' as every Issuing row", () => {
    const all = effectivePermissions(["issuing_write"]);
    expect(all.has("issuing_card_write")).toBe(true);
    expect(all.has("issuing_card_read")).toBe(true);
    expect(effectivePermissions(["issuing_read"]).has("issuing_card_write")).toBe(false);
  });
});

describe("the router", () => {
  const router = compileRouter(ROUTES);

  it("prefers a static segment and falls back to an id", () => {
    expect(router.match("GET", "/v1/customers/search")?.route.op).toBe("search");
    const update = router.match("POST", "/v1/customers/search");
    expect(update?.route.op).toBe("update");
    expect(update?.params).toEqual(["search"]);
  });

  it("matches nested paths and decodes ids", () => {
    const match = router.match("POST", "/v1/customers/cus_1/sources/card%5F2/verify");
    expect(match?.route.path).toBe("/v1/customers/{parent}/sources/{id}/verify");
    expect(match?.params).toEqual(["cus_1", "card_2"]);
  });

  it("knows nothing of unknown methods, paths or empty segments", () => {
    expect(router.match("PUT", "/v1/customers")).toBeUndefined();
    expect(router.match("DELETE", "/v1/charges/ch_1")).toBeUndefined();
    expect(router.match("GET", "/v1/customers/")).toBeUndefined();
    expect(router.match("GET", "/v1//customers")).toBeUndefined();
    expect(router.match("GET", "v1/customers")).toBeUndefined();
    expect(router.match("GET", "/v3/customers")).toBeUndefined();
  });

  it("has no duplicate routes", () => {
    const keys = ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe("form bodies", () => {
  it("parses Stripe's bracket notation", () => {
    expect(parseForm("email=a%40b.c&metadata[plan]=pro&expand[]=x&expand[]=y&items[0][price]=p1&items[1][price]=p2")).toEqual({
      email: "a@b.c",
      metadata: { plan: "pro" },
      expand: ["x", "y"],
      items: [{ price: "p1" }, { price: "p2" }],
    });
  });

  it("ignores prototype-polluting keys", () => {
    const parsed = parseForm("__proto__[admin]=1&a[constructor][x]=2&ok=1");
    expect(parsed).toEqual({ ok: "1" });
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});

describe("IP allowlists", () => {
  it("match exact addresses and IPv4 CIDR ranges", () => {
    expect(ipAllowed("127.0.0.1", ["127.0.0.1"])).toBe(true);
    expect(ipAllowed("10.1.2.3", ["10.0.0.0/8"])).toBe(true);
    expect(ipAllowed("11.1.2.3", ["10.0.0.0/8"])).toBe(false);
    expect(ipAllowed("192.168.1.7", ["192.168.1.0/30"])).toBe(false);
    expect(ipAllowed("::1", ["::1"])).toBe(true);
    expect(ipAllowed("127.0.0.1", [])).toBe(false);
  });
});

describe("the README's permission table", () => {
  it("lists every permission with its label and route count", async () => {
    const { readFile } = await import("node:fs/promises");
    const readme = await readFile(new URL("./README.md", import.meta.url), "utf8");
    const rows = new Map<string, { label: string; routes: number }>();
    for (const match of readme.matchAll(/^\| [A-Za-z]+ \| `([a-z_]+)` \| ([^|]+) \| (\d+) \|/gm)) {
      rows.set(match[1] as string, { label: (match[2] as string).trim(), routes: Number(match[3]) });
    }
    const counts = new Map<string, number>();
    for (const route of ROUTES) for (const name of route.requires) counts.set(name, (counts.get(name) ?? 0) + 1);
    const expected = new Map([...PERMISSIONS.values()].map((p) => [p.name, { label: p.label, routes: counts.get(p.name) ?? 0 }]));
    expect(rows).toEqual(expected);
  });
});
