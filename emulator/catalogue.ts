/**
 * Stripe's restricted-key permissions as the emulator knows them: each Dashboard row (a bare
 * resource name such as `customer`), the levels it offers, the API routes it covers, and the
 * permissions it implies.
 *
 * Sources (cited per row as short tags):
 * - NAMES: the 158 names the Managed API Keys API accepts, "verified by probing each one against a
 *   gated sandbox" (Infisical/infisical:backend/src/ee/services/secret-rotation-v2/stripe-api-key/
 *   stripe-api-key-rotation-constants.ts), grouped as shared/research/stripe-rak.md §2 lists them.
 * - ROUTES: the paths come from the official SDK's generated resources (stripe-node 23.1.0,
 *   `esm/resources/**`, "File generated from our OpenAPI spec"), i.e. Stripe's API reference.
 * - RESOURCE: which API a permission grants is from Stripe's permission reference for apps
 *   (docs.stripe.com/stripe-apps/reference/permissions: "Charge `charge_read`, `charge_write`
 *   Grants access to Charges", "Plan … Grants access to Plans and Prices", …).
 * - PERMREF: docs.stripe.com/keys/permissions-reference, whose first rows the research has
 *   ("(GET) /v1/account → connected_account_read (Direct)", "(POST) /v1/account_links →
 *   account_link_write", "(POST) /v1/account_sessions → account_session_write",
 *   "/v1/accounts/{account_id}/capabilities/{id}" → connected_account_read/_write, …).
 * - METHOD: "GET requests are reads; POST and DELETE requests are writes"
 *   (docs.stripe.com/keys/restricted-api-keys, the migration table): a route's level comes from its
 *   method unless the route says otherwise.
 * Where a row's routes are our reading rather than Stripe's table, `inferred` says why. The README
 * lists every inference and every permission without a public endpoint.
 */
import { invariant } from "./invariant";

export type Level = "read" | "write";

export type DashboardGroup =
  | "Core"
  | "Checkout"
  | "Billing"
  | "Tax"
  | "Connect"
  | "Capital"
  | "Orders"
  | "Issuing"
  | "Treasury"
  | "Terminal"
  | "Reporting"
  | "Developers";

export interface ResourceSpec {
  /** Bare name: the permissions are `${name}_read` and `${name}_write`. */
  name: string;
  /** The Dashboard row label; the modern 403 message quotes it as `"<label> Read"`. */
  label: string;
  group: DashboardGroup;
  levels: readonly Level[];
  /**
   * `"METHOD /path"` plus optional flags: `level=read` (a POST that the read permission covers),
   * `singleton` (GET/POST on an object without id), `noop` (a POST that changes nothing),
   * `action=cancel` (a DELETE that cancels instead of deleting), `requires=a,b` (these full
   * permission names, checked in order, instead of the derived one), `rak-unavailable` (no
   * restricted key may call it).
   */
  routes: readonly string[];
  /** Full permission names this row also grants (at either of its levels). */
  implies?: readonly string[];
  source: string;
  inferred?: string;
  /** Why a level has no route in the emulator (no public endpoint, or unknown). */
  noEndpoint?: Partial<Record<Level, string>>;
}

const SDK = "stripe-node 23.1.0 esm/resources";
const APPS = "docs.stripe.com/stripe-apps/reference/permissions";

const list = (base: string) => `GET ${base}`;
const create = (base: string) => `POST ${base}`;
const retrieve = (base: string) => `GET ${base}/{id}`;
const update = (base: string) => `POST ${base}/{id}`;
const del = (base: string) => `DELETE ${base}/{id}`;

/** The usual collection routes: `l`ist, `c`reate, `r`etrieve, `u`pdate, `d`elete. */
function crud(base: string, ops: string): string[] {
  const out: string[] = [];
  for (const op of ops) {
    if (op === "l") out.push(list(base));
    else if (op === "c") out.push(create(base));
    else if (op === "r") out.push(retrieve(base));
    else if (op === "u") out.push(update(base));
    else if (op === "d") out.push(del(base));
    else throw new Error(`crud: unknown op ${op}`);
  }
  return out;
}
/** `POST base/{id}/<action>` for each action (cancel, capture, …). */
const actions = (base: string, names: string) => names.split(" ").map((n) => `POST ${base}/{id}/${n}`);
/** `GET base/{id}/<sub>` for each sub-resource read (line_items, lines, …). */
const subReads = (base: string, names: string) => names.split(" ").map((n) => `GET ${base}/{id}/${n}`);
/** A nested collection under a parent object: list, retrieve, and the given writes. */
function nested(parent: string, child: string, ops: string): string[] {
  const base = `${parent}/{parent}/${child}`;
  return crud(base, ops);
}

