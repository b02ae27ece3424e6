/**
 * The emulator's objects: per account, per mode, the customers, charges, prices… that lists return
 * and that retrieves, updates, deletes and actions work on. Seeded lazily per account from a
 * deterministic generator so the same account sees the same ids after a restart.
 */
import { ROUTES } from "./catalogue";

export type Mode = "test" | "live";
export type StripeObject = Record<string, unknown>;

export interface StoredObject {
  id: string;
  typeKey: string;
  mode: Mode;
  parentId: string | undefined;
  data: StripeObject;
}

export interface TypeInfo {
  key: string;
  /** Stripe's `object` value, also the name in "No such customer: 'cus_…'". */
  object: string;
  prefix: string;
  /** Checkout session ids carry the mode: `cs_test_…` / `cs_live_…`. */
  modeInId: boolean;
}

/** Object names and id prefixes as Stripe's API reference shows them in examples. */
const KNOWN_TYPES: Readonly<Record<string, readonly [object: string, prefix: string]>> = {
  customers: ["customer", "cus"],
  charges: ["charge", "ch"],
  refunds: ["refund", "re"],
  payment_intents: ["payment_intent", "pi"],
  setup_intents: ["setup_intent", "seti"],
  setup_attempts: ["setup_attempt", "setatt"],
  payment_methods: ["payment_method", "pm"],
  "customers/payment_methods": ["payment_method", "pm"],
  subscriptions: ["subscription", "sub"],
  subscription_items: ["subscription_item", "si"],
  subscription_schedules: ["subscription_schedule", "sub_sched"],
  invoices: ["invoice", "in"],
  invoiceitems: ["invoiceitem", "ii"],
  "invoices/lines": ["line_item", "il"],
  invoice_payments: ["invoice_payment", "inpay"],
  prices: ["price", "price"],
  plans: ["plan", "plan"],
  products: ["product", "prod"],
  coupons: ["coupon", "co"],
  promotion_codes: ["promotion_code", "promo"],
  quotes: ["quote", "qt"],
  credit_notes: ["credit_note", "cn"],
  disputes: ["dispute", "dp"],
  payouts: ["payout", "po"],
  transfers: ["transfer", "tr"],
  "transfers/reversals": ["transfer_reversal", "trr"],
  topups: ["topup", "tu"],
  application_fees: ["application_fee", "fee"],
  "application_fees/refunds": ["fee_refund", "fr"],
  balance_transactions: ["balance_transaction", "txn"],
  "customers/balance_transactions": ["customer_balance_transaction", "cbtxn"],
  "customers/cash_balance_transactions": ["customer_cash_balance_transaction", "ccsbtxn"],
  "customers/sources": ["card", "card"],
  "customers/tax_ids": ["tax_id", "txi"],
  tax_ids: ["tax_id", "txi"],
  events: ["event", "evt"],
  files: ["file", "file"],
  file_links: ["file_link", "link"],
  mandates: ["mandate", "mandate"],
  sources: ["source", "src"],
  tokens: ["token", "tok"],
  "checkout/sessions": ["checkout.session", "cs"],
  payment_links: ["payment_link", "plink"],
  shipping_rates: ["shipping_rate", "shr"],
  tax_rates: ["tax_rate", "txr"],
  webhook_endpoints: ["webhook_endpoint", "we"],
  reviews: ["review", "prv"],
  accounts: ["account", "acct"],
  "accounts/persons": ["person", "person"],
  "accounts/external_accounts": ["bank_account", "ba"],
  test_clocks: ["test_helpers.test_clock", "clock"],
  "billing/meters": ["billing.meter", "mtr"],
  "billing_portal/configurations": ["billing_portal.configuration", "bpc"],
  "billing_portal/sessions": ["billing_portal.session", "bps"],
  "terminal/readers": ["terminal.reader", "tmr"],
  "terminal/locations": ["terminal.location", "tml"],
  "terminal/configurations": ["terminal.configuration", "tmc"],
  "issuing/cards": ["issuing.card", "ic"],
  "issuing/cardholders": ["issuing.cardholder", "ich"],
  "issuing/authorizations": ["issuing.authorization", "iauth"],
  "issuing/transactions": ["issuing.transaction", "ipi"],
  "issuing/disputes": ["issuing.dispute", "idp"],
  "issuing/tokens": ["issuing.token", "intok"],
  "reporting/report_runs": ["reporting.report_run", "frr"],
  "treasury/financial_accounts": ["treasury.financial_account", "fa"],
  payment_method_configurations: ["payment_method_configuration", "pmc"],
  payment_method_domains: ["payment_method_domain", "pmd"],
  "apple_pay/domains": ["apple_pay_domain", "apwc"],
  confirmation_tokens: ["confirmation_token", "ctoken"],
  ephemeral_keys: ["ephemeral_key", "ephkey"],
};

