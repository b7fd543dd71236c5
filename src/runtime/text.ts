/** String helpers shared by comparisons, wildcards and the string functions. */

/**
 * Compare two strings in Unicode code-point order (the order of their UTF-8 bytes, which is what
 * Elasticsearch range queries use). Returns a negative number, zero or a positive number.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // UTF-16 order equals code-point order except when a surrogate meets a unit in U+E000..U+FFFF:
    // surrogates encode code points above U+FFFF, so they must sort after every BMP unit.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** Lower-case one code point with a simple (one-to-one) mapping, or return it unchanged. */
function foldCodePoint(cp: number): number {
  // Full case mappings can expand (ß → SS, İ → i̇); Java's Character.toUpperCase/toLowerCase and
  // Lucene's case-insensitive automata use simple mappings, which never change the length.
  const s = String.fromCodePoint(cp);
  const up = s.toUpperCase();
  const base = up.length === s.length && up.codePointAt(0) !== undefined ? (up.codePointAt(0) as number) : cp;
  const low = String.fromCodePoint(base).toLowerCase();
  let out = low.length === s.length ? (low.codePointAt(0) as number) : base;
  if (cp === 0x130) out = 0x69; // İ: Java's simple lower-case mapping is plain i
  // Keep the UTF-16 length: indexes found in a folded string must be valid in the original.
  if (out > 0xffff !== cp > 0xffff) return cp;
  return out;
}

/**
 * Case-fold a string for case-insensitive comparison: each code point is upper-cased then
 * lower-cased with simple one-to-one mappings (like Java's `Character.toLowerCase(toUpperCase(c))`),
 * so `ſ`, `S` and `s` all fold to `s` while `ß` stays `ß`. The result has the same UTF-16 length as the
 * input, so an index found in the folded text is valid in the original.
 */
export function foldCase(s: string): string {
  let ascii = true;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) {
      ascii = false;
      break;
    }
  }
  if (ascii) return s.toLowerCase();
  let out = "";
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    out += cp < 0x80 ? ch.toLowerCase() : String.fromCodePoint(foldCodePoint(cp));
  }
  return out;
}
