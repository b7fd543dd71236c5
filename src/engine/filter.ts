/**
 * The distinct filters of a sequence or sample, evaluated once per event. Stages expanded by
 * `runs` share one filter, and so share one answer.
 */
import type { EventFilter } from "../compile/query.js";
import type { EqlEvent } from "../types.js";

/**
 * Which distinct filters an event matched, by filter number (see `FilterSet`); an event that
 * matched none has no hits (null), so most events cost no allocation.
 */
export type FilterHits = readonly boolean[];

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

/** A list of distinct filters (by identity) and their evaluation. */
export class FilterSet {
  /** The distinct filters, in the order they were first added. */
  readonly filters: EventFilter[] = [];
  /** Hits arrays by bit pattern, shared between events (they are read-only), so evaluating allocates nothing. */
  private readonly shared: (FilterHits | undefined)[] = [];

  /** The number of `filter`, adding it when it is new. */
  add(filter: EventFilter): number {
    const i = this.filters.indexOf(filter);
    if (i >= 0) return i;
    this.filters.push(filter);
    return this.filters.length - 1;
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
    if (mask === 0) return null;
    let hits = this.shared[mask];
    if (hits === undefined) {
      hits = Object.freeze(filters.map((_, f) => (mask & (1 << f)) !== 0));
      this.shared[mask] = hits;
    }
    return hits;
  }
}
