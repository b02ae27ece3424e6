/**
 * Every permission Stripe offers a restricted key, in the Dashboard's category and row order.
 *
 * Sources (see /work/shared/research/stripe-rak.md §2):
 * - Names, levels, categories, row order: Infisical/infisical
 *   `backend/src/ee/services/secret-rotation-v2/stripe-api-key/stripe-api-key-rotation-constants.ts`
 *   (`STRIPE_API_KEY_PERMISSION_GROUPS`: "the permissions above as the Stripe dashboard presents
 *   them"; the 158 `<name>_<level>` strings the Managed API Keys API accepts, "verified by probing
 *   each one against a gated sandbox"). Row labels are that rendering in Title Case, as Stripe's own
 *   newer 403 message writes them ("Enabling \"Customers Read\" ('customer_read')", "\"Prices Read\"
 *   ('plan_read')", "Checkout Sessions Read"); `plan` is labelled "Prices" after that message.
 * - Two write grants only on docs.stripe.com/keys/permissions-reference: `connected_account_write`
 *   ("(POST) /v1/accounts/{account_id}/capabilities/{id} → connected_account_write (Direct)") and
 *   `account_session_write` ("(POST) /v1/account_sessions → account_session_write (Direct)").
 * - Implied grants: docs.stripe.com/stripe-apps/reference/permissions ("This permission also implies
 *   the following permissions: …").
 * - Probe paths and id prefixes: stripe-node 23.1.0 `esm/resources/*.js` (the SDK Keyport ships,
 *   generated from Stripe's OpenAPI spec v2596) and docs.stripe.com/api/<resource>. A path is
 *   named in a comment per group. Write probes follow Polar's and the Saleor fork's technique
 *   (stripe-rak.md §4): a write to an id that cannot exist, never a create.
 */
import {
  actionMissing,
  deleteMissing,
  grants,
  list,
  permission,
  retrieveMissing,
  singleton,
  unprobeable,
  updateMissing,
} from "./define";
import { PROBE_ID_PLACEHOLDER, type Permission } from "./types";

const createOnly = (path: string) =>
  unprobeable(
    `The only write endpoint is ${path}, which creates an object; Keyport never sends a create request, so it cannot check this grant without risking a change.`,
  );

const undocumented = (what: string) =>
  unprobeable(
    `Stripe does not document which API endpoint this permission covers (${what}); no request is known that proves this grant and nothing else.`,
  );

const preview = (api: string) =>
  unprobeable(
    `The endpoints this permission covers belong to ${api}, a preview API that needs a preview Stripe-Version and is not in the SDK's API version; Keyport does not probe preview APIs.`,
  );

const noSafeWrite = (detail: string) =>
  unprobeable(`No write endpoint addresses an object by id (${detail}), so there is no write that cannot change anything.`);

const retired = (what: string) =>
  unprobeable(`${what} has been retired by Stripe and has no endpoint in the SDK's API version, so no request can exercise this grant.`);