function singular(word: string): string {
  if (/(sses|xes|ches|shes)$/.test(word)) return word.slice(0, -2);
  if (word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (word.endsWith("s") && !word.endsWith("ss")) return word.slice(0, -1);
  return word;
}

const typeCache = new Map<string, TypeInfo>();

export function typeInfo(key: string): TypeInfo {
  const cached = typeCache.get(key);
  if (cached) return cached;
  const known = KNOWN_TYPES[key];
  let info: TypeInfo;
  if (known) {
    info = { key, object: known[0], prefix: known[1], modeInId: key === "checkout/sessions" };
  } else {
    // "issuing/personalization_designs" → "issuing.personalization_design", prefix "pd".
    const parts = key.split("/");
    const object = [...parts.slice(0, -1), singular(parts[parts.length - 1] as string)].join(".");
    const last = singular(parts[parts.length - 1] as string);
    const initials = last
      .split("_")
      .map((w) => w[0])
      .join("");
    info = { key, object, prefix: initials.length >= 2 ? initials : last.slice(0, 3), modeInId: false };
  }
  typeCache.set(key, info);
  return info;
}

/** Type keys with a top-level list route: what an account is seeded with. */
export const LISTABLE_TYPES: readonly string[] = [...new Set(ROUTES.filter((r) => r.op === "list").map((r) => r.typeKey))].sort();

const ALPHANUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A small deterministic generator (mulberry32) for seed ids. */
function seededRandom(seedText: string): () => number {
  let seed = 2166136261;
  for (let i = 0; i < seedText.length; i++) seed = Math.imul(seed ^ seedText.charCodeAt(i), 16777619);
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomAlphanumeric(length: number, random: () => number = Math.random): string {
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHANUM[Math.floor(random() * ALPHANUM.length)];
  return out;
}

function newId(type: TypeInfo, mode: Mode, random: () => number): string {
  return `${type.prefix}_${type.modeInId ? `${mode}_` : ""}${randomAlphanumeric(24, random)}`;
}

/** A few realistic fields for the types probes and demos look at; the rest carry the basics. */
function sampleFields(typeKey: string, index: number, related: (key: string) => string | undefined): Record<string, unknown> {
  const n = index + 1;
  switch (typeKey) {
    case "customers":
      return { email: `customer${n}@example.com`, name: `Customer ${n}`, balance: 0, currency: "usd", delinquent: false };
    case "charges":
      return { amount: 1000 * n, currency: "usd", paid: true, status: "succeeded", captured: true, refunded: false };
    case "payment_intents":
      return { amount: 1000 * n, currency: "usd", status: "succeeded" };
    case "products":
      return { name: `Product ${n}`, active: true };
    case "prices":
      return { active: true, currency: "usd", unit_amount: 500 * n, product: related("products") ?? null, type: "recurring" };
    case "plans":
      return { active: true, amount: 500 * n, currency: "usd", interval: "month", product: related("products") ?? null };
    case "subscriptions":
      return { status: "active", customer: related("customers") ?? null, currency: "usd" };
    case "invoices":
      return { status: "paid", amount_due: 500 * n, amount_paid: 500 * n, currency: "usd", customer: related("customers") ?? null };
    case "balance_transactions":
      return { amount: 1000 * n, fee: 59 * n, net: 941 * n, currency: "usd", type: "charge", status: "available" };
    case "events":
      return { type: "customer.created", api_version: "2026-10-28.endive", data: { object: { id: related("customers") ?? null } } };
    case "payouts":
      return { amount: 5000 * n, currency: "usd", status: "paid" };
    case "refunds":
      return { amount: 100 * n, currency: "usd", status: "succeeded", charge: related("charges") ?? null };
    case "disputes":
      return { amount: 1000 * n, currency: "usd", status: "needs_response", charge: related("charges") ?? null };
    case "coupons":
      return { percent_off: 10 * n, duration: "once", valid: true };
    case "webhook_endpoints":
      return { url: `https://example.com/webhooks/${n}`, status: "enabled", enabled_events: ["*"] };
    default:
      return {};
  }
}

export interface AccountObjects {
  account: string;
  byId: Map<string, StoredObject>;
  /** Newest first, per `${typeKey}|${mode}|${parentId}`. */
  lists: Map<string, StoredObject[]>;
  singletons: Map<string, StripeObject>;
}

export interface ObjectStore {
  forAccount(account: string): AccountObjects;
  clear(): void;
  create(account: string, typeKey: string, mode: Mode, fields: Record<string, unknown>, parentId?: string): StoredObject;
  remove(objects: AccountObjects, stored: StoredObject): void;
  list(objects: AccountObjects, typeKey: string, mode: Mode, parentId?: string): readonly StoredObject[];
  singleton(objects: AccountObjects, typeKey: string, mode: Mode): StripeObject;
}

export interface ObjectStoreOptions {
  seed: boolean;
  /** Objects per listable type and mode. */
  perType: number;
}

const listKey = (typeKey: string, mode: Mode, parentId: string | undefined) => `${typeKey}|${mode}|${parentId ?? ""}`;

export function createObjectStore(options: ObjectStoreOptions): ObjectStore {
  const accounts = new Map<string, AccountObjects>();
  const now = () => Math.floor(Date.now() / 1000);

  function insert(objects: AccountObjects, stored: StoredObject): void {
    objects.byId.set(stored.id, stored);
    const key = listKey(stored.typeKey, stored.mode, stored.parentId);
    const items = objects.lists.get(key);
    if (items) items.unshift(stored);
    else objects.lists.set(key, [stored]);
  }

  function build(typeKey: string, mode: Mode, id: string, created: number, fields: Record<string, unknown>): StripeObject {
    return { id, object: typeInfo(typeKey).object, created, livemode: mode === "live", metadata: {}, ...fields };
  }

  function seed(objects: AccountObjects): void {
    const random = seededRandom(objects.account);
    const created = 1_767_225_600; // 2026-01-01T00:00:00Z, so seeds are stable
    for (const mode of ["test", "live"] as const) {
      const firstOf = new Map<string, string>();
      for (const typeKey of LISTABLE_TYPES) {
        const type = typeInfo(typeKey);
        // Oldest first, so the list (newest first) starts with index perType-1.
        for (let i = 0; i < options.perType; i++) {
          const id = newId(type, mode, random);
          const data = build(typeKey, mode, id, created + i * 60, sampleFields(typeKey, i, (key) => firstOf.get(key)));
          insert(objects, { id, typeKey, mode, parentId: undefined, data });
          if (i === 0) firstOf.set(typeKey, id);
        }
      }
    }
  }

  function forAccount(account: string): AccountObjects {
    let objects = accounts.get(account);
    if (!objects) {
      objects = { account, byId: new Map(), lists: new Map(), singletons: new Map() };
      accounts.set(account, objects);
      if (options.seed) seed(objects);
    }
    return objects;
  }

  return {
    forAccount,
    clear: () => accounts.clear(),
    create(account, typeKey, mode, fields, parentId) {
      const objects = forAccount(account);
      const type = typeInfo(typeKey);
      const id = newId(type, mode, Math.random);
      const stored: StoredObject = { id, typeKey, mode, parentId, data: build(typeKey, mode, id, now(), fields) };
      insert(objects, stored);
      return stored;
    },
    remove(objects, stored) {
      objects.byId.delete(stored.id);
      const items = objects.lists.get(listKey(stored.typeKey, stored.mode, stored.parentId));
      if (items) {
        const index = items.indexOf(stored);
        if (index !== -1) items.splice(index, 1);
      }
    },
    list(objects, typeKey, mode, parentId) {
      return objects.lists.get(listKey(typeKey, mode, parentId)) ?? [];
    },
    singleton(objects, typeKey, mode) {
      const key = `${typeKey}|${mode}`;
      let value = objects.singletons.get(key);
      if (!value) {
        value = singletonFor(objects.account, typeKey, mode);
        objects.singletons.set(key, value);
      }
      return value;
    },
  };
}

function singletonFor(account: string, typeKey: string, mode: Mode): StripeObject {
  const livemode = mode === "live";
  switch (typeKey) {
    case "balance":
      // Shape from Stripe's Balance object: available/pending arrays of {amount, currency, source_types}.
      return {
        object: "balance",
        livemode,
        available: [{ amount: 125_000, currency: "usd", source_types: { card: 125_000 } }],
        pending: [{ amount: 8_000, currency: "usd", source_types: { card: 8_000 } }],
      };
    case "account":
      return { id: account, object: "account", livemode, type: "standard", country: "US", default_currency: "usd", charges_enabled: true, payouts_enabled: true };
    default:
      return { object: typeInfo(typeKey).object, livemode };
  }
}
