import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { getCurrentUser } from "~/auth/session.server";
import { logOut, logOutEverywhere } from "~/services/accounts.server";
import { getAppContext } from "~/services/app-context.server";
import { requestMeta } from "~/utils/request-meta.server";

// Logging out changes state, so it is a POST (a GET link could be triggered by any page).
export async function loader() {
  throw redirect("/");
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await getCurrentUser(request, context);
  const ctx = getAppContext();
  if (!user) throw redirect("/", { headers: { "Set-Cookie": ctx.lucia.createBlankSessionCookie().serialize() } });
  const form = await request.formData();
  const everywhere = form.get("scope") === "everywhere";
  const cookie = everywhere
    ? await logOutEverywhere(ctx, user, requestMeta(request, context))
    : await logOut(ctx, { id: user.sessionId }, user, requestMeta(request, context));
  throw redirect(everywhere ? "/login?signedOut=everywhere" : "/login?signedOut=1", { headers: { "Set-Cookie": cookie.serialize() } });
}
