/** The nondeterministic automaton patterns compile to, its packed form and its epsilon closure. */

import type { Budget } from "./limits.js";

/**
 * A Thompson-style automaton over code-point ranges: states linked by epsilon moves and by
 * transitions on `[lo, hi]` ranges, with one start and one accepting state.
 */
export class Nfa {
  /** Per state, the states reachable by one epsilon move. */
  readonly eps: number[][] = [];
  /** Per state, transitions as flat `lo, hi, target` triples. */
  readonly edges: number[][] = [];
  start = 0;
  accept = 0;

  constructor(private readonly budget: Budget) {}

  /** A new state; `at` is the pattern offset blamed when the budget runs out. */
  add(at: number): number {
    this.budget.state(at);
    this.eps.push([]);
    this.edges.push([]);
    return this.eps.length - 1;
  }

  /** Number of states. */
  get size(): number {
    return this.eps.length;
  }
}

/** Per-state lists packed into one typed array: state `s` owns `data[start[s]]` to `data[start[s + 1] - 1]`. */
export interface Packed {
  readonly start: Int32Array;
  readonly data: Int32Array;
}

/**
 * Pack `lists` (items of `width` numbers each), keeping the items `keep` accepts; `keep` gets the
 * owning state and the index of the item's first number.
 */
export function pack(
  lists: readonly (readonly number[])[],
  width: number,
  keep: (s: number, list: readonly number[], i: number) => boolean = () => true,
): Packed {
  const start = new Int32Array(lists.length + 1);
  let n = 0;
  lists.forEach((list, s) => {
    start[s] = n;
    for (let i = 0; i < list.length; i += width) if (keep(s, list, i)) n += width;
  });
  start[lists.length] = n;
  const data = new Int32Array(n);
  let at = 0;
  lists.forEach((list, s) => {
    for (let i = 0; i < list.length; i += width) {
      if (!keep(s, list, i)) continue;
      for (let w = 0; w < width; w++) data[at++] = list[i + w] as number;
    }
  });
  return { start, data };
}

/** Epsilon closures into state sets, reusing one visited mark across the states of a set. */
export class Closure {
  private readonly seen: Uint32Array;
  private mark = 0;
  private readonly stack: number[] = [];

  constructor(
    private readonly eps: Packed,
    private readonly important: Uint8Array,
  ) {
    this.seen = new Uint32Array(important.length);
  }

  /** Start a new set: states added before no longer count as seen. */
  reset(): void {
    if (this.mark === 0xffffffff) {
      this.seen.fill(0);
      this.mark = 0;
    }
    this.mark++;
  }

  /**
   * Append to `out` the important states reachable from `s` that this set does not have yet, or
   * stop once `out` holds `limit` states.
   */
  add(s: number, out: number[], limit = Number.POSITIVE_INFINITY): void {
    const { seen, mark, stack, important } = this;
    const { start, data } = this.eps;
    stack.length = 0;
    stack.push(s);
    while (stack.length > 0 && out.length < limit) {
      const x = stack.pop() as number;
      if (seen[x] === mark) continue;
      seen[x] = mark;
      if (important[x] === 1) out.push(x);
      for (let i = start[x] as number; i < (start[x + 1] as number); i++) {
        const y = data[i] as number;
        if (seen[y] !== mark) stack.push(y);
      }
    }
  }
}

/**
 * States worth keeping in a state set: those with transitions (per packed `edges`), and the
 * accepting one. States with only epsilon moves are always passed through.
 */
export function importantStates(edges: Packed, accept: number): Uint8Array {
  const out = new Uint8Array(edges.start.length - 1);
  for (let s = 0; s < out.length; s++)
    out[s] = (edges.start[s + 1] as number) > (edges.start[s] as number) ? 1 : 0;
  out[accept] = 1;
  return out;
}
