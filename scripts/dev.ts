import { spawn, spawnSync } from "node:child_process";

/**
 * `npm run dev`: the portal on the embedded defaults. Builds the app, prepares the SQLite
 * database with demo accounts, and serves it on http://127.0.0.1:3000.
 */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(command, args, { stdio: "inherit", env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const env = { ...process.env, NODE_ENV: process.env.NODE_ENV ?? "development" } as NodeJS.ProcessEnv;

run("npx", ["remix", "build"], env);
run("npx", ["tsx", "cli/keyport.ts", "db:seed"], env);

const server = spawn("npx", ["tsx", "server/index.ts"], { stdio: "inherit", env });
const stop = () => server.kill("SIGTERM");
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
server.on("exit", (code) => process.exit(code ?? 0));