export const RESOURCES: readonly ResourceSpec[] = [
  // ── Core ────────────────────────────────────────────────────────────────────────────────────
  {
    name: "apple_pay_domain",
    label: "Apple Pay Domains",
    group: "Core",
    levels: ["read", "write"],
    routes: crud("/v1/apple_pay/domains", "lcrd"),
    source: `${SDK} ApplePayDomains; ${APPS}`,
  },
  {
    name: "balance",
    label: "Balance",
    group: "Core",
    levels: ["read"],
    routes: ["GET /v1/balance singleton", ...crud("/v1/balance_transactions", "lr")],
    source: `${SDK} Balance, BalanceTransactions; ${APPS} ("Balance … Grants access to Balance")`,
    inferred:
      "balance transactions are read with balance_read: balance_transaction_source_read only 'grants access to expand the source attribute' (apps reference)",
  },
  {
    name: "balance_transaction_source",
    label: "Balance Transaction Sources",
    group: "Core",
    levels: ["read"],
    routes: [],
    implies: ["application_fee_read", "balance_read", "transfer_read"],
    source: `${APPS} ("This permission also implies the following permissions: application_fee_read, balance_read, transfer_read")`,
    noEndpoint: { read: "only allows expanding `source` on balance transactions; the emulator does not model `expand`" },
  },
  {
    name: "charge",
    label: "Charges and Refunds",
    group: "Core",
    levels: ["read", "write"],
    routes: [
      ...crud("/v1/charges", "lcru"),
      "GET /v1/charges/search",
      ...actions("/v1/charges", "capture"),
      ...crud("/v1/refunds", "lcru"),
      ...actions("/v1/refunds", "cancel"),
      "POST /v1/test_helpers/refunds/{id}/expire",
    ],
    source: `${SDK} Charges, Refunds, TestHelpers/Refunds; row "Charges and refunds" (research §2)`,
  },
  {
    name: "confirmation_token",
    label: "Confirmation Tokens",
    group: "Core",
    levels: ["read"],
    routes: [retrieve("/v1/confirmation_tokens")],
    source: `${SDK} ConfirmationTokens`,
  },
  {
    name: "confirmation_token_client",
    label: "Confirmation Tokens (client)",
    group: "Core",
    levels: ["read", "write"],
    routes: ["POST /v1/test_helpers/confirmation_tokens"],
    source: `${SDK} TestHelpers/ConfirmationTokens`,
    inferred: "the test helper that creates a confirmation token is the only server-side write; we put it here",
    noEndpoint: { read: "confirmation tokens are read client-side with a publishable key" },
  },
  {
    name: "customer",
    label: "Customers",
    group: "Core",
    levels: ["read", "write"],
    routes: [
      ...crud("/v1/customers", "lcrud"),
      "GET /v1/customers/search",
      "DELETE /v1/customers/{id}/discount",
      ...nested("/v1/customers", "balance_transactions", "lcru"),
      "GET /v1/customers/{id}/cash_balance",
      "POST /v1/customers/{id}/cash_balance",
      ...nested("/v1/customers", "cash_balance_transactions", "lr"),
      "POST /v1/customers/{id}/funding_instructions",
      ...nested("/v1/customers", "sources", "lcrud"),
      "POST /v1/customers/{parent}/sources/{id}/verify",
      ...nested("/v1/customers", "tax_ids", "lcrd"),
      ...crud("/v1/tax_ids", "lcrd"),
      "POST /v1/test_helpers/customers/{id}/fund_cash_balance",
    ],
    implies: ["billing_clock_read"],
    source: `${SDK} Customers, CustomerSources, TaxIds; ${APPS} ("This permission also implies the following permission: billing_clock_read")`,
    inferred: "the customer sub-collections (sources, tax IDs, balance and cash balance transactions) and top-level /v1/tax_ids are placed under Customers",
  },
  {
    name: "customer_session",
    label: "Customer Sessions",
    group: "Core",
    levels: ["read", "write"],
    routes: [create("/v1/customer_sessions")],
    source: `${SDK} CustomerSessions`,
    noEndpoint: { read: "customer sessions cannot be retrieved or listed through the API" },
  },
  {
    name: "dispute",
    label: "Disputes",
    group: "Core",
    levels: ["read", "write"],
    routes: [...crud("/v1/disputes", "lru"), ...actions("/v1/disputes", "close")],
    source: `${SDK} Disputes; ${APPS}`,
  },
  {
    name: "ephemeral_key",
    label: "Ephemeral Keys",
    group: "Core",
    levels: ["write"],
    routes: [create("/v1/ephemeral_keys"), del("/v1/ephemeral_keys")],
    source: `${SDK} EphemeralKeys; research §2 (rak_ephemeral_key_write seen in a 403) and invertase/stripe-firebase-extensions #445`,
  },
  {
    name: "elements",
    label: "Elements",
    group: "Core",
    levels: ["write"],
    routes: [],
    source: `${APPS} ("Elements elements_write Grants access to Stripe.js Elements")`,
    noEndpoint: { write: "used by Stripe.js in the browser; no server endpoint" },
  },
  {
    name: "event",
    label: "Events",
    group: "Core",
    levels: ["read"],
    routes: [...crud("/v1/events", "lr"), ...crud("/v2/core/events", "lr")],
    source: `${SDK} Events, V2/Core/Events; ${APPS}`,
    inferred: "v2 events are placed under event_read too",
  },
  {
    name: "file",
    label: "Files",
    group: "Core",
    levels: ["read", "write"],
    routes: [...crud("/v1/files", "lcr"), ...crud("/v1/file_links", "lcru")],
    source: `${SDK} Files, FileLinks; ${APPS}`,
    inferred: "file links are placed under Files",
  },
  {
    name: "mandate",
    label: "Mandates",
    group: "Core",
    levels: ["read", "write"],
    routes: [retrieve("/v1/mandates")],
    source: `${SDK} Mandates; ${APPS}`,
    noEndpoint: { write: "the API has no mandate write endpoint" },
  },
  {
    name: "payment_intent",
    label: "Payment Intents",
    group: "Core",
    levels: ["read", "write"],
    routes: [
      ...crud("/v1/payment_intents", "lcru"),
      "GET /v1/payment_intents/search",
      ...subReads("/v1/payment_intents", "amount_details_line_items"),
      ...actions("/v1/payment_intents", "apply_customer_balance cancel capture confirm increment_authorization verify_microdeposits"),
    ],
    implies: ["product_read", "sku_read"],
    source: `${SDK} PaymentIntents; ${APPS} ("This permission also implies the following permissions: product_read, sku_read")`,
  },
  {
    name: "payment_method",
    label: "Payment Methods",
    group: "Core",
    levels: ["read", "write"],
    routes: [
      ...crud("/v1/payment_methods", "lcru"),
      ...actions("/v1/payment_methods", "attach detach"),
      ...nested("/v1/customers", "payment_methods", "lr"),
    ],
    implies: ["source_read"],
    source: `${SDK} PaymentMethods, Customers.listPaymentMethods; ${APPS} ("implies … source_read")`,
    inferred: "a customer's payment-method list is placed under Payment Methods",
  },
  {
    name: "payment_method_configurations",
    label: "Payment Method Configurations",
    group: "Core",
    levels: ["read", "write"],
    routes: crud("/v1/payment_method_configurations", "lcru"),
    source: `${SDK} PaymentMethodConfigurations`,
  },
  {
    name: "payment_method_domain",
    label: "Payment Method Domains",
    group: "Core",
    levels: ["read", "write"],
    routes: [...crud("/v1/payment_method_domains", "lcru"), ...actions("/v1/payment_method_domains", "validate")],
    source: `${SDK} PaymentMethodDomains`,
  },
  {
    name: "payment_records",
    label: "Payment Records",
    group: "Core",
    levels: ["read", "write"],
    routes: [
      ...crud("/v1/payment_records", "lr"),
      "POST /v1/payment_records/report_payment",
      ...actions(
        "/v1/payment_records",
        "report_payment_attempt report_payment_attempt_canceled report_payment_attempt_failed report_payment_attempt_guaranteed report_payment_attempt_informational report_refund",
      ),
      ...crud("/v1/payment_attempt_records", "lr"),
    ],
    source: `${SDK} PaymentRecords, PaymentAttemptRecords`,
    inferred: "payment attempt records are placed under Payment Records",
  },
  {
    name: "payout",
    label: "Payouts",
    group: "Core",
    levels: ["read", "write"],
    routes: [...crud("/v1/payouts", "lcru"), ...actions("/v1/payouts", "cancel reverse")],
    source: `${SDK} Payouts; ${APPS}`,
  },
  {
    name: "payout_intent",
    label: "Payout Intents",
    group: "Core",
    levels: ["read"],
    routes: crud("/v2/money_management/payout_intents", "lr"),
    source: `${SDK} V2/MoneyManagement/PayoutIntents`,
    inferred: "the v2 payout-intent reads; their writes need a permission the catalogue does not name, so they are not modelled",
  },
  {
    name: "product",
    label: "Products",
    group: "Core",
    levels: ["read", "write"],
    routes: [
      ...crud("/v1/products", "lcrud"),
      "GET /v1/products/search",
      ...nested("/v1/products", "features", "lcrd"),
      ...crud("/v1/product_catalog/trial_offers", "lcru"),
      create("/v1/entitlements/features"),
      update("/v1/entitlements/features"),
    ],
    source: `${SDK} Products, ProductCatalog/TrialOffers, Entitlements/Features; ${APPS}`,
    inferred: "product features, trial offers and writes to entitlement features are placed under Products",
  },
  {
    name: "review",
    label: "Reviews",
    group: "Core",
    levels: ["read", "write"],
    routes: [...crud("/v1/reviews", "lr"), ...actions("/v1/reviews", "approve")],
    source: `${SDK} Reviews; ${APPS}`,
  },
  {
    name: "setup_intent",
    label: "Setup Intents",
    group: "Core",
    levels: ["read", "write"],
    routes: [
      ...crud("/v1/setup_intents", "lcru"),
      ...actions("/v1/setup_intents", "cancel confirm verify_microdeposits"),
      list("/v1/setup_attempts"),
    ],
    implies: ["mandate_read"],
    source: `${SDK} SetupIntents, SetupAttempts; ${APPS} ("implies … mandate_read")`,
    inferred: "setup attempts are placed under Setup Intents",
  },
  {
    name: "source",
    label: "Sources",
    group: "Core",
    levels: ["read", "write"],
    routes: [...crud("/v1/sources", "cru"), ...subReads("/v1/sources", "source_transactions"), ...actions("/v1/sources", "verify")],
    source: `${SDK} Sources; ${APPS}`,
  },
  {
    name: "token",
    label: "Tokens",
    group: "Core",
    levels: ["read", "write"],
    routes: crud("/v1/tokens", "cr"),
    source: `${SDK} Tokens; ${APPS}`,
  },
  {
    name: "transaction",
    label: "Transactions",
    group: "Core",
    levels: ["read"],
    routes: [],
    source: "NAMES (row 'Transactions' in Core)",
    noEndpoint: { read: "which API this row covers is not documented where we could read it" },
  },
  // ── Checkout ────────────────────────────────────────────────────────────────────────────────
  {
    name: "checkout_session",
    label: "Checkout Sessions",
    group: "Checkout",
    levels: ["read", "write"],
    routes: [...crud("/v1/checkout/sessions", "lcru"), ...subReads("/v1/checkout/sessions", "line_items"), ...actions("/v1/checkout/sessions", "expire")],
    implies: ["mandate_read", "payment_intent_read", "payment_links_read", "product_read", "setup_intent_read", "sku_read"],
    source: `${SDK} Checkout/Sessions; ${APPS} ("implies … mandate_read, payment_intent_read, payment_links_read, product_read, setup_intent_read, sku_read")`,
  },
  {
    name: "payment_links",
    label: "Payment Links",
    group: "Checkout",
    levels: ["read", "write"],
    routes: [...crud("/v1/payment_links", "lcru"), ...subReads("/v1/payment_links", "line_items")],
    implies: ["mandate_read", "product_read", "sku_read"],
    source: `${SDK} PaymentLinks; ${APPS} ("implies … mandate_read, product_read, sku_read")`,
  },
  {
    name: "shipping_rate",
    label: "Shipping Rates",
    group: "Checkout",
    levels: ["read", "write"],
    routes: crud("/v1/shipping_rates", "lcru"),
    source: `${SDK} ShippingRates; ${APPS}`,
  },
  // ── Billing ─────────────────────────────────────────────────────────────────────────────────
  {
    name: "billing_profile",
    label: "Billing Profiles",
    group: "Billing",
    levels: ["read", "write"],
    routes: crud("/v2/billing/profiles", "lcru"),
    source: "stripe/stripe-node (preview) src/resources/V2/Billing/Profiles.ts",
    inferred: "preview API; the mapping follows the row name",
  },
  {
    name: "billing_settings",
    label: "Billing Settings",
    group: "Billing",
    levels: ["read", "write"],
    routes: [],
    source: "NAMES",
    noEndpoint: { read: "preview; endpoints unknown", write: "preview; endpoints unknown" },
  },
  {
    name: "billing_intent",
    label: "Billing Intents",
    group: "Billing",
    levels: ["read"],
    routes: crud("/v2/billing/intents", "lr"),
    source: "stripe/stripe-node (preview) src/resources/V2/Billing/Intents.ts",
    inferred: "preview API; only the reads, since there is no billing_intent_write",
  },
  {
    name: "coupon",
    label: "Coupons",
    group: "Billing",
    levels: ["read", "write"],
    routes: crud("/v1/coupons", "lcrud"),
    source: `${SDK} Coupons; ${APPS}`,
  },
  {
    name: "credit_note",
    label: "Credit Notes",
    group: "Billing",
    levels: ["read", "write"],
    routes: [
      ...crud("/v1/credit_notes", "lcru"),
      "GET /v1/credit_notes/preview singleton",
      "GET /v1/credit_notes/preview/lines singleton",
      ...subReads("/v1/credit_notes", "lines"),
      ...actions("/v1/credit_notes", "void"),
    ],
    implies: ["invoice_read"],
    source: `${SDK} CreditNotes; ${APPS} ("implies … invoice_read")`,
  },
  {
    name: "customer_portal",
    label: "Customer Portal",
    group: "Billing",
    levels: ["read", "write"],
    routes: [...crud("/v1/billing_portal/configurations", "lcru"), create("/v1/billing_portal/sessions")],
    source: `${SDK} BillingPortal/Configurations, BillingPortal/Sessions; ${APPS} ("Grants access to the customer portal")`,
  },
  {
    name: "entitlement",
    label: "Entitlements",
    group: "Billing",
    levels: ["read"],
    routes: [...crud("/v1/entitlements/active_entitlements", "lr"), ...crud("/v1/entitlements/features", "lr")],
    source: `${SDK} Entitlements/ActiveEntitlements, Entitlements/Features`,
  },
  {
    name: "invoice",
    label: "Invoices",
    group: "Billing",
    levels: ["read", "write"],
    routes: [
      ...crud("/v1/invoices", "lcrud"),
      "GET /v1/invoices/search",
      "POST /v1/invoices/create_preview noop",
      ...subReads("/v1/invoices", "lines"),
      "POST /v1/invoices/{parent}/lines/{id}",
      ...actions("/v1/invoices", "add_lines attach_payment finalize mark_uncollectible pay remove_lines send update_lines void"),
      ...crud("/v1/invoiceitems", "lcrud"),
      ...crud("/v1/invoice_payments", "lr"),
      ...crud("/v1/invoice_rendering_templates", "lr"),
      ...actions("/v1/invoice_rendering_templates", "archive unarchive"),
    ],
    implies: ["credit_note_read"],
    source: `${SDK} Invoices, InvoiceItems, InvoicePayments, InvoiceRenderingTemplates; ${APPS} ("implies … credit_note_read")`,
    inferred: "invoice items, invoice payments and rendering templates are placed under Invoices",
  },
  {
    name: "billing_meter",
    label: "Meters",
    group: "Billing",
    levels: ["read", "write"],
    routes: [...crud("/v1/billing/meters", "lcru"), ...actions("/v1/billing/meters", "deactivate reactivate")],
    source: `${SDK} Billing/Meters`,
  },
  {
    name: "billing_meter_event",
    label: "Meter Events",
    group: "Billing",
    levels: ["read", "write"],
    routes: [
      ...subReads("/v1/billing/meters", "event_summaries"),
      create("/v1/billing/meter_events"),
      create("/v1/billing/meter_event_adjustments"),
      create("/v2/billing/meter_events"),
      create("/v2/billing/meter_event_adjustments"),
      "POST /v2/billing/meter_event_session",
    ],
    source: `${SDK} Billing/MeterEvents, Billing/MeterEventAdjustments, Billing/MeterEventSummaries, V2/Billing/*`,
    inferred: "meter event summaries are read with billing_meter_event_read",
  },
  {
    name: "billing_analytics_meter_usage",
    label: "Meter Usage Analytics",
    group: "Billing",
    levels: ["read"],
    routes: ["GET /v1/billing/analytics/meter_usage singleton"],
    source: "stripe/stripe-node (preview) src/resources/Billing/Analytics/MeterUsage.ts",
  },
  {
    name: "plan",
    label: "Prices",
    group: "Billing",
    levels: ["read", "write"],
    routes: [...crud("/v1/plans", "lcrud"), ...crud("/v1/prices", "lcru"), "GET /v1/prices/search"],
    source: `${SDK} Plans, Prices; ${APPS} ("Plan … Grants access to Plans and Prices"); PostHog: "This is \`price\` in the UI, but \`plan\` in their API"; the modern 403 names it "Prices Read" ('plan_read')`,
  },
  {
    name: "product_catalog_import",
    label: "Product Catalog Imports",
    group: "Billing",
    levels: ["read", "write"],
    routes: crud("/v2/commerce/product_catalog/imports", "lcr"),
    source: `${SDK} V2/Commerce/ProductCatalog/Imports`,
  },
  {
    name: "promotion_code",
    label: "Promotion Codes",
    group: "Billing",
    levels: ["read", "write"],
    routes: crud("/v1/promotion_codes", "lcru"),
    source: `${SDK} PromotionCodes; ${APPS}`,
  },
  {
    name: "quote",
    label: "Quotes",
    group: "Billing",
    levels: ["read", "write"],
    routes: [
      ...crud("/v1/quotes", "lcru"),
      ...subReads("/v1/quotes", "computed_upfront_line_items line_items pdf"),
      ...actions("/v1/quotes", "accept cancel finalize"),
    ],
    implies: ["sku_read", "product_read"],
    source: `${SDK} Quotes; ${APPS} ("implies … sku_read, product_read")`,
  },
  {
    name: "rate_card",
    label: "Rate Cards",
    group: "Billing",
    levels: ["write"],
    routes: crud("/v2/billing/rate_cards", "lcru"),
    source: "stripe/stripe-node (preview) src/resources/V2/Billing/RateCards.ts",
    inferred: "preview API; a write-only row, so its reads also need rate_card_write",
  },
  {
    name: "rate_card_subscription",
    label: "Rate Card Subscriptions",
    group: "Billing",
    levels: ["write"],
    routes: [...crud("/v2/billing/rate_card_subscriptions", "lcru"), ...actions("/v2/billing/rate_card_subscriptions", "cancel")],
    source: "stripe/stripe-node (preview) src/resources/V2/Billing/RateCardSubscriptions.ts",
    inferred: "preview API; a write-only row, so its reads also need rate_card_subscription_write",
  },
  {
    name: "subscription",
    label: "Subscriptions",
    group: "Billing",
    levels: ["read", "write"],
    routes: [
      ...crud("/v1/subscriptions", "lcru"),
      "GET /v1/subscriptions/search",
      "DELETE /v1/subscriptions/{id} action=cancel",
      "DELETE /v1/subscriptions/{id}/discount",
      ...actions("/v1/subscriptions", "migrate pause resume"),
      ...crud("/v1/subscription_items", "lcrud"),
      ...crud("/v1/subscription_schedules", "lcru"),
      ...actions("/v1/subscription_schedules", "cancel release"),
    ],
    source: `${SDK} Subscriptions, SubscriptionItems, SubscriptionSchedules; ${APPS}; the DELETE cancel is polarsource/polar's write probe (research §4)`,
    inferred: "subscription items and schedules are placed under Subscriptions",
  },
  {
    name: "billing_clock",
    label: "Test Clocks",
    group: "Billing",
    levels: ["read", "write"],
    routes: [...crud("/v1/test_helpers/test_clocks", "lcrd"), ...actions("/v1/test_helpers/test_clocks", "advance")],
    source: `${SDK} TestHelpers/TestClocks; ${APPS} ("Billing clock … Grants access to Test clocks")`,
  },
  {
    name: "usage_record",
    label: "Usage Records",
    group: "Billing",
    levels: ["read", "write"],
    routes: ["GET /v1/subscription_items/{id}/usage_record_summaries", "POST /v1/subscription_items/{id}/usage_records"],
    source:
      "Stripe OpenAPI operations GetSubscriptionItemsSubscriptionItemUsageRecordSummaries / PostSubscriptionItemsSubscriptionItemUsageRecords (stripe-go, stripe-ruby, stripe-php clients); removed from the API in 2025-03-31.basil",
  },
  // ── Tax ─────────────────────────────────────────────────────────────────────────────────────
  {
    name: "tax_calculations_and_transactions",
    label: "Tax Calculations and Transactions",
    group: "Tax",
    levels: ["read", "write"],
    routes: [
      create("/v1/tax/calculations"),
      retrieve("/v1/tax/calculations"),
      ...subReads("/v1/tax/calculations", "line_items"),
      "POST /v1/tax/transactions/create_from_calculation",
      "POST /v1/tax/transactions/create_reversal",
      retrieve("/v1/tax/transactions"),
      ...subReads("/v1/tax/transactions", "line_items"),
      "GET /v1/tax/associations/find singleton",
    ],
    source: `${SDK} Tax/Calculations, Tax/Transactions, Tax/Associations`,
    inferred: "tax associations are placed here",
  },
  {
    name: "tax_locations",
    label: "Tax Locations",
    group: "Tax",
    levels: ["read", "write"],
    routes: crud("/v1/tax/locations", "lcr"),
    source: `${SDK} Tax/Locations`,
  },
  {
    name: "tax_rate",
    label: "Tax Rates",
    group: "Tax",
    levels: ["read", "write"],
    routes: crud("/v1/tax_rates", "lcru"),
    source: `${SDK} TaxRates; ${APPS}`,
  },
  {
    name: "tax_settings",
    label: "Tax Settings",
    group: "Tax",
    levels: ["read", "write"],
    routes: ["GET /v1/tax/settings singleton", "POST /v1/tax/settings singleton", ...crud("/v1/tax/registrations", "lcru")],
    source: `${SDK} Tax/Settings, Tax/Registrations`,
    inferred: "tax registrations are placed under Tax Settings",
  },
  // ── Connect ─────────────────────────────────────────────────────────────────────────────────
  {
    name: "account_link",
    label: "Account Links",
    group: "Connect",
    levels: ["write"],
    routes: [create("/v1/account_links")],
    source: `docs.stripe.com/keys/permissions-reference ("(POST) /v1/account_links account_link_write (Direct)"); ${SDK} AccountLinks`,
  },
  {
    name: "account_session",
    label: "Account Sessions",
    group: "Connect",
    levels: ["write"],
    routes: [create("/v1/account_sessions")],
    source: `docs.stripe.com/keys/permissions-reference ("(POST) /v1/account_sessions account_session_write (Direct)"); not among the 158 names`,
  },
  {
    name: "application_fee",
    label: "Application Fees",
    group: "Connect",
    levels: ["read", "write"],
    routes: [...crud("/v1/application_fees", "lr"), ...nested("/v1/application_fees", "refunds", "lcru")],
    source: `${SDK} ApplicationFees; ${APPS}`,
  },
  {
    name: "connected_account",
    label: "Connected Accounts",
    group: "Connect",
    levels: ["read", "write"],
    routes: [
      // research §1: a RAK with "all Read" was refused with rak_accounts_kyc_id_numbers_read
      // (stripe/stripe-node #2246), one with few permissions with rak_accounts_kyc_basic_read (a
      // probe fixture), although the permissions reference lists connected_account_read.
      "GET /v1/account singleton requires=accounts_kyc_basic_read,accounts_kyc_id_numbers_read,connected_account_read",
      ...crud("/v1/accounts", "lcrud"),
      ...actions("/v1/accounts", "reject unreject"),
      ...nested("/v1/accounts", "capabilities", "lru"),
      ...nested("/v1/accounts", "external_accounts", "lcrud"),
      ...nested("/v1/accounts", "persons", "lcrud"),
    ],
    source: `docs.stripe.com/keys/permissions-reference ("(GET) /v1/account connected_account_read (Direct)", "(GET) /v1/accounts", "/v1/accounts/{account_id}/capabilities/{id}", "…/external_accounts/{id}", "…/persons"); ${SDK} Accounts`,
  },
  {
    name: "accounts_kyc_basic",
    label: "Accounts KYC Basic",
    group: "Connect",
    levels: ["read"],
    routes: [],
    source: "research §1: `rak_accounts_kyc_basic_read` named by a 403 on GET /v1/account",
  },
  {
    name: "accounts_kyc_id_numbers",
    label: "Accounts KYC ID Numbers",
    group: "Connect",
    levels: ["read"],
    routes: [],
    source: "stripe/stripe-node #2246: `rak_accounts_kyc_id_numbers_read` named by a 403 on GET /v1/account",
  },
  {
    name: "edit_link",
    label: "Edit Links",
    group: "Connect",
    levels: ["write"],
    routes: ["POST /v1/accounts/{id}/login_links"],
    source: `${APPS} ("Edit link edit_link_write Grants access to Login Links"); ${SDK} Accounts.createLoginLink`,
  },
  {
    name: "fee_domain_resources",
    label: "Fee Domain Resources",
    group: "Connect",
    levels: ["read"],
    routes: [],
    source: "NAMES",
    noEndpoint: { read: "endpoints unknown" },
  },
  {
    name: "top_up",
    label: "Top-ups",
    group: "Connect",
    levels: ["read", "write"],
    routes: [...crud("/v1/topups", "lcru"), ...actions("/v1/topups", "cancel")],
    source: `${SDK} Topups; ${APPS}`,
  },
  {
    name: "transfer",
    label: "Transfers",
    group: "Connect",
    levels: ["read", "write"],
    routes: [...crud("/v1/transfers", "lcru"), ...nested("/v1/transfers", "reversals", "lcru")],
    implies: ["payout_read"],
    source: `${SDK} Transfers; ${APPS} ("implies … payout_read")`,
  },
  // ── Capital ─────────────────────────────────────────────────────────────────────────────────
  {
    name: "capital_for_platforms_financing_offer",
    label: "Financing Offers",
    group: "Capital",
    levels: ["read", "write"],
    routes: [...crud("/v1/capital/financing_offers", "lr"), ...actions("/v1/capital/financing_offers", "mark_delivered")],
    source: "stripe/stripe-node (preview) src/resources/Capital/FinancingOffers.ts",
  },
  {
    name: "capital_for_platforms_financing_summary",
    label: "Financing Summary",
    group: "Capital",
    levels: ["read"],
    routes: ["GET /v1/capital/financing_summary singleton"],
    source: "stripe/stripe-node (preview) src/resources/Capital/FinancingSummary.ts",
  },
  {
    name: "capital_for_platforms_financing_transaction",
    label: "Financing Transactions",
    group: "Capital",
    levels: ["read"],
    routes: crud("/v1/capital/financing_transactions", "lr"),
    source: "stripe/stripe-node (preview) src/resources/Capital/FinancingTransactions.ts",
  },
  // ── Orders (legacy) ─────────────────────────────────────────────────────────────────────────
  {
    name: "order",
    label: "Orders",
    group: "Orders",
    levels: ["read", "write"],
    routes: [...crud("/v1/orders", "lcru"), ...subReads("/v1/orders", "line_items"), ...actions("/v1/orders", "cancel reopen submit")],
    source: `stripe/stripe-node src/resources/Orders.ts (legacy Orders API); ${APPS} ("Order … Grants access to Orders")`,
  },
  {
    name: "sku",
    label: "SKUs",
    group: "Orders",
    levels: ["read", "write"],
    routes: crud("/v1/skus", "lcrud"),
    source: `stripe/stripe-node src/resources/SKUs.js (legacy); ${APPS}`,
  },
  // ── Issuing ─────────────────────────────────────────────────────────────────────────────────
  {
    name: "issuing",
    label: "All Issuing",
    group: "Issuing",
    levels: ["read", "write"],
    routes: [
      ...crud("/v1/issuing/personalization_designs", "lcru"),
      ...crud("/v1/issuing/physical_bundles", "lr"),
      ...actions("/v1/test_helpers/issuing/personalization_designs", "activate deactivate reject"),
    ],
    implies: [
      "issuing_authorization_read",
      "issuing_card_read",
      "issuing_cardholder_read",
      "issuing_credit_ledger_read",
      "issuing_dispute_read",
      "issuing_token_read",
      "issuing_token_network_data_read",
      "issuing_transaction_read",
    ],
    source: `${SDK} Issuing/PersonalizationDesigns, Issuing/PhysicalBundles; row "All Issuing" (research §2)`,
    inferred:
      "'All Issuing' is read as granting every Issuing row at its level (issuing_write also grants each issuing_*_write, see IMPLIED_BY_WRITE); designs and bundles, which have no row of their own, are placed here",
  },
  {
    name: "issuing_authorization",
    label: "Authorizations",
    group: "Issuing",
    levels: ["read", "write"],
    routes: [
      ...crud("/v1/issuing/authorizations", "lru"),
      ...actions("/v1/issuing/authorizations", "approve decline"),
      create("/v1/test_helpers/issuing/authorizations"),
      ...actions("/v1/test_helpers/issuing/authorizations", "capture expire finalize_amount fraud_challenges/respond increment reverse"),
    ],
    source: `${SDK} Issuing/Authorizations, TestHelpers/Issuing/Authorizations; ${APPS}`,
  },
  {
    name: "issuing_card",
    label: "Cards",
    group: "Issuing",
    levels: ["read", "write"],
    routes: [
      ...crud("/v1/issuing/cards", "lcru"),
      ...actions("/v1/test_helpers/issuing/cards", "shipping/deliver shipping/fail shipping/return shipping/ship shipping/submit"),
    ],
    source: `${SDK} Issuing/Cards, TestHelpers/Issuing/Cards; ${APPS}`,
  },
  {
    name: "issuing_cardholder",
    label: "Cardholders",
    group: "Issuing",
    levels: ["read", "write"],
    routes: crud("/v1/issuing/cardholders", "lcru"),
    source: `${SDK} Issuing/Cardholders; ${APPS}`,
  },
  {
    name: "issuing_credit_ledger",
    label: "Credit Ledger",
    group: "Issuing",
    levels: ["read", "write"],
    routes: [],
    source: "NAMES",
    noEndpoint: { read: "preview; endpoints unknown", write: "preview; endpoints unknown" },
  },
  {
    name: "issuing_dispute",
    label: "Issuing Disputes",
    group: "Issuing",
    levels: ["read", "write"],
    routes: [...crud("/v1/issuing/disputes", "lcru"), ...actions("/v1/issuing/disputes", "submit")],
    source: `${SDK} Issuing/Disputes; ${APPS}`,
  },
  {
    name: "issuing_token",
    label: "Issuing Tokens",
    group: "Issuing",
    levels: ["read", "write"],
    routes: crud("/v1/issuing/tokens", "lru"),
    source: `${SDK} Issuing/Tokens`,
  },
  {
    name: "issuing_token_network_data",
    label: "Token Network Data",
    group: "Issuing",
    levels: ["read"],
    routes: [],
    source: "NAMES",
    noEndpoint: { read: "a field-level permission (network data on Issuing tokens), no endpoint of its own" },
  },
  {
    name: "issuing_transaction",
    label: "Issuing Transactions",
    group: "Issuing",
    levels: ["read", "write"],
    routes: [
      ...crud("/v1/issuing/transactions", "lru"),
      "POST /v1/test_helpers/issuing/transactions/create_force_capture",
      "POST /v1/test_helpers/issuing/transactions/create_unlinked_refund",
      ...actions("/v1/test_helpers/issuing/transactions", "refund"),
    ],
    source: `${SDK} Issuing/Transactions, TestHelpers/Issuing/Transactions; ${APPS}`,
  },
  {
    name: "issuing_verification",
    label: "Verifications",
    group: "Issuing",
    levels: ["write"],
    routes: [],
    source: "NAMES",
    noEndpoint: { write: "endpoints unknown" },
  },
  // ── Treasury ────────────────────────────────────────────────────────────────────────────────
  {
    name: "financial_account",
    label: "Financial Accounts",
    group: "Treasury",
    levels: ["read"],
    routes: [
      ...crud("/v1/treasury/financial_accounts", "lr"),
      ...subReads("/v1/treasury/financial_accounts", "features"),
      "POST /v1/treasury/financial_accounts rak-unavailable",
      "POST /v1/treasury/financial_accounts/{id} rak-unavailable",
      "POST /v1/treasury/financial_accounts/{id}/close rak-unavailable",
      "POST /v1/treasury/financial_accounts/{id}/features rak-unavailable",
    ],
    source: `${SDK} Treasury/FinancialAccounts`,
    inferred:
      "the catalogue offers no Treasury write permission, so Treasury writes are answered with Stripe's 'not available for use by restricted keys' message (research §1, format 3)",
  },
  {
    name: "inbound_transfer",
    label: "Inbound Transfers",
    group: "Treasury",
    levels: ["read"],
    routes: [
      ...crud("/v1/treasury/inbound_transfers", "lr"),
      "POST /v1/treasury/inbound_transfers rak-unavailable",
      "POST /v1/treasury/inbound_transfers/{id}/cancel rak-unavailable",
    ],
    source: `${SDK} Treasury/InboundTransfers`,
  },
  {
    name: "outbound_payment",
    label: "Outbound Payments",
    group: "Treasury",
    levels: ["read"],
    routes: [
      ...crud("/v1/treasury/outbound_payments", "lr"),
      "POST /v1/treasury/outbound_payments rak-unavailable",
      "POST /v1/treasury/outbound_payments/{id}/cancel rak-unavailable",
    ],
    source: `${SDK} Treasury/OutboundPayments`,
  },
  {
    name: "outbound_transfer",
    label: "Outbound Transfers",
    group: "Treasury",
    levels: ["read"],
    routes: [
      ...crud("/v1/treasury/outbound_transfers", "lr"),
      "POST /v1/treasury/outbound_transfers rak-unavailable",
      "POST /v1/treasury/outbound_transfers/{id}/cancel rak-unavailable",
    ],
    source: `${SDK} Treasury/OutboundTransfers`,
  },
  {
    name: "received_credit",
    label: "Received Credits",
    group: "Treasury",
    levels: ["read"],
    routes: crud("/v1/treasury/received_credits", "lr"),
    source: `${SDK} Treasury/ReceivedCredits`,
  },
  {
    name: "received_debit",
    label: "Received Debits",
    group: "Treasury",
    levels: ["read"],
    routes: crud("/v1/treasury/received_debits", "lr"),
    source: `${SDK} Treasury/ReceivedDebits`,
  },
  {
    name: "recipient_verification",
    label: "Recipient Verifications",
    group: "Treasury",
    levels: ["read"],
    routes: [retrieve("/v2/money_management/recipient_verifications")],
    source: `${SDK} V2/MoneyManagement/RecipientVerifications`,
  },
  {
    name: "treasury_transaction",
    label: "Transactions (Treasury)",
    group: "Treasury",
    levels: ["read"],
    routes: [
      ...crud("/v1/treasury/transactions", "lr"),
      ...crud("/v1/treasury/transaction_entries", "lr"),
      ...crud("/v1/treasury/credit_reversals", "lr"),
      ...crud("/v1/treasury/debit_reversals", "lr"),
      "POST /v1/treasury/credit_reversals rak-unavailable",
      "POST /v1/treasury/debit_reversals rak-unavailable",
    ],
    source: `${SDK} Treasury/Transactions, TransactionEntries, CreditReversals, DebitReversals`,
    inferred: "credit and debit reversals are placed under Treasury transactions",
  },
  // ── Terminal ────────────────────────────────────────────────────────────────────────────────
  {
    name: "terminal_configuration",
    label: "Configurations",
    group: "Terminal",
    levels: ["read", "write"],
    routes: crud("/v1/terminal/configurations", "lcrud"),
    source: `${SDK} Terminal/Configurations; ${APPS}`,
  },
  {
    name: "terminal_connection_token",
    label: "Connection Tokens",
    group: "Terminal",
    levels: ["write"],
    routes: [create("/v1/terminal/connection_tokens")],
    source: `${SDK} Terminal/ConnectionTokens; ${APPS}`,
  },
  {
    name: "terminal_location",
    label: "Locations",
    group: "Terminal",
    levels: ["read", "write"],
    routes: [...crud("/v1/terminal/locations", "lcrud"), create("/v1/terminal/onboarding_links")],
    source: `${SDK} Terminal/Locations, Terminal/OnboardingLinks; ${APPS}`,
    inferred: "onboarding links are placed under Locations",
  },
  {
    name: "terminal_reader",
    label: "Readers",
    group: "Terminal",
    levels: ["read", "write"],
    routes: [
      ...crud("/v1/terminal/readers", "lcrud"),
      ...actions(
        "/v1/terminal/readers",
        "cancel_action collect_inputs collect_payment_method confirm_payment_intent process_payment_intent process_setup_intent refund_payment set_reader_display",
      ),
      ...actions("/v1/test_helpers/terminal/readers", "present_payment_method succeed_input_collection timeout_input_collection"),
    ],
    source: `${SDK} Terminal/Readers, TestHelpers/Terminal/Readers; ${APPS}`,
  },
  // ── Reporting ───────────────────────────────────────────────────────────────────────────────
  {
    name: "adjustment",
    label: "Adjustments",
    group: "Reporting",
    levels: ["read"],
    routes: crud("/v2/money_management/adjustments", "lr"),
    source: `${SDK} V2/MoneyManagement/Adjustments`,
    inferred: "the only API named 'adjustments' is placed under this row",
  },
  {
    name: "report_runs_and_report_types",
    label: "Report Runs and Report Types",
    group: "Reporting",
    levels: ["read", "write"],
    routes: [
      ...crud("/v1/reporting/report_runs", "lr"),
      "POST /v1/reporting/report_runs level=read",
      ...crud("/v1/reporting/report_types", "lr"),
    ],
    source: `${SDK} Reporting/ReportRuns, Reporting/ReportTypes; ${APPS} ("report_runs_and_report_types_read Grants read access to Report Types and allows creation of Report Runs")`,
    noEndpoint: { write: "the read permission already allows creating report runs; no endpoint needs the write level" },
  },
  // ── Developers ──────────────────────────────────────────────────────────────────────────────
  {
    name: "api_key",
    label: "API Keys",
    group: "Developers",
    levels: ["write"],
    routes: [],
    source: "NAMES; the Managed API Keys API (POST /v2/iam/api_keys) is a private preview used with a platform key and Stripe-Context (research §2)",
    noEndpoint: { write: "no public endpoint (private preview)" },
  },
  {
    name: "provisioning_account_request",
    label: "Provisioning Account Requests",
    group: "Developers",
    levels: ["read", "write"],
    routes: [],
    source: "NAMES",
    noEndpoint: { read: "preview; endpoints unknown", write: "preview; endpoints unknown" },
  },
  {
    name: "provisioning_project",
    label: "Provisioning Projects",
    group: "Developers",
    levels: ["read", "write"],
    routes: [],
    source: "NAMES",
    noEndpoint: { read: "preview; endpoints unknown", write: "preview; endpoints unknown" },
  },
  {
    name: "provisioning_resource",
    label: "Provisioning Resources",
    group: "Developers",
    levels: ["read", "write"],
    routes: [],
    source: "NAMES",
    noEndpoint: { read: "preview; endpoints unknown", write: "preview; endpoints unknown" },
  },
  {
    name: "secret",
    label: "Secrets",
    group: "Developers",
    levels: ["read", "write"],
    routes: ["GET /v1/apps/secrets", "GET /v1/apps/secrets/find singleton", "POST /v1/apps/secrets", "POST /v1/apps/secrets/delete"],
    source: `${SDK} Apps/Secrets; ${APPS} ("Secret secret_write Grants access to Secrets")`,
  },
  {
    name: "user_email",
    label: "User Email",
    group: "Developers",
    levels: ["read"],
    routes: [],
    source: `${APPS} ("User Email user_email_read Grants access to user emails")`,
    noEndpoint: { read: "a Stripe Apps permission; no API endpoint" },
  },
  {
    name: "webhook",
    label: "Webhook Endpoints",
    group: "Developers",
    levels: ["read", "write"],
    routes: [
      ...crud("/v1/webhook_endpoints", "lcrud"),
      ...crud("/v2/core/event_destinations", "lcrud"),
      ...actions("/v2/core/event_destinations", "disable enable ping"),
    ],
    source: `${SDK} WebhookEndpoints, V2/Core/EventDestinations; ${APPS}`,
    inferred: "v2 event destinations are placed under Webhook Endpoints",
  },
];

