import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import {
  CATEGORIES,
  PERMISSIONS,
  PROBE_ID_MARKER,
  PROBE_ID_PLACEHOLDER,
  SENSITIVE_PERMISSIONS,
  dashboardRow,
  getLevel,
  getPermission,
  grantsThatProvide,
  impliedGrants,
  isKnownRakId,
  levelSatisfies,
  levelsOffered,
  parseGrant,
  resolveProbe,
  suggestPermissionName,
  type ProbeRequest,
} from "./catalogue";

// The 158 `<name>_<level>` strings Stripe's Managed API Keys API accepts, copied from
// Infisical/infisical backend/src/ee/services/secret-rotation-v2/stripe-api-key/stripe-api-key-rotation-constants.ts
// ("naming all 158. Verified by probing each one against a gated sandbox").
const MANAGED_KEYS_NAMES = `account_link_write adjustment_read api_key_write apple_pay_domain_read apple_pay_domain_write
application_fee_read application_fee_write balance_read balance_transaction_source_read billing_analytics_meter_usage_read
billing_clock_read billing_clock_write billing_intent_read billing_meter_event_read billing_meter_event_write billing_meter_read
billing_meter_write billing_profile_read billing_profile_write billing_settings_read billing_settings_write
capital_for_platforms_financing_offer_read capital_for_platforms_financing_offer_write capital_for_platforms_financing_summary_read
capital_for_platforms_financing_transaction_read charge_read charge_write checkout_session_read checkout_session_write
confirmation_token_client_read confirmation_token_client_write confirmation_token_read connected_account_read coupon_read
coupon_write credit_note_read credit_note_write customer_portal_read customer_portal_write customer_read customer_session_read
customer_session_write customer_write dispute_read dispute_write edit_link_write entitlement_read event_read
fee_domain_resources_read file_read file_write financial_account_read inbound_transfer_read invoice_read invoice_write
issuing_authorization_read issuing_authorization_write issuing_card_read issuing_card_write issuing_cardholder_read
issuing_cardholder_write issuing_credit_ledger_read issuing_credit_ledger_write issuing_dispute_read issuing_dispute_write
issuing_read issuing_token_network_data_read issuing_token_read issuing_token_write issuing_transaction_read
issuing_transaction_write issuing_verification_write issuing_write mandate_read mandate_write order_read order_write
outbound_payment_read outbound_transfer_read payment_intent_read payment_intent_write payment_links_read payment_links_write
payment_method_configurations_read payment_method_configurations_write payment_method_domain_read payment_method_domain_write
payment_method_read payment_method_write payment_records_read payment_records_write payout_intent_read payout_read payout_write
plan_read plan_write product_catalog_import_read product_catalog_import_write product_read product_write promotion_code_read
promotion_code_write provisioning_account_request_read provisioning_account_request_write provisioning_project_read
provisioning_project_write provisioning_resource_read provisioning_resource_write quote_read quote_write
rate_card_subscription_write rate_card_write received_credit_read received_debit_read recipient_verification_read
report_runs_and_report_types_read report_runs_and_report_types_write review_read review_write secret_read secret_write
setup_intent_read setup_intent_write shipping_rate_read shipping_rate_write sku_read sku_write source_read source_write
subscription_read subscription_write tax_calculations_and_transactions_read tax_calculations_and_transactions_write
tax_locations_read tax_locations_write tax_rate_read tax_rate_write tax_settings_read tax_settings_write
terminal_configuration_read terminal_configuration_write terminal_connection_token_write terminal_location_read
terminal_location_write terminal_reader_read terminal_reader_write token_read token_write top_up_read top_up_write
transaction_read transfer_read transfer_write treasury_transaction_read usage_record_read usage_record_write webhook_read
webhook_write`.split(/\s+/);

const allLevels = PERMISSIONS.flatMap((permission) => permission.levels.map((level) => ({ permission, ...level })));
const requestProbes = allLevels.flatMap(({ permission, level, probe }) =>
  probe.kind === "request" ? [{ name: permission.name, level, probe }] : [],
);

