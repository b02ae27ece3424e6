import type { LoaderFunctionArgs } from "@remix-run/node";
import { getEnv } from "~/config/env.server";
import { getManifest } from "~/config/manifest.server";
import { buildOpenApiDocument } from "~/services/vendor-api-openapi";

/**
 * GET /api/v1/openapi.json: the OpenAPI 3.1 description of the service API. It describes the API,
 * not any data, so it is public and may be cached briefly.
 */
export function loader({ request }: LoaderFunctionArgs) {
  const origin = getEnv().KEYPORT_ORIGIN ?? new URL(request.url).origin;
  const document = buildOpenApiDocument({ serverUrl: `${origin}/api/v1`, vendorName: getManifest().vendor.name });
  return new Response(`${JSON.stringify(document, null, 2)}\n`, {
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*" },
  });
}
