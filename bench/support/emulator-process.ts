import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

/**
 * Starts the Stripe emulator in a child process, so it runs on its own core and is not the
 * bottleneck of what a benchmark measures. Resolves with its URL once it listens.
 */
export async function startEmulatorProcess(env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ["--import", "tsx", "emulator/main.ts"], {
    env: { ...process.env, STRIPE_EMULATOR_PORT: "0", STRIPE_EMULATOR_DEMO_KEYS: "off", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const firstLine = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  const url = /http:\/\/127\.0\.0\.1:\d+/.exec(firstLine)?.[0];
  if (!url) throw new Error(`unexpected first line from the emulator: ${firstLine}`);
  return { url, stop: () => child.kill("SIGTERM") };
}
