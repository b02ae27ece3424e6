import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { SignupSchema } from "~/auth/account-schemas";
import { PASSWORD_MIN_LENGTH } from "~/auth/password-policy";
import { requireAnonymous } from "~/auth/session.server";
import { Field, FormAlert } from "~/components/forms";
import { findInvitation, signUp } from "~/services/accounts.server";
import { getAppContext } from "~/services/app-context.server";
import { fieldErrors, formText } from "~/utils/forms";
import { pageTitle } from "~/utils/page-title";
import { requestMeta } from "~/utils/request-meta.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "Sign up");

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireAnonymous(request, context);
  const invite = new URL(request.url).searchParams.get("invite");
  const invitation = invite ? await findInvitation(getAppContext(), invite) : undefined;
  return {
    invite: invitation ? invite : null,
    invitation: invitation ? { email: invitation.email, organisationName: invitation.organisationName } : null,
    invalidInvite: Boolean(invite && !invitation),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const values = {
    name: formText(form, "name") ?? "",
    email: formText(form, "email") ?? "",
    organisationName: formText(form, "organisationName") || undefined,
    invite: formText(form, "invite") || undefined,
  };
  // A field people cannot see: bots fill it in, people do not.
  if (formText(form, "website")) {
    return data({ errors: {} as Record<string, string>, formError: "Your sign-up could not be processed.", values }, { status: 400 });
  }
  const parsed = SignupSchema.safeParse({ ...values, password: formText(form, "password") });
  if (!parsed.success) {
    return data({ errors: fieldErrors(parsed.error), formError: undefined, values }, { status: 400 });
  }
  const result = await signUp(getAppContext(), parsed.data, requestMeta(request, context));
  if (!result.ok) {
    const { form: formError, ...errors } = result.errors;
    return data({ errors: errors as Record<string, string>, formError, values }, { status: result.status });
  }
  throw redirect("/dashboard?welcome=1", { headers: { "Set-Cookie": result.cookie.serialize() } });
}

export default function SignupPage() {
  const { invite, invitation, invalidInvite } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors = actionData?.errors ?? {};
  return (
    <div className="narrow">
      <div className="card">
        <h1>{invitation ? `Join ${invitation.organisationName}` : "Create your account"}</h1>
        <p className="muted">
          {invitation
            ? "You were invited to help manage your company's Stripe connection."
            : "One account per person. Your company gets an organisation that holds its Stripe connection."}
        </p>
        {invalidInvite ? <FormAlert title="This invitation can't be used" message="It has expired or was already used. You can still create an account for a new organisation, or ask your colleague for a new invitation." /> : null}
        <FormAlert message={actionData?.formError ?? errors.invite} />
        <Form method="post" className="form" noValidate>
          {invite ? <input type="hidden" name="invite" value={invite} /> : null}
          <div className="visually-hidden" aria-hidden="true">
            <label>
              Leave this field empty
              <input type="text" name="website" tabIndex={-1} autoComplete="off" />
            </label>
          </div>
          <Field label="Your name" name="name" autoComplete="name" required defaultValue={actionData?.values.name} error={errors.name} />
          <Field
            label="Work e-mail address"
            name="email"
            type="email"
            autoComplete="email"
            required
            defaultValue={actionData?.values.email ?? invitation?.email}
            readOnly={Boolean(invitation)}
            error={errors.email}
          />
          {invitation ? null : (
            <Field
              label="Company name"
              name="organisationName"
              autoComplete="organization"
              required
              hint="The company whose Stripe account you will connect."
              defaultValue={actionData?.values.organisationName}
              error={errors.organisationName}
            />
          )}
          <Field
            label="Password"
            name="password"
            type="password"
            autoComplete="new-password"
            required
            minLength={PASSWORD_MIN_LENGTH}
            hint={`At least ${PASSWORD_MIN_LENGTH} characters. A passphrase of a few words is easy to remember.`}
            error={errors.password}
          />
          <button type="submit" className="button button-block" disabled={busy}>
            {busy ? "Creating your account…" : "Create account"}
          </button>
        </Form>
      </div>
      <p className="center small">
        Already have an account? <Link to="/login">Log in</Link>
      </p>
    </div>
  );
}
