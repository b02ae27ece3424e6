import type { Kysely } from "kysely";
import { Lucia, TimeSpan } from "lucia";
import type { Database, Role } from "~/db/schema";
import { createKyselyAdapter } from "./lucia-adapter.server";

/** Sessions last a week and are renewed (sliding) once half of that has passed. */
export const SESSION_LIFETIME = new TimeSpan(7, "d");

export function createLucia(db: Kysely<Database>, options: { secure: boolean; now?: () => number }) {
  return new Lucia(createKyselyAdapter(db, options.now), {
    sessionExpiresIn: SESSION_LIFETIME,
    sessionCookie: {
      // __Host- binds the cookie to this exact origin over HTTPS (no Domain, Path=/, Secure).
      name: options.secure ? "__Host-keyport_session" : "keyport_session",
      expires: true,
      attributes: { secure: options.secure, sameSite: "lax", path: "/" },
    },
    getUserAttributes: (attributes) => ({
      email: attributes.email,
      name: attributes.name,
      role: attributes.role,
      organisationId: attributes.organisation_id,
    }),
  });
}

declare module "lucia" {
  interface Register {
    Lucia: ReturnType<typeof createLucia>;
    DatabaseUserAttributes: { email: string; name: string; role: Role; organisation_id: string | null };
    DatabaseSessionAttributes: { created_at?: number; ip?: string | null; user_agent?: string | null };
  }
}
