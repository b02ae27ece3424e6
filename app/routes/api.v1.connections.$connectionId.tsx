import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getConnectionEndpoint, vendorApiDependencies } from "~/services/vendor-api.server";

/** GET /api/v1/connections/:connectionId (see /api/v1/openapi.json). */
export const loader = ({ request, context, params }: LoaderFunctionArgs) =>
  getConnectionEndpoint(vendorApiDependencies(), { request, ip: context.clientIp, params });

// Any other method: the handler answers 405 in JSON.
export const action = ({ request, context, params }: ActionFunctionArgs) =>
  getConnectionEndpoint(vendorApiDependencies(), { request, ip: context.clientIp, params });
