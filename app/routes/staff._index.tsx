import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { requireStaff } from "~/auth/session.server";
import { HealthBadge } from "~/components/health-badge";
import { HEALTH_STATUS_TEXT, HEALTH_STATUSES } from "~/domain/health/health-status";
import { getAppContext } from "~/services/app-context.server";
import { countByStatus, listConnectionsForSupport } from "~/services/support-console.server";
import { formatAge, formatDateTime } from "~/utils/format";
import { pageTitle } from "~/utils/page-title";
import { TableScroll } from "~/components/table-scroll";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "Support console");

const QuerySchema = z.object({
  status: z.enum(HEALTH_STATUSES).optional().catch(undefined),
  mode: z.enum(["test", "live"]).optional().catch(undefined),
  state: z.enum(["active", "ended", "all"]).optional().catch(undefined),
  q: z.string().trim().max(100).optional().catch(undefined),
  after: z.string().max(200).optional().catch(undefined),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireStaff(request, context);
  const filter = QuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const ctx = getAppContext();
  const [page, counts] = await Promise.all([listConnectionsForSupport(ctx, { ...filter, limit: 50 }), countByStatus(ctx)]);
  return { ...page, counts, filter, now: ctx.now() };
}

export default function SupportConsole() {
  const { rows, nextCursor, counts, filter, now } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const total = Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);
  const next = new URLSearchParams(params);
  if (nextCursor) next.set("after", nextCursor);
  return (
    <>
      <div className="page-header">
        <div>
          <p className="eyebrow">Support console</p>
          <h1>Connections</h1>
          <p>Every customer organisation&apos;s Stripe connection and its health. Keys are never shown here, only their last four characters.</p>
        </div>
      </div>

      <section className="card" aria-label="Filter connections">
        <Form method="get" className="filter-bar">
          <div className="field">
            <label htmlFor="q">Organisation or account</label>
            <input id="q" name="q" type="search" defaultValue={filter.q ?? ""} placeholder="Acme or acct_1…" />
          </div>
          <div className="field">
            <label htmlFor="status">Status</label>
            <select id="status" name="status" defaultValue={filter.status ?? ""}>
              <option value="">Any status ({total})</option>
              {HEALTH_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {HEALTH_STATUS_TEXT[s].label} ({counts[s] ?? 0})
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="mode">Mode</label>
            <select id="mode" name="mode" defaultValue={filter.mode ?? ""}>
              <option value="">Test and live</option>
              <option value="test">Test</option>
              <option value="live">Live</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="state">Connections</label>
            <select id="state" name="state" defaultValue={filter.state ?? "active"}>
              <option value="active">Active</option>
              <option value="ended">Replaced or disconnected</option>
              <option value="all">All</option>
            </select>
          </div>
          <div className="row">
            <button type="submit" className="button">
              Filter
            </button>
            <Link to="/staff">Clear</Link>
          </div>
        </Form>
      </section>

      {rows.length === 0 ? (
        <p className="card empty">No connections match.</p>
      ) : (
        <TableScroll label="Connections">
          <table>
            <caption className="visually-hidden">Connections, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Organisation</th>
                <th scope="col">Mode</th>
                <th scope="col">Account</th>
                <th scope="col">Key</th>
                <th scope="col">Status</th>
                <th scope="col">Last check</th>
                <th scope="col">Age</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Link to={`/staff/connections/${r.id}`}>{r.organisationName}</Link>
                    {r.state !== "active" ? <div className="muted small">{r.state === "replaced" ? "replaced" : "disconnected by customer"}</div> : null}
                  </td>
                  <td>{r.mode}</td>
                  <td className="mono small">{r.account ?? "—"}</td>
                  <td className="mono small">…{r.last4}</td>
                  <td>
                    <HealthBadge status={r.status} />
                  </td>
                  <td className="small">{r.lastCheckedAt ? formatDateTime(r.lastCheckedAt) : "never"}</td>
                  <td className="small">{formatAge(r.createdAt, now)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      <nav className="pagination" aria-label="Pages">
        {params.get("after") ? <Link to={`?${new URLSearchParams([...params].filter(([k]) => k !== "after"))}`}>← First page</Link> : <span />}
        {nextCursor ? <Link to={`?${next}`}>Next page →</Link> : null}
      </nav>
    </>
  );
}
