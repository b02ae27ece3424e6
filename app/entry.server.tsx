import { PassThrough } from "node:stream";
import type { AppLoadContext, EntryContext, HandleDataRequestFunction, HandleErrorFunction } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { NonceProvider } from "./components/nonce";
import { getEnv } from "./config/env.server";
import { startPortalServices, stopPortalServices } from "./services/portal-lifecycle.server";
import { redactSecrets } from "./utils/redact-secrets";

const ABORT_DELAY = 5_000;

export { startPortalServices as startPortal, stopPortalServices as stopPortal };

function finishHeaders(headers: Headers, context: AppLoadContext) {
  for (const cookie of context.responseCookies ?? []) headers.append("Set-Cookie", cookie);
  // Pages may show organisation data: never store them in shared or browser caches.
  if (!headers.has("Cache-Control")) headers.set("Cache-Control", "private, no-store");
}

export const handleDataRequest: HandleDataRequestFunction = (response, { context }) => {
  finishHeaders(response.headers, context);
  return response;
};

export const handleError: HandleErrorFunction = (error, { request }) => {
  if (request.signal.aborted) return;
  const env = getEnv();
  if (env.KEYPORT_LOG_LEVEL === "silent") return;
  const text = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ""}` : String(error);
  console.error(redactSecrets(`Error while handling ${request.method} ${new URL(request.url).pathname}: ${text}`));
};

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  finishHeaders(responseHeaders, loadContext);
  const nonce = loadContext.cspNonce;
  const waitForAll = isbot(request.headers.get("user-agent") ?? "");

  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </NonceProvider>,
      {
        nonce,
        [waitForAll ? "onAllReady" : "onShellReady"]() {
          shellRendered = true;
          const body = new PassThrough();
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          resolve(new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }));
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) console.error(redactSecrets(String(error)));
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
}
