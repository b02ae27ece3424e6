import { getEnv } from "~/config/env.server";
import { createStripeTransport, type StripeTransport } from "~/domain/probe/stripe-transport";

let transport: StripeTransport | undefined;

/** The Stripe API the portal talks to: api.stripe.com in production, the emulator elsewhere. */
export function getStripeTransport(): StripeTransport {
  transport ??= createStripeTransport({ apiBase: getEnv().STRIPE_API_BASE });
  return transport;
}
