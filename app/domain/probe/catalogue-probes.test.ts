import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulatorAdmin, type EmulatorAdmin } from "../../../emulator/admin-client";
import { startEmulator, type RunningEmulator } from "../../../emulator/server";
import { PERMISSIONS, resolveProbe, type Level, type ProbeRequest } from "~/domain/catalogue/catalogue";
import { createSecret } from "~/domain/key/secret";
import { interpretProbeAnswer } from "./run-probe";
import { createStripeTransport, type StripeTransport } from "./stripe-transport";

/**
 * Every probe in the catalogue, sent through the official SDK to the emulator, which was written
 * independently from Stripe's reference. A probe must say "granted" for a key holding exactly its
 * grant and "denied" for a key without it (for write probes: also for a key that can only read),
 * and none of them may change anything.
 */
let emulator: RunningEmulator;
let admin: EmulatorAdmin;
let transport: StripeTransport;

beforeAll(async () => {
  emulator = await startEmulator({ rateLimits: false });
  admin = createEmulatorAdmin(emulator.url);
  transport = createStripeTransport({ apiBase: emulator.url });
});
afterAll(() => emulator.close());

const probes = PERMISSIONS.flatMap((permission) =>
  permission.levels.flatMap((level) =>
    level.probe.kind === "request" ? [{ name: permission.name, level: level.level, probe: level.probe, label: `${permission.name}_${level.level}` }] : [],
  ),
);

async function ask(key: string, probe: ProbeRequest) {
  const resolved = resolveProbe(probe, "cataloguetest1");
  const query = Object.entries(resolved.params).map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join("&");
  const answer = await transport.send(createSecret(key), { method: resolved.method, path: query ? `${resolved.path}?${query}` : resolved.path }, { timeoutMs: 5_000 });
  return interpretProbeAnswer(resolved.expect, answer);
}

async function keyWith(permissions: string[]) {
  return admin.createKey({ mode: "test", permissions });
}

describe("every catalogue probe against the emulator", () => {
  it("covers a meaningful share of the catalogue", () => {
    expect(probes.length).toBeGreaterThan(90);
  });

  it.each(probes)("$label: granted with the grant, denied without it, and changes nothing", async ({ name, level, probe }) => {
    const holder = await keyWith([`${name}_${level}`]);
    const unrelated = await keyWith([name === "event" ? "dispute_read" : "event_read"]);
    expect(await ask(holder.key, probe), "a key holding the grant").toEqual({ outcome: "granted" });
    expect((await ask(unrelated.key, probe)).outcome, "a key without it").toBe("denied");
    if (level === ("write" satisfies Level) && PERMISSIONS.find((p) => p.name === name)!.levels.some((l) => l.level === "read")) {
      const reader = await keyWith([`${name}_read`]);
      expect((await ask(reader.key, probe)).outcome, "a key that can only read").toBe("denied");
    }
    for (const key of [holder, unrelated]) {
      expect((await admin.ledger(key.id)).changes, "state changes made by the probe").toEqual([]);
    }
  });
});
