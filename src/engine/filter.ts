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

/** A list of distinct filters (by identity) and their evaluation. */
export class FilterSet {
  /** The distinct filters, in the order they were first added. */
  readonly filters: EventFilter[] = [];

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
    let hits: boolean[] | null = null;
    for (let f = 0; f < filters.length; f++) {
      if (!safeTest(filters[f] as EventFilter, event)) continue;
      if (hits === null) hits = new Array<boolean>(filters.length).fill(false);
      hits[f] = true;
    }
    return hits;
  }
}
