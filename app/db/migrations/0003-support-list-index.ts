import type { Kysely } from "kysely";

/**
 * The support console's unfiltered list (state, newest first) could not use the status index for
 * its order and sorted every active connection per request; this index serves it directly.
 */
export function supportListIndex() {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.createIndex("connections_state_created").on("connections").columns(["state", "created_at", "id"]).execute();
    },
  };
}
