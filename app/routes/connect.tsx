import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigate } from "@remix-run/react";
import { useRef, useState, type FormEvent } from "react";
import { requireCustomer } from "~/auth/session.server";
import { ChecklistSummary, toChecklistSummary } from "~/components/checklist";
import { HealthBadge } from "~/components/health-badge";
import { KeyReport } from "~/components/key-report";
import { getManifest } from "~/config/manifest.server";
import { buildChecklist } from "~/domain/checklist/build-checklist";
import { getAppContext } from "~/services/app-context.server";
import type { ConnectResponse } from "~/services/connect-form";
import { findReplaceTarget, submitConnectForm } from "~/services/connect-flow.server";
import { listConnections } from "~/services/connection-store.server";
import { pageTitle } from "~/utils/page-title";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  pageTitle(matches, data?.replacing ? `Replace your ${data.replacing.mode}-mode key` : "Connect your Stripe key");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireCustomer(request, context);
  const manifest = getManifest();
  // "Replace key" (?replace=con_…): the same flow, for that connection's mode. Another organisation's id is a 404.
  const replacing = await findReplaceTarget(user, new URL(request.url).searchParams.get("replace"));
  if (replacing && replacing.state !== "active") throw redirect(`/connections/${replacing.id}`);
  const active = await listConnections(getAppContext(), { organisationId: user.organisationId, state: "active" });
  return {
    replacing: replacing
      ? { id: replacing.id, mode: replacing.mode, last4: replacing.key_last4, account: replacing.stripe_account_id, status: replacing.health_status }
      : null,
    summary: toChecklistSummary(buildChecklist(manifest)),
    modes: manifest.modes,
    vendorName: manifest.vendor.name,
    active: active.map((c) => ({ id: c.id, mode: c.mode, last4: c.key_last4, account: c.stripe_account_id })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireCustomer(request, context);
  const form = await request.formData();
  const replacing = await findReplaceTarget(user, form.get("replace"));
  const result = await submitConnectForm(request, context, user, form, { replacing });
  if (result.kind === "accepted") throw redirect(`/dashboard?connected=${result.connectionId}`);
  const status = result.kind === "rate_limited" ? 429 : result.kind === "invalid" ? 400 : 200;
  return data(result, { status });
}

type StreamLine =
  | { type: "progress"; completed: number; total: number; label?: string }
  | { type: "result"; result: ConnectResponse }
  | { type: "error"; message: string };

/** Posts the form to the streaming endpoint and reports progress as the lines arrive. */
async function streamCheck(form: FormData, onLine: (line: StreamLine) => void) {
  const response = await fetch("/connect/stream", { method: "POST", body: form, headers: { Accept: "application/x-ndjson" } });
  if (!response.ok || !response.body) throw new Error(`The check could not start (${response.status}).`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    buffer += decoder.decode(value, { stream: !done });
    let newline;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const text = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      if (text) onLine(JSON.parse(text) as StreamLine);
    }
    if (done) break;
  }
}

