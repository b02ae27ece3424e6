import fs from "node:fs";
import { createEmulatorAdmin, type EmulatorAdmin } from "../../emulator/admin-client";
import { startEmulator, type RunningEmulator } from "../../emulator/server";
import { parseManifest, type Manifest } from "~/domain/manifest/manifest";
import { createStripeTransport, type StripeTransport } from "~/domain/probe/stripe-transport";
import type { AppContext } from "~/services/app-context.server";
import { connectKey } from "~/services/connect-key.server";
import { createCustomer } from "./connection-fixtures";

/** The demo manifest and its grants ("customer_read", …), as a key that satisfies it holds them. */
export const demoManifest: Manifest = parseManifest(JSON.parse(fs.readFileSync("examples/manifests/demo.json", "utf8")));
export const demoGrants = Object.entries(demoManifest.permissions).map(([name, r]) => `${name}_${r.level}`);

export interface StripeForTests {
  emulator: RunningEmulator;
  admin: EmulatorAdmin;
  transport: StripeTransport;
}

export async function startStripeForTests(options: Parameters<typeof startEmulator>[0] = {}): Promise<StripeForTests> {
  const emulator = await startEmulator(options);
  return { emulator, admin: createEmulatorAdmin(emulator.url), transport: createStripeTransport({ apiBase: emulator.url }) };
}

/** A customer organisation with a key connected through the real connect flow. */
export async function connectedCustomer(ctx: AppContext, stripe: StripeForTests, options: { permissions?: string[]; mode?: "test" | "live"; manifest?: Manifest } = {}) {
  const customer = await createCustomer(ctx.db, ctx.now());
  const key = await stripe.admin.createKey({ mode: options.mode ?? "test", permissions: options.permissions ?? demoGrants });
  const outcome = await connectKey(
    ctx,
    { organisationId: customer.organisationId, actor: { id: customer.userId, email: "customer@example.test" }, pasted: key.key },
    { ip: `198.51.100.${Math.floor(Math.random() * 250)}` },
    { manifest: options.manifest ?? demoManifest, transport: stripe.transport, firstCheckAt: () => ctx.now() + 3_600_000 },
  );
  if (outcome.kind !== "accepted") throw new Error(`expected the key to be accepted, got ${outcome.kind}`);
  return { ...customer, key, connection: outcome.connection };
}
