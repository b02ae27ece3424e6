import type { ActionFunctionArgs } from "@remix-run/node";
import { requireCustomer } from "~/auth/session.server";
import { findReplaceTarget, submitConnectForm } from "~/services/connect-flow.server";
import { redactSecrets } from "~/utils/redact-secrets";

/**
 * The connect form's progressive enhancement: the same submission as a plain form post, answered
 * as newline-delimited JSON so the page can show which resources are being checked.
 * Lines: {"type":"progress",completed,total,label} … then {"type":"result",…} or {"type":"error"}.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireCustomer(request, context);
  const form = await request.formData();
  // Before the stream starts, so another organisation's connection id is a plain 404.
  const replacing = await findReplaceTarget(user, form.get("replace"));
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (line: unknown) => controller.enqueue(encoder.encode(`${JSON.stringify(line)}\n`));
      try {
        const result = await submitConnectForm(request, context, user, form, { replacing, onProgress: (progress) => send({ type: "progress", ...progress }) });
        send({ type: "result", result });
      } catch (error) {
        console.error(redactSecrets(`Key check failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`));
        send({ type: "error", message: "Something went wrong on our side while checking the key. Nothing was stored. Please try again." });
      } finally {
        controller.close();
      }
    },
  });
  return new Response(body, {
    headers: { "Content-Type": "application/x-ndjson; charset=utf-8", "Cache-Control": "no-store", "X-Accel-Buffering": "no" },
  });
}

export async function loader() {
  throw new Response("Not found", { status: 404 });
}
