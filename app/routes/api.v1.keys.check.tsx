import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { checkKeyEndpoint, vendorApiDependencies } from "~/services/vendor-api.server";

/** POST /api/v1/keys/check: check a key without storing it (see /api/v1/openapi.json). */
export const action = ({ request, context, params }: ActionFunctionArgs) =>
  checkKeyEndpoint(vendorApiDependencies(), { request, ip: context.clientIp, params });

// GET: the handler answers 405 in JSON.
export const loader = ({ request, context, params }: LoaderFunctionArgs) =>
  checkKeyEndpoint(vendorApiDependencies(), { request, ip: context.clientIp, params });
