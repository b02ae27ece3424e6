import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { requireCustomer } from "~/auth/session.server";
import { pageTitle } from "~/utils/page-title";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "Dashboard");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireCustomer(request, context);
  return { name: user.name };
}

export default function Dashboard() {
  const { name } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Dashboard</h1>
          <p>Your organisation&apos;s Stripe connection.</p>
        </div>
      </div>
      {params.get("welcome") ? (
        <div className="alert alert-ok" role="status">
          <div className="alert-title">Welcome, {name}.</div>
          <p>Your account is ready. Next, create a restricted key in Stripe and connect it.</p>
        </div>
      ) : null}
      <section className="card empty" aria-labelledby="no-connection">
        <h2 id="no-connection">No Stripe key connected yet</h2>
        <p>Create a restricted key with the permissions on the checklist, then paste it on the connect page.</p>
        <div className="row" data-centered="">
          <Link to="/connect" className="button">
            Connect a key
          </Link>
          <Link to="/checklist" className="button button-secondary">
            Open the checklist
          </Link>
        </div>
      </section>
    </>
  );
}
