import type { HealthStatus } from "~/domain/health/health-status";
import type { Generated, Insertable, Selectable } from "kysely";

/**
 * Table types for Kysely. Times are Unix epoch milliseconds (BIGINT) so both dialects store and
 * return the same thing; JSON is stored as TEXT for the same reason.
 */
export interface Database {
  organisations: OrganisationTable;
  users: UserTable;
  sessions: SessionTable;
  invitations: InvitationTable;
  rate_limits: RateLimitTable;
  audit_events: AuditEventTable;
  connections: ConnectionTable;
  connection_checks: ConnectionCheckTable;
  service_tokens: ServiceTokenTable;
  webhook_endpoints: WebhookEndpointTable;
  webhook_events: WebhookEventTable;
  webhook_deliveries: WebhookDeliveryTable;
  webhook_attempts: WebhookAttemptTable;
}

export type Role = "customer" | "support" | "admin";

export interface OrganisationTable {
  id: string;
  name: string;
  created_at: number;
}

export interface UserTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  role: Role;
  organisation_id: string | null;
  created_at: number;
}

export interface SessionTable {
  /** SHA-256 of the session id, so a copy of the database cannot be replayed as cookies. */
  id: string;
  user_id: string;
  expires_at: number;
  created_at: number;
  ip: string | null;
  user_agent: string | null;
}

export interface InvitationTable {
  id: string;
  organisation_id: string;
  email: string;
  token_hash: string;
  invited_by: string;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
}

export interface RateLimitTable {
  bucket: string;
  window_start: number;
  hits: number;
}

export interface AuditEventTable {
  id: Generated<number>;
  occurred_at: number;
  actor_type: "user" | "staff" | "system" | "service_token" | "anonymous";
  actor_id: string | null;
  actor_label: string | null;
  organisation_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  outcome: string;
  ip: string | null;
  /** JSON object; never holds key material. */
  details: string;
}

export type ConnectionMode = "test" | "live";
export type ConnectionState = "active" | "replaced" | "revoked_by_customer";
/** Issue 7's statuses. The column is unconstrained text, so adding one needs no migration. */
/** Defined with the domain's health rules; no database constraint, so new statuses need no migration. */
export type ConnectionHealthStatus = HealthStatus;
export type CheckTrigger = "connect" | "scheduled" | "manual" | "support" | "api";

export interface ConnectionTable {
  /** `con_…` */
  id: string;
  organisation_id: string;
  mode: ConnectionMode;
  state: ConnectionState;
  health_status: Generated<ConnectionHealthStatus>;
  stripe_account_id: string | null;
  key_last4: string;
  /** HMAC-SHA256 of the key under a key derived from master key `fingerprint_key_id`; NULL once ended. */
  fingerprint: string | null;
  fingerprint_key_id: string | null;
  /** The sealed record (app/domain/vault/sealed-secret.ts): all four set while active, all NULL once ended. */
  master_key_id: string | null;
  wrapped_data_key: string | null;
  ciphertext: string | null;
  sealed_version: number | null;
  manifest_version: number;
  /** JSON: the accepted key's report; never key material. */
  report: string;
  created_at: number;
  /** A user id; NULL when the command line or the system stored it. */
  created_by: string | null;
  updated_at: number;
  ended_at: number | null;
  ended_by: string | null;
  replaced_by: string | null;
  last_checked_at: number | null;
  next_check_at: number | null;
  lease_owner: string | null;
  lease_expires_at: number | null;
}

export interface ConnectionCheckTable {
  id: Generated<number>;
  connection_id: string;
  checked_at: number;
  triggered_by: CheckTrigger;
  status: ConnectionHealthStatus;
  duration_ms: number;
  requests: number;
  manifest_version: number;
  /** JSON; never key material. */
  findings: string;
}

export type UserRow = Selectable<UserTable>;
export type OrganisationRow = Selectable<OrganisationTable>;
export type NewAuditEvent = Insertable<AuditEventTable>;
export type AuditEventRow = Selectable<AuditEventTable>;

export interface ServiceTokenTable {
  /** `tok_…` */
  id: string;
  name: string;
  /** SHA-256 (hex) of the whole token; the token itself is never stored. */
  token_hash: string;
  last4: string;
  /** JSON array of scope names (app/services/service-tokens.server.ts). */
  scopes: string;
  created_at: number;
  /** A user id; NULL when the command line created the token. */
  created_by: string | null;
  created_by_label: string;
  expires_at: number | null;
  revoked_at: number | null;
  revoked_by_label: string | null;
  last_used_at: number | null;
  last_used_ip: string | null;
}

export type WebhookEndpointStatus = "enabled" | "disabled" | "deleted";

export interface WebhookEndpointTable {
  /** `we_…` */
  id: string;
  url: string;
  description: string;
  status: WebhookEndpointStatus;
  /** The signing secret's sealed record: all four set until the endpoint is deleted. */
  secret_master_key_id: string | null;
  secret_wrapped_data_key: string | null;
  secret_ciphertext: string | null;
  secret_sealed_version: number | null;
  secret_last4: string;
  created_at: number;
  created_by: string | null;
  updated_at: number;
}

export interface WebhookEventTable {
  /** The outbox order. */
  id: Generated<number>;
  /** `evt_…`, what receivers see. */
  event_id: string;
  type: string;
  connection_id: string;
  organisation_id: string;
  /** The JSON body sent to every endpoint; never key material. */
  payload: string;
  created_at: number;
}

export type WebhookDeliveryStatus = "pending" | "delivered" | "failed" | "cancelled";

export interface WebhookDeliveryTable {
  id: Generated<number>;
  event_seq: number;
  endpoint_id: string;
  connection_id: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  /** Set exactly while pending. */
  next_attempt_at: number | null;
  retry_until: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
  last_attempt_at: number | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
}

export interface WebhookAttemptTable {
  id: Generated<number>;
  delivery_id: number;
  attempted_at: number;
  triggered_by: "worker" | "replay";
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  response_excerpt: string | null;
}
