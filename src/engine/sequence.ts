/**
 * The sequence state machine, event at a time. Events must arrive in ordinal order (the batch
 * runner sorts them; the stream runner checks and buffers). For each stage and join key only the
 * most recent partial sequence survives, as in Elasticsearch.
 */

import type { EventFilter } from "../compile/query.js";
import type { Scalar } from "../functions/types.js";
import type { EqlEvent } from "../types.js";
import { type KeySpec, type KeyTuple, keyTuples } from "./keys.js";
import type { Ordinal } from "./order.js";

/** One stage after `runs` expansion. */
export interface StagePlan {
  readonly filter: EventFilter;
  readonly keys: readonly KeySpec[];
  readonly missing: boolean;
}

/** Everything the matcher needs from the query. */
export interface SequencePlan {
  readonly stages: readonly StagePlan[];
  readonly until: { readonly filter: EventFilter; readonly keys: readonly KeySpec[] } | null;
  /** maxspan in milliseconds, or null. */
  readonly maxspan: number | null;
}

/** A completed sequence before rendering. */
export interface Completed {
  readonly key: KeyTuple;
  /** One entry per stage: the event, or null for a missing stage. */
  readonly events: readonly (EqlEvent | null)[];
  /** Ordinal of the last positive event (results are ordered by it). */
  readonly last: Ordinal;
}

interface Partial {
  readonly key: KeyTuple;
  readonly events: EqlEvent[];
  readonly ordinals: Ordinal[];
  /** Timestamp of the first event in nanoseconds relative to the epoch millis (for maxspan). */
  readonly firstMs: number;
  readonly firstNs: number;
}

interface Pending {
  readonly partial: Partial;
  /** Releasable once the clock passes this (epoch millis). */
  readonly until: number;
}

/** Counters of what the matcher discarded; reported, never silent. */
export interface SequenceStats {
  /** Partial sequences currently held. */
  open: number;
  /** Partial sequences dropped because `maxOpenSequences` was reached. */
  droppedByCap: number;
  /** Partial sequences that expired because their maxspan passed. */
  expired: number;
  /** Candidates rejected by a missing-event stage. */
  rejectedByMissing: number;
}

/** Options of the matcher. */
export interface MatcherOptions {
  /** Maximum partial sequences held at once; the oldest is dropped beyond it (default 1,000,000). */
  maxOpenSequences?: number;
}

const SWEEP_EVERY = 1024;

/** The sequence matcher. */
export class SequenceMatcher {
  readonly stats: SequenceStats = { open: 0, droppedByCap: 0, expired: 0, rejectedByMissing: 0 };
  private readonly positive: number[];
  /** Per positive stage (by its index in `positive`): key id → the most recent partial sequence. */
  private readonly state: Map<string, Partial>[];
  /** Per missing stage index: key id → ascending event timestamps (epoch millis). */
  private readonly missingSeen = new Map<number, Map<string, number[]>>();
  private readonly pending: Pending[] = [];
  private readonly maxOpen: number;
  private readonly hasTrailing: boolean;
  private nowMs = Number.NEGATIVE_INFINITY;
  private sinceSweep = 0;
  /** Events between sweeps: at least the number of partials the last sweep kept, so sweeping costs O(1) per event. */
  private sweepInterval = SWEEP_EVERY;

  constructor(
    private readonly plan: SequencePlan,
    options: MatcherOptions = {},
  ) {
    this.positive = plan.stages.flatMap((s, i) => (s.missing ? [] : [i]));
    this.state = this.positive.map(() => new Map());
    plan.stages.forEach((s, i) => {
      if (s.missing) this.missingSeen.set(i, new Map());
    });
    this.maxOpen = options.maxOpenSequences ?? 1_000_000;
    const lastPositive = this.positive[this.positive.length - 1] as number;
    this.hasTrailing = plan.stages.some((s, i) => s.missing && i > lastPositive);
  }