// ─── Core ────────────────────────────────────────────────────────────────────────────────────────
// Paths: stripe-node ApplePayDomains, Balance, BalanceTransactions, Charges, ConfirmationTokens,
// Customers, CustomerSessions, Disputes, Events, Files, FileLinks, Mandates, PaymentIntents,
// PaymentMethods, PaymentMethodConfigurations, PaymentMethodDomains, PaymentRecords, Payouts,
// Products, Reviews, SetupIntents, Sources, Tokens (esm/resources/*.js).
const core: Permission[] = [
  permission("core", {
    name: "apple_pay_domain",
    label: "Apple Pay Domains",
    description: "Web domains registered for Apple Pay.",
    read: { probe: list("/v1/apple_pay/domains") },
    // Apple Pay domains have no update endpoint; DELETE /v1/apple_pay/domains/{id}.
    write: { probe: deleteMissing("/v1/apple_pay/domains", "apwc") },
  }),
  permission("core", {
    name: "balance",
    label: "Balance",
    description: "The account's available and pending funds.",
    read: { probe: singleton("/v1/balance") },
    risk: "Shows how much money the account holds and when it becomes available: useful to anyone planning fraud.",
  }),
  permission("core", {
    name: "balance_transaction_source",
    label: "Balance Transaction Sources",
    description: "Expanding the source (charge, refund, transfer, fee …) of each balance transaction.",
    read: {
      implies: grants("application_fee_read", "balance_read", "transfer_read"),
      // Stripe Apps reference: "Grants access to expand the source attribute when retrieving Balance Transactions".
      probe: list("/v1/balance_transactions", { "expand[]": "data.source" }, {
        caveat:
          "The list itself is readable with Balance Read; only the expansion of `source` needs this grant. Whether Stripe checks the expansion when the list is empty is unverified.",
      }),
    },
    risk: "Reveals every money movement in the account with its charge, refund, transfer or fee behind it.",
    aliases: ["balance_transaction", "balance_transactions", "balance_history"],
  }),
  permission("core", {
    name: "charge",
    label: "Charges and Refunds",
    description: "Charges and the refunds issued against them.",
    read: { probe: list("/v1/charges") },
    write: { probe: updateMissing("/v1/charges", "ch") },
    risk: "Write lets a key capture payments and refund them, sending the account's money back out.",
    aliases: ["charges", "refund", "refunds"],
  }),
  permission("core", {
    name: "confirmation_token",
    label: "Confirmation Tokens",
    description: "Confirmation tokens created by Stripe.js while a customer pays.",
    // No list endpoint: GET /v1/confirmation_tokens/{id} only.
    read: { probe: retrieveMissing("/v1/confirmation_tokens", "ctoken") },
  }),
  permission("core", {
    name: "confirmation_token_client",
    label: "Confirmation Tokens (Client)",
    description: "Creating and reading confirmation tokens from the client side.",
    read: { probe: undocumented("client-side confirmation token calls") },
    write: { probe: undocumented("client-side confirmation token calls") },
  }),
  permission("core", {
    name: "customer",
    label: "Customers",
    description: "Customers: names, emails, addresses, tax ids and default payment settings.",
    read: { implies: grants("billing_clock_read"), probe: list("/v1/customers") },
    write: { implies: grants("billing_clock_read"), probe: updateMissing("/v1/customers", "cus") },
    risk: "Holds customers' personal data; write lets a key change their emails, addresses and default payment methods, or delete them.",
    aliases: ["customers"],
  }),
  permission("core", {
    name: "customer_session",
    label: "Customer Sessions",
    description: "Short-lived sessions that let Stripe.js components act for a customer.",
    read: { probe: undocumented("customer sessions have no retrieve or list endpoint") },
    write: { probe: createOnly("POST /v1/customer_sessions") },
  }),
  permission("core", {
    name: "dispute",
    label: "Disputes",
    description: "Disputes (chargebacks) and the evidence submitted for them.",
    read: { probe: list("/v1/disputes") },
    write: { probe: updateMissing("/v1/disputes", "dp") },
    risk: "Write lets a key submit or withdraw evidence and close disputes, which concedes them and loses the money.",
    aliases: ["disputes", "chargeback", "chargebacks"],
  }),
  permission("core", {
    name: "event",
    label: "Events",
    description: "The account's event log (what changed, when).",
    read: { probe: list("/v1/events") },
    aliases: ["events"],
  }),
  permission("core", {
    name: "file",
    label: "Files",
    description: "Uploaded files (dispute evidence, identity documents) and file links.",
    read: { probe: list("/v1/files") },
    // Files can only be created (POST /v1/files); file links are the one id-addressed write.
    write: {
      probe: updateMissing("/v1/file_links", "link", {
        caveat: "Assumes file links are governed by Files Write, which Stripe does not state explicitly.",
      }),
    },
    risk: "Files include identity documents and dispute evidence; read exposes them, write can publish them through file links.",
    aliases: ["files", "file_link", "file_links"],
  }),
  permission("core", {
    name: "mandate",
    label: "Mandates",
    description: "Mandates customers gave for debits from their bank accounts.",
    read: { probe: retrieveMissing("/v1/mandates", "mandate") },
    write: { probe: noSafeWrite("the API only retrieves mandates: GET /v1/mandates/{id}") },
  }),
  permission("core", {
    name: "payment_intent",
    label: "Payment Intents",
    description: "Payment intents: the payments the account collects.",
    read: { implies: grants("product_read", "sku_read"), probe: list("/v1/payment_intents") },
    write: { implies: grants("product_read", "sku_read"), probe: updateMissing("/v1/payment_intents", "pi") },
    risk: "Write lets a key create, confirm and capture payments, charging customers' saved cards.",
    aliases: ["payment_intents", "payments"],
  }),
  permission("core", {
    name: "payment_method",
    label: "Payment Methods",
    description: "Customers' saved cards, bank accounts and other payment methods.",
    read: { implies: grants("source_read"), probe: list("/v1/payment_methods") },
    write: { implies: grants("source_read"), probe: updateMissing("/v1/payment_methods", "pm") },
    risk: "Exposes customers' saved payment details; write lets a key attach, detach and change them.",
    aliases: ["payment_methods", "card", "cards"],
  }),
  permission("core", {
    name: "payment_method_configurations",
    label: "Payment Method Configurations",
    description: "Which payment methods checkout and Elements offer.",
    read: { probe: list("/v1/payment_method_configurations") },
    write: { probe: updateMissing("/v1/payment_method_configurations", "pmc") },
    aliases: ["payment_method_configuration"],
  }),
  permission("core", {
    name: "payment_method_domain",
    label: "Payment Method Domains",
    description: "Domains registered for wallets such as Apple Pay and Google Pay.",
    read: { probe: list("/v1/payment_method_domains") },
    write: { probe: updateMissing("/v1/payment_method_domains", "pmd") },
    aliases: ["payment_method_domains"],
  }),
  permission("core", {
    name: "payment_records",
    label: "Payment Records",
    description: "Records of payments made on or off Stripe.",
    read: { probe: list("/v1/payment_records") },
    write: {
      probe: noSafeWrite(
        "payment records are written only through report_* actions that require parameters, and whether Stripe validates those before looking the record up is unverified",
      ),
    },
    aliases: ["payment_record"],
  }),
  permission("core", {
    name: "payout",
    label: "Payouts",
    description: "Payouts from the Stripe balance to the account's bank accounts.",
    read: { probe: list("/v1/payouts") },
    write: { probe: updateMissing("/v1/payouts", "po") },
    risk: "Write lets a key create and cancel payouts, moving the balance out of Stripe.",
    aliases: ["payouts"],
  }),
  permission("core", {
    name: "payout_intent",
    label: "Payout Intents",
    description: "Payout intents of the v2 money management API.",
    read: { probe: preview("the v2 money management API (/v2/money_management/payout_intents)") },
  }),
  permission("core", {
    name: "product",
    label: "Products",
    description: "The product catalogue.",
    read: { probe: list("/v1/products") },
    write: { probe: updateMissing("/v1/products", "prod") },
    aliases: ["products"],
  }),
  permission("core", {
    name: "review",
    label: "Reviews",
    description: "Radar reviews of payments flagged for manual review.",
    read: { probe: list("/v1/reviews") },
    // Reviews have no update or delete; POST /v1/reviews/{id}/approve is the one write.
    write: { probe: actionMissing("/v1/reviews", "prv", "approve") },
    aliases: ["reviews", "radar_review"],
  }),
  permission("core", {
    name: "setup_intent",
    label: "Setup Intents",
    description: "Setup intents that save payment methods for later.",
    read: { implies: grants("mandate_read"), probe: list("/v1/setup_intents") },
    write: { implies: grants("mandate_read"), probe: updateMissing("/v1/setup_intents", "seti") },
    aliases: ["setup_intents"],
  }),
  permission("core", {
    name: "source",
    label: "Sources",
    description: "Legacy Sources payment objects.",
    // No top-level list: GET /v1/sources/{id}; POST /v1/sources/{id} updates.
    read: { probe: retrieveMissing("/v1/sources", "src") },
    write: { probe: updateMissing("/v1/sources", "src") },
    aliases: ["sources"],
  }),
  permission("core", {
    name: "token",
    label: "Tokens",
    description: "Tokens for cards, bank accounts and personal data.",
    read: { probe: retrieveMissing("/v1/tokens", "tok") },
    write: { probe: createOnly("POST /v1/tokens") },
    aliases: ["tokens"],
  }),
  permission("core", {
    name: "transaction",
    label: "Transactions",
    description: "Transactions (Stripe does not say which objects this row covers).",
    read: { probe: undocumented("the row is named only \"Transactions\"") },
  }),
];