/**
 * The 158 names, verbatim, from Infisical's constants (see NAMES above). Kept separately so a test
 * can prove the emulator knows every one of them.
 */
export const MANAGED_KEYS_API_NAMES: readonly string[] = `account_link_write adjustment_read api_key_write
apple_pay_domain_read apple_pay_domain_write application_fee_read application_fee_write balance_read
balance_transaction_source_read billing_analytics_meter_usage_read billing_clock_read billing_clock_write
billing_intent_read billing_meter_event_read billing_meter_event_write billing_meter_read billing_meter_write
billing_profile_read billing_profile_write billing_settings_read billing_settings_write
capital_for_platforms_financing_offer_read capital_for_platforms_financing_offer_write
capital_for_platforms_financing_summary_read capital_for_platforms_financing_transaction_read charge_read
charge_write checkout_session_read checkout_session_write confirmation_token_client_read
confirmation_token_client_write confirmation_token_read connected_account_read coupon_read coupon_write
credit_note_read credit_note_write customer_portal_read customer_portal_write customer_read
customer_session_read customer_session_write customer_write dispute_read dispute_write edit_link_write
entitlement_read event_read fee_domain_resources_read file_read file_write financial_account_read
inbound_transfer_read invoice_read invoice_write issuing_authorization_read issuing_authorization_write
issuing_card_read issuing_card_write issuing_cardholder_read issuing_cardholder_write
issuing_credit_ledger_read issuing_credit_ledger_write issuing_dispute_read issuing_dispute_write issuing_read
issuing_token_network_data_read issuing_token_read issuing_token_write issuing_transaction_read
issuing_transaction_write issuing_verification_write issuing_write mandate_read mandate_write order_read
order_write outbound_payment_read outbound_transfer_read payment_intent_read payment_intent_write
payment_links_read payment_links_write payment_method_configurations_read payment_method_configurations_write
payment_method_domain_read payment_method_domain_write payment_method_read payment_method_write
payment_records_read payment_records_write payout_intent_read payout_read payout_write plan_read plan_write
product_catalog_import_read product_catalog_import_write product_read product_write promotion_code_read
promotion_code_write provisioning_account_request_read provisioning_account_request_write
provisioning_project_read provisioning_project_write provisioning_resource_read provisioning_resource_write
quote_read quote_write rate_card_subscription_write rate_card_write received_credit_read received_debit_read
recipient_verification_read report_runs_and_report_types_read report_runs_and_report_types_write review_read
review_write secret_read secret_write setup_intent_read setup_intent_write shipping_rate_read
shipping_rate_write sku_read sku_write source_read source_write subscription_read subscription_write
tax_calculations_and_transactions_read tax_calculations_and_transactions_write tax_locations_read
tax_locations_write tax_rate_read tax_rate_write tax_settings_read tax_settings_write
terminal_configuration_read terminal_configuration_write terminal_connection_token_write
terminal_location_read terminal_location_write terminal_reader_read terminal_reader_write token_read
token_write top_up_read top_up_write transaction_read transfer_read transfer_write treasury_transaction_read
usage_record_read usage_record_write webhook_read webhook_write`
  .split(/\s+/)
  .filter(Boolean);

