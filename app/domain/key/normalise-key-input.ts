/**
 * Undoes what copying a key out of a dashboard, an e-mail, a chat or a shell snippet does to it.
 * Callers bound the input length first; every step here is a linear scan (no backtracking regex).
 */

// Invisible characters that ride along with a copy: zero-width space/joiners, word joiner, BOM,
// soft hyphen, Mongolian vowel separator, and the bidirectional marks and embeddings an RTL page adds.
const INVISIBLE = new Set([
  0x00ad, 0x061c, 0x180e, 0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e,
  0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0x2066, 0x2067, 0x2068, 0x2069, 0xfeff,
]);

// Straight, curly and angle quotes, and backticks from Markdown.
const QUOTES = new Set(["\"", "'", "`", "\u2018", "\u2019", "\u201a", "\u201b", "\u201c", "\u201d", "\u201e", "\u201f", "\u00ab", "\u00bb", "\u2039", "\u203a"]);

const WHITESPACE = /\s/;

function removeInvisible(value: string): string {
  let out = "";
  for (let i = 0; i < value.length; i++) {
    if (!INVISIBLE.has(value.charCodeAt(i))) out += value[i];
  }
  return out;
}

function removeWhitespace(value: string): string {
  let out = "";
  for (const char of value) {
    if (!WHITESPACE.test(char)) out += char;
  }
  return out;
}

function stripSurroundingQuotes(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && QUOTES.has(value[start]!)) start++;
  while (end > start && QUOTES.has(value[end - 1]!)) end--;
  return value.slice(start, end);
}

/** Removes a leading `label` followed by whitespace (or, if `colon`, `label:`), case-insensitively. */
function stripLeadingWord(value: string, label: string, separator: "whitespace" | "colon"): string {
  if (value.slice(0, label.length).toLowerCase() !== label) return value;
  const rest = value.slice(label.length);
  if (separator === "colon") return rest.startsWith(":") ? rest.slice(1) : value;
  // `Bearer` alone (the key itself left behind) leaves nothing.
  return rest.length === 0 || WHITESPACE.test(rest[0]!) ? rest : value;
}

export function normaliseKeyInput(input: string): string {
  let value = removeInvisible(input).trim();
  // A few rounds cover nestings like `"Authorization: Bearer 'rk_…'"` or `-u "rk_…:"`.
  for (let round = 0; round < 4; round++) {
    const before = value;
    value = stripSurroundingQuotes(value).trim();
    value = stripLeadingWord(value, "authorization", "colon").trim();
    value = stripLeadingWord(value, "bearer", "whitespace").trim();
    // `curl -u rk_test_…:` (Stripe's own examples) leaves a trailing colon.
    if (value.endsWith(":")) value = value.slice(0, -1).trim();
    if (value === before) break;
  }
  // A key never contains whitespace: breaks and spaces inside come from wrapping in mail or chat.
  return removeWhitespace(value);
}
