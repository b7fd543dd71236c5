/**
 * Code-point classes: the boundaries of every range an automaton mentions cut the code points into
 * intervals that no transition tells apart, so automata step on a class index, not a code point.
 */

import { MAX_CP } from "./ranges.js";

/** Sorted lower bounds of the classes; the first is 0, class `i` ends where class `i + 1` starts. */
export type Alphabet = Int32Array;

/** The classes that separate every `[lo, hi]` range in `edges` (flat `lo, hi, target` triples). */
export function alphabetOf(edges: ArrayLike<number>): Alphabet {
  const cuts = new Set<number>([0]);
  for (let i = 0; i < edges.length; i += 3) {
    cuts.add(edges[i] as number);
    const after = (edges[i + 1] as number) + 1;
    if (after <= MAX_CP) cuts.add(after);
  }
  return Int32Array.from(cuts).sort();
}

/** Index of the class holding `cp`. */
export function classOf(bounds: Alphabet, cp: number): number {
  let lo = 0;
  let hi = bounds.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((bounds[mid] as number) <= cp) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Last code point of class `k`. */
export function classEnd(bounds: Alphabet, k: number): number {
  return k + 1 < bounds.length ? (bounds[k + 1] as number) - 1 : MAX_CP;
}
