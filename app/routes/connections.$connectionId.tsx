import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireCustomer } from "~/auth/session.server";
import { AuditTable } from "~/components/audit-table";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { HealthBadge } from "~/components/health-badge";
import { KeyReport } from "~/components/key-report";
import { getManifest } from "~/config/manifest.server";
import type { CheckTrigger } from "~/db/schema";
import { HEALTH_STATUS_TEXT } from "~/domain/health/health-status";
import type { KeyCheckReport } from "~/domain/report/report";
import { getAppContext } from "~/services/app-context.server";
import { getConnection, listChecks, listConnections } from "~/services/connection-store.server";
import { stripeApiKeysUrl } from "~/services/disconnect.server";
import { listOrganisationActivity } from "~/services/organisation-activity.server";
import { formatDateTime } from "~/utils/format";
import { pageTitle } from "~/utils/page-title";
import { TableScroll } from "~/components/table-scroll";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  pageTitle(matches, data ? `${data.connection.mode === "live" ? "Live" : "Test"} mode key …${data.connection.last4}` : "Connection");

const HISTORY_LIMIT = 20;

const TRIGGER_TEXT: Record<CheckTrigger, string> = {
  connect: "When connected",
  scheduled: "Scheduled",
  manual: "On request",
  support: "By support",
  api: "Through the API",
};

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireCustomer(request, context);
  const ctx = getAppContext();
  // Scoped to the customer's organisation: another organisation's id is simply not found.
  const connection = await getConnection(ctx, params.connectionId ?? "", user.organisationId);
  if (!connection) throw new Response("Not found", { status: 404 });
  const [checks, activity, all] = await Promise.all([
    listChecks(ctx, connection.id, { limit: HISTORY_LIMIT }),
    listOrganisationActivity(ctx, { organisationId: user.organisationId, connectionId: connection.id, limit: HISTORY_LIMIT }, { vendorName: getManifest().vendor.name }),
    listConnections(ctx, { organisationId: user.organisationId, mode: connection.mode }),
  ]);
  const related = (c: (typeof all)[number] | undefined) => (c ? { id: c.id, last4: c.key_last4 } : null);
  return {
    connection: {
      id: connection.id,
      mode: connection.mode,
      last4: connection.key_last4,
      account: connection.stripe_account_id,
      state: connection.state,
      status: connection.health_status,
      connectedAt: connection.created_at,
      endedAt: connection.ended_at,
      lastCheckedAt: connection.last_checked_at,
      manifestVersion: connection.manifest_version,
    },
    replacedBy: related(all.find((c) => c.id === connection.replaced_by)),
    replaces: related(all.find((c) => c.replaced_by === connection.id)),
    stripeApiKeysUrl: stripeApiKeysUrl(connection.mode),
    report: connection.report as KeyCheckReport,
    checks: checks.map((c) => ({
      id: c.id,
      checkedAt: c.checked_at,
      trigger: TRIGGER_TEXT[c.triggered_by] ?? c.triggered_by,
      status: c.status,
      requests: c.requests,
      durationMs: c.duration_ms,
      manifestVersion: c.manifest_version,
    })),
    events: activity.events,
    moreEvents: activity.nextBefore !== null,
  };
}

