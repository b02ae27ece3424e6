import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { EmailSchema } from "~/auth/account-schemas";
import { requireCustomer } from "~/auth/session.server";
import { Field } from "~/components/forms";
import { createInvitation, getOrganisationOverview } from "~/services/accounts.server";
import { getAppContext } from "~/services/app-context.server";
import { formatDate } from "~/utils/format";
import { fieldErrors, formText } from "~/utils/forms";
import { pageTitle } from "~/utils/page-title";
import { requestMeta } from "~/utils/request-meta.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "Organisation");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireCustomer(request, context);
  const overview = await getOrganisationOverview(getAppContext(), user.organisationId);
  return {
    organisation: { name: overview.organisation.name, createdAt: overview.organisation.created_at },
    members: overview.members.map((m) => ({ name: m.name, email: m.email, joinedAt: m.created_at, you: m.id === user.id })),
    invitations: overview.invitations.map((i) => ({ email: i.email, expiresAt: i.expires_at })),
  };
}

const InviteSchema = z.object({ email: EmailSchema });

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireCustomer(request, context);
  const form = await request.formData();
  const parsed = InviteSchema.safeParse({ email: formText(form, "email") });
  if (!parsed.success) return data({ ok: false as const, errors: fieldErrors(parsed.error) }, { status: 400 });
  const ctx = getAppContext();
  const taken = await ctx.db.selectFrom("users").select("id").where("email", "=", parsed.data.email).executeTakeFirst();
  if (taken) {
    return data({ ok: false as const, errors: { email: "Someone with this e-mail address already has an account." } as Record<string, string> }, { status: 400 });
  }
  const invitation = await createInvitation(ctx, { organisationId: user.organisationId, email: parsed.data.email, invitedBy: user }, requestMeta(request, context));
  const link = new URL(`/signup?invite=${invitation.token}`, request.url).toString();
  return { ok: true as const, email: parsed.data.email, link };
}

export default function OrganisationPage() {
  const { organisation, members, invitations } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <>
      <div className="page-header">
        <div>
          <p className="eyebrow">Organisation</p>
          <h1>{organisation.name}</h1>
          <p>Everyone here can see and manage your company&apos;s Stripe connection. Only members of this organisation can.</p>
        </div>
      </div>
      <div className="grid-2">
        <section className="card" aria-labelledby="members">
          <h2 id="members">Members</h2>
          <ul className="stack">
            {members.map((m) => (
              <li key={m.email}>
                <strong>{m.name}</strong> {m.you ? <span className="badge badge-neutral">You</span> : null}
                <div className="muted small">
                  {m.email} · joined {formatDate(m.joinedAt)}
                </div>
              </li>
            ))}
          </ul>
          {invitations.length > 0 ? (
            <>
              <h3>Pending invitations</h3>
              <ul>
                {invitations.map((i) => (
                  <li key={i.email}>
                    {i.email} <span className="muted small">(valid until {formatDate(i.expiresAt)})</span>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </section>
        <section className="card" aria-labelledby="invite">
          <h2 id="invite">Invite a colleague</h2>
          <p className="muted small">We create a personal sign-up link that is valid for seven days. Send it to your colleague yourself.</p>
          {actionData?.ok ? (
            <div className="alert alert-ok" role="status">
              <div className="alert-title">Invitation for {actionData.email} created</div>
              <p>This link is shown only now:</p>
              <p>
                <code className="mono">{actionData.link}</code>
              </p>
            </div>
          ) : null}
          <Form method="post" className="form" noValidate>
            <Field label="Colleague's e-mail address" name="email" type="email" autoComplete="off" required error={actionData?.ok ? undefined : actionData?.errors.email} />
            <button type="submit" className="button" disabled={busy}>
              Create invitation link
            </button>
          </Form>
        </section>
      </div>
    </>
  );
}
