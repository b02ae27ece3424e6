import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getCurrentUser } from "~/auth/session.server";
import { ChecklistPermissions, formatIsoDate } from "~/components/checklist";
import { ChecklistText } from "~/components/checklist-text";
import { getManifest } from "~/config/manifest.server";
import { buildChecklist, type Checklist } from "~/domain/checklist/build-checklist";
import { renderChecklistText } from "~/domain/checklist/render-checklist";
import { pageTitle } from "~/utils/page-title";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "Stripe key checklist");

export const links: LinksFunction = () => [
  { rel: "alternate", type: "application/json", href: "/checklist.json" },
  { rel: "alternate", type: "text/markdown", href: "/checklist.md" },
];

type Viewer = "anonymous" | "customer" | "staff";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await getCurrentUser(request, context);
  const checklist = buildChecklist(getManifest());
  const viewer: Viewer = !user ? "anonymous" : user.role === "customer" ? "customer" : "staff";
  return { checklist, text: renderChecklistText(checklist), viewer };
}

function modesText(modes: Checklist["modes"]) {
  const prefixes = modes.map((mode) => `rk_${mode}_…`);
  if (modes.length === 2) return { label: "Test mode and live mode", prefixes };
  return { label: modes[0] === "live" ? "Live mode only" : "Test mode only", prefixes };
}

function NextStep({ viewer }: { viewer: Viewer }) {
  if (viewer === "staff") {
    return (
      <div className="checklist-cta checklist-cta-quiet">
        <p className="small">
          You are signed in as staff. Customers follow this checklist and connect their key from their own account.
        </p>
      </div>
    );
  }
  return (
    <section className="checklist-cta" aria-labelledby="next-step-title">
      <h2 id="next-step-title" className="checklist-cta-title">
        {viewer === "customer" ? "Created the key?" : "Ready to connect?"}
      </h2>
      {viewer === "customer" ? (
        <>
          <p>Paste it on the connect page. Keyport checks it against this checklist before anything is stored.</p>
          <Link to="/connect" className="button button-block">
            Connect your key
          </Link>
        </>
      ) : (
        <>
          <p>Create an account for your organisation, or log in, then paste the key. Keyport checks it before anything is stored.</p>
          <div className="checklist-cta-actions">
            <Link to="/signup" className="button">
              Create an account
            </Link>
            <Link to="/login?redirectTo=%2Fconnect" className="button button-secondary">
              Log in
            </Link>
          </div>
        </>
      )}
    </section>
  );
}

function ExternalMark() {
  return (
    <svg viewBox="0 0 16 16" className="button-icon" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" aria-hidden="true" focusable="false">
      <path d="M9 2.5h4.5V7M13.5 2.5 7 9M11.5 9.5v3a1 1 0 0 1-1 1h-7a1 1 0 0 1-1-1v-7a1 1 0 0 1 1-1h3" />
    </svg>
  );
}

export default function ChecklistPage() {
  const { checklist, text, viewer } = useLoaderData<typeof loader>();
  const { vendor, manifest } = checklist;
  const modes = modesText(checklist.modes);
  const why = checklist.whyLeastPrivilege;
  return (
    <div className="checklist-page">
      <div className="checklist-header">
        <div className="checklist-intro">
          <p className="eyebrow">Stripe permission checklist</p>
          <h1>The Stripe key {vendor.name} needs</h1>
          <p className="checklist-lead">{checklist.intro}</p>
          <dl className="facts checklist-facts">
            <dt>Key name</dt>
            <dd>
              <code>{checklist.keyName}</code>
            </dd>
            <dt>Accepted keys</dt>
            <dd>
              {modes.label}{" "}
              <span className="muted">
                (starting with{" "}
                {modes.prefixes.map((prefix, index) => (
                  <span key={prefix}>
                    {index > 0 ? " or " : null}
                    <code>{prefix}</code>
                  </span>
                ))}
                )
              </span>
            </dd>
            <dt>Requirements</dt>
            <dd>
              Version {manifest.version}, last changed <time dateTime={manifest.lastChanged}>{formatIsoDate(manifest.lastChanged)}</time>
            </dd>
            {manifest.changes ? (
              <>
                <dt>What changed</dt>
                <dd>{manifest.changes}</dd>
              </>
            ) : null}
          </dl>
        </div>
        <NextStep viewer={viewer} />
      </div>

      <div className="checklist-layout">
        <div className="checklist-main">
          <section className="card" aria-labelledby="permissions-title">
            <h2 id="permissions-title">Permissions to set</h2>
            <p className="muted">
              Stripe&apos;s form lists every resource with None, Read and Write. Set the rows below to the level shown, in the groups Stripe
              shows them in, and leave every other row at None.
            </p>
            <ChecklistPermissions checklist={checklist} />
            <p className="checklist-policy">{checklist.extraAccessPolicy}</p>
          </section>

          {checklist.ipAllowlist.length > 0 ? (
            <section className="card" aria-labelledby="ip-title">
              <h2 id="ip-title">IP addresses to allow</h2>
              <p>
                {vendor.name} calls Stripe only from these addresses. Restrict the key to them in Stripe&apos;s form, so the key is useless from
                anywhere else.
              </p>
              <ul className="checklist-ip-list" role="list">
                {checklist.ipAllowlist.map((address) => (
                  <li key={address}>
                    <code>{address}</code>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}

          <section className="card" aria-labelledby="create-title">
            <h2 id="create-title">Create the key</h2>
            <h3>With a pre-filled link</h3>
            <p className="muted">Open Stripe&apos;s form with the name and these permissions already selected, check the rows, then create the key.</p>
            <ul className="checklist-create-links" role="list">
              {checklist.createLinks.map((link, index) => (
                <li key={link.mode}>
                  <a
                    href={link.url}
                    className={index === 0 ? "button" : "button button-secondary"}
                    target="_blank"
                    rel="noopener noreferrer"
                    data-mode={link.mode}
                  >
                    {link.label}
                    <span className="visually-hidden"> (opens Stripe in a new tab)</span>
                    <ExternalMark />
                  </a>
                </li>
              ))}
            </ul>
            <div className="alert alert-info checklist-link-note">
              <div className="alert-title">Keyport checks the key afterwards</div>
              <p>{checklist.createLinkNote}</p>
            </div>

            <h3>Step by step</h3>
            <ol className="steps checklist-steps" role="list">
              {checklist.steps.map((step) => (
                <li key={step.title}>
                  <span className="checklist-step-title">{step.title}</span>
                  {step.detail ? <span className="checklist-step-detail">{step.detail}</span> : null}
                </li>
              ))}
            </ol>
          </section>

        </div>

        <div className="checklist-aside">
          <section className="card checklist-why" aria-labelledby="why-title">
            <h2 id="why-title">{why.title}</h2>
            {why.paragraphs.map((paragraph) => (
              <p key={paragraph}>{paragraph}</p>
            ))}
            <p className="small">
              Source: <a href={why.source.url}>{why.source.title}</a>
            </p>
          </section>

          <section className="card" aria-labelledby="export-title">
            <h2 id="export-title">Copy or download</h2>
            <p className="muted small">The same checklist, for your notes, your team or your own documentation.</p>
            <ChecklistText text={text} />
            <ul className="checklist-downloads" role="list">
              <li>
                <a href="/checklist.json" type="application/json">
                  As JSON
                </a>{" "}
                <span className="muted small">for scripts</span>
              </li>
              <li>
                <a href="/checklist.md" type="text/markdown">
                  As Markdown
                </a>{" "}
                <span className="muted small">for documentation</span>
              </li>
            </ul>
          </section>
        </div>
      </div>
    </div>
  );
}
