import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/auth/session.server";
import { listSessions } from "~/services/accounts.server";
import { getAppContext } from "~/services/app-context.server";
import { formatDateTime } from "~/utils/format";
import { pageTitle } from "~/utils/page-title";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "Your account");

const ROLE_LABELS = { customer: "Customer", support: "Vendor support", admin: "Vendor administrator" } as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const sessions = await listSessions(getAppContext(), user.id);
  return {
    user: { name: user.name, email: user.email, role: ROLE_LABELS[user.role] },
    sessions: sessions.map((s) => ({ createdAt: s.created_at, expiresAt: s.expires_at, ip: s.ip, userAgent: s.user_agent })),
  };
}

export default function AccountPage() {
  const { user, sessions } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Your account</h1>
          <p>Your profile and where you are signed in.</p>
        </div>
      </div>
      <div className="grid-2">
        <section className="card" aria-labelledby="profile">
          <h2 id="profile">Profile</h2>
          <dl className="facts">
            <dt>Name</dt>
            <dd>{user.name}</dd>
            <dt>E-mail</dt>
            <dd>{user.email}</dd>
            <dt>Role</dt>
            <dd>{user.role}</dd>
          </dl>
        </section>
        <section className="card" aria-labelledby="sessions">
          <h2 id="sessions">Signed-in devices</h2>
          <p className="muted small">Sessions last seven days and renew while you use the portal.</p>
          <ul className="stack session-list">
            {sessions.map((s, i) => (
              <li key={i}>
                <div>{s.userAgent ? summariseAgent(s.userAgent) : "Unknown browser"}</div>
                <div className="muted small">
                  Signed in {formatDateTime(s.createdAt)} from {s.ip ?? "an unknown address"} · expires {formatDateTime(s.expiresAt)}
                </div>
              </li>
            ))}
          </ul>
          <Form method="post" action="/logout">
            <input type="hidden" name="scope" value="everywhere" />
            <button type="submit" className="button button-secondary">
              Log out everywhere
            </button>
          </Form>
        </section>
      </div>
    </>
  );
}

function summariseAgent(agent: string) {
  const browser = /Firefox\/[\d.]+|Edg\/[\d.]+|Chrome\/[\d.]+|Safari\/[\d.]+/.exec(agent)?.[0] ?? agent.slice(0, 60);
  const platform = /Windows|Mac OS X|Linux|Android|iPhone|iPad/.exec(agent)?.[0];
  return platform ? `${browser.replace("/", " ")} on ${platform}` : browser.replace("/", " ");
}
