import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { listChecksEndpoint, startCheckEndpoint, vendorApiDependencies } from "~/services/vendor-api.server";

/** GET /api/v1/connections/:connectionId/checks: the history (see /api/v1/openapi.json). */
export const loader = ({ request, context, params }: LoaderFunctionArgs) =>
  listChecksEndpoint(vendorApiDependencies(), { request, ip: context.clientIp, params });

/** POST /api/v1/connections/:connectionId/checks: check now. */
export const action = ({ request, context, params }: ActionFunctionArgs) =>
  startCheckEndpoint(vendorApiDependencies(), { request, ip: context.clientIp, params });
