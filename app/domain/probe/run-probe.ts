import type { ResolvedProbe } from "~/domain/catalogue/catalogue";
import type { Secret } from "~/domain/key/secret";
import type { PermissionCheckPlan, PlannedStep, ProbePlan } from "./plan-probe";
import { createRateLimiter, STRIPE_RATE_LIMITS } from "./rate-limiter";
import { classifyAuthenticationFailure, type KeyAuthenticationFailure, readPermissionDenial } from "./stripe-errors";
import type { StripeAnswer, StripeRequest, StripeTransport } from "./stripe-transport";

/**
 * Sends a plan's requests: first `GET /v1/account` to learn the key's validity and account, then
 * every probe, concurrently but within the key's rate limit, each retried on 429, 5xx and network
 * errors with backoff (honouring Stripe-Should-Retry), every request and the whole run bounded by
 * a time-out. An answer it cannot interpret is `unknown`, never `denied`.
 */
export type StepOutcome =
  | { outcome: "granted" }
  | { outcome: "denied"; stripeNamed?: string }
  | { outcome: "unknown"; cause: "unreachable" | "unexpected_answer"; detail: string }
  | { outcome: "unprobeable"; reason: string }
  | { outcome: "not_planned" };

export interface PermissionOutcome {
  plan: PermissionCheckPlan;
  read: StepOutcome;
  write: StepOutcome;
}

export type KeyIdentity =
  | { status: "valid"; account?: string }
  | { status: "rejected"; failure: KeyAuthenticationFailure; message?: string }
  | { status: "unreachable"; detail: string };

export interface ProbeOutcome {
  identity: KeyIdentity;
  permissions: PermissionOutcome[];
  requests: number;
  durationMs: number;
}

export interface ProbeProgress {
  completed: number;
  total: number;
  /** The Dashboard row label of the permission whose answer just arrived. */
  label?: string;
}