  /** Whether the event matters to this query at all (matches a stage or the until term). */
  relevant(event: EqlEvent): boolean {
    for (const s of this.plan.stages) if (s.filter(event)) return true;
    return this.plan.until?.filter(event) === true;
  }

  /** Process the next event (in ordinal order); returns sequences completed and certain now. */
  push(event: EqlEvent, ordinal: Ordinal): Completed[] {
    const ts = ordinal.timestamp;
    const ms = ts ? ts.millis : 0;
    const ns = ts ? ts.nanos : 0;
    const out: Completed[] = [];
    if (ms > this.nowMs) {
      this.nowMs = ms;
      this.releasePending(out, false);
    }
    const { stages, until, maxspan } = this.plan;
    // Missing-stage events are recorded first: lookups use strict time windows, so an event never
    // rejects a candidate it also completes.
    for (const [i, seen] of this.missingSeen) {
      const st = stages[i] as StagePlan;
      if (!st.filter(event)) continue;
      for (const k of keyTuples(event, st.keys)) {
        const list = seen.get(k.id);
        if (list) list.push(ms);
        else seen.set(k.id, [ms]);
      }
    }
    // Later stages first, so one event cannot advance a sequence twice.
    const last = this.positive.length - 1;
    for (let p = last; p >= 0; p--) {
      const st = stages[this.positive[p] as number] as StagePlan;
      if (!st.filter(event)) continue;
      for (const k of keyTuples(event, st.keys)) {
        let seq: Partial;
        if (p === 0) {
          seq = { key: k, events: [event], ordinals: [ordinal], firstMs: ms, firstNs: ns };
        } else {
          const prevState = this.state[p - 1] as Map<string, Partial>;
          const prev = prevState.get(k.id);
          if (!prev) continue;
          prevState.delete(k.id);
          this.stats.open--;
          if (maxspan !== null && (ms - prev.firstMs) * 1e6 + (ns - prev.firstNs) > maxspan * 1e6) continue;
          prev.events.push(event);
          prev.ordinals.push(ordinal);
          seq = prev;
        }
        if (p === last) this.candidate(seq, out);
        else this.store(p, seq);
      }
    }
    if (until?.filter(event)) {
      for (const k of keyTuples(event, until.keys)) {
        for (const st of this.state) {
          if (st.delete(k.id)) this.stats.open--;
        }
      }
    }
    if (++this.sinceSweep >= this.sweepInterval) this.sweep();
    return out;
  }

  /**
   * Let time pass without an event of this query (a stream saw an unrelated event): candidates
   * waiting for a trailing missing stage may become certain.
   */
  advanceTo(ms: number): Completed[] {
    const out: Completed[] = [];
    if (ms > this.nowMs) {
      this.nowMs = ms;
      this.releasePending(out, false);
    }
    return out;
  }

  /** Finish: release every pending candidate (nothing more can arrive). */
  end(): Completed[] {
    const out: Completed[] = [];
    this.releasePending(out, true);
    return out;
  }

  private store(p: number, seq: Partial): void {
    const st = this.state[p] as Map<string, Partial>;
    // Delete first so the map's insertion order stays "least recently advanced first".
    if (st.delete(seq.key.id)) this.stats.open--;
    st.set(seq.key.id, seq);
    this.stats.open++;
    if (this.stats.open > this.maxOpen) this.evictOldest();
  }

  private evictOldest(): void {
    let victim: Map<string, Partial> | null = null;
    let victimKey = "";
    let oldest: Ordinal | null = null;
    for (const st of this.state) {
      const first = st.entries().next();
      if (first.done) continue;
      const [id, seq] = first.value;
      const ord = seq.ordinals[seq.ordinals.length - 1] as Ordinal;
      if (oldest === null || ord.index < oldest.index) {
        oldest = ord;
        victim = st;
        victimKey = id;
      }
    }
    if (victim) {
      victim.delete(victimKey);
      this.stats.open--;
      this.stats.droppedByCap++;
    }
  }

