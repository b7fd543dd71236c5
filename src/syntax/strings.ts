/** Decoding of string literals and quoted identifiers (spec §2.3, §2.5). */

/** A bad escape inside a string literal, with offsets relative to the literal's first character. */
export interface EscapeProblem {
  readonly start: number;
  readonly end: number;
  readonly reason: string;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  t: "\t",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  '"': '"',
  // ES documents `\'` as invalid but its grammar still decodes it; we follow the grammar (DESIGN.md).
  "'": "'",
  "\\": "\\",
};

/** Decode the text of a `"..."` token (quotes included); returns the value or the first bad escape. */
export function decodeQuotedString(image: string): string | EscapeProblem {
  let out = "";
  const last = image.length - 1;
  let i = 1;
  while (i < last) {
    // Copy the run up to the next backslash at once: most strings have none, and a string built
    // character by character was a quarter of what lexing the detection-rules corpus allocated.
    const slash = image.indexOf("\\", i);
    if (slash < 0 || slash >= last) return out + image.slice(i, last);
    out += image.slice(i, slash);
    i = slash;
    const e = image[i + 1] ?? "";
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      out += simple;
      i += 2;
      continue;
    }
    if (e === "u") {
      const m = /^\{([0-9A-Fa-f]*)\}/.exec(image.slice(i + 2, last));
      if (!m)
        return {
          start: i,
          end: i + 2,
          reason: "Invalid unicode escape; expected \\u{...} with 2 to 8 hex digits",
        };
      const hex = m[1]!;
      const end = i + 2 + m[0].length;
      if (hex.length < 2 || hex.length > 8) {
        return { start: i, end, reason: `Unicode escape \\u{${hex}} must have 2 to 8 hex digits` };
      }
      const code = Number.parseInt(hex, 16);
      if (code > 0x10ffff) return { start: i, end, reason: `Unicode escape \\u{${hex}} is above 10FFFF` };
      if (code >= 0xd800 && code <= 0xdfff) {
        return { start: i, end, reason: `Unicode escape \\u{${hex}} is a surrogate code point` };
      }
      out += String.fromCodePoint(code);
      i = end;
      continue;
    }
    return { start: i, end: i + 2, reason: `Invalid escape sequence \\${e}` };
  }
  return out;
}

/** The content of a `"""..."""` token: its text minus the first and last three characters. */
export function decodeRawString(image: string): string {
  return image.slice(3, image.length - 3);
}

/** The name inside a `` `quoted` `` identifier, with doubled backticks collapsed. */
export function decodeQuotedIdentifier(image: string): string {
  return image.slice(1, -1).replace(/``/g, "`");
}
