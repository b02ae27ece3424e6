import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireStaff } from "~/auth/session.server";
import { AuditTable } from "~/components/audit-table";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { HealthBadge } from "~/components/health-badge";
import { KeyReport } from "~/components/key-report";
import { HEALTH_STATUS_TEXT } from "~/domain/health/health-status";
import type { KeyCheckReport } from "~/domain/report/report";
import { getAppContext } from "~/services/app-context.server";
import { listAuditEvents } from "~/services/audit.server";
import { listChecks } from "~/services/connection-store.server";
import { checkConnectionNow } from "~/services/health.server";
import { getConnectionForSupport } from "~/services/support-console.server";
import { formatDateTime } from "~/utils/format";
import { pageTitle } from "~/utils/page-title";
import { requestMeta } from "~/utils/request-meta.server";
import { TableScroll } from "~/components/table-scroll";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "Connection (support)");

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requireStaff(request, context);
  const ctx = getAppContext();
  const connection = await getConnectionForSupport(ctx, params.connectionId ?? "");
  if (!connection) throw new Response("Not found", { status: 404 });
  const [checks, events] = await Promise.all([listChecks(ctx, connection.id, { limit: 20 }), listAuditEvents(ctx, { targetId: connection.id, limit: 50 })]);
  const latest = checks.find((c) => c.findings && typeof c.findings === "object" && "verdict" in (c.findings as object));
  return {
    connection,
    report: (latest?.findings as KeyCheckReport | undefined) ?? null,
    checks: checks.map((c) => ({ id: c.id, at: c.checked_at, trigger: c.triggered_by, status: c.status, durationMs: c.duration_ms, requests: c.requests, manifestVersion: c.manifest_version, error: (c.findings as { error?: string } | null)?.error })),
    events,
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const staff = await requireStaff(request, context);
  const form = await request.formData();
  if (form.get("intent") !== "check-now") return data({ error: "Unknown action." }, { status: 400 });
  const ctx = getAppContext();
  const connection = await getConnectionForSupport(ctx, params.connectionId ?? "");
  if (!connection) throw new Response("Not found", { status: 404 });
  if (connection.state !== "active") return data({ error: "This connection has ended; there is no key to check." }, { status: 409 });
  const result = await checkConnectionNow(ctx, connection.id, {
    trigger: "support",
    actor: { type: "staff", id: staff.id, label: staff.email },
    ip: requestMeta(request, context).ip,
  });
  return { checked: result.status, changed: result.changed, previous: result.previousStatus };
}

export default function SupportConnectionPage() {
  const { connection, report, checks, events } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <>
      <div className="page-header">
        <div>
          <p className="eyebrow">
            <Link to="/staff">Support console</Link> › Connection
          </p>
          <h1>{connection.organisationName}</h1>
          <p>
            {connection.mode === "live" ? "Live" : "Test"} mode key …{connection.last4} · {connection.account ?? "account unknown"}
          </p>
        </div>
        <HealthBadge status={connection.status} />
      </div>

      {actionData && "checked" in actionData ? (
        <div className={`alert ${actionData.checked === "healthy" ? "alert-ok" : "alert-warn"}`} role="status">
          <p>
            Checked just now: <strong>{HEALTH_STATUS_TEXT[actionData.checked].label}</strong>
            {actionData.changed ? ` (was ${HEALTH_STATUS_TEXT[actionData.previous].label})` : " (unchanged)"}.
          </p>
        </div>
      ) : null}
      {actionData && "error" in actionData ? (
        <div className="alert alert-bad" role="alert">
          <p>{actionData.error}</p>
        </div>
      ) : null}

      <div className="grid-2">
        <section className="card" aria-labelledby="facts">
          <h2 id="facts">Connection</h2>
          <dl className="facts">
            <dt>Status</dt>
            <dd>{HEALTH_STATUS_TEXT[connection.status].label}</dd>
            <dt>State</dt>
            <dd>{connection.state === "active" ? "Active" : connection.state === "replaced" ? "Replaced" : "Disconnected by the customer"}</dd>
            <dt>Organisation id</dt>
            <dd className="mono small">{connection.organisationId}</dd>
            <dt>Connected</dt>
            <dd>{formatDateTime(connection.createdAt)}</dd>
            <dt>Last check</dt>
            <dd>{connection.lastCheckedAt ? formatDateTime(connection.lastCheckedAt) : "never"}</dd>
            <dt>Next scheduled check</dt>
            <dd>{connection.state === "active" && connection.nextCheckAt ? formatDateTime(connection.nextCheckAt) : "—"}</dd>
            <dt>Checklist version</dt>
            <dd>{connection.manifestVersion}</dd>
          </dl>
        </section>
        <section className="card" aria-labelledby="check-now">
          <h2 id="check-now">Check now</h2>
          <p className="muted">
            Re-probes the key against Stripe with read-only requests. The key is decrypted in memory for the check only; support never sees it.
          </p>
          <Form method="post">
            <input type="hidden" name="intent" value="check-now" />
            <button type="submit" className="button" disabled={busy || connection.state !== "active"}>
              {busy ? "Checking…" : "Check now"}
            </button>
          </Form>
        </section>
      </div>

      <section aria-labelledby="latest-report" className="section">
        <h2 id="latest-report">Latest report</h2>
        {report ? <KeyReport report={report} headingLevel={3} context="health" /> : <p className="card empty">No report yet.</p>}
      </section>

      <section aria-labelledby="history" className="section">
        <h2 id="history">Check history</h2>
        <TableScroll label="Check history">
          <table>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Triggered by</th>
                <th scope="col">Status</th>
                <th scope="col">Duration</th>
                <th scope="col">Requests</th>
                <th scope="col">Checklist version</th>
              </tr>
            </thead>
            <tbody>
              {checks.map((c) => (
                <tr key={c.id}>
                  <td className="small">{formatDateTime(c.at)}</td>
                  <td>{c.trigger}</td>
                  <td>
                    <HealthBadge status={c.status} />
                    {c.error ? <div className="muted small">{c.error}</div> : null}
                  </td>
                  <td className="small">{(c.durationMs / 1000).toFixed(1)} s</td>
                  <td className="small">{c.requests}</td>
                  <td className="small">{c.manifestVersion}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      </section>

      <section aria-labelledby="events" className="section">
        <h2 id="events">Audit events</h2>
        <AuditTable events={events} />
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
