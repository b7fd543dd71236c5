/** JSON reading that keeps long integer literals exact, and comment-line stripping. */

/** Marks a long integer literal rewritten as a string before `JSON.parse`; NUL cannot occur raw in JSON. */
const SENTINEL = "\u0000bigint:";
const SENTINEL_ESCAPED = "\\u0000bigint:";
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Integer literals with more digits than this are read as `bigint` by {@link parseJsonExact}. */
export const MAX_PLAIN_DIGITS = 15;

/** Remove every line whose first non-blank characters are `prefix` (e.g. `//` or `#`). */
export function stripCommentLines(text: string, prefix: string): string {
  return text
    .split("\n")
    .map((line) => (line.trimStart().startsWith(prefix) ? "" : line))
    .join("\n");
}

/** Rewrite integer literals longer than {@link MAX_PLAIN_DIGITS} digits as sentinel strings. */
function protectLongIntegers(text: string): string {
  let out = "";
  let last = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
      i++;
      continue;
    }
    if (c === "-" || (c >= "0" && c <= "9")) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      if (!m) {
        i++;
        continue;
      }
      const token = m[0];
      const digits = token.startsWith("-") ? token.length - 1 : token.length;
      if (/^-?\d+$/.test(token) && digits > MAX_PLAIN_DIGITS) {
        out += `${text.slice(last, i)}"${SENTINEL_ESCAPED}${token}"`;
        last = i + token.length;
      }
      i += token.length;
      continue;
    }
    i++;
  }
  return out + text.slice(last);
}

/**
 * Parse JSON like `JSON.parse`, except that integer literals longer than 15 digits become `bigint`
 * values holding every digit (plain `JSON.parse` would round them to the nearest double).
 */
export function parseJsonExact(text: string): unknown {
  return JSON.parse(protectLongIntegers(text), (_key, value) =>
    typeof value === "string" && value.startsWith(SENTINEL) ? BigInt(value.slice(SENTINEL.length)) : value,
  );
}

/** Replace every `bigint` inside a JSON value by the nearest ordinary number (recursively, in place). */
export function toPlainNumbers<T>(value: T): T {
  if (typeof value === "bigint") return Number(value) as T;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = toPlainNumbers(value[i]);
  } else if (value !== null && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    for (const key of Object.keys(obj)) obj[key] = toPlainNumbers(obj[key]);
  }
  return value;
}
