/**
 * A minimal receiver for Keyport's status webhooks: verifies each request's signature and prints
 * the event. Run it beside `npm run dev`, add http://127.0.0.1:4000/keyport/webhooks on the admin
 * page /staff/webhooks (plain http is allowed to loopback outside production), and start it with
 * the signing secret shown there:
 *
 *   KEYPORT_WEBHOOK_SECRET=whsec_… npx tsx examples/webhook-receiver.ts
 */
import http from "node:http";
import { verifyKeyportSignature } from "./verify-webhook";

const secret = process.env.KEYPORT_WEBHOOK_SECRET;
const port = Number(process.env.PORT ?? 4000);
if (!secret) {
  console.error("Set KEYPORT_WEBHOOK_SECRET to the endpoint's signing secret (whsec_…).");
  process.exit(64);
}

const seen = new Set<string>();

http
  .createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const header = req.headers["keyport-signature"];
      const verified = verifyKeyportSignature(body, typeof header === "string" ? header : undefined, secret);
      if (!verified.ok) {
        console.log(`Refused a request: ${verified.reason}`);
        res.writeHead(400).end();
        return;
      }
      const event = JSON.parse(body) as { id: string; type: string; data: { object: { id: string; status: string }; previous_attributes?: { status: string } } };
      // Deliveries can repeat (a replay, a lost answer): act on each event id once.
      const repeat = seen.has(event.id);
      seen.add(event.id);
      const change = event.data.previous_attributes ? ` (was ${event.data.previous_attributes.status})` : "";
      console.log(`${repeat ? "again: " : ""}${event.type} ${event.data.object.id} → ${event.data.object.status}${change}  [${event.id}]`);
      // Answer quickly; do slow work after answering, or Keyport times out after 10 s and retries.
      res.writeHead(200, { "Content-Type": "text/plain" }).end("ok");
    });
  })
  .listen(port, "127.0.0.1", () => console.log(`Listening on http://127.0.0.1:${port}/keyport/webhooks`));
