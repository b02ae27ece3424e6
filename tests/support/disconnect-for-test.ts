import type { AppContext } from "~/services/app-context.server";
import { destroyConnectionSecret } from "~/services/connection-store.server";

/** Ends a connection as a customer's disconnect does (ciphertext destroyed at once). */
export function disconnectForTest(ctx: AppContext, connectionId: string, organisationId: string, userId: string) {
  return destroyConnectionSecret(ctx, connectionId, { state: "revoked_by_customer", endedBy: userId, organisationId });
}