export default function ConnectPage() {
  const { summary, modes, vendorName, active, replacing } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigate = useNavigate();
  const formRef = useRef<HTMLFormElement>(null);
  const [streamed, setStreamed] = useState<ConnectResponse | null>(null);
  const [progress, setProgress] = useState<{ completed: number; total: number; label?: string } | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const checking = progress !== null;
  const result = streamed ?? actionData ?? null;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    // Nothing of the key stays in the page once it is on its way.
    event.currentTarget.reset();
    setStreamed(null);
    setFailure(null);
    setProgress({ completed: 0, total: 0 });
    try {
      await streamCheck(form, (line) => {
        if (line.type === "progress") setProgress(line);
        else if (line.type === "error") setFailure(line.message);
        else if (line.result.kind === "accepted") navigate(`/dashboard?connected=${line.result.connectionId}`);
        else setStreamed(line.result);
      });
    } catch {
      setFailure("The check could not be completed because the connection to the portal was interrupted. Nothing was stored. Please try again.");
    } finally {
      setProgress(null);
    }
  }

  const modeText = replacing
    ? `a new ${replacing.mode}-mode (rk_${replacing.mode}_…)`
    : modes.length === 2
      ? "a test-mode (rk_test_…) or live-mode (rk_live_…)"
      : modes[0] === "live"
        ? "a live-mode (rk_live_…)"
        : "a test-mode (rk_test_…)";
  const mismatch = result?.kind === "account_mismatch" ? result : null;
  const pageUrl = replacing ? `/connect?replace=${replacing.id}` : "/connect";

  return (
    <>
      <div className="page-header">
        <div>
          {replacing ? (
            <p className="eyebrow">
              <Link to="/dashboard">Dashboard</Link> › <Link to={`/connections/${replacing.id}`}>Key …{replacing.last4}</Link> › Replace
            </p>
          ) : (
            <p className="eyebrow">Connect</p>
          )}
          <h1>{replacing ? `Replace your ${replacing.mode}-mode key …${replacing.last4}` : "Connect your Stripe key"}</h1>
          <p>
            Paste {modeText} restricted key. We check it against Stripe without changing anything in your account, and store it encrypted
            only if it gives {vendorName} exactly what it needs.
          </p>
        </div>
      </div>
      <div className="grid-2 connect-layout">
        <div className="stack">
          <section className="card" aria-labelledby="paste-title">
            <h2 id="paste-title">{replacing ? "Paste the new key" : "Paste the key"}</h2>
            {replacing ? (
              <div className="replace-current">
                <div className="spread">
                  <span>
                    Connected now: <span className="mono">rk_{replacing.mode}_…{replacing.last4}</span>
                    {replacing.account ? (
                      <>
                        {" "}
                        for <span className="mono">{replacing.account}</span>
                      </>
                    ) : null}
                  </span>
                  <HealthBadge status={replacing.status} />
                </div>
                <ol className="replace-steps small">
                  <li>The new key goes through the full check{replacing.account ? ` and must belong to the same Stripe account (${replacing.account})` : ""}.</li>
                  <li>Until it passes, …{replacing.last4} stays connected and nothing changes.</li>
                  <li>Once the new key is stored, Keyport destroys …{replacing.last4} here. You then delete it in Stripe.</li>
                </ol>
              </div>
            ) : active.length > 0 ? (
              <div className="alert alert-info">
                <p>
                  {active.map((c) => `Your ${c.mode}-mode key …${c.last4}${c.account ? ` (${c.account})` : ""}`).join(" and ")} {active.length === 1 ? "is" : "are"} connected.
                  A new key of the same mode replaces it once it passes the check; the old one is then destroyed here.
                </p>
              </div>
            ) : null}
            <Form method="post" action={pageUrl} className="form connect-form" ref={formRef} onSubmit={onSubmit} autoComplete="off">
              {replacing ? <input type="hidden" name="replace" value={replacing.id} /> : null}
              {mismatch ? <AccountSwitch mismatch={mismatch} vendorName={vendorName} /> : null}
              <div className="field">
                <label htmlFor="key">Restricted API key</label>
                <div id="key-hint" className="hint">
                  {replacing ? (
                    <>
                      It starts with <code>rk_{replacing.mode}_</code>.
                    </>
                  ) : (
                    <>
                      It starts with <code>rk_test_</code> or <code>rk_live_</code>.
                    </>
                  )}{" "}
                  Never paste a secret key (<code>sk_</code>).
                  {mismatch ? " Paste the key again: it is never kept in this page." : null}
                </div>
                <input
                  id="key"
                  name="key"
                  type="text"
                  className="key-input"
                  required
                  maxLength={10_000}
                  autoComplete="off"
                  autoCapitalize="off"
                  autoCorrect="off"
                  spellCheck={false}
                  data-1p-ignore=""
                  data-lpignore="true"
                  aria-describedby="key-hint"
                  disabled={checking}
                />
              </div>
              <div className="row">
                <button type="submit" className="button" disabled={checking}>
                  {checking ? "Checking…" : replacing ? "Check and replace" : "Check and connect"}
                </button>
                {replacing ? (
                  <Link to={`/connections/${replacing.id}`} className="button button-secondary">
                    Cancel
                  </Link>
                ) : null}
                <span className="muted small">Read-only requests; nothing in your Stripe account changes.</span>
              </div>
            </Form>
            {checking ? (
              <div className="probe-progress" role="status" aria-live="polite">
                <progress max={progress.total || 1} value={progress.completed} aria-label="Check progress" />
                <span>
                  {progress.total === 0
                    ? "Contacting Stripe…"
                    : `Checked ${progress.completed} of ${progress.total}${progress.label ? `: ${progress.label}` : ""}`}
                </span>
              </div>
            ) : null}
          </section>

          {failure ? (
            <div className="alert alert-warn" role="alert">
              <p>{failure}</p>
            </div>
          ) : null}
          {result ? <ConnectResult result={result} retryHref={pageUrl} /> : null}
        </div>

        <aside className="card" aria-label="Checklist">
          <ChecklistSummary summary={summary} />
          <p className="small">
            <Link to="/checklist">Step-by-step instructions and a pre-filled link to create the key</Link>
          </p>
        </aside>
      </div>
    </>
  );
}

