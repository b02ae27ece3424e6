import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { requireCustomer } from "~/auth/session.server";
import { HealthBadge } from "~/components/health-badge";
import { getManifest } from "~/config/manifest.server";
import { HEALTH_STATUS_TEXT } from "~/domain/health/health-status";
import { getAppContext } from "~/services/app-context.server";
import { listConnections } from "~/services/connection-store.server";
import { formatDateTime } from "~/utils/format";
import { pageTitle } from "~/utils/page-title";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "Dashboard");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireCustomer(request, context);
  const connections = await listConnections(getAppContext(), { organisationId: user.organisationId, state: "active" });
  return {
    name: user.name,
    vendorName: getManifest().vendor.name,
    connections: connections.map((c) => ({
      id: c.id,
      mode: c.mode,
      last4: c.key_last4,
      account: c.stripe_account_id,
      status: c.health_status,
      connectedAt: c.created_at,
      lastCheckedAt: c.last_checked_at,
      manifestVersion: c.manifest_version,
    })),
  };
}

export default function Dashboard() {
  const { name, vendorName, connections } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const connected = connections.find((c) => c.id === params.get("connected"));
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Dashboard</h1>
          <p>Your organisation&apos;s Stripe connection with {vendorName}.</p>
        </div>
        {connections.length > 0 ? (
          <Link to="/connect" className="button button-secondary">
            Connect or replace a key
          </Link>
        ) : null}
      </div>
      {params.get("welcome") ? (
        <div className="alert alert-ok" role="status">
          <div className="alert-title">Welcome, {name}.</div>
          <p>Your account is ready. Next, create a restricted key in Stripe and connect it.</p>
        </div>
      ) : null}
      {connected ? (
        <div className="alert alert-ok" role="status">
          <div className="alert-title">Key …{connected.last4} connected</div>
          <p>It passed the check and is stored encrypted. It will never be shown again, not even to us.</p>
        </div>
      ) : null}
      {connections.length === 0 ? (
        <section className="card empty" aria-labelledby="no-connection">
          <h2 id="no-connection">No Stripe key connected yet</h2>
          <p>Create a restricted key with the permissions on the checklist, then paste it on the connect page.</p>
          <div className="row row-center">
            <Link to="/connect" className="button">
              Connect a key
            </Link>
            <Link to="/checklist" className="button button-secondary">
              Open the checklist
            </Link>
          </div>
        </section>
      ) : (
        <div className="grid-2">
          {connections.map((c) => (
            <section key={c.id} className="card connection-card" aria-labelledby={`conn-${c.id}`}>
              <div className="spread">
                <h2 id={`conn-${c.id}`}>{c.mode === "live" ? "Live mode" : "Test mode"} key</h2>
                <HealthBadge status={c.status} />
              </div>
              <p className="muted">{HEALTH_STATUS_TEXT[c.status].advice}</p>
              <dl className="facts">
                <dt>Key</dt>
                <dd className="mono">
                  rk_{c.mode}_…{c.last4}
                </dd>
                <dt>Stripe account</dt>
                <dd className="mono">{c.account ?? "unknown"}</dd>
                <dt>Connected</dt>
                <dd>{formatDateTime(c.connectedAt)}</dd>
                <dt>Last checked</dt>
                <dd>{c.lastCheckedAt ? formatDateTime(c.lastCheckedAt) : "not yet"}</dd>
                <dt>Checklist version</dt>
                <dd>{c.manifestVersion}</dd>
              </dl>
              <div className="row card-actions">
                <Link to={`/connections/${c.id}`} className="button button-secondary">
                  View report
                </Link>
              </div>
            </section>
          ))}
        </div>
      )}
    </>
  );
}
