import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Links, Meta, NavLink, Outlet, Scripts, ScrollRestoration, useRouteLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { getCurrentUser } from "./auth/session.server";
import { GeneralErrorBoundary } from "./components/error-boundary";
import { useNonce } from "./components/nonce";
import { getManifest } from "./config/manifest.server";
import { getAppContext } from "./services/app-context.server";
import stylesheet from "./styles/app.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Connect Stripe to ${data.vendor.name}` : "Keyport" },
  { name: "description", content: "Give your vendor exactly the Stripe access it needs, with a restricted key that is verified and stored encrypted." },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await getCurrentUser(request, context);
  const { vendor } = getManifest();
  let organisationName: string | null = null;
  if (user?.organisationId) {
    const org = await getAppContext().db.selectFrom("organisations").select("name").where("id", "=", user.organisationId).executeTakeFirst();
    organisationName = org?.name ?? null;
  }
  return {
    user: user ? { name: user.name, email: user.email, role: user.role, organisationName } : null,
    vendor: { name: vendor.name, website: vendor.website, supportEmail: vendor.supportEmail },
  };
}

function Nav({ user }: { user: Awaited<ReturnType<typeof loader>>["user"] }) {
  const links: Array<[string, string]> = !user
    ? [
        ["/checklist", "Checklist"],
        ["/login", "Log in"],
        ["/signup", "Sign up"],
      ]
    : user.role === "customer"
      ? [
          ["/dashboard", "Dashboard"],
          ["/connect", "Connect a key"],
          ["/checklist", "Checklist"],
          ["/organisation", "Organisation"],
          ["/activity", "Activity"],
          ["/account", "Account"],
        ]
      : [
          ["/staff", "Connections"],
          ["/staff/audit", "Audit trail"],
          ...(user.role === "admin"
            ? ([
                ["/staff/tokens", "API tokens"],
                ["/staff/webhooks", "Webhooks"],
              ] as Array<[string, string]>)
            : []),
          ["/checklist", "Checklist"],
          ["/account", "Account"],
        ];
  return (
    <nav className="site-nav" aria-label="Main">
      <ul>
        {links.map(([to, label]) => (
          <li key={to}>
            <NavLink to={to} end={to === "/staff"}>
              {label}
            </NavLink>
          </li>
        ))}
        {user ? (
          <li>
            <Form method="post" action="/logout" className="inline-form">
              <button type="submit" className="link-button">
                Log out
              </button>
            </Form>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  const data = useRouteLoaderData<typeof loader>("root");
  const vendorName = data?.vendor.name ?? "Keyport";
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <a href="#main" className="skip-link">
          Skip to content
        </a>
        <header className="site-header">
          <div className="container">
            <a href="/" className="brand">
              <span className="brand-mark" aria-hidden="true">
                <svg viewBox="0 0 24 24" fill="none" stroke="#fff" strokeWidth="2.2" strokeLinecap="round" strokeLinejoin="round">
                  <circle cx="8" cy="15" r="4" />
                  <path d="M10.8 12.2 20 3m-3 3 3 3m-6 0 2 2" />
                </svg>
              </span>
              <span>
                {vendorName}
                <small>Stripe key portal</small>
              </span>
            </a>
            <Nav user={data?.user ?? null} />
          </div>
        </header>
        <main id="main" tabIndex={-1} className="container">
          {children}
        </main>
        <footer className="site-footer">
          <div className="container">
            <span>
              {vendorName} uses Keyport to take Stripe restricted keys safely: checked, least-privilege, encrypted at rest.
            </span>
            {data ? (
              <span>
                Questions? <a href={`mailto:${data.vendor.supportEmail}`}>{data.vendor.supportEmail}</a>
              </span>
            ) : null}
          </div>
        </footer>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