// ─── Checkout ────────────────────────────────────────────────────────────────────────────────────
// Paths: stripe-node Checkout/Sessions, PaymentLinks, ShippingRates.
const checkout: Permission[] = [
  permission("checkout", {
    name: "checkout_session",
    label: "Checkout Sessions",
    description: "Checkout sessions and their line items.",
    read: {
      implies: grants("mandate_read", "payment_intent_read", "payment_links_read", "product_read", "setup_intent_read", "sku_read"),
      probe: list("/v1/checkout/sessions"),
    },
    write: {
      implies: grants("mandate_read", "payment_intent_read", "payment_links_read", "product_read", "setup_intent_read", "sku_read"),
      probe: updateMissing("/v1/checkout/sessions", "cs"),
    },
    aliases: ["checkout_sessions", "checkout", "session", "sessions"],
  }),
  permission("checkout", {
    name: "payment_links",
    label: "Payment Links",
    description: "Payment links and their line items.",
    read: { implies: grants("mandate_read", "product_read", "sku_read"), probe: list("/v1/payment_links") },
    write: { implies: grants("mandate_read", "product_read", "sku_read"), probe: updateMissing("/v1/payment_links", "plink") },
    aliases: ["payment_link"],
  }),
  permission("checkout", {
    name: "shipping_rate",
    label: "Shipping Rates",
    description: "Shipping rates offered at checkout.",
    read: { probe: list("/v1/shipping_rates") },
    write: { probe: updateMissing("/v1/shipping_rates", "shr") },
    aliases: ["shipping_rates"],
  }),
];

