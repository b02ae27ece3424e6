import { describe, expect, test } from "vitest";
import { type KeyRefusalCode } from "./key-refusals";
import { parseKey, type ParsedKey } from "./parse-key";

// Reproduce a failure with FUZZ_SEED=<seed printed in the test name> npx vitest run app/domain/key
const SEED = Number(process.env.FUZZ_SEED ?? 20_260_901);
const CASES = 25_000;

/** mulberry32: small, fast, good enough to drive a fuzzer reproducibly. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number) => Math.floor(next() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}

type Rng = ReturnType<typeof prng>;

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
// Canaries use upper case and digits only: no 5-character run of them occurs in any message,
// so finding one in the output means the input was echoed.
const CANARY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

const NASTY = [
  "\u0000", "\u0001", "\u0007", "\u001b", "\u007f", "\u0085", "\t", "\n", "\r", "\v", "\f", " ", "\u00a0", "\u2028", "\u2029", "\u3000",
  "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2069", "\u061c",
  "\ud800", "\udbff", "\udc00", "\udfff", "\ud83d\ude00", "\u0301", "\u0430", "\u0440", "\u043a", "\uff52", "\uff4b", "\ufffd", "\uffff",
  "\"", "'", "`", "\u201c", "\u201d", "\u2018", "\u2019", "\u00ab", "\u00bb", "*", "\u2022", "\u2026", "...", ".", ",", ":", ";", "=", "-", "/", "+", "\\", "%00", "<", ">",
  "_", "__", "_".repeat(50),
];

const FRAGMENTS = [
  "rk_", "sk_", "pk_", "ek_", "oak_", "rkcs_", "whsec_", "acct_", "test_", "live_", "rk_test_", "rk_live_", "sk_live_", "sk_test_", "pk_test_",
  "Bearer ", "bearer\t", "Authorization: ", "STRIPE_KEY=", "rk_rk_", "rk_test_rk_test_", "_test_", "live", "test",
];

function randomString(rng: Rng, alphabet: string, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[rng.int(alphabet.length)];
  return out;
}

/** Any UTF-16 code units at all, surrogate halves and controls included. */
function randomCodeUnits(rng: Rng, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) {
    const range = rng.int(4);
    const code = range === 0 ? rng.int(0x80) : range === 1 ? rng.int(0x800) : range === 2 ? 0xd800 + rng.int(0x800) : rng.int(0x10000);
    out += String.fromCharCode(code);
  }
  return out;
}

type Case = { input: string; canary?: string; expectAccepted?: string };

function validKey(rng: Rng, canary: string): string {
  return `rk_${rng.pick(["test", "live"])}_${canary}`;
}

