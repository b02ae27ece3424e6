import { type CreateTableBuilder } from "kysely";
import type { Dialect } from "../connect";

/** Epoch milliseconds: BIGINT on PostgreSQL, INTEGER (64-bit) on SQLite. */
export const timestamp = "bigint";

/** A monotonically increasing primary key `id`, written the way each dialect spells it. */
export function autoIdColumn<T extends string>(table: CreateTableBuilder<T, never>, dialect: Dialect) {
  return dialect === "postgres"
    ? table.addColumn("id", "bigint", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    : table.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
}