// ─── Billing ─────────────────────────────────────────────────────────────────────────────────────
// Paths: stripe-node Coupons, CreditNotes, BillingPortal/Configurations, Entitlements/Features,
// Invoices, Billing/Meters, Prices, PromotionCodes, Quotes, Subscriptions, TestHelpers/TestClocks.
const billing: Permission[] = [
  permission("billing", {
    name: "billing_profile",
    label: "Billing Profiles",
    description: "Billing profiles of the v2 billing API.",
    read: { probe: preview("the v2 billing API") },
    write: { probe: preview("the v2 billing API") },
  }),
  permission("billing", {
    name: "billing_settings",
    label: "Billing Settings",
    description: "Billing settings of the v2 billing API.",
    read: { probe: preview("the v2 billing API") },
    write: { probe: preview("the v2 billing API") },
  }),
  permission("billing", {
    name: "billing_intent",
    label: "Billing Intents",
    description: "Billing intents of the v2 billing API.",
    read: { probe: preview("the v2 billing API") },
  }),
  permission("billing", {
    name: "coupon",
    label: "Coupons",
    description: "Coupons (discount definitions).",
    read: { probe: list("/v1/coupons") },
    // Coupon ids are chosen by the merchant and carry no prefix.
    write: { probe: updateMissing("/v1/coupons", null) },
    aliases: ["coupons", "discount", "discounts"],
  }),
  permission("billing", {
    name: "credit_note",
    label: "Credit Notes",
    description: "Credit notes issued against invoices.",
    read: { implies: grants("invoice_read"), probe: list("/v1/credit_notes") },
    write: { implies: grants("invoice_read"), probe: updateMissing("/v1/credit_notes", "cn") },
    aliases: ["credit_notes"],
  }),
  permission("billing", {
    name: "customer_portal",
    label: "Customer Portal",
    description: "Customer portal configurations and sessions.",
    read: { probe: list("/v1/billing_portal/configurations") },
    write: { probe: updateMissing("/v1/billing_portal/configurations", "bpc") },
    aliases: ["billing_portal", "portal"],
  }),
  permission("billing", {
    name: "entitlement",
    label: "Entitlements",
    description: "Entitlement features and customers' active entitlements.",
    read: {
      probe: list("/v1/entitlements/features", {}, {
        caveat: "Assumes the features list is governed by Entitlements Read; Stripe's reference groups features under Entitlements.",
      }),
    },
    aliases: ["entitlements", "feature", "features"],
  }),
  permission("billing", {
    name: "invoice",
    label: "Invoices",
    description: "Invoices and invoice items.",
    read: { implies: grants("credit_note_read"), probe: list("/v1/invoices") },
    write: { implies: grants("credit_note_read"), probe: updateMissing("/v1/invoices", "in") },
    aliases: ["invoices", "invoice_item", "invoice_items"],
  }),
  permission("billing", {
    name: "billing_meter",
    label: "Meters",
    description: "Usage meters for usage-based billing.",
    read: { probe: list("/v1/billing/meters") },
    write: { probe: updateMissing("/v1/billing/meters", "mtr") },
    aliases: ["meter", "meters", "billing_meters"],
  }),
  permission("billing", {
    name: "billing_meter_event",
    label: "Meter Events",
    description: "Usage events reported to meters.",
    read: { probe: undocumented("meter events have no retrieve or list endpoint of their own") },
    write: { probe: createOnly("POST /v1/billing/meter_events") },
    aliases: ["meter_event", "meter_events"],
  }),
  permission("billing", {
    name: "billing_analytics_meter_usage",
    label: "Meter Usage Analytics",
    description: "Analytics over meter usage.",
    read: { probe: preview("the billing analytics API") },
    aliases: ["meter_usage"],
  }),
  permission("billing", {
    name: "plan",
    label: "Prices",
    description: "Prices and (legacy) plans.",
    // Stripe Apps reference: plan_* "Grants access to Plans and Prices"; the 403 message calls the row "Prices".
    read: { probe: list("/v1/prices") },
    write: { probe: updateMissing("/v1/prices", "price") },
    aliases: ["plans", "price", "prices", "plans_and_prices"],
  }),
  permission("billing", {
    name: "product_catalog_import",
    label: "Product Catalog Imports",
    description: "Bulk imports into the product catalogue.",
    read: { probe: preview("the v2 commerce API (/v2/commerce/product_catalog/imports)") },
    write: { probe: preview("the v2 commerce API (/v2/commerce/product_catalog/imports)") },
  }),
  permission("billing", {
    name: "promotion_code",
    label: "Promotion Codes",
    description: "Customer-facing promotion codes for coupons.",
    read: { probe: list("/v1/promotion_codes") },
    write: { probe: updateMissing("/v1/promotion_codes", "promo") },
    aliases: ["promotion_codes", "promo_code", "promo_codes"],
  }),
  permission("billing", {
    name: "quote",
    label: "Quotes",
    description: "Quotes sent to customers.",
    read: { implies: grants("sku_read", "product_read"), probe: list("/v1/quotes") },
    write: { implies: grants("sku_read", "product_read"), probe: updateMissing("/v1/quotes", "qt") },
    aliases: ["quotes"],
  }),
  permission("billing", {
    name: "rate_card",
    label: "Rate Cards",
    description: "Rate cards of the v2 billing API.",
    write: { probe: preview("the v2 billing API") },
  }),
  permission("billing", {
    name: "rate_card_subscription",
    label: "Rate Card Subscriptions",
    description: "Rate card subscriptions of the v2 billing API.",
    write: { probe: preview("the v2 billing API") },
  }),
  permission("billing", {
    name: "subscription",
    label: "Subscriptions",
    description: "Subscriptions, subscription items and schedules.",
    read: { probe: list("/v1/subscriptions") },
    write: { probe: updateMissing("/v1/subscriptions", "sub") },
    aliases: ["subscriptions", "subscription_item", "subscription_items", "subscription_schedule"],
  }),
  permission("billing", {
    name: "billing_clock",
    label: "Test Clocks",
    description: "Test clocks for simulating time in test mode.",
    // Test clocks live under /v1/test_helpers and exist only in test mode.
    read: { probe: list("/v1/test_helpers/test_clocks", {}, { testModeOnly: true }) },
    write: { probe: deleteMissing("/v1/test_helpers/test_clocks", "clock", { testModeOnly: true }) },
    aliases: ["test_clock", "test_clocks"],
  }),
  permission("billing", {
    name: "usage_record",
    label: "Usage Records",
    description: "Legacy usage records on metered subscription items.",
    read: { probe: retired("The usage records API (removed in API version 2025-03-31.basil)") },
    write: { probe: retired("The usage records API (removed in API version 2025-03-31.basil)") },
    aliases: ["usage_records"],
  }),
];

