import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { requireCustomer } from "~/auth/session.server";
import { HealthBadge } from "~/components/health-badge";
import { getManifest } from "~/config/manifest.server";
import { HEALTH_STATUS_TEXT } from "~/domain/health/health-status";
import { getAppContext } from "~/services/app-context.server";
import { listConnections } from "~/services/connection-store.server";
import { stripeApiKeysUrl } from "~/services/disconnect.server";
import { formatDateTime } from "~/utils/format";
import { pageTitle } from "~/utils/page-title";
import { TableScroll } from "~/components/table-scroll";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "Dashboard");

/** Ended connections shown here; the organisation's activity page has the full trail. */
const HISTORY_LIMIT = 20;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireCustomer(request, context);
  const all = await listConnections(getAppContext(), { organisationId: user.organisationId });
  const active = all.filter((c) => c.state === "active");
  const lastFour = new Map(all.map((c) => [c.id, c.key_last4]));
  const ended = all
    .filter((c) => c.state !== "active")
    .sort((a, b) => (b.ended_at ?? 0) - (a.ended_at ?? 0))
    .slice(0, HISTORY_LIMIT);
  return {
    name: user.name,
    vendorName: getManifest().vendor.name,
    connections: active.map((c) => ({
      id: c.id,
      mode: c.mode,
      last4: c.key_last4,
      account: c.stripe_account_id,
      status: c.health_status,
      connectedAt: c.created_at,
      lastCheckedAt: c.last_checked_at,
      manifestVersion: c.manifest_version,
    })),
    history: ended.map((c) => ({
      id: c.id,
      mode: c.mode,
      last4: c.key_last4,
      account: c.stripe_account_id,
      state: c.state,
      connectedAt: c.created_at,
      endedAt: c.ended_at,
      replacedBy: c.replaced_by ? { id: c.replaced_by, last4: lastFour.get(c.replaced_by) ?? "????" } : null,
      stripeApiKeysUrl: stripeApiKeysUrl(c.mode),
    })),
  };
}

export default function Dashboard() {
  const { name, vendorName, connections, history } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const connected = connections.find((c) => c.id === params.get("connected"));
  const replaced = connected ? history.find((h) => h.replacedBy?.id === connected.id) : undefined;
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Dashboard</h1>
          <p>Your organisation&apos;s Stripe connection with {vendorName}.</p>
        </div>
        {connections.length > 0 ? (
          <Link to="/connect" className="button button-secondary">
            Connect a key
          </Link>
        ) : null}
      </div>
      {params.get("welcome") ? (
        <div className="alert alert-ok" role="status">
          <div className="alert-title">Welcome, {name}.</div>
          <p>Your account is ready. Next, create a restricted key in Stripe and connect it.</p>
        </div>
      ) : null}
      {connected && replaced ? (
        <div className="alert alert-ok" role="status">
          <div className="alert-title">Key …{connected.last4} connected</div>
          <p>
            It passed the check, is stored encrypted and replaces …{replaced.last4}. Keyport destroyed its copy of …{replaced.last4}, but that key
            still works in Stripe until you delete it there.
          </p>
          <p>
            <a href={replaced.stripeApiKeysUrl} target="_blank" rel="noreferrer">
              Delete …{replaced.last4} in the Stripe Dashboard ({replaced.mode} mode)
              <span className="visually-hidden"> (opens in a new tab)</span>
            </a>
          </p>
        </div>
      ) : connected ? (
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
                <Link to={`/connections/${c.id}`} className="button button-secondary" aria-label={`View report of key …${c.last4}`}>
                  View report
                </Link>
                <Link to={`/connect?replace=${c.id}`} className="button button-secondary" aria-label={`Replace key …${c.last4}`}>
                  Replace key
                </Link>
                <Link to={`/connections/${c.id}/disconnect`} className="button button-secondary button-danger-text" aria-label={`Disconnect key …${c.last4}`}>
                  Disconnect
                </Link>
              </div>
            </section>
          ))}
        </div>
      )}
      {history.length > 0 ? <ConnectionHistory history={history} /> : null}
    </>
  );
}

function ConnectionHistory({ history }: { history: ReturnType<typeof useLoaderData<typeof loader>>["history"] }) {
  return (
    <section className="connection-history" aria-labelledby="history-title">
      <div className="spread">
        <h2 id="history-title">Earlier keys</h2>
        <Link to="/activity" className="small">
          All activity
        </Link>
      </div>
      <p className="muted small">Keys that were replaced or disconnected. Keyport destroyed each of them when it ended; only these facts remain.</p>
      <TableScroll label="Earlier keys">
        <table>
          <caption className="visually-hidden">Ended connections, most recently ended first</caption>
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Stripe account</th>
              <th scope="col">Connected</th>
              <th scope="col">Ended</th>
              <th scope="col">How it ended</th>
            </tr>
          </thead>
          <tbody>
            {history.map((h) => (
              <tr key={h.id}>
                <td>
                  <Link to={`/connections/${h.id}`} className="mono">
                    rk_{h.mode}_…{h.last4}
                  </Link>
                </td>
                <td className="mono small">{h.account ?? "unknown"}</td>
                <td className="small">{formatDateTime(h.connectedAt)}</td>
                <td className="small">{h.endedAt ? formatDateTime(h.endedAt) : "—"}</td>
                <td>
                  {h.state === "replaced" ? (
                    <span className="badge badge-neutral">Replaced{h.replacedBy ? ` by …${h.replacedBy.last4}` : ""}</span>
                  ) : (
                    <span className="badge badge-neutral">Disconnected</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </section>
  );
}
