/**
 * The emulator's own copy of `invariant`: it must not import Keyport's app/utils (it is a
 * witness written from Stripe's reference, not from Keyport's code).
 */
export function invariant(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) {
    throw new Error(typeof message === "function" ? message() : message);
  }
}
