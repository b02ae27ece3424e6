import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireCustomer } from "~/auth/session.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { HealthBadge } from "~/components/health-badge";
import { KeyReport } from "~/components/key-report";
import type { KeyCheckReport } from "~/domain/report/report";
import { getAppContext } from "~/services/app-context.server";
import { getConnection } from "~/services/connection-store.server";
import { pageTitle } from "~/utils/page-title";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "Connection");

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireCustomer(request, context);
  // Scoped to the customer's organisation: another organisation's id is simply not found.
  const connection = await getConnection(getAppContext(), params.connectionId ?? "", user.organisationId);
  if (!connection) throw new Response("Not found", { status: 404 });
  return {
    connection: { id: connection.id, mode: connection.mode, last4: connection.key_last4, state: connection.state, status: connection.health_status },
    report: connection.report as KeyCheckReport,
  };
}

export default function ConnectionPage() {
  const { connection, report } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="page-header">
        <div>
          <p className="eyebrow">
            <Link to="/dashboard">Dashboard</Link> › Connection
          </p>
          <h1>
            {connection.mode === "live" ? "Live" : "Test"} mode key …{connection.last4}
          </h1>
        </div>
        <HealthBadge status={connection.status} />
      </div>
      <KeyReport report={report} />
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
