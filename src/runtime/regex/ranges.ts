/** Sets of code points as sorted ranges, and the classes Lucene predefines. */

/** The largest code point; values are read as code points, so `.` spans 0 to this. */
export const MAX_CP = 0x10ffff;

/** A set of code points as sorted, disjoint, non-adjacent inclusive ranges. */
export type Ranges = readonly (readonly [number, number])[];

/** Sort and merge ranges into the canonical `Ranges` form. */
export function normalize(input: readonly (readonly [number, number])[]): Ranges {
  const sorted = [...input].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** Every code point not in `r`. */
export function complement(r: Ranges): Ranges {
  const out: [number, number][] = [];
  let next = 0;
  for (const [a, b] of r) {
    if (a > next) out.push([next, a - 1]);
    next = b + 1;
  }
  if (next <= MAX_CP) out.push([next, MAX_CP]);
  return out;
}

const DIGIT: Ranges = [[0x30, 0x39]];
// Lucene's \s is only these four, not Java's or Unicode's whitespace.
const SPACE: Ranges = normalize([
  [0x20, 0x20],
  [0x09, 0x0a],
  [0x0d, 0x0d],
]);
const WORD: Ranges = normalize([
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x5f, 0x5f],
  [0x61, 0x7a],
]);

/** Any code point: `.`. */
export const ANY: Ranges = [[0, MAX_CP]];

/** `\d \D \s \S \w \W` by their letter. */
export const PREDEFINED: Readonly<Record<string, Ranges>> = {
  d: DIGIT,
  D: complement(DIGIT),
  s: SPACE,
  S: complement(SPACE),
  w: WORD,
  W: complement(WORD),
};
