/**
 * Types of the permission catalogue: what Stripe offers a restricted key, and how Keyport can
 * check each grant without changing anything. A probe engine plans requests from these types
 * alone; it never needs to know a Stripe path by heart.
 */

export const LEVELS = ["read", "write"] as const;
export type Level = (typeof LEVELS)[number];

export const MODES = ["test", "live"] as const;
export type Mode = (typeof MODES)[number];

/** `none` is what the Dashboard calls a row that grants nothing. */
export type LevelOrNone = Level | "none";

/** The Dashboard's create-key link and the legacy 403 message use `rak_<name>_<level>`. */
export type RakId = `rak_${string}_${Level}`;

/** A grant named the way Stripe Apps and the newer 403 message name it, split into parts. */
export type Grant = { readonly name: string; readonly level: Level };

/**
 * Stands for the random part of a fake object id inside a probe path. The engine replaces it
 * (see `resolveProbe`), giving e.g. `cus_keyport_probe_3fa9…`: the prefix Stripe uses for the
 * object keeps the id well-formed, the random part makes sure no real object can ever match.
 */
export const PROBE_ID_PLACEHOLDER = "{probe_id}";

/** Query parameters, already in Stripe's bracket form (`expand[]`, `scope[type]`). */
export type ProbeParams = Readonly<Record<string, string | number>>;

/**
 * One request whose answer tells granted from denied.
 * - `expect: "ok"`: a granted key gets 200 (a list with `limit=1`, or a singleton such as the balance).
 * - `expect: "resource_missing"`: the request names an object that cannot exist, so a granted key
 *   gets 404 with `code: "resource_missing"`; Stripe checks the permission before it looks the
 *   object up (stripe-rak.md §4), so a key without the grant gets 403 instead.
 * A 403 always means denied. Any other answer is neither and must be reported as unknown.
 */
export type ProbeRequest = {
  readonly kind: "request";
  readonly method: "GET" | "POST" | "DELETE";
  /** Starts with `/v1/`; contains `PROBE_ID_PLACEHOLDER` whenever `expect` is `resource_missing`. */
  readonly path: string;
  /** Query string for GET. Write probes never carry parameters, so an update is empty even in theory. */
  readonly params?: ProbeParams;
  readonly expect: "ok" | "resource_missing";
  /** The id prefix Stripe uses for the object the fake id imitates (`cus`, `pi`, …); absent for ids without one (coupons). */
  readonly idPrefix?: string;
  /** The endpoint exists only in test mode (Stripe's test helpers); a live key leaves the grant unverified. */
  readonly testModeOnly?: boolean;
  /** Why this probe might not prove exactly this grant, where the mapping is inferred rather than documented. */
  readonly caveat?: string;
};

/** No request can check this grant safely; Keyport reports it as unverified and says why. */
export type Unprobeable = { readonly kind: "unprobeable"; readonly reason: string };

export type Probe = ProbeRequest | Unprobeable;

export type LevelDefinition = {
  readonly level: Level;
  readonly rakId: RakId;
  /** Grants Stripe documents as included in this one (Stripe Apps permissions reference). */
  readonly implies: readonly Grant[];
  readonly probe: Probe;
};

export type CategoryId =
  | "core"
  | "checkout"
  | "billing"
  | "tax"
  | "connect"
  | "capital"
  | "orders"
  | "issuing"
  | "treasury"
  | "terminal"
  | "reporting"
  | "developers";

export type Category = {
  readonly id: CategoryId;
  /** The heading the Dashboard's create-key form shows. */
  readonly label: string;
  /** Bare permission names in the Dashboard's row order. */
  readonly permissions: readonly string[];
};

/**
 * Where a permission's existence is attested:
 * - `managed-keys`: among the 158 `<name>_<level>` strings Stripe's Managed API Keys API accepts
 *   (Infisical's list, "verified by probing each one against a gated sandbox");
 * - `permissions-reference`: named only on docs.stripe.com/keys/permissions-reference.
 */
export type Provenance = "managed-keys" | "permissions-reference";

export type Permission = {
  /** Bare name as in Stripe Apps and the newer 403 message: `customer`, `plan`, `checkout_session`. */
  readonly name: string;
  readonly category: CategoryId;
  /** The row label in the Dashboard's create-key form. */
  readonly label: string;
  /** One sentence on what the permission covers, for customers. */
  readonly description: string;
  /** In Dashboard order: `read` before `write`. Write includes read where both are offered. */
  readonly levels: readonly LevelDefinition[];
  /** A grant an attacker could use to move money, take over the account, or read data wholesale. */
  readonly sensitive: boolean;
  /** What a leaked key with this grant could do; present exactly when `sensitive`. */
  readonly risk?: string;
  /** Other words vendors use for this row (`price`, `refund`, `webhook_endpoint`), for suggestions. */
  readonly aliases: readonly string[];
  readonly provenance: Provenance;
  /** Per-level provenance where it differs (a write level found only in the permissions reference). */
  readonly levelProvenance?: Partial<Record<Level, Provenance>>;
};
