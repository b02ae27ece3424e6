import type { ParseArgsConfig } from "node:util";

export interface Command {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  run(values: Record<string, string | boolean | undefined>): Promise<number | void>;
  cleanup?(): Promise<void>;
}

/** A mistake in how the command was called: printed with the usage line, exit code 64. */
export class UsageError extends Error {}

/** Reads all of standard input (empty when it is a terminal nobody typed into). */
export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return "";
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
