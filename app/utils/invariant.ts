/** Throws an Error with `message` when `condition` is falsy; narrows the type otherwise. */
export function invariant(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) {
    throw new Error(typeof message === "function" ? message() : message);
  }
}
