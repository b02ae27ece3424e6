/**
 * Stripe's v1 API takes `application/x-www-form-urlencoded` bodies and query strings with bracket
 * nesting (`metadata[plan]=pro`, `expand[]=data.customer`, `items[0][price]=price_1`), which is what
 * stripe-node sends. This turns them into plain nested values.
 */
export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormObject = { [key: string]: FormValue };

const UNSAFE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

export function parseForm(text: string): FormObject {
  const out: FormObject = {};
  if (text === "") return out;
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const path = splitKey(rawKey);
    if (path.length === 0 || path.some((part) => UNSAFE_KEYS.has(part))) continue;
    assign(out, path, value);
  }
  return out;
}

/** `items[0][price]` → ["items", "0", "price"]; `expand[]` → ["expand", ""]. */
function splitKey(key: string): string[] {
  const open = key.indexOf("[");
  if (open === -1) return [key];
  const parts = [key.slice(0, open)];
  const rest = key.slice(open);
  const re = /\[([^\]]*)\]/g;
  let match: RegExpExecArray | null;
  while ((match = re.exec(rest)) !== null) parts.push(match[1] as string);
  return parts;
}

function assign(target: FormObject | FormValue[], path: string[], value: string): void {
  const [head, ...rest] = path as [string, ...string[]];
  if (Array.isArray(target)) {
    if (rest.length === 0) {
      target.push(value);
      return;
    }
    const index = head === "" ? target.length : Number(head);
    const child = target[index];
    const next = isContainer(child) ? child : rest[0] === "" || /^\d+$/.test(rest[0] as string) ? [] : {};
    target[index] = next;
    assign(next, rest, value);
    return;
  }
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  const child = target[head];
  const next = isContainer(child) ? child : rest[0] === "" || /^\d+$/.test(rest[0] as string) ? [] : {};
  target[head] = next;
  assign(next, rest, value);
}

function isContainer(value: FormValue | undefined): value is FormObject | FormValue[] {
  return typeof value === "object" && value !== null;
}
