import { getManifest } from "~/config/manifest.server";
import { buildChecklist } from "~/domain/checklist/build-checklist";
import { renderChecklistMarkdown } from "~/domain/checklist/render-checklist";

/**
 * GET /checklist.md: the checklist as Markdown, to paste into a vendor's own documentation.
 * Public and cacheable for five minutes, like /checklist.json.
 */
export function loader() {
  return new Response(renderChecklistMarkdown(buildChecklist(getManifest())), {
    headers: {
      "Content-Type": "text/markdown; charset=utf-8",
      "Cache-Control": "public, max-age=300",
      "Access-Control-Allow-Origin": "*",
    },
  });
}
