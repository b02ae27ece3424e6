import { getManifest } from "~/config/manifest.server";
import { buildChecklist } from "~/domain/checklist/build-checklist";

/**
 * GET /checklist.json: the `Checklist` structure the page renders, for vendors' scripts and docs.
 * Public data with no cookies involved: any site may fetch it (`*` never sends credentials), and
 * caches may keep it five minutes, since the manifest only changes when the portal restarts.
 */
export function loader() {
  const body = `${JSON.stringify(buildChecklist(getManifest()), null, 2)}\n`;
  return new Response(body, {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Cache-Control": "public, max-age=300",
      "Access-Control-Allow-Origin": "*",
    },
  });
}
