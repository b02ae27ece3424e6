import { type AppLoadContext, redirect } from "@remix-run/node";
import type { Role } from "~/db/schema";
import { getAppContext } from "~/services/app-context.server";

export interface CurrentUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  organisationId: string | null;
  sessionId: string;
}

const perRequest = new WeakMap<AppLoadContext, Promise<CurrentUser | null>>();

async function validate(request: Request, context: AppLoadContext): Promise<CurrentUser | null> {
  const { lucia } = getAppContext();
  const sessionId = lucia.readSessionCookie(request.headers.get("cookie") ?? "");
  if (!sessionId) return null;
  const { session, user } = await lucia.validateSession(sessionId);
  if (!session) {
    context.responseCookies.push(lucia.createBlankSessionCookie().serialize());
    return null;
  }
  if (session.fresh) {
    // Sliding expiry: lucia extended the session, so send the cookie again with the new date.
    context.responseCookies.push(lucia.createSessionCookie(session.id).serialize());
  }
  return { id: user.id, email: user.email, name: user.name, role: user.role, organisationId: user.organisationId, sessionId: session.id };
}

/** The signed-in user, validated once per request however many loaders ask. */
export function getCurrentUser(request: Request, context: AppLoadContext): Promise<CurrentUser | null> {
  let pending = perRequest.get(context);
  if (!pending) {
    pending = validate(request, context);
    perRequest.set(context, pending);
  }
  return pending;
}

function loginRedirect(request: Request) {
  const url = new URL(request.url);
  const redirectTo = `${url.pathname}${url.search}`;
  return redirect(`/login?${new URLSearchParams({ redirectTo })}`);
}

export async function requireUser(request: Request, context: AppLoadContext): Promise<CurrentUser> {
  const user = await getCurrentUser(request, context);
  if (!user) throw loginRedirect(request);
  return user;
}

export async function requireCustomer(request: Request, context: AppLoadContext): Promise<CurrentUser & { organisationId: string }> {
  const user = await requireUser(request, context);
  if (user.role !== "customer" || !user.organisationId) {
    throw new Response("This page is for customers connecting their Stripe account.", { status: 403 });
  }
  return { ...user, organisationId: user.organisationId };
}

export async function requireStaff(request: Request, context: AppLoadContext, roles: Role[] = ["support", "admin"]): Promise<CurrentUser> {
  const user = await requireUser(request, context);
  if (!roles.includes(user.role)) {
    throw new Response(roles.length === 1 && roles[0] === "admin" ? "Only administrators can open this page." : "Only the vendor's support staff can open this page.", {
      status: 403,
    });
  }
  return user;
}

export async function requireAnonymous(request: Request, context: AppLoadContext) {
  const user = await getCurrentUser(request, context);
  if (user) throw redirect(homeFor(user));
}

export function homeFor(user: Pick<CurrentUser, "role">) {
  return user.role === "customer" ? "/dashboard" : "/staff";
}

/** Only same-site paths: an open redirect after login would be a phishing aid. */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback: string) {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  return to;
}
