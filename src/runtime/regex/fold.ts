/**
 * Case variants of a literal character under `regex~`. Elasticsearch asks Lucene for
 * `ASCII_CASE_INSENSITIVE`; since Lucene 10.2 that flag behaves like `CASE_INSENSITIVE`: a character
 * matches every code point with the same simple case folding, plus the Java single-character
 * upper/lower case mappings of the character itself (so `İ` also matches `i` and `ı` also matches
 * `I`, while `i` matches neither). Ranges and predefined classes do not fold.
 */

const KELVIN_SIGN = 0x212a;
const LONG_S = 0x17f;
const DOTTED_CAPITAL_I = 0x130;
const DOTLESS_SMALL_I = 0x131;

/** Highest code point with a case mapping (Adlam); nothing above it needs a scan. */
const LAST_CASED = 0x1e943;
const BLOCK = 256;

/**
 * Pairs with the same simple case folding that no single-character upper/lower mapping links: their
 * upper case is several characters (`ΐ` and `ΐ` both become `Ϊ́`).
 */
const FOLD_ONLY_PAIRS: readonly (readonly [number, number])[] = [
  [0x390, 0x1fd3],
  [0x3b0, 0x1fe3],
  [0xfb05, 0xfb06],
];

let classes: Map<number, number[]> | undefined;

/** The code point of a one-character string, or -1 when a mapping produced several. */
function single(s: string): number {
  const cp = s.codePointAt(0) as number;
  return s.length === (cp > 0xffff ? 2 : 1) ? cp : -1;
}

/** Group every cased code point with its case variants (once, on first use: a scan of a few ms). */
function buildClasses(): Map<number, number[]> {
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let r = x;
    for (let p = parent.get(r); p !== undefined && p !== r; p = parent.get(r)) r = p;
    parent.set(x, r);
    return r;
  };
  const union = (a: number, b: number): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  };
  for (let base = 0; base <= LAST_CASED; base += BLOCK) {
    // Most blocks have no case at all: one conversion of the whole block tells.
    const points: number[] = [];
    for (let cp = base; cp < base + BLOCK; cp++) if (cp < 0xd800 || cp > 0xdfff) points.push(cp);
    const block = String.fromCodePoint(...points);
    if (block.toUpperCase() === block && block.toLowerCase() === block) continue;
    for (const cp of points) {
      if (cp === DOTTED_CAPITAL_I || cp === DOTLESS_SMALL_I) continue;
      const s = String.fromCodePoint(cp);
      const up = single(s.toUpperCase());
      const low = single(s.toLowerCase());
      if (up >= 0 && up !== cp) union(cp, up);
      if (low >= 0 && low !== cp) union(cp, low);
    }
  }
  for (const [a, b] of FOLD_ONLY_PAIRS) union(a, b);
  const groups = new Map<number, number[]>();
  for (const cp of parent.keys()) {
    const root = find(cp);
    const g = groups.get(root);
    if (g) g.push(cp);
    else groups.set(root, [cp]);
  }
  const out = new Map<number, number[]>();
  for (const g of groups.values()) {
    g.sort((a, b) => a - b);
    for (const cp of g) out.set(cp, g);
  }
  // One-way, as Java's Character.toLowerCase(İ) and toUpperCase(ı) give ASCII letters.
  out.set(DOTTED_CAPITAL_I, [0x69, DOTTED_CAPITAL_I]);
  out.set(DOTLESS_SMALL_I, [0x49, DOTLESS_SMALL_I]);
  return out;
}

/** `cp` and the code points `regex~` lets it match, sorted. */
export function caseVariants(cp: number): readonly number[] {
  if (cp < 0x80) {
    const lower = cp | 0x20;
    if (lower < 0x61 || lower > 0x7a) return [cp];
    // The only non-ASCII code points in an ASCII letter's case class (a test checks this).
    if (lower === 0x6b) return [0x4b, 0x6b, KELVIN_SIGN];
    if (lower === 0x73) return [0x53, 0x73, LONG_S];
    return [lower & ~0x20, lower];
  }
  if (cp > LAST_CASED) return [cp];
  classes ??= buildClasses();
  return classes.get(cp) ?? [cp];
}