/**
 * Every (method, path) the official SDK can send, read from stripe-node's generated resource files
 * (the SDK pinned in package.json). Reading the files keeps the domain free of a `stripe` import.
 */
function stripeNodeRoutes(): { method: string; pattern: RegExp; path: string }[] {
  const root = join(process.cwd(), "node_modules/stripe/esm/resources");
  const files = readdirSync(root, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".js"));
  const routes: { method: string; pattern: RegExp; path: string }[] = [];
  for (const file of files) {
    const source = readFileSync(join(root, file), "utf8");
    for (const match of source.matchAll(/_makeRequest\('([A-Z]+)', [`']([^`']+)[`']/g)) {
      const path = (match[2] as string).replace(/\$\{encodeURIComponent\(\w+\)\}/g, "{id}");
      const pattern = new RegExp(`^${path.replace(/\{id\}/g, "[^/]+")}$`);
      routes.push({ method: match[1] as string, pattern, path });
    }
  }
  return routes;
}

describe("the catalogue's contents", () => {
  it("offers every one of the 158 grants Stripe's Managed API Keys API accepts", () => {
    expect(MANAGED_KEYS_NAMES).toHaveLength(158);
    const offered = new Set(allLevels.map(({ permission, level }) => `${permission.name}_${level}`));
    expect(MANAGED_KEYS_NAMES.filter((name) => !offered.has(name))).toEqual([]);
  });

  it("adds only grants attested by Stripe's permissions reference beyond those 158", () => {
    const extras = allLevels.filter(({ permission, level }) => !MANAGED_KEYS_NAMES.includes(`${permission.name}_${level}`));
    for (const { permission, level } of extras) {
      expect(permission.levelProvenance?.[level] ?? permission.provenance, `${permission.name}_${level}`).toBe("permissions-reference");
    }
    expect(extras.map(({ permission, level }) => `${permission.name}_${level}`).sort()).toEqual([
      "account_session_write",
      "connected_account_write",
    ]);
  });

  it("has unique bare names, each in exactly one Dashboard category", () => {
    const names = PERMISSIONS.map((permission) => permission.name);
    expect(new Set(names).size).toBe(names.length);
    expect(CATEGORIES.flatMap((category) => category.permissions)).toEqual(names);
  });

  it("lists categories in the Dashboard's order, Core first and Developers last", () => {
    expect(CATEGORIES.map((category) => category.label)).toEqual([
      "Core",
      "Checkout",
      "Billing",
      "Tax",
      "Connect",
      "Capital",
      "Orders",
      "Issuing",
      "Treasury",
      "Terminal",
      "Reporting",
      "Developers",
    ]);
    expect(CATEGORIES.every((category) => category.permissions.length > 0)).toBe(true);
  });

  it("derives each level's rak_ id from the bare name, and each id is unique", () => {
    for (const { permission, level, rakId } of allLevels) expect(rakId).toBe(`rak_${permission.name}_${level}`);
    expect(new Set(allLevels.map((entry) => entry.rakId)).size).toBe(allLevels.length);
  });

  it("knows which rows are read-only, write-only or both", () => {
    expect(levelsOffered("balance")).toEqual(["read"]);
    expect(levelsOffered("event")).toEqual(["read"]);
    expect(levelsOffered("account_link")).toEqual(["write"]);
    expect(levelsOffered("api_key")).toEqual(["write"]);
    expect(levelsOffered("customer")).toEqual(["read", "write"]);
    expect(levelsOffered("customr")).toEqual([]);
  });

  it("points every implied grant at a permission and level the catalogue offers", () => {
    for (const { permission, level, implies } of allLevels) {
      for (const grant of implies) {
        expect(getLevel(grant.name, grant.level), `${permission.name}_${level} implies ${grant.name}_${grant.level}`).toBeDefined();
        expect(grant.name).not.toBe(permission.name);
      }
    }
  });

  it("marks a permission sensitive exactly when it carries a risk note", () => {
    for (const permission of PERMISSIONS) {
      expect(permission.sensitive, permission.name).toBe(typeof permission.risk === "string" && permission.risk.length > 20);
    }
    const sensitive = SENSITIVE_PERMISSIONS.map((permission) => permission.name);
    for (const name of ["payout", "transfer", "charge", "customer", "payment_method", "webhook", "api_key", "balance"]) {
      expect(sensitive).toContain(name);
    }
    expect(sensitive).not.toContain("product");
  });
});

