import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { createEmulatorAdmin } from "../emulator/admin-client";
import { startEmulator } from "../emulator/server";
import { parseManifest } from "../app/domain/manifest/manifest";

/**
 * `npm run dev`: the portal on the embedded defaults. Builds the app, starts the Stripe emulator
 * (unless STRIPE_API_BASE points elsewhere), prepares the SQLite database with demo accounts,
 * prints demo keys made for the vendor's manifest, and serves the portal on http://127.0.0.1:3000.
 */
function run(command: string, args: string[], env: NodeJS.ProcessEnv) {
  const result = spawnSync(command, args, { stdio: "inherit", env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const env = { ...process.env, NODE_ENV: process.env.NODE_ENV ?? "development" } as NodeJS.ProcessEnv;
const manifestPath = path.resolve(env.KEYPORT_MANIFEST ?? "examples/manifests/demo.json");
const manifest = parseManifest(JSON.parse(fs.readFileSync(manifestPath, "utf8")), manifestPath);

let stopEmulator = async () => {};
if (!env.STRIPE_API_BASE) {
  const port = Number(env.STRIPE_EMULATOR_PORT ?? 12111);
  const emulator = await startEmulator({ port }).catch((error: NodeJS.ErrnoException) => {
    console.error(error.code === "EADDRINUSE" ? `Port ${port} is taken: set STRIPE_EMULATOR_PORT to a free port.` : error.message);
    process.exit(1);
  });
  stopEmulator = emulator.close;
  env.STRIPE_API_BASE = emulator.url;

  // Demo keys cut for this manifest, so each shows one kind of report.
  const admin = createEmulatorAdmin(emulator.url);
  const grants = Object.entries(manifest.permissions).map(([name, r]) => `${name}_${r.level}`);
  const firstRead = Object.entries(manifest.permissions).find(([, r]) => r.level === "read")?.[0];
  const mode = manifest.modes.includes("test") ? "test" : "live";
  const demoKeys = [
    { label: "exact (accepted)", permissions: grants },
    { label: `missing ${grants[grants.length - 1]} (rejected)`, permissions: grants.slice(0, -1) },
    ...(firstRead ? [{ label: `can write ${firstRead} (unnecessary write)`, permissions: [...grants.filter((g) => g !== `${firstRead}_read`), `${firstRead}_write`] }] : []),
    { label: "expired (rejected)", permissions: grants, expired: true },
  ];
  console.log(`\nStripe emulator on ${emulator.url} (account ${emulator.account}). Demo ${mode}-mode keys for ${manifest.vendor.name}'s manifest:`);
  for (const demo of demoKeys) {
    const created = await admin.createKey({ mode, permissions: demo.permissions, expired: "expired" in demo ? demo.expired : false });
    console.log(`  ${demo.label.padEnd(40)} ${created.key}`);
  }
  console.log("");
}

run("npx", ["remix", "build"], env);
run(process.execPath, ["--import", "tsx", "cli/keyport.ts", "db:seed"], env);

const server = spawn(process.execPath, ["--import", "tsx", "server/index.ts"], { stdio: "inherit", env });
const stop = () => server.kill("SIGTERM");
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
server.on("exit", async (code) => {
  await stopEmulator();
  process.exit(code ?? 0);
});
