import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { notFoundEndpoint } from "~/services/vendor-api.server";

/** Any other path under /api/v1/: JSON, never the portal's HTML 404 page. */
export const loader = ({ request }: LoaderFunctionArgs) => notFoundEndpoint({ request });
export const action = ({ request }: ActionFunctionArgs) => notFoundEndpoint({ request });
