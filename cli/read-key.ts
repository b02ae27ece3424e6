import { readStdin } from "./command";

/**
 * The key comes from standard input, never from an argument (which would show in process lists
 * and shell history). At a terminal it is read without echo.
 */
export async function readKeyFromStdin(): Promise<string> {
  if (!process.stdin.isTTY) return readStdin();
  process.stderr.write("Paste the restricted key and press Enter (it is not shown): ");
  return new Promise((resolve) => {
    const stdin = process.stdin;
    let value = "";
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding("utf8");
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n" || ch === "\u0004") {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off("data", onData);
          process.stderr.write("\n");
          resolve(value);
          return;
        }
        if (ch === "\u0003") {
          stdin.setRawMode(false);
          process.exit(130);
        }
        value = ch === "\u007f" ? value.slice(0, -1) : value + ch;
      }
    };
    stdin.on("data", onData);
  });
}
