import { getEnv } from "~/config/env.server";
import { loadConfiguredManifest } from "~/config/manifest.server";
import { closeAppContext, ensureMigrated, getAppContext } from "./app-context.server";
import { startPortalHealthScheduler } from "./health.server";
import { startWebhookWorker, stopWebhookWorker } from "./webhooks.server";

let stopScheduler: (() => Promise<void>) | undefined;

/**
 * Everything the portal does once when it starts: validate the environment and the manifest
 * (either stops the start with a message naming the problem), apply migrations, start the
 * health scheduler (unless KEYPORT_SCHEDULER=off leaves it to cron).
 */
export async function startPortalServices() {
  const env = getEnv();
  await loadConfiguredManifest();
  const applied = await ensureMigrated();
  if (applied.length > 0 && env.KEYPORT_LOG_LEVEL !== "silent") {
    console.log(`Applied database migrations: ${applied.join(", ")}`);
  }
  if (env.KEYPORT_SCHEDULER === "on") stopScheduler = startPortalHealthScheduler(getAppContext());
  startWebhookWorker({ log: (message) => env.KEYPORT_LOG_LEVEL !== "silent" && console.error(message) });
  return {
    host: env.HOST,
    port: env.PORT,
    origin: env.KEYPORT_ORIGIN,
    trustedProxies: env.KEYPORT_TRUSTED_PROXIES,
    isProduction: env.isProduction,
    logRequests: env.KEYPORT_LOG_LEVEL === "debug" || env.KEYPORT_LOG_LEVEL === "info",
  };
}

export async function stopPortalServices() {
  await stopScheduler?.();
  await stopWebhookWorker();
  await closeAppContext();
}
