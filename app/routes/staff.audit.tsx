import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireStaff } from "~/auth/session.server";
import { AuditTable } from "~/components/audit-table";
import { getAppContext } from "~/services/app-context.server";
import { listAuditEvents } from "~/services/audit.server";
import { pageTitle } from "~/utils/page-title";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "Audit trail");

const PAGE_SIZE = 50;
const QuerySchema = z.object({ before: z.coerce.number().int().positive().optional() });

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireStaff(request, context);
  const query = QuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  const before = query.success ? query.data.before : undefined;
  const events = await listAuditEvents(getAppContext(), { limit: PAGE_SIZE + 1, beforeId: before });
  return { events: events.slice(0, PAGE_SIZE), nextBefore: events.length > PAGE_SIZE ? events[PAGE_SIZE - 1]!.id : null };
}

export default function StaffAudit() {
  const { events, nextBefore } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="page-header">
        <div>
          <p className="eyebrow">Support console</p>
          <h1>Audit trail</h1>
          <p>Every sign-in, key submission, check and staff action, newest first. Entries cannot be edited or deleted.</p>
        </div>
      </div>
      <AuditTable events={events} showOrganisation />
      {nextBefore ? (
        <nav className="pagination" aria-label="Audit pages">
          <span />
          <Link to={`?before=${nextBefore}`}>Older entries →</Link>
        </nav>
      ) : null}
    </>
  );
}