  /** Drop partial sequences whose maxspan has passed, and missing-stage times no lookup can need. */
  private sweep(): void {
    this.sinceSweep = 0;
    const maxspan = this.plan.maxspan;
    if (maxspan === null) return;
    this.sweepInterval = Math.max(SWEEP_EVERY, this.stats.open);
    const horizon = this.nowMs - maxspan;
    for (const st of this.state) {
      for (const [id, seq] of st) {
        if (seq.firstMs < horizon) {
          st.delete(id);
          this.stats.open--;
          this.stats.expired++;
        }
      }
    }
    const keep = this.nowMs - 2 * maxspan;
    for (const seen of this.missingSeen.values()) {
      for (const [id, list] of seen) {
        let drop = 0;
        while (drop < list.length && (list[drop] as number) < keep) drop++;
        if (drop === list.length) seen.delete(id);
        else if (drop > 0) list.splice(0, drop);
      }
    }
  }

  private candidate(seq: Partial, out: Completed[]): void {
    if (this.missingSeen.size === 0) {
      out.push(this.complete(seq));
      return;
    }
    if (this.hasTrailing) {
      // A trailing missing event may still arrive; decide once the clock passes first + maxspan.
      this.pending.push({ partial: seq, until: seq.firstMs + (this.plan.maxspan ?? 0) });
      return;
    }
    if (this.checkMissing(seq)) out.push(this.complete(seq));
    else this.stats.rejectedByMissing++;
  }

  private releasePending(out: Completed[], all: boolean): void {
    if (this.pending.length === 0) return;
    let kept = 0;
    for (const p of this.pending) {
      if (all || this.nowMs > p.until) {
        if (this.checkMissing(p.partial)) out.push(this.complete(p.partial));
        else this.stats.rejectedByMissing++;
      } else {
        this.pending[kept++] = p;
      }
    }
    this.pending.length = kept;
  }

  /** Elasticsearch's missing-event rule (strict millisecond windows around the positive events). */
  private checkMissing(seq: Partial): boolean {
    const { stages } = this.plan;
    const maxspan = this.plan.maxspan ?? 0;
    const times = seq.ordinals.map((o) => (o.timestamp ? o.timestamp.millis : 0));
    const A = times[0] as number;
    const Z = times[times.length - 1] as number;
    let L: number | undefined;
    let T: number | undefined;
    let positiveSeen = 0;
    for (let i = 0; i < stages.length; i++) {
      const st = stages[i] as StagePlan;
      if (!st.missing) {
        positiveSeen++;
        continue;
      }
      const list = this.missingSeen.get(i)?.get(seq.key.id);
      if (!list || list.length === 0) continue;
      if (positiveSeen === 0) {
        for (const t of list) if (t < A && (L === undefined || t > L)) L = t;
      } else if (positiveSeen === times.length) {
        for (const t of list) {
          if (t > Z) {
            if (T === undefined || t < T) T = t;
            break;
          }
        }
      } else {
        const lo = times[positiveSeen - 1] as number;
        const hi = times[positiveSeen] as number;
        for (const t of list) if (t > lo && t < hi) return false;
      }
    }
    // The shape of the query (not which lookups found something) picks the rule.
    const leading = (stages[0] as StagePlan).missing;
    if (leading && this.hasTrailing) return L === undefined || T === undefined || T - L > maxspan;
    if (leading) return L === undefined || Z - L > maxspan;
    if (this.hasTrailing) return T === undefined || T - A > maxspan;
    return true;
  }

  private complete(seq: Partial): Completed {
    const events: (EqlEvent | null)[] = [];
    let j = 0;
    for (const st of this.plan.stages) events.push(st.missing ? null : (seq.events[j++] as EqlEvent));
    return { key: seq.key, events, last: seq.ordinals[seq.ordinals.length - 1] as Ordinal };
  }
}

/** Render join-key values as Elasticsearch returns them in sequences. */
export function renderSequenceKeys(values: readonly Scalar[], dateKeys: readonly boolean[]): unknown[] {
  return values.map((v, i) => (dateKeys[i] && typeof v === "number" ? new Date(v).toISOString() : v));
}
