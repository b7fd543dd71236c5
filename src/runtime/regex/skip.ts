/**
 * Skipping ahead in a DFA state that stays put on most characters (the start of `.*\.(exe|dll)`):
 * a native search finds the next character that leaves the state. The search is `indexOf` or a
 * single character class, so it cannot backtrack.
 */

/** Index where the next wanted code point starts, at or after `from`; `value.length` if none. */
export type Skip = (value: string, from: number) => number;

const isBmp = ([lo, hi]: readonly [number, number]) => hi < 0xd800 || (lo > 0xdfff && hi <= 0xffff);

/** The search for the next code point in `ranges` (sorted, disjoint, not empty). */
export function skipTo(ranges: readonly (readonly [number, number])[]): Skip {
  const only = ranges[0] as readonly [number, number];
  if (ranges.length === 1 && only[0] === only[1] && isBmp(only)) {
    const ch = String.fromCharCode(only[0]);
    return (value, from) => {
      const at = value.indexOf(ch, from);
      return at < 0 ? value.length : at;
    };
  }
  if (ranges.every(isBmp)) {
    // Without surrogates in the class, UTF-16 units can be searched directly (a bit faster).
    const unit = (cp: number) => `\\u${cp.toString(16).padStart(4, "0")}`;
    const search = new RegExp(`[${classBody(ranges, unit)}]`, "g");
    return (value, from) => {
      search.lastIndex = from;
      return search.test(value) ? search.lastIndex - 1 : value.length;
    };
  }
  const search = new RegExp(`[${classBody(ranges, (cp) => `\\u{${cp.toString(16)}}`)}]`, "gu");
  return (value, from) => {
    search.lastIndex = from;
    if (!search.test(value)) return value.length;
    // The match is one code point: one or two UTF-16 units before lastIndex.
    const end = search.lastIndex;
    const pair =
      end - 2 >= from &&
      value.charCodeAt(end - 1) >= 0xdc00 &&
      value.charCodeAt(end - 1) < 0xe000 &&
      value.charCodeAt(end - 2) >= 0xd800 &&
      value.charCodeAt(end - 2) < 0xdc00;
    return pair ? end - 2 : end - 1;
  };
}

function classBody(ranges: readonly (readonly [number, number])[], code: (cp: number) => string): string {
  return ranges.map(([lo, hi]) => (lo === hi ? code(lo) : `${code(lo)}-${code(hi)}`)).join("");
}
