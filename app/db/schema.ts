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

export type UserRow = Selectable<UserTable>;
export type OrganisationRow = Selectable<OrganisationTable>;
export type NewAuditEvent = Insertable<AuditEventTable>;
export type AuditEventRow = Selectable<AuditEventTable>;
