import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireCustomer } from "~/auth/session.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { HealthBadge } from "~/components/health-badge";
import { getManifest } from "~/config/manifest.server";
import type { ConnectionMode } from "~/db/schema";
import { actorType } from "~/services/accounts.server";
import { getAppContext } from "~/services/app-context.server";
import { type Connection, getConnection } from "~/services/connection-store.server";
import { disconnectConnection } from "~/services/disconnect.server";
import { formText } from "~/utils/forms";
import { pageTitle } from "~/utils/page-title";
import { requestMeta } from "~/utils/request-meta.server";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  pageTitle(matches, data ? `Disconnect key …${data.connection.last4}` : "Disconnect key");

/** Live keys ask for the word typed out; test keys for a ticked box. */
const TYPED_CONFIRMATION = "disconnect";

/** Where an ended connection's pages send the customer instead of this one. */
function endedRedirect(connection: Connection) {
  return redirect(connection.state === "revoked_by_customer" ? `/connections/${connection.id}/disconnected` : `/connections/${connection.id}`);
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireCustomer(request, context);
  // Scoped to the customer's organisation: another organisation's id is simply not found.
  const connection = await getConnection(getAppContext(), params.connectionId ?? "", user.organisationId);
  if (!connection) throw new Response("Not found", { status: 404 });
  if (connection.state !== "active") throw endedRedirect(connection);
  return {
    vendorName: getManifest().vendor.name,
    connection: { id: connection.id, mode: connection.mode, last4: connection.key_last4, account: connection.stripe_account_id, status: connection.health_status },
  };
}

function confirmationError(mode: ConnectionMode, form: FormData): string | null {
  if (mode === "live") {
    return formText(form, "confirm")?.trim().toLowerCase() === TYPED_CONFIRMATION ? null : `Type “${TYPED_CONFIRMATION}” to confirm. Nothing was changed.`;
  }
  return formText(form, "confirm") === "yes" ? null : "Tick the box to confirm. Nothing was changed.";
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireCustomer(request, context);
  const ctx = getAppContext();
  const connectionId = params.connectionId ?? "";
  const form = await request.formData();
  const connection = await getConnection(ctx, connectionId, user.organisationId);
  if (connection?.state === "active") {
    const error = confirmationError(connection.mode, form);
    if (error) return data({ error }, { status: 400 });
  }
  // Unknown and foreign ids go through the service too, so the attempt is on the audit trail; the answer is a plain 404.
  const outcome = await disconnectConnection(
    ctx,
    { connectionId, organisationId: user.organisationId, actor: { type: actorType(user.role), id: user.id, label: user.email } },
    requestMeta(request, context),
  );
  switch (outcome.kind) {
    case "disconnected":
      throw redirect(`/connections/${outcome.connection.id}/disconnected`);
    case "already_ended":
      throw endedRedirect(outcome.connection);
    case "not_found":
      throw new Response("Not found", { status: 404 });
  }
}

export default function DisconnectPage() {
  const { vendorName, connection } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const keyName = `…${connection.last4}`;
  const live = connection.mode === "live";
  return (
    <>
      <div className="page-header">
        <div>
          <p className="eyebrow">
            <Link to="/dashboard">Dashboard</Link> › <Link to={`/connections/${connection.id}`}>Key {keyName}</Link> › Disconnect
          </p>
          <h1>
            Disconnect your {connection.mode}-mode key {keyName}?
          </h1>
          <p>
            <span className="mono">
              rk_{connection.mode}_{keyName}
            </span>
            {connection.account ? (
              <>
                {" "}
                for Stripe account <span className="mono">{connection.account}</span>
              </>
            ) : null}
          </p>
        </div>
        <HealthBadge status={connection.status} />
      </div>

      <div className="grid-2 disconnect-layout">
        <section className="card" aria-labelledby="what-happens">
          <h2 id="what-happens">What happens when you disconnect</h2>
          <ol className="steps disconnect-steps">
            <li>{vendorName} stops being able to use your Stripe account through this key, straight away.</li>
            <li>
              Keyport destroys its encrypted copy of the key at once: the encrypted key and the key that unlocks it are erased. Nobody can recover
              it, not you, not {vendorName}, not us.
            </li>
            <li>The key&apos;s history (its checks and activity) stays visible to your organisation, marked as disconnected.</li>
            <li>
              The key itself keeps working in Stripe until you delete it there. Keyport cannot do that for you; the next page links you straight to
              the right place.
            </li>
          </ol>
          <p className="muted small">
            Want to swap it for a new key instead? <Link to={`/connect?replace=${connection.id}`}>Replace it</Link>: the current key stays connected until
            the new one passes the check.
          </p>
        </section>

        <section className="card" aria-labelledby="confirm-title">
          <h2 id="confirm-title">Confirm</h2>
          {live ? (
            <div className="alert alert-warn">
              <p>
                This is your <strong>live-mode</strong> key. Whatever {vendorName} does with your live Stripe data stops until you connect a new key.
              </p>
            </div>
          ) : null}
          <Form method="post" className="form" noValidate>
            {live ? (
              <div className="field">
                <label htmlFor="confirm">Type “{TYPED_CONFIRMATION}” to confirm</label>
                <input
                  id="confirm"
                  name="confirm"
                  type="text"
                  autoComplete="off"
                  autoCapitalize="off"
                  spellCheck={false}
                  aria-invalid={actionData?.error ? true : undefined}
                  aria-describedby={actionData?.error ? "confirm-error" : undefined}
                />
                {actionData?.error ? (
                  <p id="confirm-error" className="field-error">
                    {actionData.error}
                  </p>
                ) : null}
              </div>
            ) : (
              <div className="field">
                <label className="checkbox">
                  <input
                    type="checkbox"
                    name="confirm"
                    value="yes"
                    aria-invalid={actionData?.error ? true : undefined}
                    aria-describedby={actionData?.error ? "confirm-error" : undefined}
                  />
                  <span>
                    I understand that {vendorName} can no longer use key {keyName} and that Keyport destroys it now.
                  </span>
                </label>
                {actionData?.error ? (
                  <p id="confirm-error" className="field-error">
                    {actionData.error}
                  </p>
                ) : null}
              </div>
            )}
            <div className="row">
              <button type="submit" className="button button-danger" disabled={busy}>
                {busy ? "Disconnecting…" : `Disconnect key ${keyName}`}
              </button>
              <Link to={`/connections/${connection.id}`} className="button button-secondary">
                Cancel
              </Link>
            </div>
          </Form>
        </section>
      </div>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