describe("the catalogue's probes", () => {
  it("gives every level either a request or an honest reason why there is none", () => {
    for (const { permission, level, probe } of allLevels) {
      if (probe.kind === "unprobeable") expect(probe.reason.length, `${permission.name}_${level}`).toBeGreaterThan(40);
      else expect(probe.path, `${permission.name}_${level}`).toMatch(/^\/v1\//);
    }
  });

  it("reads with GET only, and writes never with GET", () => {
    for (const { name, level, probe } of requestProbes) {
      if (level === "read") expect(probe.method, `${name}_read`).toBe("GET");
      else expect(["POST", "DELETE"], `${name}_write`).toContain(probe.method);
    }
  });

  it("never sends a write to a collection: every write names a fake id, carries no parameters, and expects resource_missing", () => {
    const writes = requestProbes.filter((entry) => entry.level === "write");
    expect(writes.length).toBeGreaterThan(30);
    for (const { name, probe } of writes) {
      const segments = probe.path.split("/");
      const last = segments.at(-1) as string;
      const beforeLast = segments.at(-2) as string;
      // Either …/<prefix>_{probe_id} (update, delete) or …/<prefix>_{probe_id}/<action>.
      expect(last.includes(PROBE_ID_PLACEHOLDER) || beforeLast.includes(PROBE_ID_PLACEHOLDER), `${name}_write ${probe.path}`).toBe(true);
      expect(probe.params, `${name}_write`).toBeUndefined();
      expect(probe.expect, `${name}_write`).toBe("resource_missing");
    }
  });

  it("makes every fake id well-formed with the object's id prefix", () => {
    for (const { name, level, probe } of requestProbes) {
      if (probe.expect === "ok") {
        expect(probe.path, `${name}_${level}`).not.toContain(PROBE_ID_PLACEHOLDER);
        continue;
      }
      expect(probe.path, `${name}_${level}`).toContain(PROBE_ID_PLACEHOLDER);
      if (probe.idPrefix) expect(probe.path, `${name}_${level}`).toContain(`/${probe.idPrefix}_${PROBE_ID_PLACEHOLDER}`);
      else expect(probe.path, `${name}_${level}`).toContain(`/${PROBE_ID_PLACEHOLDER}`);
    }
  });

  it("reads lists with limit=1 and nothing heavier", () => {
    for (const { name, probe } of requestProbes) {
      if (probe.params && "limit" in probe.params) expect(probe.params.limit, name).toBe(1);
    }
  });

  it("sends only requests the official SDK itself can send", () => {
    const routes = stripeNodeRoutes();
    expect(routes.length).toBeGreaterThan(400);
    const unknown = requestProbes.filter(({ probe }) => {
      const concrete = resolveProbe(probe, "abcdefgh12").path;
      return !routes.some((route) => route.method === probe.method && route.pattern.test(concrete));
    });
    expect(unknown.map(({ name, level, probe }) => `${name}_${level}: ${probe.method} ${probe.path}`)).toEqual([]);
  });

  it("writes only through SDK routes that address an object by id, never a collection", () => {
    const routes = stripeNodeRoutes();
    for (const { name, level, probe } of requestProbes) {
      if (probe.method === "GET") continue;
      const concrete = resolveProbe(probe, "abcdefgh12").path;
      const route = routes.find((candidate) => candidate.method === probe.method && candidate.pattern.test(concrete));
      const segments = route?.path.split("/") ?? [];
      expect(segments.at(-1) === "{id}" || segments.at(-2) === "{id}", `${name}_${level}: ${route?.path}`).toBe(true);
    }
  });
});

describe("resolveProbe", () => {
  const write = getLevel("customer", "write")?.probe as ProbeRequest;

  it("fills the fake id with Keyport's marker and the nonce", () => {
    expect(resolveProbe(write, "k3v9x2m1q8")).toEqual({
      method: "POST",
      path: `/v1/customers/cus_${PROBE_ID_MARKER}k3v9x2m1q8`,
      params: {},
      expect: "resource_missing",
    });
  });

  it("fills every placeholder of a nested path", () => {
    const fee = getLevel("application_fee", "write")?.probe as ProbeRequest;
    expect(resolveProbe(fee, "abcdefgh").path).toBe("/v1/application_fees/fee_keyport_probe_abcdefgh/refunds/fr_keyport_probe_abcdefgh");
  });

  it("refuses a nonce that could smuggle a path or a real-looking id", () => {
    expect(() => resolveProbe(write, "../../x")).toThrow(/nonce/);
    expect(() => resolveProbe(write, "short")).toThrow(/nonce/);
  });

  it("passes a read probe's query through", () => {
    const read = getLevel("customer", "read")?.probe as ProbeRequest;
    expect(resolveProbe(read, "abcdefgh")).toMatchObject({ method: "GET", path: "/v1/customers", params: { limit: 1 } });
  });
});

describe("lookups", () => {
  it("finds a permission by its bare name only", () => {
    expect(getPermission("plan")?.label).toBe("Prices");
    expect(getPermission("rak_plan_read")).toBeUndefined();
    expect(dashboardRow("customer")).toBe("Core › Customers");
    expect(dashboardRow("issuing_dispute")).toBe("Issuing › Disputes");
  });

  it("knows the rak_ ids the Dashboard form accepts, and only those", () => {
    expect(isKnownRakId("rak_customer_read")).toBe(true);
    expect(isKnownRakId("rak_webhook_write")).toBe(true);
    expect(isKnownRakId("rak_balance_write")).toBe(false);
    expect(isKnownRakId("rak_price_read")).toBe(false);
    expect(isKnownRakId("rak_bucket_connect_read")).toBe(false);
    expect(isKnownRakId("customer_read")).toBe(false);
  });

  it("reads grants written either way Stripe writes them", () => {
    expect(parseGrant("rak_checkout_session_read")).toEqual({ name: "checkout_session", level: "read" });
    expect(parseGrant("plan_write")).toEqual({ name: "plan", level: "write" });
    expect(parseGrant("rak_accounts_kyc_basic_read")).toBeUndefined();
    expect(parseGrant("balance_write")).toBeUndefined();
  });

  it("treats write as including read, and none as covering nothing", () => {
    expect(levelSatisfies("write", "read")).toBe(true);
    expect(levelSatisfies("read", "write")).toBe(false);
    expect(levelSatisfies("none", "read")).toBe(false);
    expect(levelSatisfies("read", "none")).toBe(true);
  });

  it("expands a grant into what Stripe says it includes", () => {
    expect(impliedGrants("customer", "write")).toEqual([
      { name: "customer", level: "read" },
      { name: "billing_clock", level: "read" },
    ]);
    expect(impliedGrants("balance_transaction_source", "read").map((grant) => grant.name)).toEqual([
      "application_fee",
      "balance",
      "transfer",
    ]);
  });

  it("names the grants through which a read can succeed without its own row", () => {
    const providers = grantsThatProvide("product", "read").map((grant) => `${grant.name}_${grant.level}`);
    expect(providers).toEqual(
      expect.arrayContaining(["product_write", "checkout_session_read", "payment_intent_read", "payment_links_write", "quote_read"]),
    );
    expect(providers).not.toContain("product_read");
    expect(grantsThatProvide("payout", "write")).toEqual([]);
  });

  it("suggests the name a vendor most likely meant", () => {
    expect(suggestPermissionName("customr")).toBe("customer");
    expect(suggestPermissionName("Customers")).toBe("customer");
    expect(suggestPermissionName("price")).toBe("plan");
    expect(suggestPermissionName("rak_webhook_endpoints_write")).toBe("webhook");
    expect(suggestPermissionName("Checkout Sessions")).toBe("checkout_session");
    expect(suggestPermissionName("refunds")).toBe("charge");
    expect(suggestPermissionName("xylophone")).toBeUndefined();
  });
});
