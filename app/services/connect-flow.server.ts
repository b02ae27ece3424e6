import type { AppLoadContext } from "@remix-run/node";
import { getManifest } from "~/config/manifest.server";
import type { CurrentUser } from "~/auth/session.server";
import type { ProbeProgress } from "~/domain/probe/run-probe";
import { requestMeta } from "~/utils/request-meta.server";
import { getAppContext } from "./app-context.server";
import { ConnectFormSchema, type ConnectResponse } from "./connect-form";
import { connectKey } from "./connect-key.server";
import { firstCheckAt } from "./health.server";
import { getStripeTransport } from "./stripe.server";

/** One submission of the connect form, for both the plain form post and the streaming endpoint. */
export async function submitConnectForm(
  request: Request,
  context: AppLoadContext,
  user: CurrentUser & { organisationId: string },
  form: FormData,
  onProgress?: (progress: ProbeProgress) => void,
): Promise<ConnectResponse> {
  const parsed = ConnectFormSchema.safeParse({ key: form.get("key") ?? undefined, confirmAccountSwitch: form.get("confirmAccountSwitch") ?? undefined });
  if (!parsed.success) return { kind: "invalid", message: parsed.error.issues[0]?.message ?? "The form could not be read." };
  const outcome = await connectKey(
    getAppContext(),
    { organisationId: user.organisationId, actor: user, pasted: parsed.data.key, confirmAccountSwitch: parsed.data.confirmAccountSwitch },
    requestMeta(request, context),
    { manifest: getManifest(), transport: getStripeTransport(), onProgress, firstCheckAt: () => firstCheckAt(getAppContext()) },
  );
  switch (outcome.kind) {
    case "accepted":
      return { kind: "accepted", connectionId: outcome.connection.id, replaced: outcome.replaced !== null };
    case "already_connected":
      return { kind: "already_connected", connectionId: outcome.connection.id, last4: outcome.connection.key_last4 };
    case "rate_limited": {
      const minutes = Math.ceil(outcome.retryAfterMs / 60_000);
      return { kind: "rate_limited", message: `Too many keys were checked for your organisation or network in the last hour. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.` };
    }
    default:
      return outcome;
  }
}
