import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireCustomer } from "~/auth/session.server";
import { AuditTable } from "~/components/audit-table";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { getManifest } from "~/config/manifest.server";
import { getAppContext } from "~/services/app-context.server";
import { listOrganisationActivity } from "~/services/organisation-activity.server";
import { pageTitle } from "~/utils/page-title";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "Activity");

const QuerySchema = z.object({ before: z.coerce.number().int().positive().optional() });

/** The organisation's audit trail: sign-ins, key submissions, checks, replacements, disconnections and support's actions. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireCustomer(request, context);
  const query = QuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  const before = query.success ? query.data.before : undefined;
  const page = await listOrganisationActivity(getAppContext(), { organisationId: user.organisationId, beforeId: before }, { vendorName: getManifest().vendor.name });
  return { ...page, isFirstPage: before === undefined };
}

export default function ActivityPage() {
  const { events, nextBefore, isFirstPage } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="page-header">
        <div>
          <p className="eyebrow">Organisation</p>
          <h1>Activity</h1>
          <p>
            Everything that happened to your organisation&apos;s account and Stripe keys, newest first: sign-ins, keys submitted and checked,
            replacements, disconnections and actions by the vendor&apos;s support. Entries cannot be edited or deleted, and never contain a key.
          </p>
        </div>
      </div>
      <AuditTable events={events} />
      {nextBefore !== null || !isFirstPage ? (
        <nav className="pagination" aria-label="Activity pages">
          {isFirstPage ? <span /> : <Link to="/activity">← Newest entries</Link>}
          {nextBefore !== null ? <Link to={`?before=${nextBefore}`}>Older entries →</Link> : <span />}
        </nav>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
