import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { listConnectionsEndpoint, vendorApiDependencies } from "~/services/vendor-api.server";

/** GET /api/v1/connections (see /api/v1/openapi.json). */
export const loader = ({ request, context, params }: LoaderFunctionArgs) =>
  listConnectionsEndpoint(vendorApiDependencies(), { request, ip: context.clientIp, params });

// Any other method: the handler answers 405 in JSON.
export const action = ({ request, context, params }: ActionFunctionArgs) =>
  listConnectionsEndpoint(vendorApiDependencies(), { request, ip: context.clientIp, params });