// ─── Tax ─────────────────────────────────────────────────────────────────────────────────────────
// Paths: stripe-node Tax/Calculations, Tax/Locations (list requires type=performance), TaxRates, Tax/Settings.
const tax: Permission[] = [
  permission("tax", {
    name: "tax_calculations_and_transactions",
    label: "Tax Calculations and Transactions",
    description: "Stripe Tax calculations and tax transactions.",
    read: { probe: retrieveMissing("/v1/tax/calculations", "taxcalc") },
    write: { probe: createOnly("POST /v1/tax/calculations (and /v1/tax/transactions/create_*)") },
    aliases: ["tax_calculation", "tax_calculations", "tax_transaction", "tax_transactions"],
  }),
  permission("tax", {
    name: "tax_locations",
    label: "Tax Locations",
    description: "Performance locations for Stripe Tax.",
    read: {
      probe: list("/v1/tax/locations", { type: "performance" }, {
        caveat: "Tax locations are a newer API; the list needs type=performance.",
      }),
    },
    write: { probe: createOnly("POST /v1/tax/locations") },
    aliases: ["tax_location"],
  }),
  permission("tax", {
    name: "tax_rate",
    label: "Tax Rates",
    description: "Tax rates applied to invoices and subscriptions.",
    read: { probe: list("/v1/tax_rates") },
    write: { probe: updateMissing("/v1/tax_rates", "txr") },
    aliases: ["tax_rates"],
  }),
  permission("tax", {
    name: "tax_settings",
    label: "Tax Settings",
    description: "The account's Stripe Tax settings.",
    read: { probe: singleton("/v1/tax/settings") },
    write: { probe: noSafeWrite("POST /v1/tax/settings updates the account's one real settings object") },
    aliases: ["tax_setting"],
  }),
];

// ─── Connect ─────────────────────────────────────────────────────────────────────────────────────
// Paths: stripe-node AccountLinks, AccountSessions, Accounts, ApplicationFees, FeeRefunds, Topups, Transfers.
const connect: Permission[] = [
  permission("connect", {
    name: "account_link",
    label: "Account Links",
    description: "Onboarding links for connected accounts.",
    write: { probe: createOnly("POST /v1/account_links") },
    risk: "Creates onboarding links that let whoever holds them enter and change a connected account's details.",
    aliases: ["account_links"],
  }),
  permission("connect", {
    name: "account_session",
    label: "Account Sessions",
    description: "Sessions for embedded Connect components.",
    write: { probe: createOnly("POST /v1/account_sessions") },
    risk: "Creates sessions that give embedded components access to a connected account's payments and payouts.",
    aliases: ["account_sessions"],
    provenance: "permissions-reference",
  }),
  permission("connect", {
    name: "application_fee",
    label: "Application Fees",
    description: "Fees the platform collected on connected accounts' payments.",
    read: { probe: list("/v1/application_fees") },
    // No update of a fee itself; POST /v1/application_fees/{fee}/refunds/{id} updates a fee refund.
    write: {
      probe: {
        kind: "request",
        method: "POST",
        path: `/v1/application_fees/fee_${PROBE_ID_PLACEHOLDER}/refunds/fr_${PROBE_ID_PLACEHOLDER}`,
        expect: "resource_missing",
        idPrefix: "fr",
      },
    },
    risk: "Write lets a key refund application fees, giving the platform's revenue back.",
    aliases: ["application_fees", "fee", "fees"],
  }),
  permission("connect", {
    name: "connected_account",
    label: "Connected Accounts",
    description: "The platform's connected accounts.",
    // permissions-reference: "(GET) /v1/accounts → connected_account_read (Direct)".
    read: { probe: list("/v1/accounts") },
    write: {
      probe: unprobeable(
        "A write names a connected account, and for an account id that does not exist Stripe may answer with an access error (403) that looks exactly like a missing permission; no write is known whose answer tells the two apart.",
      ),
    },
    risk: "Write lets a key change connected accounts' details, capabilities and bank accounts, redirecting their payouts.",
    aliases: ["account", "accounts", "connected_accounts"],
    levelProvenance: { write: "permissions-reference" },
  }),
  permission("connect", {
    name: "edit_link",
    label: "Edit Links",
    description: "Login links into connected accounts' Express Dashboards.",
    write: { probe: createOnly("POST /v1/accounts/{account}/login_links") },
    risk: "Creates login links that sign whoever holds them into a connected account's Express Dashboard.",
    aliases: ["login_link", "login_links", "edit_links"],
  }),
  permission("connect", {
    name: "fee_domain_resources",
    label: "Fee Domain Resources",
    description: "Stripe's fee breakdowns for the account.",
    read: { probe: undocumented("no public endpoint is named after fee domain resources") },
  }),
  permission("connect", {
    name: "top_up",
    label: "Top-ups",
    description: "Top-ups that add funds to the Stripe balance from a bank account.",
    read: { probe: list("/v1/topups") },
    write: { probe: updateMissing("/v1/topups", "tu") },
    risk: "Write lets a key pull money from the account's bank account into the Stripe balance.",
    aliases: ["top_ups", "topup", "topups"],
  }),
  permission("connect", {
    name: "transfer",
    label: "Transfers",
    description: "Transfers of funds to connected accounts, and their reversals.",
    read: { implies: grants("payout_read"), probe: list("/v1/transfers") },
    write: { implies: grants("payout_read"), probe: updateMissing("/v1/transfers", "tr") },
    risk: "Write lets a key send the balance to connected accounts, or reverse transfers already made.",
    aliases: ["transfers", "balance_transfer", "balance_transfers"],
  }),
];

