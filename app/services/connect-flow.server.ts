import type { AppLoadContext } from "@remix-run/node";
import { getManifest } from "~/config/manifest.server";
import type { CurrentUser } from "~/auth/session.server";
import { parseKey } from "~/domain/key/parse-key";
import type { ProbeProgress } from "~/domain/probe/run-probe";
import { requestMeta } from "~/utils/request-meta.server";
import { getAppContext } from "./app-context.server";
import { ConnectFormSchema, type ConnectResponse } from "./connect-form";
import { connectKey } from "./connect-key.server";
import { type Connection, getConnection } from "./connection-store.server";
import { firstCheckAt } from "./health.server";
import { getStripeTransport } from "./stripe.server";

/**
 * The connection a "replace key" page or submission names (`?replace=` / the form's `replace`),
 * looked up within the customer's organisation only. Any other id is a 404, the same answer as an
 * id that does not exist, so guessing never confirms another organisation's connection.
 */
export async function findReplaceTarget(user: { organisationId: string }, replaceId: FormDataEntryValue | string | null): Promise<Connection | null> {
  if (replaceId === null || replaceId === "") return null;
  const connection = typeof replaceId === "string" && replaceId.length <= 100 ? await getConnection(getAppContext(), replaceId, user.organisationId) : undefined;
  if (!connection) throw new Response("Not found", { status: 404 });
  return connection;
}

/** One submission of the connect form, for both the plain form post and the streaming endpoint. */
export async function submitConnectForm(
  request: Request,
  context: AppLoadContext,
  user: CurrentUser & { organisationId: string },
  form: FormData,
  options: { onProgress?: (progress: ProbeProgress) => void; replacing?: Connection | null } = {},
): Promise<ConnectResponse> {
  const parsed = ConnectFormSchema.safeParse({ key: form.get("key") ?? undefined, confirmAccountSwitch: form.get("confirmAccountSwitch") ?? undefined });
  if (!parsed.success) return { kind: "invalid", message: parsed.error.issues[0]?.message ?? "The form could not be read." };
  const manifest = getManifest();
  const { replacing } = options;
  if (replacing) {
    const old = `${replacing.mode}-mode key …${replacing.key_last4}`;
    if (replacing.state !== "active") {
      return { kind: "invalid", message: `Your ${old} was replaced or disconnected in the meantime, so there is nothing to replace. Nothing was checked or stored.` };
    }
    // Replacing is per mode: a key of the other mode would not replace this one. Said before any request to Stripe.
    const pasted = parseKey(parsed.data.key, { acceptedModes: manifest.modes });
    if (pasted.ok && pasted.key.mode !== replacing.mode) {
      return {
        kind: "invalid",
        message: `You are replacing your ${old}, but this is a ${pasted.key.mode}-mode key. Paste a ${replacing.mode}-mode restricted key (rk_${replacing.mode}_…). Nothing was checked or stored.`,
      };
    }
  }
  const outcome = await connectKey(
    getAppContext(),
    { organisationId: user.organisationId, actor: user, pasted: parsed.data.key, confirmAccountSwitch: parsed.data.confirmAccountSwitch },
    requestMeta(request, context),
    { manifest, transport: getStripeTransport(), onProgress: options.onProgress, firstCheckAt: () => firstCheckAt(getAppContext()) },
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
