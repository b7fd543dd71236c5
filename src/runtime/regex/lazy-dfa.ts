/**
 * Whole-value matching in time linear in the value: a DFA built lazily from the automaton (each
 * state a set of automaton states, created the first time a value reaches it, then cached). The
 * cache is capped; a value that needs a state past the cap finishes by simulating the automaton on
 * state sets, which is slower per character but still linear. Nothing backtracks.
 */

import { type Alphabet, alphabetOf, classEnd, classOf } from "./alphabet.js";
import { Closure, importantStates, type Nfa, type Packed, pack } from "./automaton.js";
import { type Skip, skipTo } from "./skip.js";

const ACCEPT = 1;
/** Accepting, and accepting after any further characters: the match is decided. */
const DECIDED = 2;
/** The state with no automaton states left: nothing can match any more. */
const DEAD = 0;

// Transition table entries: the row offset (`state * classes`) of the next state, or one of these.
const UNKNOWN = -1;
const TO_DEAD = -2;
const TO_DECIDED = -3;
/** Stay in this state, and skip to the next character that leaves it (`skip.ts`). */
const TO_SKIP = -4;

/** Skip ahead only when at most this many ASCII characters leave the state. */
const SKIP_MAX_ASCII_EXITS = 16;

/** Memory bounds of the cache besides its state count: transition entries, stored set members. */
const MAX_TABLE_ENTRIES = 1 << 22;
const MAX_SET_ENTRIES = 1 << 20;

/** How far `findAcceptingLoops` follows a closure before giving up on a state (it is only a shortcut). */
const LOOP_CLOSURE_LIMIT = 64;

/**
 * The work matches have done since the process started, in units of constant cost: a character
 * read or searched past in the DFA, an automaton state or transition looked at when a DFA state is
 * built or the automaton is simulated. `simulated` counts the characters read by simulation alone.
 * Tests compare it before and after a match; nothing resets it.
 */
export const matchWork = { units: 0, simulated: 0 };

/** States of `nfa` from which its accepting state can be reached. */
function liveStates(nfa: Nfa): Uint8Array {
  // Incoming moves, epsilon or not, packed by target.
  const count = new Int32Array(nfa.size + 1);
  const eachMove = (visit: (from: number, to: number) => void) => {
    for (let s = 0; s < nfa.size; s++) {
      for (const t of nfa.eps[s] as number[]) visit(s, t);
      const edges = nfa.edges[s] as number[];
      for (let i = 2; i < edges.length; i += 3) visit(s, edges[i] as number);
    }
  };
  eachMove((_, t) => {
    count[t + 1] = (count[t + 1] as number) + 1;
  });
  for (let s = 0; s < nfa.size; s++) count[s + 1] = (count[s + 1] as number) + (count[s] as number);
  const from = new Int32Array(count[nfa.size] as number);
  const fill = count.slice(0, nfa.size);
  eachMove((s, t) => {
    const at = fill[t] as number;
    from[at] = s;
    fill[t] = at + 1;
  });
  const live = new Uint8Array(nfa.size);
  live[nfa.accept] = 1;
  const work = [nfa.accept];
  while (work.length > 0) {
    const t = work.pop() as number;
    for (let i = count[t] as number; i < (count[t + 1] as number); i++) {
      const p = from[i] as number;
      if (live[p] === 0) {
        live[p] = 1;
        work.push(p);
      }
    }
  }
  return live;
}

/** A matcher for one compiled pattern. */
export class LazyDfa {
  private readonly bounds: Alphabet;
  private readonly classes: number;
  /** Class of each code point below 256, the common case. */
  private readonly low = new Int32Array(256);
  /** Transitions as `first class, last class, target` triples, packed by automaton state. */
  private readonly steps: Packed;
  private readonly closure: Closure;
  private readonly accept: number;
  /** Per automaton state: it loops on every code point and accepts after any of them. */
  private readonly loopsAccepting: Uint8Array;

  private readonly sets: Int32Array[] = [];
  private setEntries = 0;
  private readonly ids = new Map<string, number>();
  private flags = new Uint8Array(16);
  /** `state * classes + class` → the next state's row offset, UNKNOWN, TO_DEAD or TO_DECIDED. */
  private trans: Int32Array;
  private readonly start: number;
  /** The set computed by the last `add`, when the cache had no room for it. */
  private readonly pending: number[] = [];
  /** Per state: the search for characters leaving it, null once looked at and not worth it. */
  private readonly skips: (Skip | null | undefined)[] = [];

