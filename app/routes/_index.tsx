import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getCurrentUser, homeFor } from "~/auth/session.server";
import { getManifest } from "~/config/manifest.server";
import { pageTitle } from "~/utils/page-title";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "Connect your Stripe account");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await getCurrentUser(request, context);
  const { vendor } = getManifest();
  return { vendorName: vendor.name, home: user ? homeFor(user) : null };
}

export default function Index() {
  const { vendorName, home } = useLoaderData<typeof loader>();
  return (
    <>
      <section className="hero">
        <p className="eyebrow">Stripe connection</p>
        <h1>Give {vendorName} exactly the Stripe access it needs, and nothing more.</h1>
        <p>
          {vendorName} reads your Stripe data with a <strong>restricted API key</strong> that you create and control. This portal tells you which
          permissions to tick, checks the key you paste before anything is saved, and stores it encrypted. You can disconnect at any time.
        </p>
        <div className="row">
          {home ? (
            <Link to={home} className="button">
              Go to your dashboard
            </Link>
          ) : (
            <>
              <Link to="/signup" className="button">
                Get started
              </Link>
              <Link to="/login" className="button button-secondary">
                Log in
              </Link>
            </>
          )}
          <Link to="/checklist">See the permission checklist</Link>
        </div>
      </section>
      <section className="grid-3" aria-label="How it works">
        <div className="card">
          <h2>1. Create a restricted key</h2>
          <p className="muted">
            Follow the checklist: it names every Stripe permission {vendorName} needs and links to a pre-filled key form in your Stripe
            Dashboard. Everything else stays at <em>None</em>.
          </p>
        </div>
        <div className="card">
          <h2>2. Paste it here once</h2>
          <p className="muted">
            We check the key against Stripe without changing anything in your account, and tell you precisely which row to fix if a permission
            is missing or broader than needed.
          </p>
        </div>
        <div className="card">
          <h2>3. Stay in control</h2>
          <p className="muted">
            The key is encrypted at rest and never shown again, not even to our support staff. Replace or disconnect it whenever you like.
          </p>
        </div>
      </section>
    </>
  );
}
