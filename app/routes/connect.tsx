import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigate } from "@remix-run/react";
import { useRef, useState, type FormEvent } from "react";
import { requireCustomer } from "~/auth/session.server";
import { ChecklistSummary, toChecklistSummary } from "~/components/checklist";
import { KeyReport } from "~/components/key-report";
import { getManifest } from "~/config/manifest.server";
import { buildChecklist } from "~/domain/checklist/build-checklist";
import { getAppContext } from "~/services/app-context.server";
import type { ConnectResponse } from "~/services/connect-form";
import { submitConnectForm } from "~/services/connect-flow.server";
import { listConnections } from "~/services/connection-store.server";
import { pageTitle } from "~/utils/page-title";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "Connect your Stripe key");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireCustomer(request, context);
  const manifest = getManifest();
  const active = await listConnections(getAppContext(), { organisationId: user.organisationId, state: "active" });
  return {
    summary: toChecklistSummary(buildChecklist(manifest)),
    modes: manifest.modes,
    vendorName: manifest.vendor.name,
    active: active.map((c) => ({ id: c.id, mode: c.mode, last4: c.key_last4, account: c.stripe_account_id })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireCustomer(request, context);
  const result = await submitConnectForm(request, context, user, await request.formData());
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
  const { summary, modes, vendorName, active } = useLoaderData<typeof loader>();
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

  const modeText = modes.length === 2 ? "a test-mode (rk_test_…) or live-mode (rk_live_…)" : modes[0] === "live" ? "a live-mode (rk_live_…)" : "a test-mode (rk_test_…)";
  const mismatch = result?.kind === "account_mismatch" ? result : null;

  return (
    <>
      <div className="page-header">
        <div>
          <p className="eyebrow">Connect</p>
          <h1>Connect your Stripe key</h1>
          <p>
            Paste {modeText} restricted key. We check it against Stripe without changing anything in your account, and store it encrypted
            only if it gives {vendorName} exactly what it needs.
          </p>
        </div>
      </div>
      <div className="grid-2 connect-layout">
        <div className="stack">
          <section className="card" aria-labelledby="paste-title">
            <h2 id="paste-title">Paste the key</h2>
            {active.length > 0 ? (
              <div className="alert alert-info">
                <p>
                  {active.map((c) => `Your ${c.mode}-mode key …${c.last4}${c.account ? ` (${c.account})` : ""}`).join(" and ")} {active.length === 1 ? "is" : "are"} connected.
                  A new key of the same mode replaces it once it passes the check; the old one is then destroyed here.
                </p>
              </div>
            ) : null}
            <Form method="post" action="/connect" className="form connect-form" ref={formRef} onSubmit={onSubmit} autoComplete="off">
              <div className="field">
                <label htmlFor="key">Restricted API key</label>
                <div id="key-hint" className="hint">
                  It starts with <code>rk_test_</code> or <code>rk_live_</code>. Never paste a secret key (<code>sk_</code>).
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
              {mismatch ? (
                <label className="checkbox">
                  <input type="checkbox" name="confirmAccountSwitch" value="on" />
                  <span>
                    I want to switch {vendorName} from Stripe account {mismatch.currentAccount} to {mismatch.newAccount}.
                  </span>
                </label>
              ) : null}
              <div className="row">
                <button type="submit" className="button" disabled={checking}>
                  {checking ? "Checking…" : "Check and connect"}
                </button>
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
          {result ? <ConnectResult result={result} /> : null}
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

function ConnectResult({ result }: { result: ConnectResponse }) {
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
      return (
        <div className="stack">
          <div className="alert alert-warn" role="alert">
            <div className="alert-title">This key belongs to a different Stripe account</div>
            <p>
              Your connected key is for {result.currentAccount}; this one is for {result.newAccount}. Nothing was stored. If you really mean to
              switch accounts, tick the box above and paste the key again.
            </p>
          </div>
          <KeyReport report={result.report} />
        </div>
      );
    default:
      return (
        <div className="stack">
          <KeyReport report={result.report} />
          <p>
            <Link to="/connect" className="button button-secondary" reloadDocument>
              Check again with a new key
            </Link>
          </p>
        </div>
      );
  }
}
