import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requireStaff } from "~/auth/session.server";
import { getAppContext } from "~/services/app-context.server";
import { pageTitle } from "~/utils/page-title";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "Support console");

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireStaff(request, context);
  const { db } = getAppContext();
  const { count } = await db.selectFrom("organisations").select((eb) => eb.fn.countAll<number>().as("count")).executeTakeFirstOrThrow();
  return { organisations: Number(count) };
}

export default function StaffHome() {
  const { organisations } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="page-header">
        <div>
          <p className="eyebrow">Support console</p>
          <h1>Connections</h1>
          <p>Every customer organisation&apos;s Stripe connection and its health. Keys are never shown here.</p>
        </div>
      </div>
      <section className="card empty" aria-labelledby="none-yet">
        <h2 id="none-yet">No connections yet</h2>
        <p>
          {organisations} customer organisation{organisations === 1 ? " has" : "s have"} signed up. Their connections appear here once they
          connect a key.
        </p>
      </section>
    </>
  );
}
