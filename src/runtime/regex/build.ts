/** Thompson construction: a parsed pattern to an automaton over code-point ranges. */

import { Nfa } from "./automaton.js";
import { complementDfa, type Dfa, determinize, embedDfa, intersectDfa } from "./determinize.js";
import { decimalInterval } from "./interval.js";
import type { Budget } from "./limits.js";
import type { RegexNode } from "./parse.js";
import { MAX_CP } from "./ranges.js";

/** A piece of automaton: enter at `s`, leave at `e`. `e` never has transitions of its own. */
interface Fragment {
  s: number;
  e: number;
}

class Builder {
  /** Offset blamed when the state budget runs out: the outermost repeat being expanded. */
  private at = 0;
  private blamed = false;

  constructor(
    private readonly nfa: Nfa,
    private readonly budget: Budget,
    /** Deterministic automata of `~` and `&` nodes, built once even when a repeat copies them. */
    private readonly closed: Map<RegexNode, Dfa>,
  ) {}

  private pair(): Fragment {
    return { s: this.nfa.add(this.at), e: this.nfa.add(this.at) };
  }

  private link(from: number, to: number): void {
    (this.nfa.eps[from] as number[]).push(to);
  }

  build(n: RegexNode): Fragment {
    switch (n.k) {
      case "set": {
        const f = this.pair();
        const edges = this.nfa.edges[f.s] as number[];
        for (const [lo, hi] of n.ranges) edges.push(lo, hi, f.e);
        return f;
      }
      case "empty":
        return this.pair();
      case "anystr": {
        const f = this.pair();
        (this.nfa.edges[f.s] as number[]).push(0, MAX_CP, f.s);
        this.link(f.s, f.e);
        return f;
      }
      case "concat": {
        if (n.items.length === 0) {
          const f = this.pair();
          this.link(f.s, f.e);
          return f;
        }
        const first = this.build(n.items[0] as RegexNode);
        let e = first.e;
        for (let i = 1; i < n.items.length; i++) {
          const item = n.items[i] as RegexNode;
          if (item.k === "set") {
            // A character continues straight from the end so far (it has no transitions yet),
            // which halves the states of literal runs.
            const next = this.nfa.add(this.at);
            const edges = this.nfa.edges[e] as number[];
            for (const [lo, hi] of item.ranges) edges.push(lo, hi, next);
            e = next;
            continue;
          }
          const f = this.build(item);
          this.link(e, f.s);
          e = f.e;
        }
        return { s: first.s, e };
      }
      case "union": {
        const f = this.pair();
        for (const alt of n.alts) {
          const a = this.build(alt);
          this.link(f.s, a.s);
          this.link(a.e, f.e);
        }
        return f;
      }
      case "repeat":
        return this.within(n.at, () => this.repeat(n.e, n.min, n.max));
      case "interval":
        return this.within(n.at, () => this.build(decimalInterval(n.min, n.max, n.digits, n.at)));
      case "compl":
      case "inter":
        return this.within(n.at, () => embedDfa(this.closedDfa(n), this.nfa, n.at));
    }
  }

  private within(at: number, make: () => Fragment): Fragment {
    if (this.blamed) return make();
    this.at = at;
    this.blamed = true;
    try {
      return make();
    } finally {
      this.blamed = false;
    }
  }

  /** `e{min,max}` by copying `e`: `min` times, then optional copies or a loop. */
  private repeat(e: RegexNode, min: number, max: number): Fragment {
    const f = this.pair();
    if (min > max) return f;
    let cur = f.s;
    const copies = max === Number.POSITIVE_INFINITY ? Math.max(min - 1, 0) : min;
    for (let i = 0; i < copies; i++) {
      const c = this.build(e);
      this.link(cur, c.s);
      cur = c.e;
    }
    if (max === Number.POSITIVE_INFINITY) {
      const loop = this.build(e);
      this.link(cur, loop.s);
      this.link(loop.e, loop.s);
      this.link(loop.e, f.e);
      if (min === 0) this.link(cur, f.e);
      return f;
    }
    for (let i = min; i < max; i++) {
      const c = this.build(e);
      this.link(cur, f.e);
      this.link(cur, c.s);
      cur = c.e;
    }
    this.link(cur, f.e);
    return f;
  }

  private closedDfa(n: RegexNode & { k: "compl" | "inter" }): Dfa {
    let d = this.closed.get(n);
    if (d) return d;
    if (n.k === "compl") {
      d = complementDfa(determinize(this.standalone(n.e, n.at), this.budget, n.at, "complement (~)"));
    } else {
      const operands = n.ops.map((op) =>
        determinize(this.standalone(op, n.at), this.budget, n.at, "intersection (&)"),
      );
      d = operands.reduce((a, b) => intersectDfa(a, b, this.budget, n.at));
    }
    this.closed.set(n, d);
    return d;
  }

  private standalone(n: RegexNode, at: number): Nfa {
    const nfa = new Nfa(this.budget);
    const b = new Builder(nfa, this.budget, this.closed);
    b.at = at;
    const f = b.build(n);
    nfa.start = f.s;
    nfa.accept = f.e;
    return nfa;
  }
}

/** The automaton of `tree`. Throws `LuceneRegexError` when it would exceed the budget. */
export function buildNfa(tree: RegexNode, budget: Budget): Nfa {
  const nfa = new Nfa(budget);
  const f = new Builder(nfa, budget, new Map()).build(tree);
  nfa.start = f.s;
  nfa.accept = f.e;
  return nfa;
}
