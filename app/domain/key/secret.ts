import { maskKey } from "./mask-key";

/**
 * A key (or any credential) that is hard to leak by accident. The value lives in a closure, not in a
 * property, so spreading, `Object.entries`, `JSON.stringify`, template strings, `String()`,
 * `console.log` and `util.inspect` all see only the masked form. Call `reveal()` at the one place
 * the plaintext is really needed (the Stripe client, the vault).
 */
export type Secret = {
  readonly reveal: () => string;
  readonly masked: string;
  readonly toString: () => string;
  readonly toJSON: () => string;
  readonly valueOf: () => string;
};

const created = new WeakSet<object>();
const inspectCustom = Symbol.for("nodejs.util.inspect.custom");

export function createSecret(value: string): Secret {
  const masked = maskKey(value);
  const describe = () => masked;
  const secret = Object.freeze({
    reveal: () => value,
    masked,
    toString: describe,
    toJSON: describe,
    valueOf: describe,
    [Symbol.toPrimitive]: describe,
    [inspectCustom]: () => `Secret(${masked})`,
  });
  created.add(secret);
  return secret;
}

export function isSecret(value: unknown): value is Secret {
  return typeof value === "object" && value !== null && created.has(value);
}
