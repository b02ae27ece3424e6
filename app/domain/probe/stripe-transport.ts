import Stripe from "stripe";
import type { Secret } from "~/domain/key/secret";

/**
 * The one place Keyport talks to Stripe: the official SDK, pointed at `apiBase`
 * (https://api.stripe.com in production, the local emulator in development and tests).
 *
 * Every answer is normalised to `StripeAnswer`; nothing here decides what an answer means. The
 * SDK's own retries are off (`maxNetworkRetries: 0`) because the probe runner retries with its
 * own budget and rate limit. The key is added by an authenticator at send time, so the client
 * never holds it.
 */
export type StripeAnswer =
  | {
      kind: "http";
      status: number;
      /** Stripe's `error.code` (e.g. `resource_missing`, `api_key_expired`), when the body has one. */
      code?: string;
      /** Stripe's `error.message`, when the body has one. */
      message?: string;
      /** The `Stripe-Should-Retry` header, when present. */
      shouldRetry?: boolean;
      /** The response body for 2xx answers (the account, a list …). */
      body?: unknown;
    }
  | { kind: "network"; reason: "timeout" | "connection"; message: string };

export interface StripeRequest {
  method: "GET" | "POST" | "DELETE";
  /** Path with its query string, starting with /v1/. */
  path: string;
}

export interface StripeTransport {
  send(secret: Secret, request: StripeRequest, options: { timeoutMs: number }): Promise<StripeAnswer>;
}

export function stripeClientConfig(apiBase: string): Stripe.StripeConfig {
  const url = new URL(apiBase);
  const protocol = url.protocol === "http:" ? "http" : "https";
  return {
    host: url.hostname,
    port: url.port || (protocol === "http" ? 80 : 443),
    protocol,
    maxNetworkRetries: 0,
    telemetry: false,
    appInfo: { name: "Keyport", url: "https://github.com/keyport" },
  };
}

export function createStripeTransport(options: { apiBase: string }): StripeTransport {
  // The SDK insists on a key at construction; every request supplies the real one.
  const stripe = new Stripe("sk_unused_placeholder", stripeClientConfig(options.apiBase));
  return {
    async send(secret, request, { timeoutMs }) {
      try {
        const response = await stripe.rawRequest(request.method, request.path, undefined, {
          authenticator: (req: { headers: Record<string, string> }) => {
            req.headers.Authorization = `Bearer ${secret.reveal()}`;
            return Promise.resolve();
          },
          timeout: Math.max(1, Math.round(timeoutMs)),
        } as Stripe.RawRequestOptions);
        return { kind: "http", status: response.lastResponse?.statusCode ?? 200, body: response };
      } catch (error) {
        return toAnswer(error);
      }
    },
  };
}

function toAnswer(error: unknown): StripeAnswer {
  if (error instanceof Stripe.errors.StripeConnectionError || !(error instanceof Stripe.errors.StripeError)) {
    const message = error instanceof Error ? error.message : String(error);
    return { kind: "network", reason: /timed? ?out|ETIMEDOUT|timeout/i.test(message) ? "timeout" : "connection", message };
  }
  const shouldRetryHeader = error.headers?.["stripe-should-retry"];
  return {
    kind: "http",
    status: error.statusCode ?? 0,
    code: error.code,
    message: error.message,
    shouldRetry: shouldRetryHeader === undefined ? undefined : shouldRetryHeader === "true",
  };
}
