import { describe, expect, it } from "vitest";
import { commands } from "../cli/commands";

/*
 * The command-line half of the access matrix (the routes are in e2e/access-control.spec.ts).
 *
 * Commands have no roles: whoever can run them has a shell on a portal host, with its environment
 * (the database URL and the master keys). What matters is what each one can reveal. None may print,
 * copy or export a customer's key: `reveals` names everything a command writes out, and a new
 * command fails this test until someone has written its row.
 */
type Reveals =
  | "nothing secret"
  | "a new master key (for the operator to store)"
  | "a generated staff password, once"
  | "a new service token, once (for the vendor's backend)";
const COMMANDS: Record<string, { touchesStoredKeys: "no" | "re-wraps in memory, never prints them" | "decrypts in memory to re-probe, never prints them"; reveals: Reveals }> = {
  check: { touchesStoredKeys: "no", reveals: "nothing secret" }, // the key comes on stdin; the report names only its last four
  health: { touchesStoredKeys: "decrypts in memory to re-probe, never prints them", reveals: "nothing secret" }, // statuses and counts
  "db:migrate": { touchesStoredKeys: "no", reveals: "nothing secret" },
  "db:seed": { touchesStoredKeys: "no", reveals: "nothing secret" }, // demo passwords, development only
  "user:create": { touchesStoredKeys: "no", reveals: "a generated staff password, once" },
  "vault:rotate": { touchesStoredKeys: "re-wraps in memory, never prints them", reveals: "nothing secret" },
  "vault:generate-key": { touchesStoredKeys: "no", reveals: "a new master key (for the operator to store)" },
  "token:create": { touchesStoredKeys: "no", reveals: "a new service token, once (for the vendor's backend)" },
  "token:revoke": { touchesStoredKeys: "no", reveals: "nothing secret" },
  "token:list": { touchesStoredKeys: "no", reveals: "nothing secret" }, // names, scopes, last four of each token
  "webhooks:deliver": { touchesStoredKeys: "no", reveals: "nothing secret" }, // delivery counts; payloads never hold keys
};

describe("command access matrix", () => {
  it("classifies every command in cli/commands.ts, and only those", () => {
    expect(Object.keys(commands).sort()).toEqual(Object.keys(COMMANDS).sort());
  });
});
