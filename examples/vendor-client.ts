/**
 * The vendor's side of Keyport, end to end: a backend job that takes a customer's restricted key
 * from Keyport (instead of an environment variable or a spreadsheet) and uses it with Stripe's
 * official SDK. It depends on nothing from Keyport's code, only on its HTTP API, so you can copy it.
 *
 *   npm run dev                                   # portal on :3000, Stripe emulator on :12111
 *   # sign in as customer@demo.keyport.test and connect one of the printed demo keys, then:
 *   npm run keyport -- token:create --name example-client --scope connections:read,credentials:read
 *   KEYPORT_TOKEN=kpt_… npx tsx examples/vendor-client.ts [--connection con_…]
 *
 * Environment: KEYPORT_TOKEN (required), KEYPORT_URL (default http://127.0.0.1:3000),
 * STRIPE_API_BASE (default http://127.0.0.1:12111, the emulator `npm run dev` starts; leave it
 * out of production code, where the SDK talks to api.stripe.com).
 */
import { parseArgs } from "node:util";
import Stripe from "stripe";

const KEYPORT_URL = (process.env.KEYPORT_URL ?? "http://127.0.0.1:3000").replace(/\/$/, "");
const STRIPE_API_BASE = process.env.STRIPE_API_BASE ?? "http://127.0.0.1:12111";
const TOKEN = process.env.KEYPORT_TOKEN;
const { values } = parseArgs({ options: { connection: { type: "string" } } });

interface Connection {
  id: string;
  organisation: { id: string; name: string };
  mode: "test" | "live";
  status: string;
  account: string | null;
  key_last4: string;
}

/** GET a Keyport API path; errors come back as { error: { code, message } }. */
async function keyport<T>(path: string): Promise<T> {
  const response = await fetch(`${KEYPORT_URL}/api/v1${path}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  const body = (await response.json()) as T & { error?: { code: string; message: string } };
  if (!response.ok) throw new Error(`Keyport answered ${response.status} ${body.error?.code}: ${body.error?.message}`);
  return body;
}

async function main() {
  if (!TOKEN) {
    console.error("Set KEYPORT_TOKEN to a service token with the scopes connections:read and credentials:read (npm run keyport -- token:create …).");
    return 64;
  }

  // 1. Which customers have a working connection?
  const { data: connections } = await keyport<{ data: Connection[] }>("/connections?state=active&status=healthy,over_privileged&limit=100");
  console.log(`Keyport at ${KEYPORT_URL}: ${connections.length} usable connection${connections.length === 1 ? "" : "s"}.`);
  for (const c of connections) console.log(`  ${c.id}  ${c.organisation.name}  ${c.mode}  ${c.account ?? "(account unknown)"}  …${c.key_last4}  ${c.status}`);
  const chosen = values.connection ? connections.find((c) => c.id === values.connection) : connections[0];
  if (!chosen) {
    console.error(values.connection ? `Connection ${values.connection} is not among the usable ones.` : "Nothing to do: connect a key in the portal first.");
    return 1;
  }

  // 2. Fetch its key. Keep it in memory for this job only: never log it, never write it anywhere.
  const credentials = await keyport<{ key: string; account: string | null; mode: string }>(`/connections/${chosen.id}/credentials`);
  console.log(`\nFetched the ${credentials.mode}-mode key rk_${credentials.mode}_…${credentials.key.slice(-4)} for ${chosen.organisation.name}.`);

  // 3. Use it with Stripe's SDK, exactly as with a key from anywhere else.
  const api = new URL(STRIPE_API_BASE);
  const stripe = new Stripe(credentials.key, {
    host: api.hostname,
    port: Number(api.port || (api.protocol === "http:" ? 80 : 443)),
    protocol: api.protocol === "http:" ? "http" : "https",
    maxNetworkRetries: 2,
  });
  const customers = await stripe.customers.list({ limit: 3 });
  console.log(`\nStripe (${STRIPE_API_BASE}), account ${credentials.account ?? "?"}: first ${customers.data.length} customers`);
  for (const customer of customers.data) console.log(`  ${customer.id}  ${customer.email ?? "(no e-mail)"}  ${customer.name ?? ""}`);
  const charges = await stripe.charges.list({ limit: 3 });
  console.log(`First ${charges.data.length} charges`);
  for (const charge of charges.data) console.log(`  ${charge.id}  ${(charge.amount / 100).toFixed(2)} ${charge.currency.toUpperCase()}  ${charge.status}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // Stripe's and Keyport's error messages never contain the key.
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