// ─── Capital ─────────────────────────────────────────────────────────────────────────────────────
const capitalPreview = preview("Capital for platforms (/v1/capital/*)");
const capital: Permission[] = [
  permission("capital", {
    name: "capital_for_platforms_financing_offer",
    label: "Financing Offers",
    description: "Capital financing offers to connected accounts.",
    read: { probe: capitalPreview },
    write: { probe: capitalPreview },
  }),
  permission("capital", {
    name: "capital_for_platforms_financing_summary",
    label: "Financing Summary",
    description: "Summaries of connected accounts' Capital financing.",
    read: { probe: capitalPreview },
  }),
  permission("capital", {
    name: "capital_for_platforms_financing_transaction",
    label: "Financing Transactions",
    description: "Transactions of connected accounts' Capital financing.",
    read: { probe: capitalPreview },
  }),
];

// ─── Orders ──────────────────────────────────────────────────────────────────────────────────────
const orders: Permission[] = [
  permission("orders", {
    name: "order",
    label: "Orders",
    description: "Legacy orders.",
    read: { probe: retired("The Orders API") },
    write: { probe: retired("The Orders API") },
    aliases: ["orders", "order_item", "order_items"],
  }),
  permission("orders", {
    name: "sku",
    label: "SKUs",
    description: "Legacy SKUs.",
    read: { probe: retired("The SKUs API") },
    write: { probe: retired("The SKUs API") },
    aliases: ["skus"],
  }),
];