  private readonly maxStates: number;

  constructor(nfa: Nfa, maxStates: number) {
    const live = liveStates(nfa);
    const edges = pack(nfa.edges, 3, (s, list, i) => live[s] === 1 && live[list[i + 2] as number] === 1);
    this.bounds = alphabetOf(edges.data);
    this.classes = this.bounds.length;
    this.maxStates = Math.min(maxStates, Math.floor(MAX_TABLE_ENTRIES / this.classes));
    for (let cp = 0; cp < 256; cp++) this.low[cp] = classOf(this.bounds, cp);
    const data = edges.data;
    for (let i = 0; i < data.length; i += 3) {
      data[i] = classOf(this.bounds, data[i] as number);
      data[i + 1] = classOf(this.bounds, data[i + 1] as number);
    }
    this.steps = edges;
    this.accept = nfa.accept;
    const eps = pack(nfa.eps, 1, (s, list, i) => live[s] === 1 && live[list[i] as number] === 1);
    this.closure = new Closure(eps, importantStates(edges, nfa.accept));
    this.loopsAccepting = this.findAcceptingLoops();
    this.trans = new Int32Array(16 * this.classes).fill(UNKNOWN);
    this.intern([]);
    const first: number[] = [];
    if (live[nfa.start] === 1) {
      this.closure.reset();
      this.closure.add(nfa.start, first);
    }
    this.start = this.intern(first);
  }

  /**
   * A state with a transition on every code point to a state whose closure holds both the state
   * itself and the accepting state (the end of `.*`, `@`): once there and accepting, any value
   * matches.
   */
  private findAcceptingLoops(): Uint8Array {
    const { start, data } = this.steps;
    const out = new Uint8Array(start.length - 1);
    const last = this.classes - 1;
    const reach: number[] = [];
    for (let s = 0; s < out.length; s++) {
      for (let i = start[s] as number; i < (start[s + 1] as number); i += 3) {
        if (data[i] !== 0 || data[i + 1] !== last) continue;
        reach.length = 0;
        this.closure.reset();
        this.closure.add(data[i + 2] as number, reach, LOOP_CLOSURE_LIMIT);
        if (reach.includes(s) && reach.includes(this.accept)) out[s] = 1;
      }
    }
    return out;
  }

  /** The id of the state for `set`, creating it; -1 when it is new and the cache is full. */
  private intern(set: number[]): number {
    set.sort((a, b) => a - b);
    const key = set.join(",");
    const known = this.ids.get(key);
    if (known !== undefined) return known;
    const id = this.sets.length;
    // The dead and start states always fit.
    if (id > 1 && (id >= this.maxStates || this.setEntries + set.length > MAX_SET_ENTRIES)) return -1;
    if (id === this.flags.length) {
      const flags = new Uint8Array(id * 2);
      flags.set(this.flags);
      this.flags = flags;
      const trans = new Int32Array(id * 2 * this.classes).fill(UNKNOWN);
      trans.set(this.trans);
      this.trans = trans;
    }
    this.ids.set(key, id);
    this.sets.push(Int32Array.from(set));
    this.setEntries += set.length;
    let flags = 0;
    if (set.includes(this.accept)) {
      flags = ACCEPT;
      if (set.some((s) => this.loopsAccepting[s] === 1)) flags |= DECIDED;
    }
    this.flags[id] = flags;
    return id;
  }

  /** Automaton states after reading a character of class `k` in any of `set`, into `out`. */
  private advance(set: ArrayLike<number>, k: number, out: number[]): void {
    out.length = 0;
    this.closure.reset();
    const { start, data } = this.steps;
    let units = set.length;
    for (let i = 0; i < set.length; i++) {
      const s = set[i] as number;
      const end = start[s + 1] as number;
      units += (end - (start[s] as number)) / 3;
      for (let j = start[s] as number; j < end; j += 3) {
        if ((data[j] as number) <= k && k <= (data[j + 1] as number))
          this.closure.add(data[j + 2] as number, out);
      }
    }
    matchWork.units += units + out.length;
  }

