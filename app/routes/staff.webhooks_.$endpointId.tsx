import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { requireStaff } from "~/auth/session.server";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import type { WebhookDeliveryStatus } from "~/db/schema";
import { getAppContext } from "~/services/app-context.server";
import { deleteWebhookEndpoint, getWebhookEndpoint, setWebhookEndpointStatus } from "~/services/webhook-endpoints.server";
import { deliverDueWebhooks, getWebhookDelivery, listWebhookDeliveries, replayWebhookDelivery } from "~/services/webhooks.server";
import { formatDateTime } from "~/utils/format";
import { formText } from "~/utils/forms";
import { pageTitle } from "~/utils/page-title";
import { requestMeta } from "~/utils/request-meta.server";
import { TableScroll } from "~/components/table-scroll";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "Webhook deliveries");

const PAGE_SIZE = 25;
const QuerySchema = z.object({ before: z.coerce.number().int().positive().optional() });

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requireStaff(request, context, ["admin"]);
  const ctx = getAppContext();
  const endpoint = await getWebhookEndpoint(ctx, params.endpointId ?? "");
  if (!endpoint) throw new Response("Not found", { status: 404 });
  const query = QuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  const deliveries = await listWebhookDeliveries(ctx, endpoint.id, { limit: PAGE_SIZE + 1, beforeId: query.success ? query.data.before : undefined });
  return {
    endpoint,
    deliveries: deliveries.slice(0, PAGE_SIZE),
    nextBefore: deliveries.length > PAGE_SIZE ? deliveries[PAGE_SIZE - 1]!.id : null,
  };
}

const IntentSchema = z.enum(["enable", "disable", "delete", "replay", "deliver"]);

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireStaff(request, context, ["admin"]);
  const ctx = getAppContext();
  const endpoint = await getWebhookEndpoint(ctx, params.endpointId ?? "");
  if (!endpoint) throw new Response("Not found", { status: 404 });
  const form = await request.formData();
  const intent = IntentSchema.safeParse(formText(form, "intent"));
  if (!intent.success) throw new Response("Unknown action.", { status: 400 });
  const by = { actor: { type: "staff" as const, id: user.id, label: user.email }, ip: requestMeta(request, context).ip };

  switch (intent.data) {
    case "enable":
    case "disable":
      await setWebhookEndpointStatus(ctx, endpoint.id, intent.data === "enable" ? "enabled" : "disabled", by);
      return { message: intent.data === "enable" ? "Deliveries to this endpoint resumed." : "Deliveries to this endpoint are paused; events wait until you enable it." };
    case "delete":
      await deleteWebhookEndpoint(ctx, endpoint.id, by);
      throw redirect("/staff/webhooks");
    case "deliver": {
      const summary = await deliverDueWebhooks(ctx, { endpointId: endpoint.id, maxPassMs: 20_000 });
      return { message: `Sent what was due: ${summary.attempted} attempted, ${summary.delivered} delivered, ${summary.retrying} to retry later.` };
    }
    case "replay": {
      const deliveryId = z.coerce.number().int().positive().safeParse(formText(form, "deliveryId"));
      const delivery = deliveryId.success ? await getWebhookDelivery(ctx, endpoint.id, deliveryId.data) : undefined;
      if (!delivery) throw new Response("There is no such delivery.", { status: 404 });
      const result = await replayWebhookDelivery(ctx, delivery.id, by);
      return {
        message: !result?.sent
          ? `${delivery.type} (${delivery.eventId}) is queued; it goes out after the earlier events for its connection.`
          : result.verdict === "delivered"
            ? `${delivery.type} (${delivery.eventId}) was sent again and accepted.`
            : `${delivery.type} (${delivery.eventId}) was sent again but not accepted; it will be retried.`,
      };
    }
  }
}

const STATUS_BADGE: Record<WebhookDeliveryStatus, [string, string]> = {
  delivered: ["badge-ok", "Delivered"],
  pending: ["badge-warn", "Waiting"],
  failed: ["badge-bad", "Given up"],
  cancelled: ["badge-neutral", "Cancelled"],
};

