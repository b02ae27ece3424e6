import path from "node:path";
import { loadManifest } from "~/domain/manifest/load-manifest";
import type { Manifest } from "~/domain/manifest/manifest";
import { getEnv } from "./env.server";

/**
 * The vendor's manifest, loaded and validated once (an invalid manifest stops the start with
 * every problem named by field). Servers call `loadConfiguredManifest()` at start-up; request
 * handlers then read it synchronously with `getManifest()`.
 */
let loaded: { path: string; manifest: Manifest } | undefined;

export async function loadConfiguredManifest(): Promise<Manifest> {
  const file = path.resolve(getEnv().KEYPORT_MANIFEST);
  if (loaded?.path !== file) loaded = { path: file, manifest: await loadManifest(file) };
  return loaded.manifest;
}

export function getManifest(): Manifest {
  if (!loaded) throw new Error("The manifest has not been loaded yet: call loadConfiguredManifest() at start-up.");
  return loaded.manifest;
}
