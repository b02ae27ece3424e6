import { randomInt } from "node:crypto";
import type { Kysely } from "kysely";
import type { ConnectionMode, Database } from "~/db/schema";
import { createSecret, type Secret } from "~/domain/key/secret";
import type { StoreConnectionInput } from "~/services/connection-store.server";
import { createId } from "~/utils/ids";

const ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** A fresh restricted key shaped like Stripe's (`rk_test_51…`, 107 characters). */
export function fakeRestrictedKey(mode: ConnectionMode = "test"): Secret {
  let body = "";
  for (let i = 0; i < 97; i++) body += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return createSecret(`rk_${mode}_51${body}`);
}

/** Every encoding of a key that would give it away in a stored row, a file or a message. */
export function plaintextForms(plaintext: string): string[] {
  const body = plaintext.slice(8);
  return [
    plaintext,
    body.slice(0, 24),
    body.slice(-24),
    Buffer.from(plaintext).toString("base64"),
    Buffer.from(plaintext).toString("base64url"),
    Buffer.from(plaintext).toString("hex"),
    Buffer.from(body).toString("base64").slice(0, 40),
    Buffer.from(body.slice(1)).toString("base64").slice(0, 40),
    Buffer.from(body.slice(2)).toString("base64").slice(0, 40),
  ];
}

/** A new organisation with one customer, inserted directly. */
export async function createCustomer(db: Kysely<Database>, now = Date.now()): Promise<{ organisationId: string; userId: string }> {
  const organisationId = createId("org");
  const userId = createId("usr");
  await db.insertInto("organisations").values({ id: organisationId, name: `Org ${organisationId}`, created_at: now }).execute();
  await db
    .insertInto("users")
    .values({ id: userId, email: `${userId}@example.test`, name: "Customer", password_hash: "x", role: "customer", organisation_id: organisationId, created_at: now })
    .execute();
  return { organisationId, userId };
}

export function connectionInput(
  customer: { organisationId: string; userId: string },
  secret: Secret,
  overrides: Partial<StoreConnectionInput> = {},
): StoreConnectionInput {
  const plaintext = secret.reveal();
  return {
    organisationId: customer.organisationId,
    mode: plaintext.startsWith("rk_live_") ? "live" : "test",
    stripeAccountId: "acct_1PJBLEBBLEfVtest",
    secret,
    last4: plaintext.slice(-4),
    manifestVersion: 3,
    report: { verdict: "accepted", key: secret.masked, missing: [], excess: [] },
    createdBy: customer.userId,
    ...overrides,
  };
}