/**
 * "All Issuing" at the write level grants every Issuing row's write permission (see the `issuing`
 * row's `inferred`). Kept apart from `implies`, which the apps reference states per row.
 */
const IMPLIED_BY_WRITE: Readonly<Record<string, readonly string[]>> = {
  issuing_write: [
    "issuing_authorization_write",
    "issuing_card_write",
    "issuing_cardholder_write",
    "issuing_credit_ledger_write",
    "issuing_dispute_write",
    "issuing_token_write",
    "issuing_transaction_write",
    "issuing_verification_write",
  ],
};

// ── Derived indexes ───────────────────────────────────────────────────────────────────────────

export interface PermissionInfo {
  /** Full bare name, e.g. `customer_read`. */
  name: string;
  resource: ResourceSpec;
  level: Level;
  /** The Dashboard label the modern 403 quotes, e.g. `Customers Read`. */
  label: string;
}

export const PERMISSIONS: ReadonlyMap<string, PermissionInfo> = new Map(
  RESOURCES.flatMap((resource) =>
    resource.levels.map((level): [string, PermissionInfo] => {
      const name = `${resource.name}_${level}`;
      return [name, { name, resource, level, label: `${resource.label} ${level === "read" ? "Read" : "Write"}` }];
    }),
  ),
);