/** What copying does to a key: breaks and invisible characters inside, then quotes, `Bearer ` and spaces around. */
function wrap(rng: Rng, key: string): string {
  let out = key;
  for (let i = rng.int(3); i > 0; i--) {
    const split = rng.int(out.length + 1);
    const insert = rng.pick(["\n", " ", "\r\n", "\u200b", "\u200d", "\ufeff", "\u200f", "\u202e", "\u2066"]);
    out = `${out.slice(0, split)}${insert}${out.slice(split)}`;
  }
  for (let i = rng.int(4); i > 0; i--) {
    switch (rng.int(4)) {
      case 0: out = `${rng.pick(["\"", "'", "`", "\u201c", "\u2018", "\u00ab"])}${out}${rng.pick(["\"", "'", "`", "\u201d", "\u2019", "\u00bb"])}`; break;
      case 1: out = `${rng.pick(["Bearer ", "bearer\n", "Authorization: Bearer "])}${out}`; break;
      case 2: out = `${rng.pick([" ", "\n", "\r\n", "\t", "\u00a0"])}${out}${rng.pick([" ", "\n", "\r\n", ""])}`; break;
      default: out = `${out}:`;
    }
  }
  return out;
}

function generate(rng: Rng): Case {
  const canary = randomString(rng, CANARY_ALPHABET, 24 + rng.int(120));
  switch (rng.int(9)) {
    case 0:
      return { input: randomCodeUnits(rng, rng.int(300)) };
    case 1: {
      const key = validKey(rng, canary);
      return { input: wrap(rng, key), canary, expectAccepted: key };
    }
    case 2: {
      // Near-valid: one character replaced by something a key never holds.
      const key = validKey(rng, canary);
      const at = 8 + rng.int(key.length - 8);
      return { input: `${key.slice(0, at)}${rng.pick(NASTY)}${key.slice(at + 1)}`, canary };
    }
    case 3: {
      const prefix = rng.pick(FRAGMENTS);
      return { input: `${prefix.repeat(1 + rng.int(40))}${canary}`, canary };
    }
    case 4:
      return { input: `${"_".repeat(rng.int(500))}${rng.pick(FRAGMENTS)}${"_".repeat(rng.int(50))}${canary}`, canary };
    case 5: {
      let input = "";
      const pieces = 1 + rng.int(30);
      for (let i = 0; i < pieces; i++) {
        input += rng.pick([() => rng.pick(FRAGMENTS), () => rng.pick(NASTY), () => randomString(rng, ALPHANUMERIC, rng.int(12))])();
      }
      return { input: `${input}${canary}` , canary };
    }
    case 6: {
      // Key-shaped but of another kind, or pasted twice.
      const prefix = rng.pick(["sk_live_", "sk_test_", "pk_live_", "pk_test_", "rkcs_test_", "oak_", "whsec_", "acct_", "ek_test_"]);
      const twice = rng.next() < 0.3;
      const key = `${prefix}${canary}`;
      return { input: twice ? `${key}${rng.pick(["", "\n", " "])}${key}` : wrap(rng, key), canary };
    }
    case 7:
      // Length boundaries around the 24..247 body and the 4096 raw-input limit.
      return {
        input: rng.pick([
          () => `rk_test_${randomString(rng, CANARY_ALPHABET, rng.pick([23, 24, 25, 246, 247, 248, 249]))}`,
          () => `${" ".repeat(4096 - canary.length - 8 + rng.int(3) - 1)}rk_live_${canary}`,
          () => `rk_live_${canary.repeat(2 + rng.int(60))}`,
        ])(),
      };
    default:
      return { input: `${randomCodeUnits(rng, rng.int(40))}${rng.pick(FRAGMENTS)}${canary}${randomCodeUnits(rng, rng.int(40))}`, canary };
  }
}

const CODES: ReadonlySet<KeyRefusalCode> = new Set<KeyRefusalCode>([
  "empty", "too_long", "secret_key", "publishable_key", "sandbox_key", "oauth_token", "webhook_secret", "account_id",
  "ephemeral_key", "multiple_keys", "extra_text", "masked_key", "truncated_key", "malformed_key", "invalid_characters",
  "unrecognised", "mode_not_accepted",
]);
// What messages are written in: printable ASCII and a handful of typographic characters. An input
// character outside this set (a control, a surrogate half, an RTL mark…) can therefore never be echoed.
const MESSAGE_CHARACTERS = /^[\x20-\x7e\u2026\u2192\u201c\u201d\u2019\u22ef\u2022]*$/;
/**
 * The fastest of a few runs: a garbage-collection pause or another process on this shared machine
 * can stall any single call, but a slow algorithm is slow every time.
 */
function fastestRun(input: string, runs = 5): number {
  let fastest = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    parseKey(input);
    fastest = Math.min(fastest, performance.now() - t0);
  }
  return fastest;
}

const RESTRICTED_KEY = /^rk_(test|live)_[A-Za-z0-9]{24,247}$/;

/** The first property `result` breaks, or undefined. Plain checks: 25 000 rounds of expect() cost seconds. */
function problemWith(result: ParsedKey, c: Case): string | undefined {
  if (result.ok) {
    const { key } = result;
    if (key.type !== "restricted" || (key.mode !== "test" && key.mode !== "live")) return "accepted something other than a test or live restricted key";
    if (!/^[A-Za-z0-9]{4}$/.test(key.last4) || !key.secret.reveal().endsWith(key.last4)) return "last4 is not the key's last four characters";
    if (!RESTRICTED_KEY.test(key.secret.reveal())) return "accepted a key outside ^rk_(test|live)_[A-Za-z0-9]{24,247}$";
  } else {
    const { refusal } = result;
    if (!CODES.has(refusal.code)) return `unknown refusal code ${refusal.code}`;
    if (refusal.message.length === 0) return "empty message";
    if (![refusal.message, ...(refusal.guidance ?? [])].every((text) => MESSAGE_CHARACTERS.test(text))) return "message holds characters from the input";
    if (refusal.last4 !== undefined && !/^[A-Za-z0-9]{4}$/.test(refusal.last4)) return "last4 hint is not four letters or digits";
  }
  if (c.expectAccepted !== undefined && !(result.ok && result.key.secret.reveal() === c.expectAccepted)) {
    return `a valid key wrapped as a copy would wrap it was not accepted (${result.ok ? "different key" : result.refusal.code})`;
  }
  if (c.canary) {
    const shown = JSON.stringify(result);
    for (let i = 0; i + 5 <= c.canary.length; i++) {
      const window = c.canary.slice(i, i + 5);
      if (shown.includes(window)) return `output echoes input characters ${JSON.stringify(window)}: ${shown}`;
    }
  }
  return undefined;
}

describe(`parseKey under fuzzing (seed ${SEED})`, () => {
  test(`${CASES} random and adversarial inputs: never throws, never echoes more than the last four, stays fast`, () => {
    const rng = prng(SEED);
    let slowest = 0;
    let slowestInput = "";
    const seen = new Set<string>();
    let parsing = 0;
    for (let i = 0; i < CASES; i++) {
      const c = generate(rng);
      const t0 = performance.now();
      let result: ParsedKey;
      try {
        result = parseKey(c.input);
      } catch (error) {
        throw new Error(`case ${i} threw on ${JSON.stringify(c.input.slice(0, 300))} (length ${c.input.length}): ${String(error)}`);
      }
      let elapsed = performance.now() - t0;
      parsing += elapsed;
      if (elapsed > 5) elapsed = fastestRun(c.input);
      if (elapsed > slowest) [slowest, slowestInput] = [elapsed, `case ${i}, length ${c.input.length}`];
      const problem = problemWith(result, c);
      if (problem) throw new Error(`case ${i}: ${problem}; input ${JSON.stringify(c.input.slice(0, 300))}`);
      seen.add(result.ok ? "accepted" : result.refusal.code);
    }
    // Generous budgets for a shared 2-core machine (about 15 µs a call when idle); a backtracking
    // regex would blow them by orders of magnitude.
    expect(parsing, `parsing took ${parsing.toFixed(0)} ms in all`).toBeLessThan(5_000);
    expect(slowest, `slowest ${slowest.toFixed(2)} ms (${slowestInput})`).toBeLessThan(50);
    // The generator reaches most outcomes, so the properties above were checked on each of them.
    for (const outcome of ["accepted", "secret_key", "publishable_key", "multiple_keys", "invalid_characters", "truncated_key", "too_long", "unrecognised", "extra_text", "masked_key"]) {
      expect(seen, outcome).toContain(outcome);
    }
  });

  test("megabyte inputs return at once", () => {
    const huge = [
      "a".repeat(5 * 1024 * 1024),
      " ".repeat(5 * 1024 * 1024),
      "rk_test_".repeat(700_000),
      "\u200b".repeat(2 * 1024 * 1024),
      `${"\ud800".repeat(1024 * 1024)}rk_live_${"A".repeat(1024 * 1024)}`,
      `${"_".repeat(3 * 1024 * 1024)}sk_live_${"B".repeat(99)}`,
    ];
    for (const input of huge) {
      const result = parseKey(input);
      const elapsed = fastestRun(input, 3);
      expect(result.ok).toBe(false);
      expect(elapsed, `${input.length} characters took ${elapsed.toFixed(2)} ms`).toBeLessThan(50);
      expect(JSON.stringify(result).length).toBeLessThan(3000);
    }
    expect(parseKey(`${"_".repeat(3 * 1024 * 1024)}sk_live_${"B".repeat(99)}`)).toMatchObject({ ok: false, refusal: { code: "secret_key" } });
  });

  test("inputs near the raw-length limit, where every step still runs, stay fast", () => {
    const rng = prng(SEED + 1);
    const inputs = [" ".repeat(4000) + "x" + " ".repeat(95), "\u200b ".repeat(2048), `${"\"".repeat(2000)}rk_test_${"A".repeat(90)}${"\u201d".repeat(2000)}`];
    for (let i = 0; i < 200; i++) inputs.push(randomCodeUnits(rng, 4096 - rng.int(4)));
    const slowest = Math.max(...inputs.map((input) => fastestRun(input, 3)));
    expect(slowest).toBeLessThan(20);
  });
});