/**
 * Shown in the form when the accepted key belongs to another Stripe account than the connected
 * one: what switching means, and the box that allows it on the next attempt.
 */
function AccountSwitch({ mismatch, vendorName }: { mismatch: { currentAccount: string; newAccount: string }; vendorName: string }) {
  return (
    <div className="alert alert-warn account-switch" role="alert" aria-labelledby="account-switch-title">
      <h3 id="account-switch-title" className="alert-title">
        This key belongs to a different Stripe account
      </h3>
      <dl className="facts account-switch-facts">
        <dt>Connected now</dt>
        <dd className="mono">{mismatch.currentAccount}</dd>
        <dt>Key you pasted</dt>
        <dd className="mono">{mismatch.newAccount}</dd>
      </dl>
      <p>
        The key passed the permission check, but nothing was stored. If you switch, {vendorName} works with {mismatch.newAccount} from then on and
        no longer reaches {mismatch.currentAccount} through Keyport.
      </p>
      <label className="checkbox">
        <input type="checkbox" name="confirmAccountSwitch" value="on" />
        <span>
          Yes, switch {vendorName} from <span className="mono">{mismatch.currentAccount}</span> to <span className="mono">{mismatch.newAccount}</span>
        </span>
      </label>
    </div>
  );
}

function ConnectResult({ result, retryHref }: { result: ConnectResponse; retryHref: string }) {
  switch (result.kind) {
    case "accepted":
      return null;
    case "invalid":
    case "rate_limited":
      return (
        <div className="alert alert-bad" role="alert">
          <p>{result.message}</p>
        </div>
      );
    case "already_connected":
      return (
        <div className="alert alert-info" role="status">
          <p>
            This key (…{result.last4}) is already connected. There is nothing to do; <Link to="/dashboard">see its status on the dashboard</Link>.
          </p>
        </div>
      );
    case "account_mismatch":
      // The warning and the choice are in the form above; the (passing) check is here for reference.
      return (
        <details className="card account-switch-report">
          <summary>The pasted key&apos;s permission check</summary>
          <KeyReport report={result.report} headingLevel={3} />
        </details>
      );
    default:
      return (
        <div className="stack">
          <KeyReport report={result.report} />
          <p>
            <Link to={retryHref} className="button button-secondary" reloadDocument>
              Check again with a new key
            </Link>
          </p>
        </div>
      );
  }
}
