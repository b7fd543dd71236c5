/**
 * Where keys and string values sit in a TOML or JSON rule file, so that errors point into the file
 * the author edits. The parsers (smol-toml, JSON.parse) give values without positions; this scanner
 * re-reads the text just far enough to find each key of a table and the source offset of every
 * character of a string value (escapes and TOML's dropped first newline included).
 */

/** A key found in the text. */
export interface KeySite {
  /** Dotted path: table path plus key (`rule.query`, `metadata.maturity`); JSON keys have no table. */
  readonly path: string;
  /** 0-based offset of the key. */
  readonly offset: number;
  /** For a string value: where its content starts and ends, and its delimiter. */
  readonly string?: { readonly start: number; readonly end: number; readonly delim: string };
}

/** A decoded string with the source offset of every UTF-16 unit (plus one past the end). */
export interface MappedString {
  readonly value: string;
  readonly offsets: readonly number[];
}

const WS = new Set([" ", "\t"]);

/** Offset just past the string starting at `i` (at its opening delimiter), and the delimiter. */
function skipString(text: string, i: number): { end: number; delim: string } {
  const delim = text.startsWith("'''", i) ? "'''" : text.startsWith('"""', i) ? '"""' : (text[i] as string);
  let j = i + delim.length;
  const basic = delim[0] === '"';
  const multi = delim.length === 3;
  while (j < text.length) {
    const c = text[j];
    if (basic && c === "\\") {
      j += 2;
      continue;
    }
    if (!multi && c === "\n") return { end: j, delim };
    if (text.startsWith(delim, j)) {
      // A multi-line string may end with up to two extra quotes before its delimiter.
      let end = j + delim.length;
      while (multi && text[end] === delim[0] && end - j < 5) end++;
      return { end, delim };
    }
    j++;
  }
  return { end: text.length, delim };
}

function contentSpan(text: string, start: number, end: number, delim: string) {
  let s = start + delim.length;
  const e = Math.max(s, end - delim.length);
  // TOML drops a newline right after the opening delimiter of a multi-line string.
  if (delim.length === 3) {
    if (text.startsWith("\r\n", s)) s += 2;
    else if (text[s] === "\n") s += 1;
  }
  return { start: s, end: e, delim };
}

/** Skip a value (scalar, string, array, inline table) starting at `i`; returns its end offset. */
function skipValue(text: string, i: number): number {
  let depth = 0;
  let j = i;
  while (j < text.length) {
    const c = text[j] as string;
    if (c === '"' || c === "'") {
      j = skipString(text, j).end;
      continue;
    }
    if (c === "#") {
      while (j < text.length && text[j] !== "\n") j++;
      continue;
    }
    if (c === "[" || c === "{") depth++;
    else if (c === "]" || c === "}") depth--;
    else if (c === "\n" && depth <= 0) return j;
    j++;
  }
  return j;
}

function readKey(text: string, i: number): { key: string; end: number } {
  const parts: string[] = [];
  let cur = "";
  let j = i;
  while (j < text.length && text[j] !== "=" && text[j] !== "\n") {
    const c = text[j] as string;
    if (c === '"' || c === "'") {
      const { end } = skipString(text, j);
      cur += text.slice(j + 1, end - 1);
      j = end;
      continue;
    }
    if (c === ".") {
      parts.push(cur.trim());
      cur = "";
    } else cur += c;
    j++;
  }
  parts.push(cur.trim());
  return { key: parts.join("."), end: j };
}

