import { parseArgs } from "node:util";
import { UsageError } from "./command";
import { commands } from "./commands";

/**
 * `npm run keyport -- <command> [options]`: one entry point, each command a few lines over a
 * service. Exit codes: 0 success, 1 failure, 64 usage error (as sysexits.h EX_USAGE).
 */
const [name, ...rest] = process.argv.slice(2);
const command = name ? commands[name] : undefined;

if (!command) {
  const list = Object.entries(commands)
    .map(([n, c]) => `  ${n.padEnd(16)} ${c.summary}`)
    .join("\n");
  console.error(`${name ? `Unknown command "${name}".\n\n` : ""}Usage: npm run keyport -- <command> [options]\n\nCommands:\n${list}`);
  process.exit(name && name !== "help" && name !== "--help" ? 64 : name ? 0 : 64);
}

let values: Record<string, string | boolean | undefined>;
try {
  ({ values } = parseArgs({ args: rest, options: command.options, strict: true, allowPositionals: false }) as { values: typeof values });
} catch (error) {
  console.error(`${error instanceof Error ? error.message : String(error)}\n\nUsage: npm run keyport -- ${name} ${command.usage}`);
  process.exit(64);
}

try {
  const code = await command.run(values);
  await command.cleanup?.();
  process.exit(code ?? 0);
} catch (error) {
  await command.cleanup?.().catch(() => undefined);
  if (error instanceof UsageError) {
    console.error(`${error.message}\n\nUsage: npm run keyport -- ${name} ${command.usage}`);
    process.exit(64);
  }
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
