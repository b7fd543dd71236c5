/**
 * Complement (`~`) and intersection (`&`) need deterministic automata, as in Lucene: the operand is
 * determinized by subset construction (bounded by the determinize work limit), complemented or
 * multiplied, and the result is spliced back into the surrounding automaton.
 */

import { type Alphabet, alphabetOf, classEnd, classOf } from "./alphabet.js";
import { Closure, importantStates, type Nfa, pack } from "./automaton.js";
import type { Budget } from "./limits.js";

/** A deterministic automaton over code-point classes; state 0 is the start. */
export interface Dfa {
  readonly bounds: Alphabet;
  /** `state * classes + class` → next state, or -1 where no string can continue. */
  readonly next: Int32Array;
  readonly accept: Uint8Array;
  readonly size: number;
}

/** Subset construction of `nfa`, charging the sizes of the sets to `budget` as Lucene does. */
export function determinize(nfa: Nfa, budget: Budget, at: number, operator: string): Dfa {
  const edges = pack(nfa.edges, 3);
  const bounds = alphabetOf(edges.data);
  const classes = bounds.length;
  const closure = new Closure(pack(nfa.eps, 1), importantStates(edges, nfa.accept));
  const sets: number[][] = [];
  const ids = new Map<string, number>();
  const accept: number[] = [];
  const next: number[] = [];
  const intern = (set: number[]): number => {
    set.sort((a, b) => a - b);
    const key = set.join(",");
    let id = ids.get(key);
    if (id === undefined) {
      id = sets.length;
      ids.set(key, id);
      sets.push(set);
      accept.push(set.includes(nfa.accept) ? 1 : 0);
    }
    return id;
  };
  const start: number[] = [];
  closure.reset();
  closure.add(nfa.start, start);
  intern(start);
  const buckets: number[][] = Array.from({ length: classes }, () => []);
  for (let d = 0; d < sets.length; d++) {
    const set = sets[d] as number[];
    budget.work(set.length, at, operator);
    for (const s of set) {
      for (let i = edges.start[s] as number; i < (edges.start[s + 1] as number); i += 3) {
        const last = classOf(bounds, edges.data[i + 1] as number);
        for (let k = classOf(bounds, edges.data[i] as number); k <= last; k++) {
          (buckets[k] as number[]).push(edges.data[i + 2] as number);
        }
      }
    }
    for (const bucket of buckets) {
      if (bucket.length === 0) {
        next.push(-1);
        continue;
      }
      const target: number[] = [];
      closure.reset();
      for (const t of bucket) closure.add(t, target);
      bucket.length = 0;
      next.push(target.length === 0 ? -1 : intern(target));
    }
  }
  return { bounds, next: Int32Array.from(next), accept: Uint8Array.from(accept), size: sets.length };
}

/** The automaton of every string `d` rejects: total transitions, then accepting states flipped. */
export function complementDfa(d: Dfa): Dfa {
  const classes = d.bounds.length;
  const sink = d.size;
  const next = new Int32Array((d.size + 1) * classes).fill(sink);
  for (let i = 0; i < d.next.length; i++) {
    const t = d.next[i] as number;
    if (t >= 0) next[i] = t;
  }
  const accept = new Uint8Array(d.size + 1).fill(1);
  for (let s = 0; s < d.size; s++) accept[s] = d.accept[s] === 1 ? 0 : 1;
  return { bounds: d.bounds, next, accept, size: d.size + 1 };
}

/** The product automaton accepting what both `a` and `b` accept (reachable pairs only). */
export function intersectDfa(a: Dfa, b: Dfa, budget: Budget, at: number): Dfa {
  const bounds = Int32Array.from(new Set([...a.bounds, ...b.bounds])).sort();
  const classes = bounds.length;
  const inA = bounds.map((lo) => classOf(a.bounds, lo));
  const inB = bounds.map((lo) => classOf(b.bounds, lo));
  const na = a.bounds.length;
  const nb = b.bounds.length;
  const pairs: number[] = [0, 0];
  const ids = new Map<number, number>([[0, 0]]);
  const next: number[] = [];
  const accept: number[] = [];
  for (let d = 0; d < pairs.length / 2; d++) {
    const pa = pairs[2 * d] as number;
    const pb = pairs[2 * d + 1] as number;
    budget.work(2, at, "intersection (&)");
    accept.push(a.accept[pa] === 1 && b.accept[pb] === 1 ? 1 : 0);
    for (let k = 0; k < classes; k++) {
      const ta = a.next[pa * na + (inA[k] as number)] as number;
      const tb = b.next[pb * nb + (inB[k] as number)] as number;
      if (ta < 0 || tb < 0) {
        next.push(-1);
        continue;
      }
      const key = ta * b.size + tb;
      let id = ids.get(key);
      if (id === undefined) {
        id = pairs.length / 2;
        ids.set(key, id);
        pairs.push(ta, tb);
      }
      next.push(id);
    }
  }
  return { bounds, next: Int32Array.from(next), accept: Uint8Array.from(accept), size: pairs.length / 2 };
}

/**
 * Copy `d` into `nfa` as a fragment with a fresh exit state, leaving out states from which no
 * accepting state can be reached (so a dead end stays a dead end for the matcher).
 */
export function embedDfa(d: Dfa, nfa: Nfa, at: number): { s: number; e: number } {
  const classes = d.bounds.length;
  const incoming: number[][] = Array.from({ length: d.size }, () => []);
  for (let s = 0; s < d.size; s++) {
    for (let k = 0; k < classes; k++) {
      const t = d.next[s * classes + k] as number;
      if (t >= 0) (incoming[t] as number[]).push(s);
    }
  }
  const live = new Uint8Array(d.size);
  const work: number[] = [];
  for (let s = 0; s < d.size; s++) if (d.accept[s] === 1) work.push(s);
  for (const s of work) live[s] = 1;
  while (work.length > 0) {
    for (const p of incoming[work.pop() as number] as number[]) {
      if (live[p] === 0) {
        live[p] = 1;
        work.push(p);
      }
    }
  }
  const e = nfa.add(at);
  if (live[0] === 0) return { s: nfa.add(at), e };
  const map = new Int32Array(d.size).fill(-1);
  for (let s = 0; s < d.size; s++) if (live[s] === 1) map[s] = nfa.add(at);
  for (let s = 0; s < d.size; s++) {
    const from = map[s] as number;
    if (from < 0) continue;
    const edges = nfa.edges[from] as number[];
    // Neighbouring classes with the same target become one range.
    let runStart = 0;
    let runTarget = -1;
    for (let k = 0; k <= classes; k++) {
      const t = k < classes ? (d.next[s * classes + k] as number) : -1;
      const target = k < classes && t >= 0 ? (map[t] as number) : -1;
      if (target === runTarget && k < classes) continue;
      if (runTarget >= 0) edges.push(d.bounds[runStart] as number, classEnd(d.bounds, k - 1), runTarget);
      runStart = k;
      runTarget = target;
    }
    if (d.accept[s] === 1) (nfa.eps[from] as number[]).push(e);
  }
  return { s: map[0] as number, e };
}
