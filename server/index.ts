import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import { originCheck, securityHeaders } from "./security";

/** What app/entry.server.tsx exports for this server beside Remix's own hooks. */
interface PortalHooks {
  startPortal(): Promise<{ host: string; port: number; origin?: string; trustedProxies: number; isProduction: boolean; logRequests: boolean }>;
  stopPortal(): Promise<void>;
}

const build = (await import(pathToFileURL(path.resolve("build/index.js")).href)) as ServerBuild;
const hooks = build.entry.module as unknown as PortalHooks;

let config: Awaited<ReturnType<PortalHooks["startPortal"]>>;
try {
  config = await hooks.startPortal();
} catch (error) {
  console.error(`Keyport cannot start.\n${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

const app = express();
app.disable("x-powered-by");
app.set("trust proxy", config.trustedProxies);

if (config.logRequests) {
  app.use((req, res, next) => {
    const started = performance.now();
    // The path only: query strings are never logged.
    res.on("finish", () => console.log(`${req.method} ${req.path} ${res.statusCode} ${(performance.now() - started).toFixed(1)}ms`));
    next();
  });
}

app.use(securityHeaders({ isProduction: config.isProduction }));
app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
app.use(express.static("public", { maxAge: "1h" }));
app.use(originCheck({ origin: config.origin }));

app.all(
  "*",
  createRequestHandler({
    build,
    mode: config.isProduction ? "production" : "development",
    getLoadContext: (req, res) => ({
      cspNonce: res.locals.cspNonce as string,
      clientIp: req.ip ?? req.socket.remoteAddress ?? "unknown",
      responseCookies: [],
    }),
  }),
);

const server = app.listen(config.port, config.host, () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  console.log(`Keyport portal listening on http://${config.host}:${port}`);
});

async function shutdown() {
  server.close();
  await hooks.stopPortal();
  process.exit(0);
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
