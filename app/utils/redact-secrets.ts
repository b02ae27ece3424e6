// Anything shaped like a Stripe key or webhook secret, whatever its type or mode, or a Keyport
// service token (kpt_, base64url).
const SECRET_PATTERN = /\b(?:(?:sk|rk|pk|rkcs|oak|whsec|ek)_(?:(?:test|live)_)?[A-Za-z0-9_]{8,}|kpt_[A-Za-z0-9_-]{8,})/g;

/**
 * Defence in depth for logs and audit details: replaces any Stripe-key-shaped substring with a
 * masked form (prefix and last four), recursively through objects and arrays.
 */
export function redactSecrets<T>(value: T): T {
  if (typeof value === "string") {
    return value.replace(SECRET_PATTERN, (match) => `${match.slice(0, match.indexOf("_") + 1)}…${match.slice(-4)}[redacted]`) as T;
  }
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v)) as T;
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactSecrets(v)])) as T;
  }
  return value;
}
