import { getEnv } from "~/config/env.server";
import { getManifest } from "~/config/manifest.server";
import type { CheckTrigger } from "~/db/schema";
import type { AppContext } from "./app-context.server";
import type { AuditActor } from "./audit.server";
import { runHealthCheck } from "./health-check.server";
import { nextCheckAt, type ScheduleSettings, startHealthScheduler } from "./health-scheduler.server";
import { getStripeTransport } from "./stripe.server";

/** Health checks wired to the portal's configuration: the manifest, Stripe, the schedule. */
export function scheduleSettings(): ScheduleSettings {
  const env = getEnv();
  return { intervalMs: env.KEYPORT_HEALTH_INTERVAL_HOURS * 3_600_000, jitter: env.KEYPORT_HEALTH_JITTER };
}

/** "Check now" from support, the customer, the API or the command line. */
export function checkConnectionNow(ctx: AppContext, connectionId: string, who: { trigger: CheckTrigger; actor: AuditActor; ip?: string | null }) {
  const schedule = scheduleSettings();
  return runHealthCheck(ctx, connectionId, {
    ...who,
    manifest: getManifest(),
    transport: getStripeTransport(),
    scheduleNext: (status) => nextCheckAt(ctx.now(), schedule, status),
  });
}

export function firstCheckAt(ctx: AppContext) {
  return nextCheckAt(ctx.now(), scheduleSettings(), "new");
}

export function startPortalHealthScheduler(ctx: AppContext) {
  return startHealthScheduler(ctx, {
    manifest: getManifest(),
    transport: getStripeTransport(),
    schedule: scheduleSettings(),
    log: (line) => console.log(line),
  });
}
