import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { requireStaff } from "~/auth/session.server";
import { Field } from "~/components/forms";
import { getAppContext } from "~/services/app-context.server";
import {
  createServiceToken,
  listServiceTokens,
  maskedServiceToken,
  revokeServiceToken,
  SCOPE_DESCRIPTIONS,
  SERVICE_TOKEN_SCOPES,
} from "~/services/service-tokens.server";
import { formatDateTime } from "~/utils/format";
import { formText } from "~/utils/forms";
import { pageTitle } from "~/utils/page-title";
import { requestMeta } from "~/utils/request-meta.server";
import { TableScroll } from "~/components/table-scroll";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "Service tokens");

const DAY = 24 * 60 * 60_000;
const EXPIRY_CHOICES = [
  ["30", "In 30 days"],
  ["90", "In 90 days"],
  ["365", "In a year"],
  ["never", "Never"],
] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireStaff(request, context, ["admin"]);
  const ctx = getAppContext();
  const tokens = await listServiceTokens(ctx);
  return {
    now: ctx.now(),
    scopes: SERVICE_TOKEN_SCOPES.map((scope) => ({ scope, description: SCOPE_DESCRIPTIONS[scope] })),
    tokens: tokens.map((t) => ({ ...t, masked: maskedServiceToken(t) })),
  };
}

const IntentSchema = z.enum(["create", "revoke"]);

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireStaff(request, context, ["admin"]);
  const form = await request.formData();
  const ctx = getAppContext();
  const by = { actor: { type: "staff" as const, id: user.id, label: user.email }, ip: requestMeta(request, context).ip };
  const intent = IntentSchema.safeParse(formText(form, "intent"));
  if (!intent.success) throw new Response("Unknown action.", { status: 400 });

  if (intent.data === "revoke") {
    const tokenId = formText(form, "tokenId") ?? "";
    const result = await revokeServiceToken(ctx, tokenId, by);
    if (!result) throw new Response("There is no such token.", { status: 404 });
    return { kind: "revoked" as const, name: result.token.name };
  }

  const expiry = formText(form, "expires") ?? "";
  const days = EXPIRY_CHOICES.some(([value]) => value === expiry) && expiry !== "never" ? Number(expiry) : null;
  const created = await createServiceToken(
    ctx,
    { name: formText(form, "name") ?? "", scopes: form.getAll("scopes").filter((s): s is string => typeof s === "string"), expiresAt: days === null ? null : ctx.now() + days * DAY },
    by,
  );
  if (!created.ok) return data({ kind: "invalid" as const, field: created.field, message: created.message }, { status: 400 });
  // Shown in this response only: the page that renders it is never cached, and nothing keeps the token.
  return { kind: "created" as const, id: created.record.id, name: created.record.name, scopes: created.record.scopes, token: created.token.reveal() };
}

