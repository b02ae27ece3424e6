import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { resetEnvForTests } from "~/config/env.server";
import { startPortalServices } from "./portal-lifecycle.server";

/** What `npm start` does first: an invalid configuration stops it with a message naming the problem. */
const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  resetEnvForTests();
});

function useEnv(values: Record<string, string | undefined>) {
  process.env = { ...saved, KEYPORT_SCHEDULER: "off", KEYPORT_LOG_LEVEL: "silent", ...values };
  resetEnvForTests();
}

describe("starting the portal", () => {
  it("refuses to start in production without its secrets, naming them", async () => {
    useEnv({ NODE_ENV: "production", KEYPORT_ENCRYPTION_KEYS: undefined, KEYPORT_ORIGIN: undefined });
    await expect(startPortalServices()).rejects.toThrow(/KEYPORT_ENCRYPTION_KEYS, KEYPORT_ORIGIN/);
  });

  it("refuses to start with an invalid manifest, naming every bad field", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keyport-start-"));
    const manifest = JSON.parse(fs.readFileSync("examples/manifests/demo.json", "utf8"));
    manifest.permissions.customr = "read";
    manifest.permissions.balance = "write";
    manifest.modes = [];
    fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(manifest));
    useEnv({ NODE_ENV: "test", KEYPORT_DATA_DIR: dir, KEYPORT_MANIFEST: path.join(dir, "manifest.json") });
    const error = await startPortalServices().then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/permissions\.customr: unknown permission "customr" \(did you mean "customer"\?\)/);
    expect(error?.message).toMatch(/permissions\.balance: .*only read/);
    expect(error?.message).toMatch(/modes/);
  });
});