/** `rak_customer_read` → `customer_read`; the Dashboard link and the legacy 403 use the `rak_` form. */
export function toBareName(name: string): string {
  return name.startsWith("rak_") ? name.slice(4) : name;
}

export function isKnownPermission(name: string): boolean {
  return PERMISSIONS.has(toBareName(name));
}

/**
 * Everything a set of grants allows: the grants themselves, write implies read ("Write permissions
 * include Read permissions": docs.stripe.com/keys/restricted-api-keys), and the implied
 * permissions of the apps reference, to a fixed point.
 */
export function effectivePermissions(grants: Iterable<string>): Set<string> {
  const out = new Set<string>();
  const queue: string[] = [];
  for (const grant of grants) {
    const bare = toBareName(grant);
    invariant(PERMISSIONS.has(bare), `unknown permission: ${grant}`);
    queue.push(bare);
  }
  while (queue.length > 0) {
    const name = queue.pop() as string;
    if (out.has(name)) continue;
    out.add(name);
    const info = PERMISSIONS.get(name);
    if (!info) continue;
    if (info.level === "write") {
      // A write-only row (rate_card) has no `_read` name: its reads ask for the write itself.
      const read = `${info.resource.name}_read`;
      if (PERMISSIONS.has(read)) queue.push(read);
    }
    for (const implied of info.resource.implies ?? []) queue.push(implied);
    for (const implied of IMPLIED_BY_WRITE[name] ?? []) queue.push(implied);
  }
  return out;
}

