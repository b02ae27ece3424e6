/**
 * Reads the vendor's manifest file at start-up. Any problem (missing file, broken JSON, invalid
 * content) becomes one `ManifestError` whose message lists every issue with its field, so the
 * process can print it and stop.
 */
import { readFile } from "node:fs/promises";

import { ManifestError, parseManifest, type Manifest } from "./manifest-schema";

export async function loadManifest(path: string): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : `cannot be read (${String(error)})`;
    throw new ManifestError(path, [{ path: "(file)", message: reason }]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ManifestError(path, [{ path: "(file)", message: `is not valid JSON: ${(error as Error).message}` }]);
  }
  return parseManifest(json, path);
}