/** Every key of a TOML document with its table path, in order (array tables repeat their path). */
export function scanToml(text: string): KeySite[] {
  const sites: KeySite[] = [];
  let table = "";
  let i = 0;
  while (i < text.length) {
    while (i < text.length && (WS.has(text[i] as string) || text[i] === "\r")) i++;
    const c = text[i];
    if (c === undefined) break;
    if (c === "\n") {
      i++;
      continue;
    }
    if (c === "#") {
      while (i < text.length && text[i] !== "\n") i++;
      continue;
    }
    if (c === "[") {
      const double = text[i + 1] === "[";
      const { key, end } = readKey(text, i + (double ? 2 : 1));
      table = (key.split("]")[0] as string).trim();
      sites.push({ path: table, offset: i });
      i = end;
      while (i < text.length && text[i] !== "\n") i++;
      continue;
    }
    const { key, end } = readKey(text, i);
    const path = table ? `${table}.${key}` : key;
    let v = end + 1;
    while (v < text.length && WS.has(text[v] as string)) v++;
    if (text[v] === '"' || text[v] === "'") {
      const s = skipString(text, v);
      sites.push({ path, offset: i, string: contentSpan(text, v, s.end, s.delim) });
      i = skipValue(text, s.end);
    } else {
      sites.push({ path, offset: i });
      i = skipValue(text, v);
    }
  }
  return sites;
}

function skipJsonString(text: string, i: number): number {
  let j = i + 1;
  while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
  return j + 1;
}

/** The keys of the top-level object of the JSON value starting at or after `from`. */
export function scanJsonObject(text: string, from = 0): KeySite[] {
  const sites: KeySite[] = [];
  let i = text.indexOf("{", from);
  if (i < 0) return sites;
  let depth = 0;
  let expectKey = false;
  for (; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = skipJsonString(text, i);
      if (depth === 1 && expectKey) {
        const key = JSON.parse(text.slice(i, end)) as string;
        let v = end;
        while (v < text.length && /[\s:]/.test(text[v] as string)) v++;
        const site: KeySite =
          text[v] === '"'
            ? { path: key, offset: i, string: { start: v + 1, end: skipJsonString(text, v) - 1, delim: '"' } }
            : { path: key, offset: i };
        sites.push(site);
        expectKey = false;
      }
      i = end - 1;
    } else if (c === "{" || c === "[") {
      depth++;
      if (depth === 1) expectKey = true;
    } else if (c === "}" || c === "]") {
      depth--;
      if (depth === 0) break;
    } else if (c === "," && depth === 1) expectKey = true;
  }
  return sites;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  b: "\b",
  t: "\t",
  n: "\n",
  f: "\f",
  r: "\r",
  e: "\x1b",
  '"': '"',
  "\\": "\\",
  "/": "/",
};

/** Decode the string content of `site`, keeping the source offset of each decoded unit. */
export function decodeString(text: string, site: NonNullable<KeySite["string"]>): MappedString {
  const { start, end, delim } = site;
  const offsets: number[] = [];
  let value = "";
  if (delim[0] === "'") {
    for (let i = start; i < end; i++) offsets.push(i);
    offsets.push(end);
    return { value: text.slice(start, end), offsets };
  }
  let i = start;
  while (i < end) {
    const c = text[i] as string;
    if (c !== "\\") {
      value += c;
      offsets.push(i);
      i++;
      continue;
    }
    const n = text[i + 1] as string;
    if (n in SIMPLE_ESCAPES) {
      value += SIMPLE_ESCAPES[n];
      offsets.push(i);
      i += 2;
    } else if (n === "u" || n === "U" || n === "x") {
      const len = n === "u" ? 4 : n === "U" ? 8 : 2;
      const ch = String.fromCodePoint(Number.parseInt(text.slice(i + 2, i + 2 + len), 16));
      for (let k = 0; k < ch.length; k++) offsets.push(i);
      value += ch;
      i += 2 + len;
    } else {
      // A line-ending backslash: TOML trims the newline and all whitespace that follows.
      i++;
      while (i < end && /\s/.test(text[i] as string)) i++;
    }
  }
  offsets.push(end);
  return { value, offsets };
}

/** The offset where line `line` (1-based) of `text` starts; the text's length past its last line. */
export function lineOffset(text: string, line: number): number {
  let at = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf("\n", at);
    if (nl < 0) return text.length;
    at = nl + 1;
  }
  return at;
}

/**
 * The offset just past the JSON object or array that starts at `start` (strings skipped with their
 * escapes); the text's length when it does not close.
 */
export function endOfJsonValue(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    } else if (c === "{" || c === "[") depth++;
    else if ((c === "}" || c === "]") && --depth === 0) return i + 1;
  }
  return text.length;
}
