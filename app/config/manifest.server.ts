import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { getEnv } from "./env.server";

// Interim: reads the vendor block only, until the manifest schema lands.
const VendorOnly = z.object({
  version: z.number().int(),
  vendor: z.object({ name: z.string(), website: z.string(), supportEmail: z.string() }),
});

let cached: z.infer<typeof VendorOnly> | undefined;

export function getManifest() {
  cached ??= VendorOnly.parse(JSON.parse(fs.readFileSync(path.resolve(getEnv().KEYPORT_MANIFEST), "utf8")));
  return cached;
}
