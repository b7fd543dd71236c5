/**
 * Missing-event stages (spec §8.6): the times each missing stage saw per key, and the check of a
 * candidate against them with strict millisecond windows.
 */
import { Charged } from "./budget.js";

/** Estimated bytes of a times list apart from its times. */
export const TIMES_BYTES = 128;

/** The ascending times (epoch millis) one missing stage saw for one key, charged to a budget. */
export class MissingTimes extends Charged {
  /** Ascending times. */
  readonly times: number[] = [];

  constructor(
    /** The map holding this list, by key id. */
    readonly holder: Map<string, MissingTimes>,
    /** The missing stage's index. */
    readonly stage: number,
    /** The key id. */
    readonly id: string,
  ) {
    super();
  }

  /** Estimated bytes of this list. */
  size(): number {
    return TIMES_BYTES + 2 * this.id.length + 8 * this.times.length;
  }

  /** Evicted by the budget: forget these times. */
  evict(): void {
    if (this.holder.get(this.id) === this) this.holder.delete(this.id);
  }
}

/** Index of the first time after `t` (or at `t` too, when `orAt`) in an ascending list. */
function firstFrom(times: readonly number[], t: number, orAt: boolean): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const v = times[mid] as number;
    if (v < t || (v === t && !orAt)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The largest time below `t`, or undefined. */
export function lastBefore(times: readonly number[], t: number): number | undefined {
  const i = firstFrom(times, t, true);
  return i > 0 ? times[i - 1] : undefined;
}

/** The smallest time above `t`, or undefined. */
export function firstAbove(times: readonly number[], t: number): number | undefined {
  return times[firstFrom(times, t, false)];
}

/** Whether some time lies strictly between `lo` and `hi`. */
export function anyBetween(times: readonly number[], lo: number, hi: number): boolean {
  const t = times[firstFrom(times, lo, false)];
  return t !== undefined && t < hi;
}

/** The number of leading times below `t` (what an expiry may drop). */
export function countBefore(times: readonly number[], t: number): number {
  return firstFrom(times, t, true);
}

/** What a candidate's check needs to know about the query's shape. */
export interface MissingShape {
  /** Per stage: whether it is a missing stage. */
  readonly missing: readonly boolean[];
  readonly leading: boolean;
  readonly trailing: boolean;
  readonly maxspan: number;
}

/**
 * Elasticsearch's missing-event rule for one candidate: `positiveTimes` are the millisecond times
 * of its positive events, `timesOf(stage)` the times a missing stage saw for its key.
 */
export function passesMissing(
  shape: MissingShape,
  positiveTimes: readonly number[],
  timesOf: (stage: number) => readonly number[] | undefined,
): boolean {
  const A = positiveTimes[0] as number;
  const Z = positiveTimes[positiveTimes.length - 1] as number;
  let L: number | undefined;
  let T: number | undefined;
  let positiveSeen = 0;
  for (let i = 0; i < shape.missing.length; i++) {
    if (!shape.missing[i]) {
      positiveSeen++;
      continue;
    }
    const list = timesOf(i);
    if (!list || list.length === 0) continue;
    if (positiveSeen === 0) {
      const t = lastBefore(list, A);
      if (t !== undefined && (L === undefined || t > L)) L = t;
    } else if (positiveSeen === positiveTimes.length) {
      const t = firstAbove(list, Z);
      if (t !== undefined && (T === undefined || t < T)) T = t;
    } else if (
      anyBetween(list, positiveTimes[positiveSeen - 1] as number, positiveTimes[positiveSeen] as number)
    ) {
      return false;
    }
  }
  // The shape of the query (not which lookups found something) picks the rule.
  const { leading, trailing, maxspan } = shape;
  if (leading && trailing) return L === undefined || T === undefined || T - L > maxspan;
  if (leading) return L === undefined || Z - L > maxspan;
  if (trailing) return T === undefined || T - A > maxspan;
  return true;
}