  /**
   * Fill in the transition from the state at row offset `row` on class `k` and return the entry;
   * UNKNOWN when the target is new and the cache is full (its set is then in `pending`).
   */
  private add(row: number, k: number): number {
    const state = row / this.classes;
    this.advance(this.sets[state] as Int32Array, k, this.pending);
    const target = this.intern(this.pending);
    if (target < 0) return UNKNOWN;
    this.trans[row + k] = this.entry(target);
    if (target === state && this.skips[state] === undefined) this.lookForSkip(state);
    return this.trans[row + k] as number;
  }

  /**
   * A state that loops on itself: fill in its whole row, and if only a few characters leave it, let
   * the matcher search for them instead of stepping through the others one by one. A state that
   * loops on everything has its answer already.
   */
  private lookForSkip(state: number): void {
    this.skips[state] = null;
    const row = state * this.classes;
    const exits: [number, number][] = [];
    let asciiExits = 0;
    for (let k = 0; k < this.classes; k++) {
      let e = this.trans[row + k] as number;
      if (e === UNKNOWN) {
        this.advance(this.sets[state] as Int32Array, k, this.pending);
        const target = this.intern(this.pending);
        if (target < 0) return;
        e = this.entry(target);
        this.trans[row + k] = e;
      }
      if (e === row) continue;
      const lo = this.bounds[k] as number;
      const hi = classEnd(this.bounds, k);
      exits.push([lo, hi]);
      if (lo < 0x80) asciiExits += Math.min(hi, 0x7f) - lo + 1;
    }
    const stay =
      exits.length === 0 ? ((this.flags[state] as number) & ACCEPT ? TO_DECIDED : TO_DEAD) : TO_SKIP;
    if (stay === TO_SKIP) {
      if (asciiExits > SKIP_MAX_ASCII_EXITS) return;
      this.skips[state] = skipTo(exits);
    }
    for (let k = 0; k < this.classes; k++) if (this.trans[row + k] === row) this.trans[row + k] = stay;
  }

  private entry(state: number): number {
    if (state === DEAD) return TO_DEAD;
    return (this.flags[state] as number) & DECIDED ? TO_DECIDED : state * this.classes;
  }

  /** Finish a match from automaton states `set`, reading `value` from index `i`. */
  private simulate(set: number[], value: string, i: number): boolean {
    let cur = [...set];
    let next: number[] = [];
    const n = value.length;
    matchWork.simulated += n - i;
    for (; i < n; i++) {
      let c = value.charCodeAt(i);
      if (c >= 0xd800 && c < 0xdc00 && i + 1 < n) {
        const d = value.charCodeAt(i + 1);
        if (d >= 0xdc00 && d < 0xe000) {
          c = (c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000;
          i++;
        }
      }
      this.advance(cur, c < 256 ? (this.low[c] as number) : classOf(this.bounds, c), next);
      if (next.length === 0) return false;
      [cur, next] = [next, cur];
      if (cur.includes(this.accept) && cur.some((s) => this.loopsAccepting[s] === 1)) return true;
    }
    return cur.includes(this.accept);
  }

  /** Whether the whole of `value` matches. */
  matches(value: string): boolean {
    let trans = this.trans;
    const low = this.low;
    let row = this.entry(this.start);
    if (row === TO_DEAD) return false;
    if (row === TO_DECIDED) return true;
    const n = value.length;
    // The characters read or searched past are counted once, where the loop leaves.
    for (let i = 0; i < n; i++) {
      const c = value.charCodeAt(i);
      let k: number;
      if (c < 256) k = low[c] as number;
      else {
        let cp = c;
        if (c >= 0xd800 && c < 0xdc00 && i + 1 < n) {
          const d = value.charCodeAt(i + 1);
          if (d >= 0xdc00 && d < 0xe000) {
            cp = (c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000;
            i++;
          }
        }
        k = classOf(this.bounds, cp);
      }
      let next = trans[row + k] as number;
      if (next < 0) {
        if (next === UNKNOWN) {
          next = this.add(row, k);
          if (next === UNKNOWN) {
            matchWork.units += i + 1;
            return this.simulate(this.pending, value, i + 1);
          }
          trans = this.trans;
        }
        if (next < 0 && next !== TO_SKIP) {
          matchWork.units += i + 1;
          return next === TO_DECIDED;
        }
        if (next === TO_SKIP) {
          i = (this.skips[row / this.classes] as Skip)(value, i + 1) - 1;
          continue;
        }
      }
      row = next;
    }
    matchWork.units += n;
    return ((this.flags[row / this.classes] as number) & ACCEPT) !== 0;
  }
}
