/**
 * `npm run emulator`: the Stripe restricted-key emulator on 127.0.0.1:$STRIPE_EMULATOR_PORT (default
 * 12111). The first line printed is its URL; then, unless STRIPE_EMULATOR_DEMO_KEYS=off, four demo
 * test-mode keys. Settings: see config.ts and emulator/README.md.
 */
import { createEmulatorAdmin } from "./admin-client";
import { configFromEnv, type EmulatorConfig } from "./config";
import { startEmulator } from "./server";

let config: EmulatorConfig;
try {
  config = configFromEnv(process.env);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}

const emulator = await startEmulator(config.options);
console.log(`Stripe emulator listening on ${emulator.url} (account ${emulator.account})`);

if (config.demoKeys) {
  const admin = createEmulatorAdmin(emulator.url);
  const exact = config.demoPermissions;
  const firstRead = exact.find((p) => p.endsWith("_read")) ?? (exact[0] as string);
  // These keys exist only inside this emulator; printing them is how a developer gets one to paste.
  const demos = [
    { label: "exact", permissions: exact, expired: false },
    { label: "missing a permission", permissions: exact.slice(0, -1), expired: false },
    { label: "unnecessary write", permissions: [...exact.filter((p) => p !== firstRead), firstRead.replace(/_read$/, "_write")], expired: false },
    { label: "expired", permissions: exact, expired: true },
  ];
  for (const demo of demos) {
    const created = await admin.createKey({ mode: "test", permissions: demo.permissions, expired: demo.expired, name: `demo: ${demo.label}` });
    console.log(`demo key (${demo.label}; ${demo.permissions.join(", ")}): ${created.key}`);
  }
}

const stop = () => {
  emulator.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