// ─── Issuing ─────────────────────────────────────────────────────────────────────────────────────
// Paths: stripe-node Issuing/Authorizations, Cards, Cardholders, Disputes, Tokens (list requires card), Transactions.
const umbrella = unprobeable(
  "\"All Issuing Resources\" is an umbrella toggle: every endpoint it covers is also covered by one of the Issuing rows below, so no request tells the umbrella apart from its parts. Keyport checks the individual rows instead.",
);
const issuingParts = [
  "issuing_authorization",
  "issuing_card",
  "issuing_cardholder",
  "issuing_credit_ledger",
  "issuing_dispute",
  "issuing_token",
  "issuing_transaction",
] as const;
const issuing: Permission[] = [
  permission("issuing", {
    name: "issuing",
    label: "All Issuing Resources",
    description: "Every Issuing resource at once.",
    // Inferred from the row label, not from a Stripe statement: the umbrella covers each Issuing row.
    read: { implies: grants(...issuingParts.map((name) => `${name}_read`), "issuing_token_network_data_read"), probe: umbrella },
    write: { implies: grants(...issuingParts.map((name) => `${name}_write`), "issuing_verification_write"), probe: umbrella },
    risk: "Write covers every Issuing action: creating and activating cards, and approving their authorizations, spends the account's money.",
    aliases: ["all_issuing"],
  }),
  permission("issuing", {
    name: "issuing_authorization",
    label: "Authorizations",
    description: "Authorizations of Issuing card purchases.",
    read: { probe: list("/v1/issuing/authorizations") },
    write: { probe: updateMissing("/v1/issuing/authorizations", "iauth") },
    risk: "Write lets a key approve or decline purchases made with the account's Issuing cards.",
    aliases: ["issuing_authorizations"],
  }),
  permission("issuing", {
    name: "issuing_card",
    label: "Cards",
    description: "Issuing cards.",
    read: { probe: list("/v1/issuing/cards") },
    write: { probe: updateMissing("/v1/issuing/cards", "ic") },
    risk: "Write lets a key create and activate cards that spend the account's money.",
    aliases: ["issuing_cards"],
  }),
  permission("issuing", {
    name: "issuing_cardholder",
    label: "Cardholders",
    description: "People and companies that hold Issuing cards.",
    read: { probe: list("/v1/issuing/cardholders") },
    write: { probe: updateMissing("/v1/issuing/cardholders", "ich") },
    risk: "Holds cardholders' personal data; write lets a key change who may use the account's cards.",
    aliases: ["issuing_cardholders"],
  }),
  permission("issuing", {
    name: "issuing_credit_ledger",
    label: "Credit Ledger",
    description: "The Issuing credit ledger.",
    read: { probe: undocumented("no public endpoint is named after the credit ledger") },
    write: { probe: undocumented("no public endpoint is named after the credit ledger") },
  }),
  permission("issuing", {
    name: "issuing_dispute",
    label: "Disputes",
    description: "Disputes the account raised on Issuing transactions.",
    read: { probe: list("/v1/issuing/disputes") },
    write: { probe: updateMissing("/v1/issuing/disputes", "idp") },
    aliases: ["issuing_disputes"],
  }),
  permission("issuing", {
    name: "issuing_token",
    label: "Tokens",
    description: "Network tokens of Issuing cards (for wallets such as Apple Pay).",
    // The list needs a card id; retrieve an id that cannot exist instead.
    read: { probe: retrieveMissing("/v1/issuing/tokens", "intok") },
    write: { probe: updateMissing("/v1/issuing/tokens", "intok") },
    aliases: ["issuing_tokens"],
  }),
  permission("issuing", {
    name: "issuing_token_network_data",
    label: "Token Network Data",
    description: "Network data of Issuing tokens.",
    read: { probe: undocumented("token network data is a field of Issuing tokens, not an endpoint") },
  }),
  permission("issuing", {
    name: "issuing_transaction",
    label: "Transactions",
    description: "Transactions on Issuing cards.",
    read: { probe: list("/v1/issuing/transactions") },
    write: { probe: updateMissing("/v1/issuing/transactions", "ipi") },
    aliases: ["issuing_transactions"],
  }),
  permission("issuing", {
    name: "issuing_verification",
    label: "Verifications",
    description: "Verifications for Issuing card details.",
    write: { probe: undocumented("no public endpoint is named after Issuing verifications") },
  }),
];

// ─── Treasury ────────────────────────────────────────────────────────────────────────────────────
// Paths: stripe-node Treasury/*. Every list except financial accounts needs a financial_account id,
// so those reads retrieve an id that cannot exist.
const treasury: Permission[] = [
  permission("treasury", {
    name: "financial_account",
    label: "Financial Accounts",
    description: "Treasury financial accounts.",
    read: { probe: list("/v1/treasury/financial_accounts") },
    risk: "Shows Treasury account balances and the bank details money can be sent to.",
    aliases: ["financial_accounts"],
  }),
  permission("treasury", {
    name: "inbound_transfer",
    label: "Inbound Transfers",
    description: "Treasury inbound transfers.",
    read: { probe: retrieveMissing("/v1/treasury/inbound_transfers", "ibt") },
    aliases: ["inbound_transfers"],
  }),
  permission("treasury", {
    name: "outbound_payment",
    label: "Outbound Payments",
    description: "Treasury outbound payments.",
    read: { probe: retrieveMissing("/v1/treasury/outbound_payments", "obp") },
    aliases: ["outbound_payments"],
  }),
  permission("treasury", {
    name: "outbound_transfer",
    label: "Outbound Transfers",
    description: "Treasury outbound transfers.",
    read: { probe: retrieveMissing("/v1/treasury/outbound_transfers", "obt") },
    aliases: ["outbound_transfers"],
  }),
  permission("treasury", {
    name: "received_credit",
    label: "Received Credits",
    description: "Treasury received credits.",
    read: { probe: retrieveMissing("/v1/treasury/received_credits", "rc") },
    aliases: ["received_credits"],
  }),
  permission("treasury", {
    name: "received_debit",
    label: "Received Debits",
    description: "Treasury received debits.",
    read: { probe: retrieveMissing("/v1/treasury/received_debits", "rd") },
    aliases: ["received_debits"],
  }),
  permission("treasury", {
    name: "recipient_verification",
    label: "Recipient Verifications",
    description: "Recipient verifications of the v2 money management API.",
    read: { probe: preview("the v2 money management API (/v2/money_management/recipient_verifications)") },
  }),
  permission("treasury", {
    name: "treasury_transaction",
    label: "Transactions",
    description: "Treasury transactions.",
    read: { probe: retrieveMissing("/v1/treasury/transactions", "trxn") },
    aliases: ["treasury_transactions"],
  }),
];

