import http from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedWebhook {
  body: string;
  signature: string | undefined;
  receivedAtMs: number;
}

/**
 * A real HTTP receiver on loopback for webhook tests. `down()` closes the socket (senders get
 * "connection refused"), `up()` listens again on the same port; `respondWith` sets the status code.
 * Every request that reached it, in arrival order, is in `received`.
 */
export async function startWebhookReceiver(options: { delayMs?: number } = {}) {
  const received: ReceivedWebhook[] = [];
  let status = 200;
  let delayMs = options.delayMs ?? 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const signature = req.headers["keyport-signature"];
      const respond = () => {
        received.push({ body: Buffer.concat(chunks).toString("utf8"), signature: typeof signature === "string" ? signature : undefined, receivedAtMs: Date.now() });
        res.writeHead(status, { "Content-Type": "text/plain" }).end(status < 300 ? "thanks" : "receiver says no");
      };
      if (delayMs > 0) setTimeout(respond, delayMs);
      else respond();
    });
  });
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const port = await listen(0);

  return {
    url: `http://127.0.0.1:${port}/keyport/webhooks`,
    received,
    /** Parsed bodies in arrival order. */
    events: () => received.map((r) => JSON.parse(r.body) as { id: string; type: string; data: { object: { id: string; status: string } } }),
    respondWith(code: number) {
      status = code;
    },
    delay(ms: number) {
      delayMs = ms;
    },
    async down() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    async up() {
      await listen(port);
    },
    async close() {
      if (server.listening) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
