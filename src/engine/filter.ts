/**
 * The distinct filters of a sequence or sample, evaluated once per event. Stages expanded by
 * `runs` share one filter, and so share one answer.
 */
import type { EventFilter } from "../compile/query.js";
import type { EqlEvent } from "../types.js";

/**
 * Which distinct filters an event matched, by filter number (see `FilterSet`); an event that
 * matched none has no hits (null), so most events cost no allocation. An entry left undefined was
 * not evaluated: a sequence leaves a later stage's filter for the moment the event reaches the
 * matcher, and evaluates it then only when a partial sequence could take the event there.
 */
export type FilterHits = readonly (boolean | undefined)[];

/** Evaluate a filter without ever throwing (a hostile object simply does not match). */
export function safeTest(filter: EventFilter, e: EqlEvent): boolean {
  try {
    return filter(e);
  } catch {
    return false;
  }
}

/** Filters beyond this many get a fresh hits array per event instead of a shared one. */
const SHARED_UP_TO = 16;
/** The most filters `evaluateNeeded` takes (one bit each in a 32-bit mask). */
export const MASK_FILTERS = 31;
const SHARED_SPAN = 2 ** SHARED_UP_TO;

/** The hits of `n` filters, those of `known` evaluated and those of `mask` matched. */
function partlyEvaluated(n: number, known: number, mask: number): (boolean | undefined)[] {
  const out = new Array<boolean | undefined>(n);
  for (let f = 0; f < n; f++) out[f] = (known & (1 << f)) === 0 ? undefined : (mask & (1 << f)) !== 0;
  return out;
}

/** A list of distinct filters (by identity) and their evaluation. */
export class FilterSet {
  /** The distinct filters, in the order they were first added. */
  readonly filters: EventFilter[] = [];
  /** Hits arrays by bit pattern, shared between events (they are read-only), so evaluating allocates nothing. */
  private readonly shared: (FilterHits | undefined)[] = [];
  /** Partly evaluated hits arrays, by evaluated pattern × 2^16 + matched pattern. */
  private readonly sharedPartly = new Map<number, FilterHits>();
  /** The hits of every filter evaluated and none matched (see `noneMatched`), made at first use. */
  private none: FilterHits | null = null;

  /** The number of `filter`, adding it when it is new. */
  add(filter: EventFilter): number {
    const i = this.filters.indexOf(filter);
    if (i >= 0) return i;
    this.filters.push(filter);
    return this.filters.length - 1;
  }

  /** Whether filter `f` matches `event`. Never throws. */
  test(f: number, event: EqlEvent): boolean {
    return safeTest(this.filters[f] as EventFilter, event);
  }

  /** Evaluate every distinct filter once; null when none matches. Never throws. */
  evaluate(event: EqlEvent): FilterHits | null {
    const filters = this.filters;
    const n = filters.length;
    if (n > SHARED_UP_TO) {
      let hits: boolean[] | null = null;
      for (let f = 0; f < n; f++) {
        if (!safeTest(filters[f] as EventFilter, event)) continue;
        if (hits === null) hits = new Array<boolean>(n).fill(false);
        hits[f] = true;
      }
      return hits;
    }
    let mask = 0;
    for (let f = 0; f < n; f++) if (safeTest(filters[f] as EventFilter, event)) mask |= 1 << f;
    return mask === 0 ? null : this.evaluatedAs(mask);
  }

  /**
   * Evaluate the filters of the bit mask `needed` (bit f: filter f; at most `MASK_FILTERS` filters);
   * when none of them matches, the others in order until one does (as `settle`). The filters left
   * over stay undefined in the hits: whether the event matches some filter (null or not) is decided
   * exactly, what the others say is left to `test` when it is asked. Filters of `ruledOut` (known
   * not to match this event) count as evaluated and not matched.
   *
   * `undecided`: when no needed filter matches, the others are left unevaluated too, and the hits
   * (no entry true, some undefined) leave open whether the event matches some filter; `settle`
   * decides it. Never throws.
   */
  evaluateNeeded(event: EqlEvent, needed: number, ruledOut: number, undecided = false): FilterHits | null {
    const filters = this.filters;
    const n = filters.length;
    let known = ruledOut;
    let mask = 0;
    for (let f = 0; f < n; f++) {
      const bit = 1 << f;
      if ((needed & bit) === 0 || (ruledOut & bit) !== 0) continue;
      known |= bit;
      if (safeTest(filters[f] as EventFilter, event)) mask |= bit;
    }
    if (mask === 0 && !undecided) return this.settleMask(event, known);
    return this.partly(known, mask);
  }

  /**
   * Hits of `evaluateNeeded` that leave open whether the event matches some filter (none true):
   * the filters left undefined are evaluated in order until one matches; null when none does.
   * Other hits are returned as they are. Never throws.
   */
  settle(event: EqlEvent, hits: FilterHits): FilterHits | null {
    const n = hits.length;
    if (n > MASK_FILTERS) return hits;
    let known = 0;
    for (let f = 0; f < n; f++) {
      const h = hits[f];
      if (h === true) return hits;
      if (h === false) known |= 1 << f;
    }
    return this.settleMask(event, known);
  }

  /**
   * Hits of every filter evaluated and none matched (shared, read-only): what `evaluate` gives as
   * null, for a caller that must tell the event apart from one it did not evaluate.
   */
  noneMatched(): FilterHits {
    let hits = this.none;
    if (hits === null || hits.length !== this.filters.length) {
      hits = Object.freeze(this.filters.map(() => false));
      this.none = hits;
    }
    return hits;
  }

  /** The filters not in `known` in order until one matches: the hits then, or null. */
  private settleMask(event: EqlEvent, known: number): FilterHits | null {
    const filters = this.filters;
    const n = filters.length;
    for (let f = 0; f < n; f++) {
      const bit = 1 << f;
      if ((known & bit) !== 0) continue;
      known |= bit;
      if (safeTest(filters[f] as EventFilter, event)) return this.partly(known, bit);
    }
    return null;
  }

  /** The hits of the filters of `known` evaluated, those of `mask` matched (shared when it can be). */
  private partly(known: number, mask: number): FilterHits | null {
    const n = this.filters.length;
    const all = n === 31 ? 0x7fffffff : (1 << n) - 1;
    known &= all;
    if (mask === 0 && known === all) return null;
    if (n <= SHARED_UP_TO && known === all) return this.evaluatedAs(mask);
    if (n > SHARED_UP_TO) return partlyEvaluated(n, known, mask);
    const key = known * SHARED_SPAN + mask;
    let hits = this.sharedPartly.get(key);
    if (hits === undefined) {
      hits = Object.freeze(partlyEvaluated(n, known, mask));
      this.sharedPartly.set(key, hits);
    }
    return hits;
  }

  /** The shared hits array of every filter evaluated, those of `mask` matched. */
  private evaluatedAs(mask: number): FilterHits {
    let hits = this.shared[mask];
    if (hits === undefined) {
      hits = Object.freeze(this.filters.map((_, f) => (mask & (1 << f)) !== 0));
      this.shared[mask] = hits;
    }
    return hits;
  }

  /** `hits` with every entry evaluated (those left undefined evaluated now). Never throws. */
  complete(hits: FilterHits, event: EqlEvent): boolean[] {
    return hits.map((h, f) => h ?? this.test(f, event));
  }
}
