import type { LoaderFunctionArgs } from "@remix-run/node";
import { Outlet } from "@remix-run/react";
import { requireStaff } from "~/auth/session.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";

// Everything under /staff is for the vendor's support staff and administrators only.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireStaff(request, context);
  return { role: user.role };
}

export default function StaffLayout() {
  return <Outlet />;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
