import type { AppLoadContext } from "@remix-run/node";

/** Who is asking, for rate limits and the audit trail. */
export function requestMeta(request: Request, context: AppLoadContext) {
  return { ip: context.clientIp, userAgent: request.headers.get("user-agent") };
}