export default function WebhookEndpointPage() {
  const { endpoint, deliveries, nextBefore } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";

  return (
    <>
      <div className="page-header">
        <div>
          <p className="eyebrow">
            <Link to="/staff/webhooks">Webhooks</Link> › Endpoint
          </p>
          <h1 className="vendor-url">{endpoint.url}</h1>
          <p>
            {endpoint.description ? `${endpoint.description} · ` : ""}signing secret <span className="mono">whsec_…{endpoint.secretLast4}</span> · added{" "}
            {formatDateTime(endpoint.createdAt)}
          </p>
        </div>
        <span className={`badge ${endpoint.status === "enabled" ? "badge-ok" : "badge-neutral"}`}>{endpoint.status === "enabled" ? "Enabled" : "Disabled"}</span>
      </div>

      {actionData ? (
        <div className="alert alert-info" role="status">
          <p>{actionData.message}</p>
        </div>
      ) : null}

      <div className="row vendor-actions">
        <Form method="post">
          <input type="hidden" name="intent" value="deliver" />
          <button type="submit" className="button button-secondary" disabled={busy || endpoint.status !== "enabled"}>
            Send due deliveries now
          </button>
        </Form>
        <Form method="post">
          <input type="hidden" name="intent" value={endpoint.status === "enabled" ? "disable" : "enable"} />
          <button type="submit" className="button button-secondary" disabled={busy}>
            {endpoint.status === "enabled" ? "Pause deliveries" : "Resume deliveries"}
          </button>
        </Form>
        <details className="vendor-confirm">
          <summary>Delete endpoint…</summary>
          <Form method="post">
            <input type="hidden" name="intent" value="delete" />
            <p className="small">Its signing secret is destroyed and waiting deliveries are cancelled. This cannot be undone.</p>
            <button type="submit" className="button button-danger" disabled={busy}>
              Delete this endpoint
            </button>
          </Form>
        </details>
      </div>

      <section aria-labelledby="log-title">
        <h2 id="log-title">Delivery log</h2>
        {deliveries.length === 0 ? (
          <p className="card empty">No events yet. They appear here when a customer connects, replaces or disconnects a key, or a check changes a status.</p>
        ) : (
          <TableScroll label="Deliveries">
            <table>
              <caption className="visually-hidden">Deliveries to this endpoint, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Event</th>
                  <th scope="col">Status</th>
                  <th scope="col">Last response</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {deliveries.map((d) => {
                  const [badge, label] = STATUS_BADGE[d.status];
                  return (
                    <tr key={d.id}>
                      <td>
                        <code>{d.type}</code>
                        <div className="muted small mono">{d.eventId}</div>
                        <div className="muted small">
                          connection <span className="mono">{d.connectionId}</span> · {formatDateTime(d.createdAt)}
                        </div>
                        <details className="vendor-payload">
                          <summary>Payload</summary>
                          <pre>{JSON.stringify(JSON.parse(d.payload), null, 2)}</pre>
                        </details>
                      </td>
                      <td>
                        <span className={`badge ${badge}`}>{label}</span>
                        {d.status === "pending" && d.nextAttemptAt ? <div className="muted small">next try {formatDateTime(d.nextAttemptAt)}</div> : null}
                        {d.deliveredAt ? <div className="muted small">{formatDateTime(d.deliveredAt)}</div> : null}
                      </td>
                      <td className="small">{d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : (d.lastError ?? "—")}</td>
                      <td>
                        {d.attemptLog.length === 0 ? (
                          <span className="small muted">None yet</span>
                        ) : (
                          <details>
                            <summary>
                              {d.attempts} attempt{d.attempts === 1 ? "" : "s"}
                            </summary>
                            <ol className="vendor-attempts">
                              {d.attemptLog.map((a) => (
                                <li key={a.id} className="small">
                                  {formatDateTime(a.attemptedAt)} · {a.triggeredBy === "replay" ? "replay" : "automatic"} ·{" "}
                                  {a.statusCode ? `HTTP ${a.statusCode}` : "no response"} · {a.durationMs} ms
                                  {a.error && a.statusCode === null ? <div className="vendor-failed">{a.error}</div> : null}
                                  {a.responseExcerpt ? <pre className="vendor-excerpt">{a.responseExcerpt}</pre> : null}
                                </li>
                              ))}
                            </ol>
                          </details>
                        )}
                      </td>
                      <td>
                        <Form method="post">
                          <input type="hidden" name="intent" value="replay" />
                          <input type="hidden" name="deliveryId" value={d.id} />
                          <button type="submit" className="button button-secondary" disabled={busy}>
                            Replay<span className="visually-hidden"> {d.eventId}</span>
                          </button>
                        </Form>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableScroll>
        )}
        {nextBefore ? (
          <nav className="pagination" aria-label="Delivery log pages">
            <span />
            <Link to={`?before=${nextBefore}`}>Older deliveries →</Link>
          </nav>
        ) : null}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