// ─── Terminal ────────────────────────────────────────────────────────────────────────────────────
// Paths: stripe-node Terminal/Configurations, ConnectionTokens, Locations, Readers.
const terminal: Permission[] = [
  permission("terminal", {
    name: "terminal_configuration",
    label: "Configurations",
    description: "Terminal reader configurations.",
    read: { probe: list("/v1/terminal/configurations") },
    write: { probe: updateMissing("/v1/terminal/configurations", "tmc") },
    aliases: ["terminal_configurations"],
  }),
  permission("terminal", {
    name: "terminal_connection_token",
    label: "Connection Tokens",
    description: "Tokens that connect Terminal SDKs to Stripe.",
    write: { probe: createOnly("POST /v1/terminal/connection_tokens") },
    aliases: ["terminal_connection_tokens"],
  }),
  permission("terminal", {
    name: "terminal_location",
    label: "Locations",
    description: "Terminal locations.",
    read: { probe: list("/v1/terminal/locations") },
    write: { probe: updateMissing("/v1/terminal/locations", "tml") },
    aliases: ["terminal_locations"],
  }),
  permission("terminal", {
    name: "terminal_reader",
    label: "Readers",
    description: "Terminal card readers and their actions.",
    read: { probe: list("/v1/terminal/readers") },
    write: { probe: updateMissing("/v1/terminal/readers", "tmr") },
    aliases: ["terminal_readers"],
  }),
];

// ─── Reporting ───────────────────────────────────────────────────────────────────────────────────
// Paths: stripe-node Reporting/ReportRuns (the report types list takes no `limit`).
const reporting: Permission[] = [
  permission("reporting", {
    name: "adjustment",
    label: "Adjustments",
    description: "Balance adjustments.",
    read: { probe: undocumented("no public v1 endpoint is named after adjustments") },
    aliases: ["adjustments"],
  }),
  permission("reporting", {
    name: "report_runs_and_report_types",
    label: "Report Runs and Report Types",
    description: "Financial reports: report types and the runs that produce them.",
    read: { probe: list("/v1/reporting/report_runs") },
    write: { probe: createOnly("POST /v1/reporting/report_runs") },
    aliases: ["report_run", "report_runs", "report_type", "report_types", "reports", "reporting"],
  }),
];

// ─── Developers ──────────────────────────────────────────────────────────────────────────────────
// Paths: stripe-node Apps/Secrets (list requires scope[type]), WebhookEndpoints.
const developers: Permission[] = [
  permission("developers", {
    name: "api_key",
    label: "API Keys",
    description: "The account's API keys.",
    write: { probe: undocumented("API key management is not a public v1 endpoint") },
    risk: "Write lets a key create or roll API keys, including ones with more access than itself.",
    aliases: ["api_keys", "keys"],
  }),
  permission("developers", {
    name: "provisioning_account_request",
    label: "Provisioning Account Requests",
    description: "Stripe provisioning account requests.",
    read: { probe: undocumented("no public endpoint is named after provisioning") },
    write: { probe: undocumented("no public endpoint is named after provisioning") },
  }),
  permission("developers", {
    name: "provisioning_project",
    label: "Provisioning Projects",
    description: "Stripe provisioning projects.",
    read: { probe: undocumented("no public endpoint is named after provisioning") },
    write: { probe: undocumented("no public endpoint is named after provisioning") },
  }),
  permission("developers", {
    name: "provisioning_resource",
    label: "Provisioning Resources",
    description: "Stripe provisioning resources.",
    read: { probe: undocumented("no public endpoint is named after provisioning") },
    write: { probe: undocumented("no public endpoint is named after provisioning") },
  }),
  permission("developers", {
    name: "secret",
    label: "Secrets",
    description: "Secrets stored by Stripe Apps.",
    read: { probe: list("/v1/apps/secrets", { "scope[type]": "account" }) },
    write: {
      probe: noSafeWrite("secrets are set (created or overwritten) and deleted by name through POST /v1/apps/secrets and /v1/apps/secrets/delete"),
    },
    risk: "Holds credentials Stripe Apps stored; write lets a key replace them.",
    aliases: ["secrets", "app_secret", "app_secrets"],
  }),
  permission("developers", {
    name: "webhook",
    label: "Webhook Endpoints",
    description: "Webhook endpoints that receive the account's events.",
    read: { probe: list("/v1/webhook_endpoints") },
    write: { probe: updateMissing("/v1/webhook_endpoints", "we") },
    risk: "Write lets a key add an endpoint that receives every event of the account (customers, payments) or silence the vendor's own.",
    aliases: ["webhooks", "webhook_endpoint", "webhook_endpoints", "event_destination", "event_destinations"],
  }),
];

export const PERMISSION_DATA: readonly Permission[] = [
  ...core,
  ...checkout,
  ...billing,
  ...tax,
  ...connect,
  ...capital,
  ...orders,
  ...issuing,
  ...treasury,
  ...terminal,
  ...reporting,
  ...developers,
];
