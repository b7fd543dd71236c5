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

const DOTTED_CAPITAL_I = 0x130;
const DOTLESS_SMALL_I = 0x131;

/**
 * Code points with the same simple case folding that no single-character upper or lower mapping
 * links (their upper case is several characters): folded to one representative.
 */
const FOLD_ONLY: ReadonlyMap<number, number> = new Map([
  [0x1fd3, 0x390],
  [0x1fe3, 0x3b0],
  [0xfb05, 0xfb06],
]);

/** Lower-case one code point with a simple (one-to-one) mapping, or return it unchanged. */
function foldCodePoint(cp: number): number {
  // Lucene's case-insensitive automata map `İ` to `i` and `ı` to `I` one way only: neither letter
  // is in the class of `i`/`I`, so each folds to itself (patterns holding them are matched by
  // `oneWayFolds`' callers on the raw value).
  if (cp === DOTTED_CAPITAL_I || cp === DOTLESS_SMALL_I) return cp;
  const only = FOLD_ONLY.get(cp);
  if (only !== undefined) return only;
  // Full case mappings can expand (ß → SS, İ → i̇); Java's Character.toUpperCase/toLowerCase and
  // Lucene's case-insensitive automata use simple mappings, which never change the length.
  const s = String.fromCodePoint(cp);
  const up = s.toUpperCase();
  const base = up.length === s.length && up.codePointAt(0) !== undefined ? (up.codePointAt(0) as number) : cp;
  const low = String.fromCodePoint(base).toLowerCase();
  const out = low.length === s.length ? (low.codePointAt(0) as number) : base;
  // Keep the UTF-16 length: indexes found in a folded string must be valid in the original.
  if (out > 0xffff !== cp > 0xffff) return cp;
  return out;
}

/**
 * Case-fold a string for case-insensitive comparison: each code point is upper-cased then
 * lower-cased with simple one-to-one mappings (like Java's `Character.toLowerCase(toUpperCase(c))`),
 * so `ſ`, `S` and `s` all fold to `s`, `ς`, `σ` and `Σ` to `σ`, the Kelvin sign to `k`, and `ß` and
 * `ẞ` to `ß`. Two strings fold alike exactly when Lucene's case-insensitive automata
 * (`CaseFolding.expand`) match one with the other, except for `İ` and `ı`, which fold to themselves
 * (see `hasOneWayFold`). The result has the same UTF-16 length as the input, so an index found in
 * the folded text is valid in the original.
 */
export function foldCase(s: string): string {
  let ascii = true;
  let upper = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) {
      ascii = false;
      break;
    }
    if (c >= 0x41 && c <= 0x5a) upper = true;
  }
  // Most values are lower-case ASCII already: no new string for them.
  if (ascii) return upper ? s.toLowerCase() : s;
  let out = "";
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    out += cp < 0x80 ? ch.toLowerCase() : String.fromCodePoint(foldCodePoint(cp));
  }
  return out;
}

/**
 * True when `s` holds `İ` or `ı`. Lucene lets a pattern `İ` match `i` and a pattern `ı` match `I`,
 * but not the reverse, which no folding of both sides can express: such patterns are matched
 * against the raw value instead.
 */
export function hasOneWayFold(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === DOTTED_CAPITAL_I || c === DOTLESS_SMALL_I) return true;
  }
  return false;
}