export interface RunOptions {
  transport: StripeTransport;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Requests per second; defaults to Stripe's documented limit for the key's mode. */
  ratePerSecond?: number;
  requestTimeoutMs?: number;
  totalTimeoutMs?: number;
  /** Attempts per request, the first included. */
  maxAttempts?: number;
  onProgress?: (progress: ProbeProgress) => void;
  /** Waits between retries (tests replace it); the rate limiter always uses real time. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

const DEFAULTS = { concurrency: 8, requestTimeoutMs: 10_000, totalTimeoutMs: 30_000, maxAttempts: 4 };

function isRetryable(answer: StripeAnswer) {
  if (answer.kind === "network") return true;
  if (answer.shouldRetry !== undefined) return answer.shouldRetry;
  return answer.status === 429 || answer.status === 409 || answer.status >= 500;
}

function describe(answer: StripeAnswer) {
  return answer.kind === "network"
    ? answer.reason === "timeout"
      ? "Stripe did not answer in time"
      : "Stripe could not be reached"
    : answer.status === 429
      ? "Stripe kept answering 429 (rate limited)"
      : answer.status >= 500
        ? `Stripe answered ${answer.status} (a fault on Stripe's side)`
        : `Stripe answered ${answer.status}${answer.code ? ` ${answer.code}` : ""}`;
}

/** Where a probe's answer leaves the grant. Only a 403 is "denied"; only the expected answer is "granted". */
export function interpretProbeAnswer(expect: ResolvedProbe["expect"], answer: StripeAnswer): StepOutcome {
  if (answer.kind === "network" || answer.status === 429 || answer.status >= 500) {
    return { outcome: "unknown", cause: "unreachable", detail: describe(answer) };
  }
  if (answer.status === 403) {
    const named = readPermissionDenial(answer.message).permission;
    return { outcome: "denied", stripeNamed: named ? `${named.name}_${named.level}` : undefined };
  }
  if (expect === "ok" && answer.status >= 200 && answer.status < 300) return { outcome: "granted" };
  if (expect === "resource_missing" && answer.status === 404 && answer.code === "resource_missing") return { outcome: "granted" };
  return { outcome: "unknown", cause: "unexpected_answer", detail: describe(answer) };
}

export async function runProbe(secret: Secret, plan: ProbePlan, options: RunOptions): Promise<ProbeOutcome> {
  const started = performance.now();
  const opts = { ...DEFAULTS, ...options };
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = opts.random ?? Math.random;
  const deadline = started + opts.totalTimeoutMs;
  // Stay a little under the documented limit, with a smaller burst than Stripe's bucket: requests
  // reach Stripe with uneven delays, and a bunched arrival must still fit.
  const limit = opts.ratePerSecond ?? STRIPE_RATE_LIMITS[plan.mode];
  const limiter = createRateLimiter({ perSecond: limit * 0.9, burst: Math.max(1, Math.floor(limit * 0.8)) });
  let requests = 0;
  let keyRejected: KeyIdentity | undefined;

  /** One request with retries; `null` once the run's deadline or a rejected key stops it. */
  async function send(request: StripeRequest): Promise<StripeAnswer> {
    let last: StripeAnswer = { kind: "network", reason: "timeout", message: "The check ran out of time" };
    for (let attempt = 0; attempt < opts.maxAttempts; attempt++) {
      if (keyRejected) return { kind: "http", status: 401, message: "key rejected during the check" };
      const remaining = deadline - performance.now();
      if (remaining <= 0) return last;
      await limiter.acquire();
      requests++;
      last = await opts.transport.send(secret, request, { timeoutMs: Math.min(opts.requestTimeoutMs, remaining) });
      if (!isRetryable(last) || attempt === opts.maxAttempts - 1) return last;
      // Exponential backoff with full jitter, never past the deadline.
      const backoff = random() * Math.min(2_000, 250 * 2 ** attempt);
      if (performance.now() + backoff >= deadline) return last;
      await sleep(backoff);
    }
    return last;
  }

  // 1. The key's validity and account. A 403 here is fine: it names the account (stripe-rak.md §1).
  const accountAnswer = await send({ method: "GET", path: "/v1/account" });
  let identity: KeyIdentity;
  if (accountAnswer.kind === "http" && accountAnswer.status === 200) {
    const body = accountAnswer.body as { id?: unknown } | undefined;
    identity = { status: "valid", account: typeof body?.id === "string" ? body.id : undefined };
  } else if (accountAnswer.kind === "http" && accountAnswer.status === 403) {
    identity = { status: "valid", account: readPermissionDenial(accountAnswer.message).account };
  } else if (accountAnswer.kind === "http" && accountAnswer.status === 401) {
    identity = { status: "rejected", failure: classifyAuthenticationFailure(accountAnswer), message: accountAnswer.message };
  } else {
    identity = { status: "unreachable", detail: describe(accountAnswer) };
  }

  const outcomes: PermissionOutcome[] = plan.checks.map((check) => ({
    plan: check,
    read: initial(check.read),
    write: initial(check.write),
  }));
  if (identity.status !== "valid") {
    const stopped = (s: StepOutcome): StepOutcome =>
      s.outcome === "not_planned" || s.outcome === "unprobeable" ? s : { outcome: "unknown", cause: "unreachable", detail: "not checked" };
    return {
      identity,
      permissions: outcomes.map((o) => ({ ...o, read: stopped(o.read), write: stopped(o.write) })),
      requests,
      durationMs: performance.now() - started,
    };
  }

  // 2. The probes, as a queue of tasks served by `concurrency` workers.
  type Task = { outcome: PermissionOutcome; level: "read" | "write"; request: ResolvedProbe };
  const queue: Task[] = [];
  for (const outcome of outcomes) {
    const { plan: check } = outcome;
    const first = check.readOnlyIfWriteDenied ? (["write"] as const) : (["read", "write"] as const);
    for (const level of first) {
      const planned = check[level];
      if (planned.kind === "request") queue.push({ outcome, level, request: planned.request });
    }
  }
  const total = plan.maxRequests;
  let completed = 0;
  const label = (o: PermissionOutcome) => o.plan.permission.label;

  async function work() {
    for (let task = queue.shift(); task; task = queue.shift()) {
      const answer = await send({ method: task.request.method, path: withQuery(task.request) });
      if (answer.kind === "http" && answer.status === 401 && !keyRejected) {
        keyRejected = { status: "rejected", failure: classifyAuthenticationFailure(answer), message: answer.message };
      }
      const result = keyRejected ? ({ outcome: "unknown", cause: "unreachable", detail: "the key stopped working during the check" } as const) : interpretProbeAnswer(task.request.expect, answer);
      task.outcome[task.level] = result;
      completed++;
      const { plan: check } = task.outcome;
      if (task.level === "write" && check.readOnlyIfWriteDenied) {
        if (result.outcome === "denied" && check.read.kind === "request") {
          queue.push({ outcome: task.outcome, level: "read", request: check.read.request });
        } else if (check.read.kind === "request") {
          // Write granted means read too; an unknown write leaves the read unasked (and uncounted).
          task.outcome.read = result.outcome === "granted" ? { outcome: "granted" } : { outcome: "not_planned" };
          completed++;
        }
      }
      opts.onProgress?.({ completed: Math.min(completed, total), total, label: label(task.outcome) });
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, work));

  return {
    identity: keyRejected ?? identity,
    permissions: outcomes,
    requests,
    durationMs: performance.now() - started,
  };
}

function initial(step: PlannedStep): StepOutcome {
  if (step.kind === "unprobeable") return { outcome: "unprobeable", reason: step.reason };
  if (step.kind === "not_planned") return { outcome: "not_planned" };
  return { outcome: "unknown", cause: "unreachable", detail: "not checked" };
}

function withQuery(request: ResolvedProbe) {
  const entries = Object.entries(request.params);
  if (entries.length === 0) return request.path;
  return `${request.path}?${entries.map(([k, v]) => `${encodeURIComponent(k).replace(/%5B/g, "[").replace(/%5D/g, "]")}=${encodeURIComponent(String(v))}`).join("&")}`;
}
