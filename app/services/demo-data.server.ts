import { hashPassword } from "~/auth/password.server";
import { createId } from "~/utils/ids";
import type { AppContext } from "./app-context.server";
import { recordAuditEvent } from "./audit.server";

/** Demo accounts for development and the demo only; the seed refuses to run in production. */
export const DEMO_ACCOUNTS = [
  { email: "customer@demo.keyport.test", name: "Dana Customer", role: "customer", password: "demo-customer-password" },
  { email: "support@demo.keyport.test", name: "Sam Support", role: "support", password: "demo-support-password" },
  { email: "admin@demo.keyport.test", name: "Ada Admin", role: "admin", password: "demo-admin-password" },
] as const;

export const DEMO_ORGANISATION_NAME = "Demo Company Ltd";

export async function seedDemoAccounts(ctx: AppContext, options: { isProduction: boolean }) {
  if (options.isProduction) throw new Error("Refusing to create demo accounts in production.");
  const created: string[] = [];
  for (const account of DEMO_ACCOUNTS) {
    const exists = await ctx.db.selectFrom("users").select("id").where("email", "=", account.email).executeTakeFirst();
    if (exists) continue;
    let organisationId: string | null = null;
    if (account.role === "customer") {
      organisationId = createId("org");
      await ctx.db.insertInto("organisations").values({ id: organisationId, name: DEMO_ORGANISATION_NAME, created_at: ctx.now() }).execute();
    }
    const id = createId("usr");
    await ctx.db
      .insertInto("users")
      .values({
        id,
        email: account.email,
        name: account.name,
        password_hash: await hashPassword(account.password),
        role: account.role,
        organisation_id: organisationId,
        created_at: ctx.now(),
      })
      .execute();
    await recordAuditEvent(ctx, {
      actor: { type: "system", label: "demo seed" },
      action: "account.demo_created",
      outcome: "success",
      organisationId,
      target: { type: "user", id },
      details: { email: account.email, role: account.role },
    });
    created.push(account.email);
  }
  return created;
}