export default function StaffTokens() {
  const { tokens, scopes, now } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const invalid = actionData?.kind === "invalid" ? actionData : null;

  return (
    <>
      <div className="page-header">
        <div>
          <p className="eyebrow">Administration</p>
          <h1>Service tokens</h1>
          <p>
            Tokens let {"the vendor's"} own services call the Keyport API (<a href="/api/v1/openapi.json">OpenAPI description</a>) to list
            connections, check them and fetch keys. A token is shown once; Keyport keeps only a hash. Every use is in the{" "}
            <Link to="/staff/audit">audit trail</Link>. Status changes reach your systems through <Link to="/staff/webhooks">webhooks</Link>.
          </p>
        </div>
      </div>

      {actionData?.kind === "created" ? (
        <div className="alert alert-ok vendor-secret-once" role="status">
          <div className="alert-title">Token “{actionData.name}” created</div>
          <p>Copy it now and store it in your secret manager. It will not be shown again.</p>
          <label className="label" htmlFor="new-token">
            New token
          </label>
          <input id="new-token" className="vendor-secret-value" type="text" readOnly value={actionData.token} spellCheck={false} autoComplete="off" />
          <p className="small muted">Scopes: {actionData.scopes.join(", ")}</p>
        </div>
      ) : null}
      {actionData?.kind === "revoked" ? (
        <div className="alert alert-info" role="status">
          <p>Token “{actionData.name}” is revoked. Requests that present it are refused from now on.</p>
        </div>
      ) : null}

      <div className="vendor-admin-layout">
        <section className="card" aria-labelledby="create-token">
          <h2 id="create-token">Create a token</h2>
          {/* A new key after each token created empties the form. */}
          <Form method="post" className="form" noValidate key={actionData?.kind === "created" ? actionData.id : "create"}>
            <input type="hidden" name="intent" value="create" />
            <Field
              label="Name"
              name="name"
              required
              maxLength={64}
              autoComplete="off"
              hint="What uses it, e.g. billing-sync. Shown in the audit trail for every request."
              error={invalid?.field === "name" ? invalid.message : undefined}
            />
            <fieldset className="vendor-fieldset" aria-describedby={invalid?.field === "scopes" ? "scopes-error" : undefined}>
              <legend className="label">Scopes</legend>
              {scopes.map(({ scope, description }) => (
                <label key={scope} className="checkbox">
                  <input type="checkbox" name="scopes" value={scope} />
                  <span>
                    <code>{scope}</code>
                    <span className="muted small vendor-block">{description}</span>
                  </span>
                </label>
              ))}
              {invalid?.field === "scopes" ? (
                <p id="scopes-error" className="field-error">
                  {invalid.message}
                </p>
              ) : null}
            </fieldset>
            <div className="field">
              <label htmlFor="expires">Expires</label>
              <select id="expires" name="expires" defaultValue="90">
                {EXPIRY_CHOICES.map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <button type="submit" className="button" disabled={busy}>
                Create token
              </button>
            </div>
          </Form>
        </section>

        <section aria-labelledby="tokens-title">
          <h2 id="tokens-title">Tokens</h2>
          {tokens.length === 0 ? (
            <p className="card empty">No tokens yet.</p>
          ) : (
            <TableScroll label="Service tokens">
              <table>
                <caption className="visually-hidden">Service tokens, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Scopes</th>
                    <th scope="col">State</th>
                    <th scope="col">Last used</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {tokens.map((t) => (
                    <tr key={t.id}>
                      <td>
                        <strong>{t.name}</strong>
                        <div className="muted small mono">{t.masked}</div>
                        <div className="muted small">
                          Created {formatDateTime(t.createdAt)} by {t.createdByLabel}
                        </div>
                      </td>
                      <td>
                        <ul className="vendor-plain-list">
                          {t.scopes.map((s) => (
                            <li key={s}>
                              <code>{s}</code>
                            </li>
                          ))}
                        </ul>
                      </td>
                      <td>
                        <TokenState token={t} now={now} />
                      </td>
                      <td className="small">
                        {t.lastUsedAt ? (
                          <>
                            {formatDateTime(t.lastUsedAt)}
                            {t.lastUsedIp ? <div className="muted mono">{t.lastUsedIp}</div> : null}
                          </>
                        ) : (
                          "Never"
                        )}
                      </td>
                      <td>
                        {t.state === "revoked" ? null : (
                          <details className="vendor-confirm">
                            <summary>
                              Revoke<span className="visually-hidden"> {t.name}</span>
                            </summary>
                            <Form method="post">
                              <input type="hidden" name="intent" value="revoke" />
                              <input type="hidden" name="tokenId" value={t.id} />
                              <p className="small">Services using “{t.name}” stop working at once.</p>
                              <button type="submit" className="button button-danger" disabled={busy}>
                                Revoke “{t.name}” now
                              </button>
                            </Form>
                          </details>
                        )}
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

function TokenState({ token, now }: { token: { state: string; expiresAt: number | null; revokedAt: number | null; revokedByLabel: string | null }; now: number }) {
  if (token.state === "revoked") {
    return (
      <>
        <span className="badge badge-neutral">Revoked</span>
        <div className="muted small">
          {token.revokedAt ? formatDateTime(token.revokedAt) : null} by {token.revokedByLabel}
        </div>
      </>
    );
  }
  if (token.state === "expired") return <span className="badge badge-bad">Expired</span>;
  return (
    <>
      <span className="badge badge-ok">Active</span>
      <div className="muted small">{token.expiresAt ? `Expires ${formatDateTime(token.expiresAt)}${token.expiresAt - now < 7 * DAY ? " (soon)" : ""}` : "Never expires"}</div>
    </>
  );
}
