import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { LoginSchema } from "~/auth/account-schemas";
import { homeFor, requireAnonymous, safeRedirect } from "~/auth/session.server";
import { Field, FormAlert } from "~/components/forms";
import { logIn } from "~/services/accounts.server";
import { getAppContext } from "~/services/app-context.server";
import { fieldErrors, formText } from "~/utils/forms";
import { pageTitle } from "~/utils/page-title";
import { requestMeta } from "~/utils/request-meta.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "Log in");

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireAnonymous(request, context);
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const email = formText(form, "email") ?? "";
  const parsed = LoginSchema.safeParse({ email: formText(form, "email"), password: formText(form, "password") });
  if (!parsed.success) {
    return data({ errors: fieldErrors(parsed.error), formError: undefined, email }, { status: 400 });
  }
  const result = await logIn(getAppContext(), parsed.data, requestMeta(request, context));
  if (!result.ok) {
    return data({ errors: {} as Record<string, string>, formError: result.message, email }, { status: result.status });
  }
  throw redirect(safeRedirect(form.get("redirectTo"), homeFor(result.user)), {
    headers: { "Set-Cookie": result.cookie.serialize() },
  });
}

export default function LoginPage() {
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  return (
    <div className="narrow">
      <div className="card">
        <h1>Log in</h1>
        <p className="muted">Sign in to connect or manage your organisation&apos;s Stripe key.</p>
        {searchParams.get("signedOut") && !actionData ? (
          <div className="alert alert-ok" role="status">
            <p>{searchParams.get("signedOut") === "everywhere" ? "You have been logged out on every device." : "You have been logged out."}</p>
          </div>
        ) : null}
        <FormAlert message={actionData?.formError} />
        <Form method="post" className="form" noValidate>
          <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? ""} />
          <Field label="E-mail address" name="email" type="email" autoComplete="email" required defaultValue={actionData?.email} error={actionData?.errors.email} />
          <Field label="Password" name="password" type="password" autoComplete="current-password" required error={actionData?.errors.password} />
          <button type="submit" className="button button-block" disabled={busy}>
            {busy ? "Logging in…" : "Log in"}
          </button>
        </Form>
      </div>
      <p className="center small">
        New here? <Link to="/signup">Create an account</Link>
      </p>
    </div>
  );
}
