import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getCredentialsEndpoint, vendorApiDependencies } from "~/services/vendor-api.server";

/** GET /api/v1/connections/:connectionId/credentials: the decrypted key (see /api/v1/openapi.json). */
export const loader = ({ request, context, params }: LoaderFunctionArgs) =>
  getCredentialsEndpoint(vendorApiDependencies(), { request, ip: context.clientIp, params });

// Any other method: the handler answers 405 in JSON.
export const action = ({ request, context, params }: ActionFunctionArgs) =>
  getCredentialsEndpoint(vendorApiDependencies(), { request, ip: context.clientIp, params });
