import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireStaff } from "~/auth/session.server";
import { Field } from "~/components/forms";
import { getEnv } from "~/config/env.server";
import { getAppContext } from "~/services/app-context.server";
import { createWebhookEndpoint, listWebhookEndpoints } from "~/services/webhook-endpoints.server";
import { SIGNATURE_HEADER, WEBHOOK_EVENT_DESCRIPTIONS, WEBHOOK_EVENT_TYPES } from "~/services/webhooks.server";
import { formatDateTime } from "~/utils/format";
import { formText } from "~/utils/forms";
import { pageTitle } from "~/utils/page-title";
import { requestMeta } from "~/utils/request-meta.server";
import { TableScroll } from "~/components/table-scroll";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "Webhooks");

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireStaff(request, context, ["admin"]);
  return {
    endpoints: await listWebhookEndpoints(getAppContext()),
    events: WEBHOOK_EVENT_TYPES.map((type) => ({ type, description: WEBHOOK_EVENT_DESCRIPTIONS[type] })),
    httpsOnly: getEnv().isProduction,
    signatureHeader: SIGNATURE_HEADER,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireStaff(request, context, ["admin"]);
  const form = await request.formData();
  const created = await createWebhookEndpoint(
    getAppContext(),
    { url: formText(form, "url") ?? "", description: formText(form, "description") ?? "" },
    { actor: { type: "staff", id: user.id, label: user.email }, ip: requestMeta(request, context).ip },
    { allowInsecureLoopback: !getEnv().isProduction },
  );
  if (!created.ok) return data({ kind: "invalid" as const, field: created.field, message: created.message }, { status: 400 });
  // The signing secret is in this response only; Keyport keeps it sealed and never shows it again.
  return { kind: "created" as const, endpointId: created.endpoint.id, url: created.endpoint.url, secret: created.secret.reveal() };
}

export default function StaffWebhooks() {
  const { endpoints, events, httpsOnly, signatureHeader } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const invalid = actionData?.kind === "invalid" ? actionData : null;

  return (
    <>
      <div className="page-header">
        <div>
          <p className="eyebrow">Administration</p>
          <h1>Webhooks</h1>
          <p>
            Keyport tells your systems when a customer&apos;s connection changes. Each request is signed like Stripe&apos;s webhooks, in the{" "}
            <code>{signatureHeader}</code> header; events for one connection arrive in order, and failed deliveries are retried for up to three
            days. Your services read connections and keys with <Link to="/staff/tokens">service tokens</Link>.
          </p>
        </div>
      </div>

      {actionData?.kind === "created" ? (
        <div className="alert alert-ok vendor-secret-once" role="status">
          <div className="alert-title">Endpoint added</div>
          <p>
            Keyport signs every request to {actionData.url} with this secret. Put it in your receiver&apos;s configuration now; it will not be
            shown again.
          </p>
          <label className="label" htmlFor="new-secret">
            Signing secret
          </label>
          <input id="new-secret" className="vendor-secret-value" type="text" readOnly value={actionData.secret} spellCheck={false} autoComplete="off" />
          <p className="small">
            <Link to={`/staff/webhooks/${actionData.endpointId}`}>Open its delivery log</Link>
          </p>
        </div>
      ) : null}

      <div className="vendor-admin-layout">
        <section className="card" aria-labelledby="add-endpoint">
          <h2 id="add-endpoint">Add an endpoint</h2>
          {/* A new key after each endpoint added empties the form. */}
          <Form method="post" className="form" noValidate key={actionData?.kind === "created" ? actionData.endpointId : "create"}>
            <Field
              label="Endpoint URL"
              name="url"
              type="url"
              required
              autoComplete="off"
              placeholder="https://billing.example.com/keyport/webhooks"
              hint={httpsOnly ? "An https:// URL." : "An https:// URL (plain http only to this machine, e.g. http://127.0.0.1:4000/hooks, for development)."}
              error={invalid?.field === "url" ? invalid.message : undefined}
            />
            <Field
              label="Description (optional)"
              name="description"
              maxLength={200}
              autoComplete="off"
              error={invalid?.field === "description" ? invalid.message : undefined}
            />
            <div>
              <button type="submit" className="button" disabled={busy}>
                Add endpoint
              </button>
            </div>
          </Form>
          <h3>Events</h3>
          <dl className="vendor-events">
            {events.map((e) => (
              <div key={e.type}>
                <dt>
                  <code>{e.type}</code>
                </dt>
                <dd className="small muted">{e.description}</dd>
              </div>
            ))}
          </dl>
        </section>

        <section aria-labelledby="endpoints-title">
          <h2 id="endpoints-title">Endpoints</h2>
          {endpoints.length === 0 ? (
            <p className="card empty">No endpoints yet. Events are recorded, but sent nowhere.</p>
          ) : (
            <TableScroll label="Webhook endpoints">
              <table>
                <caption className="visually-hidden">Webhook endpoints</caption>
                <thead>
                  <tr>
                    <th scope="col">Endpoint</th>
                    <th scope="col">State</th>
                    <th scope="col">Deliveries</th>
                  </tr>
                </thead>
                <tbody>
                  {endpoints.map((e) => (
                    <tr key={e.id}>
                      <td>
                        <Link to={`/staff/webhooks/${e.id}`} className="vendor-url">
                          {e.url}
                        </Link>
                        {e.description ? <div className="small">{e.description}</div> : null}
                        <div className="muted small">
                          Added {formatDateTime(e.createdAt)} · secret <span className="mono">whsec_…{e.secretLast4}</span>
                        </div>
                      </td>
                      <td>
                        <span className={`badge ${e.status === "enabled" ? "badge-ok" : "badge-neutral"}`}>{e.status === "enabled" ? "Enabled" : "Disabled"}</span>
                      </td>
                      <td className="small">
                        {e.deliveries.delivered} delivered
                        {e.deliveries.pending ? <div>{e.deliveries.pending} waiting</div> : null}
                        {e.deliveries.failed ? <div className="vendor-failed">{e.deliveries.failed} given up</div> : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )}
        </section>
      </div>
    </>
  );
}