export default function ConnectionPage() {
  const { connection, replacedBy, replaces, stripeApiKeysUrl, report, checks, events, moreEvents } = useLoaderData<typeof loader>();
  const active = connection.state === "active";
  const keyName = `…${connection.last4}`;
  return (
    <>
      <div className="page-header">
        <div>
          <p className="eyebrow">
            <Link to="/dashboard">Dashboard</Link> › Connection
          </p>
          <h1>
            {connection.mode === "live" ? "Live" : "Test"} mode key {keyName}
          </h1>
        </div>
        {active ? (
          <HealthBadge status={connection.status} />
        ) : (
          <span className="badge badge-neutral">{connection.state === "replaced" ? "Replaced" : "Disconnected"}</span>
        )}
      </div>

      {active ? (
        <section className="card connection-summary" aria-labelledby="what-to-do">
          <h2 id="what-to-do" className="visually-hidden">
            Status and actions
          </h2>
          <p>
            <strong>{HEALTH_STATUS_TEXT[connection.status].label}.</strong> {HEALTH_STATUS_TEXT[connection.status].advice}
          </p>
          <div className="row">
            <Link to={`/connect?replace=${connection.id}`} className="button">
              Replace key
            </Link>
            <Link to={`/connections/${connection.id}/disconnect`} className="button button-secondary button-danger-text">
              Disconnect
            </Link>
          </div>
        </section>
      ) : (
        <div className="alert alert-info" role="status">
          <div className="alert-title">
            {connection.state === "replaced" ? (
              <>
                Replaced{replacedBy ? ` by …${replacedBy.last4}` : ""}
                {connection.endedAt ? ` on ${formatDateTime(connection.endedAt)}` : ""}
              </>
            ) : (
              <>Disconnected{connection.endedAt ? ` on ${formatDateTime(connection.endedAt)}` : ""}</>
            )}
          </div>
          <p>
            Keyport destroyed its encrypted copy of {keyName} when it ended; only the facts below remain. If you have not done so yet,{" "}
            <a href={stripeApiKeysUrl} target="_blank" rel="noreferrer">
              delete {keyName} in the Stripe Dashboard ({connection.mode} mode)
              <span className="visually-hidden"> (opens in a new tab)</span>
            </a>
            .
          </p>
          {replacedBy ? (
            <p>
              <Link to={`/connections/${replacedBy.id}`}>See the key that replaced it (…{replacedBy.last4})</Link>
            </p>
          ) : null}
        </div>
      )}

      <div className="grid-2 connection-layout">
        <section className="card" aria-labelledby="facts-title">
          <h2 id="facts-title">About this key</h2>
          <dl className="facts">
            <dt>Key</dt>
            <dd className="mono">
              rk_{connection.mode}_{keyName}
            </dd>
            <dt>Stripe account</dt>
            <dd className="mono">{connection.account ?? "unknown"}</dd>
            <dt>Connected</dt>
            <dd>{formatDateTime(connection.connectedAt)}</dd>
            {replaces ? (
              <>
                <dt>Replaced key</dt>
                <dd>
                  <Link to={`/connections/${replaces.id}`} className="mono">
                    …{replaces.last4}
                  </Link>
                </dd>
              </>
            ) : null}
            {connection.endedAt ? (
              <>
                <dt>Ended</dt>
                <dd>{formatDateTime(connection.endedAt)}</dd>
              </>
            ) : null}
            <dt>Last checked</dt>
            <dd>{connection.lastCheckedAt ? formatDateTime(connection.lastCheckedAt) : "not yet"}</dd>
            <dt>Checklist version</dt>
            <dd>{connection.manifestVersion}</dd>
          </dl>
        </section>
        <section className="card" aria-labelledby="checks-title">
          <h2 id="checks-title">Check history</h2>
          {checks.length === 0 ? (
            <p className="muted">No checks yet.</p>
          ) : (
            <TableScroll label="Checks of this key">
              <table>
                <caption className="visually-hidden">Checks of this key, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Result</th>
                    <th scope="col">Requests</th>
                  </tr>
                </thead>
                <tbody>
                  {checks.map((c) => (
                    <tr key={c.id}>
                      <td className="small">
                        {formatDateTime(c.checkedAt)}
                        <div className="muted">{c.trigger}</div>
                      </td>
                      <td>
                        <HealthBadge status={c.status} />
                      </td>
                      <td className="small">
                        {c.requests} in {(c.durationMs / 1000).toFixed(1)} s<div className="muted">checklist v{c.manifestVersion}</div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )}
        </section>
      </div>

      <section className="connection-section" aria-labelledby="report-section">
        <h2 id="report-section">Check when it was connected</h2>
        <KeyReport report={report} headingLevel={3} />
      </section>

      <section className="connection-section" aria-labelledby="activity-title">
        <div className="spread">
          <h2 id="activity-title">Activity for this key</h2>
          {moreEvents ? (
            <Link to="/activity" className="small">
              All activity
            </Link>
          ) : null}
        </div>
        <AuditTable events={events} />
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
