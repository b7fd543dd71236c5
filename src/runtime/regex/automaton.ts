/** The nondeterministic automaton patterns compile to, and its epsilon closure. */

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

  /**
   * States worth keeping in a state set: those with transitions, and the accepting one. States with
   * only epsilon moves are always passed through.
   */
  important(): Uint8Array {
    const out = new Uint8Array(this.size);
    for (let s = 0; s < this.size; s++) out[s] = (this.edges[s] as number[]).length > 0 ? 1 : 0;
    out[this.accept] = 1;
    return out;
  }
}

/** Epsilon closures into state sets, reusing one visited mark across the states of a set. */
export class Closure {
  private readonly seen: Uint32Array;
  private mark = 0;
  private readonly stack: number[] = [];

  constructor(
    private readonly eps: readonly (readonly number[])[],
    private readonly important: Uint8Array,
  ) {
    this.seen = new Uint32Array(eps.length);
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
    const { seen, mark, stack, eps, important } = this;
    stack.length = 0;
    stack.push(s);
    while (stack.length > 0 && out.length < limit) {
      const x = stack.pop() as number;
      if (seen[x] === mark) continue;
      seen[x] = mark;
      if (important[x] === 1) out.push(x);
      for (const y of eps[x] as number[]) if (seen[y] !== mark) stack.push(y);
    }
  }
}