export type RouteOp =
  | "list"
  | "search"
  | "retrieve"
  | "create"
  | "update"
  | "delete"
  | "action"
  | "nested-list"
  | "nested-create"
  | "singleton-read"
  | "singleton-write"
  | "noop";

export interface RouteDef {
  method: "GET" | "POST" | "DELETE";
  /** Template, e.g. `/v1/customers/{parent}/tax_ids/{id}`. */
  path: string;
  segments: readonly string[];
  /** Full permission names required, checked in order; the first missing one is named in the 403. */
  requires: readonly string[];
  resource: ResourceSpec;
  /** True when no restricted key may call it (Stripe's third 403 format). */
  rakUnavailable: boolean;
  op: RouteOp;
  /** Type key of the object the route works on (`customers`, `checkout/sessions`, `customers/tax_ids`). */
  typeKey: string;
  /** Type key of the parent object for nested routes and actions. */
  parentTypeKey?: string;
  /** Action name for `action` routes (`cancel`, `shipping/deliver`). */
  actionName?: string;
  /**
   * One entry per `{…}` segment: the type of the object that id must name. Looked up in order, so
   * `/v1/customers/{parent}/sources/{id}/verify` checks the customer, then the source.
   */
  chain: readonly string[];
}

function isParam(segment: string): boolean {
  return segment.startsWith("{") && segment.endsWith("}");
}

