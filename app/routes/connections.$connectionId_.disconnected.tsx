import { type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireCustomer } from "~/auth/session.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { getManifest } from "~/config/manifest.server";
import { getAppContext } from "~/services/app-context.server";
import { getConnection } from "~/services/connection-store.server";
import { stripeApiKeysUrl } from "~/services/disconnect.server";
import { formatDateTime } from "~/utils/format";
import { pageTitle } from "~/utils/page-title";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  pageTitle(matches, data ? `Key …${data.connection.last4} disconnected` : "Key disconnected");

/** After a disconnection: what happened, and how to delete the key in Stripe (which Keyport cannot do). */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireCustomer(request, context);
  const connection = await getConnection(getAppContext(), params.connectionId ?? "", user.organisationId);
  if (!connection) throw new Response("Not found", { status: 404 });
  if (connection.state !== "revoked_by_customer") throw redirect(`/connections/${connection.id}`);
  return {
    vendorName: getManifest().vendor.name,
    stripeApiKeysUrl: stripeApiKeysUrl(connection.mode),
    connection: { id: connection.id, mode: connection.mode, last4: connection.key_last4, account: connection.stripe_account_id, endedAt: connection.ended_at },
  };
}

export default function DisconnectedPage() {
  const { vendorName, stripeApiKeysUrl, connection } = useLoaderData<typeof loader>();
  const keyName = `…${connection.last4}`;
  return (
    <>
      <div className="page-header">
        <div>
          <p className="eyebrow">
            <Link to="/dashboard">Dashboard</Link> › Disconnected
          </p>
          <h1>Key {keyName} disconnected</h1>
        </div>
      </div>
      <div className="alert alert-ok" role="status">
        <div className="alert-title">Keyport destroyed its copy of {keyName}</div>
        <p>
          {connection.endedAt ? `On ${formatDateTime(connection.endedAt)}, ` : ""}the encrypted key and the key that unlocked it were erased.{" "}
          {vendorName} can no longer use it through Keyport.
        </p>
      </div>

      <section className="card delete-in-stripe" aria-labelledby="delete-title">
        <h2 id="delete-title">One more step: delete the key in Stripe</h2>
        <p>
          The key still exists in your Stripe account and works for anyone who holds a copy. Keyport cannot delete it for you; only someone who
          can sign in to your Stripe Dashboard can.
        </p>
        <ol className="steps">
          <li>
            Open the API keys page in {connection.mode} mode
            {connection.account ? (
              <>
                {" "}
                for Stripe account <span className="mono">{connection.account}</span>
              </>
            ) : null}
            .
            <p>
              <a href={stripeApiKeysUrl} className="button" target="_blank" rel="noreferrer">
                Open API keys in the Stripe Dashboard <span aria-hidden="true">↗</span>
                <span className="visually-hidden"> ({connection.mode} mode, opens in a new tab)</span>
              </a>
            </p>
          </li>
          <li>
            Under <strong>Restricted keys</strong>, find the key ending in{" "}
            <span className="mono">
              rk_{connection.mode}_{keyName}
            </span>
            .
          </li>
          <li>
            Open its overflow menu (<span aria-hidden="true">⋯</span>
            <span className="visually-hidden">three dots</span>) and delete the key.
          </li>
        </ol>
        <p className="muted small">Until you do, the key keeps the permissions you gave it, whatever happens here.</p>
      </section>

      <div className="row disconnected-actions">
        <Link to="/dashboard" className="button button-secondary">
          Back to the dashboard
        </Link>
        <Link to="/connect" className="button button-secondary">
          Connect a new key
        </Link>
        <Link to={`/connections/${connection.id}`}>See this key&apos;s history</Link>
      </div>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