/** Static segments (without version and a leading `test_helpers`) joined by `/`. */
export function typeKeyOf(segments: readonly string[]): string {
  const statics = segments.slice(1).filter((s) => !isParam(s));
  if (statics[0] === "test_helpers") statics.shift();
  return statics.join("/");
}

function parseRoute(spec: string, resource: ResourceSpec, allPaths: ReadonlySet<string>): RouteDef {
  const [method, path, ...flags] = spec.split(/\s+/);
  invariant(method === "GET" || method === "POST" || method === "DELETE", `bad method in route "${spec}"`);
  invariant(path !== undefined && (path.startsWith("/v1/") || path.startsWith("/v2/")), `bad path in route "${spec}"`);
  const segments = path.slice(1).split("/");
  const flag = (name: string) => flags.find((f) => f === name || f.startsWith(`${name}=`));
  const value = (name: string) => flag(name)?.split("=")[1];

  const level: Level = (value("level") as Level | undefined) ?? (method === "GET" ? "read" : "write");
  const ownName = `${resource.name}_${level}`;
  // A write-only row's reads need its write permission (rate_card_write covers GET rate cards).
  const derived = PERMISSIONS.has(ownName) ? ownName : `${resource.name}_write`;
  const rakUnavailable = Boolean(flag("rak-unavailable"));
  // No permission grants a route restricted keys cannot call.
  const requires = rakUnavailable ? [] : (value("requires")?.split(",") ?? [derived]);
  for (const name of requires) invariant(PERMISSIONS.has(name), `route "${spec}" requires unknown permission ${name}`);

  const last = segments[segments.length - 1] as string;
  const paramIndexes = segments.flatMap((s, i) => (isParam(s) ? [i] : []));
  let op: RouteOp;
  let typeKey = typeKeyOf(segments);
  let parentTypeKey: string | undefined;
  let actionName: string | undefined;

  if (flag("singleton")) {
    op = method === "GET" ? "singleton-read" : "singleton-write";
  } else if (flag("noop")) {
    op = "noop";
  } else if (isParam(last)) {
    op = method === "GET" ? "retrieve" : method === "POST" ? "update" : "delete";
    const actionFlag = value("action");
    if (actionFlag) {
      op = "action";
      actionName = actionFlag;
      parentTypeKey = typeKey;
    } else if (paramIndexes.length > 1) {
      parentTypeKey = typeKeyOf(segments.slice(0, paramIndexes[0]));
    }
  } else if (paramIndexes.length === 0) {
    if (last === "search") {
      op = "search";
      typeKey = typeKeyOf(segments.slice(0, -1));
    } else {
      op = method === "GET" ? "list" : "create";
    }
  } else {
    // Something after the last id: /x/{id}/lines (GET), /x/{id}/cancel (POST), /x/{id}/discount (DELETE).
    const lastParam = paramIndexes[paramIndexes.length - 1] as number;
    const tail = segments.slice(lastParam + 1).join("/");
    parentTypeKey = typeKeyOf(segments.slice(0, lastParam));
    if (method === "GET") {
      // Lines, line items, reversals, persons…: children listed under their parent.
      op = "nested-list";
    } else if (method === "POST" && allPaths.has(`GET ${path}`)) {
      op = "nested-create";
    } else {
      op = "action";
      actionName = tail;
      typeKey = parentTypeKey;
    }
  }
  const chain = paramIndexes.map((index) => typeKeyOf(segments.slice(0, index)));
  return {
    method,
    path,
    segments,
    chain,
    requires,
    resource,
    rakUnavailable,
    op,
    typeKey,
    parentTypeKey,
    actionName,
  };
}

function buildRoutes(): RouteDef[] {
  const all = RESOURCES.flatMap((resource) => resource.routes.map((spec) => ({ spec, resource })));
  const keyOf = (spec: string) => spec.split(/\s+/).slice(0, 2).join(" ");
  const allPaths = new Set(all.map(({ spec }) => keyOf(spec)));
  const seen = new Set<string>();
  return all.map(({ spec, resource }) => {
    const key = keyOf(spec);
    invariant(!seen.has(key), `route listed twice: ${key}`);
    seen.add(key);
    return parseRoute(spec, resource, allPaths);
  });
}

export const ROUTES: readonly RouteDef[] = buildRoutes();
