/**
 * The sequence state machine, event at a time. Events must arrive in ordinal order (the batch
 * runner sorts them; the stream runner checks and buffers). For each stage and join key only the
 * most recent partial sequence survives, as in Elasticsearch. Everything held is charged to a
 * `StateBudget`, which evicts the least recently charged entry when full.
 */

import type { EventFilter } from "../compile/query.js";
import type { Scalar } from "../functions/types.js";
import { isDateMillis } from "../runtime/timestamp.js";
import type { EqlEvent } from "../types.js";
import { type BudgetOwner, Charged, StateBudget } from "./budget.js";
import { type FilterHits, FilterSet, MASK_FILTERS } from "./filter.js";
import { IndexedHeap } from "./heap.js";
import { type KeySpec, type KeyTuple, keyTupleOf, safeKeyTuples } from "./keys.js";
import { countBefore, type MissingShape, MissingTimes, passesMissing } from "./missing.js";
import type { Ordinal } from "./order.js";
import {
  checkVersion,
  EventTable,
  eventAt,
  finiteOrNull,
  type MatcherSnapshot,
  type MatcherState,
  ordinalFromState,
  ordinalState,
  type PartialState,
  SNAPSHOT_VERSION,
  type TimesState,
} from "./snapshot.js";

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

/** Counters of what the matcher holds and discarded; reported, never silent. */
export interface SequenceStats {
  /** Partial sequences currently held. */
  open: number;
  /** Candidates waiting for a trailing missing stage's window to pass. */
  pending: number;
  /** Partial sequences and waiting candidates evicted because the state budget was full. */
  droppedByCap: number;
  /** Partial sequences that expired because their maxspan passed. */
  expired: number;
  /** Candidates rejected by a missing-event stage. */
  rejectedByMissing: number;
}

/** Options of the matcher. */
export interface MatcherOptions {
  /** The budget charged (default: one of its own without a limit). */
  budget?: StateBudget;
  /** The account charged, when a stream shares one with its matcher (takes precedence over `budget`). */
  owner?: BudgetOwner;
  /** Resume from a snapshot of a matcher over the same query. */
  restore?: MatcherSnapshot;
  /** Hold state only for the keys it owns (see `KeyOwner`). */
  keyOwner?: KeyOwner;
}

/**
 * Which keys a matcher holds state for: those whose value at `index` of the key tuple `owns`. A
 * parallel rule set gives each thread the keys of its hosts; tuples of other keys are passed over as
 * if the event had no such key (another thread holds them).
 */
export interface KeyOwner {
  readonly index: number;
  readonly owns: (value: Scalar) => boolean;
}

/**
 * Estimated bytes of a partial sequence apart from its key id and events: the entry itself, its
 * arrays of events and ordinals and its slot in the state's map. Its key is held as the id alone
 * (charged two bytes a character); the key's values are read again from the first event when the
 * sequence completes.
 */
const PARTIAL_BYTES = 240;
/** Estimated bytes per event a partial refers to, apart from the event (slot, ordinal, instant). */
const EVENT_REF_BYTES = 96;
const SWEEP_EVERY = 1024;

/** A partial sequence, or (stage -1) a candidate waiting for a trailing missing stage. */
class Partial extends Charged {
  heapIndex = -1;
  /** The positive stage (index into the matcher's positive stages) where it waits, or -1. */
  stage = -1;
  /** Waiting candidates: releasable once the clock passes this (epoch millis). */
  until = 0;
  /** Waiting candidates: arrival order, which breaks ties of `until`. */
  seq = 0;

  constructor(
    readonly matcher: SequenceMatcher,
    /** The join key's id (see `KeyTuple`). */
    readonly id: string,
    /** Arrays of exactly the length held. */
    public events: EqlEvent[],
    public ordinals: Ordinal[],
    public eventBytes: number,
  ) {
    super();
  }

  /** Epoch millis of the first event (read from its ordinal rather than held twice). */
  get firstMs(): number {
    return (this.ordinals[0] as Ordinal).timestamp?.millis ?? 0;
  }

  /** Nanoseconds within that millisecond. */
  get firstNs(): number {
    return (this.ordinals[0] as Ordinal).timestamp?.nanos ?? 0;
  }

  size(): number {
    return PARTIAL_BYTES + 2 * this.id.length + this.eventBytes;
  }

  evict(): void {
    this.matcher.evicted(this);
  }
}

/**
 * How a sequence evaluates its filters (internal; tests compare both ways). Lazily (the default), an
 * event's filters of the first positive stage and of missing stages are evaluated at once, a later
 * stage's filter (and `until`'s) only when the event reaches the matcher and some partial sequence
 * waits for that stage (any partial, for `until`): otherwise the stage cannot use the event whatever
 * the filter says. Whether an event matches some filter at all is still decided exactly when it is
 * evaluated, since that decides whether it takes part in time (its timestamp is required, it moves
 * the stream's clock, it can be late). Eagerly, every filter is evaluated for every event.
 */
export const stageEvaluation = {
  lazy: true,
  /**
   * Record every event of a missing stage, even one no partial sequence or candidate waits for (see
   * `waitsFor`). Off: such events are not kept. The answers are the same either way; tests compare.
   */
  recordAllMissing: false,
};

/** Something that holds sequences: a stage's partial sequences, or the candidates waiting. */
interface Holder {
  readonly size: number;
}

/**
 * Candidates waiting for a trailing missing stage that matchers have looked at since the process
 * started: one per comparison of two of them in the heap, one per look at the first. Tests compare
 * it before and after to show the waiting ones are not rescanned per event.
 */
export const pendingWork = { examined: 0 };

const releaseOrder = (a: Partial, b: Partial) => {
  pendingWork.examined += 2;
  return a.until < b.until || (a.until === b.until && a.seq < b.seq);
};

/** The sequence matcher. */
export class SequenceMatcher {
  /** Counters of what is held and what was discarded. */
  readonly stats: SequenceStats = { open: 0, pending: 0, droppedByCap: 0, expired: 0, rejectedByMissing: 0 };
  /** The account this matcher's state is charged to. */
  readonly owner: BudgetOwner;
  private readonly filterSet = new FilterSet();
  /** Per stage: its filter's number in `filterSet`. */
  private readonly stageFilter: number[];
  private readonly untilFilter: number;
  private readonly positive: number[];
  private readonly missingStages: number[];
  /** Per positive stage (by its index in `positive`): key id → the most recent partial sequence. */
  private readonly state: Map<string, Partial>[];
  /** Per stage (missing stages only): key id → times seen. */
  private readonly missingSeen: (Map<string, MissingTimes> | null)[];
  private readonly pending = new IndexedHeap<Partial>(releaseOrder);
  private readonly shape: MissingShape;
  private nowMs = Number.NEGATIVE_INFINITY;
  private seq = 0;
  /** The keys whose state this matcher holds (null: all). */
  private readonly keyOwner: KeyOwner | null;
  /** The keys last computed during a push, and their tuples. */
  private tuplesSpecs: readonly KeySpec[] | null = null;
  private tuplesOf: KeyTuple[] = [];
  private sinceSweep = 0;
  /** Events between sweeps: at least the number of partials the last sweep kept, so sweeping costs O(1) per event. */
  private sweepInterval = SWEEP_EVERY;
  /** Whether later stages' filters are evaluated only when a partial sequence could use them. */
  private readonly lazy: boolean;
  /** Whether missing stages record events nothing waits for (`stageEvaluation.recordAllMissing`). */
  private readonly recordAllMissing = stageEvaluation.recordAllMissing;
  /** Filters needed for every event (of the first positive stage or a leading missing stage), by bit. */
  private alwaysMask = 0;
  /**
   * Filters of later stages: each one's bit and what holds the sequences a match could be used by
   * (see `usedBy`); the filter is needed while one of them holds some.
   */
  private readonly later: { readonly bit: number; readonly holders: readonly Holder[] }[] = [];
  /** Per stage, for missing stages: what holds the sequences its events concern (see `waitsFor`). */
  private readonly missingHolder: (Holder | null)[] = [];
  /** The until filter's bit (0: none). */
  private untilBit = 0;
  /** Per filter: the bit mask of the query's terms using it (query order, `until` last; -1: beyond the mask). */
  private readonly termMask: number[] = [];
  /** The hits of the event being pushed, and the filters evaluated since (undefined: not yet). */
  private pushHits: FilterHits = [];
  private readonly resolved: (boolean | undefined)[] = [];
  private resolvedAny = false;

  constructor(
    private readonly plan: SequencePlan,
    options: MatcherOptions = {},
  ) {
    this.owner = options.owner ?? (options.budget ?? new StateBudget({ maxBytes: Infinity })).owner();
    this.keyOwner = options.keyOwner ?? null;
    this.stageFilter = plan.stages.map((s) => this.filterSet.add(s.filter));
    this.untilFilter = plan.until ? this.filterSet.add(plan.until.filter) : -1;
    this.positive = plan.stages.flatMap((s, i) => (s.missing ? [] : [i]));
    this.missingStages = plan.stages.flatMap((s, i) => (s.missing ? [i] : []));
    this.state = this.positive.map(() => new Map());
    const n = this.filterSet.filters.length;
    this.lazy = stageEvaluation.lazy && n <= MASK_FILTERS;
    const holders = new Map<number, Holder[]>();
    let term = -1;
    plan.stages.forEach((s, i) => {
      const f = this.stageFilter[i] as number;
      const holder = this.usedBy(i);
      if (s.missing) this.missingHolder[i] = holder;
      if (holder === null || (s.missing && this.recordAllMissing)) this.alwaysMask |= 1 << f;
      else {
        const list = holders.get(f) ?? [];
        list.push(holder);
        holders.set(f, list);
      }
      // Stages expanded by `runs` are one term (the same stage repeated).
      if (i === 0 || plan.stages[i - 1] !== s) term++;
      this.termMask[f] = (this.termMask[f] ?? 0) | (term < MASK_FILTERS ? 1 << term : -1);
    });
    for (const [f, list] of holders) {
      if ((this.alwaysMask & (1 << f)) === 0) this.later.push({ bit: 1 << f, holders: list });
    }
    if (this.untilFilter >= 0) {
      const f = this.untilFilter;
      this.untilBit = 1 << f;
      this.termMask[f] = (this.termMask[f] ?? 0) | (term + 1 < MASK_FILTERS ? 1 << (term + 1) : -1);
    }
    this.missingSeen = plan.stages.map((s) => (s.missing ? new Map() : null));
    const lastPositive = this.positive[this.positive.length - 1] as number;
    this.shape = {
      missing: plan.stages.map((s) => s.missing),
      leading: plan.stages[0]?.missing === true,
      trailing: plan.stages.some((s, i) => s.missing && i > lastPositive),
      maxspan: plan.maxspan ?? 0,
    };
    if (options.restore) {
      checkVersion(options.restore);
      this.load(options.restore.matcher, options.restore.events);
    }
  }

  /** The distinct filters (stages expanded by `runs` share one; the until term last when distinct). */
  get filters(): readonly EventFilter[] {
    return this.filterSet.filters;
  }

  /**
   * Evaluate each distinct filter at most once: the hits `push` takes, or null when the event
   * matters to no term. Lazily, filters no partial sequence needs now may be left undefined; `push`
   * evaluates those it needs then. `possible` is a bit mask of the terms (query order, `until`
   * last; bit t for term t) that can match the event, when the caller knows (an index of the
   * literal values the terms require): a filter of none of them is taken as not matching without
   * being evaluated (lazily; eagerly every filter is evaluated).
   *
   * `undecided` (lazily): when no filter needed now matches, the others are not evaluated either,
   * leaving open whether the event matches some term (hits with no entry true); `settle` decides.
   */
  evaluate(event: EqlEvent, possible?: number, undecided = false): FilterHits | null {
    if (!this.lazy) return this.filterSet.evaluate(event);
    const needed = this.neededMask();
    let ruledOut = 0;
    if (possible !== undefined) {
      const masks = this.termMask;
      for (let f = 0; f < masks.length; f++) if (((masks[f] as number) & possible) === 0) ruledOut |= 1 << f;
    }
    return this.filterSet.evaluateNeeded(event, needed, ruledOut, undecided);
  }

  /** Hits of every filter evaluated and none matched (see `FilterSet.noneMatched`). */
  noneMatched(): FilterHits {
    return this.filterSet.noneMatched();
  }

  /** Hits of an undecided `evaluate` decided: null when the event matches no term (see `FilterSet.settle`). */
  settle(event: EqlEvent, hits: FilterHits): FilterHits | null {
    return this.filterSet.settle(event, hits);
  }

  /**
   * The filters (bit f: filter f) that can do something with an event pushed now: those of first
   * stages and leading missing stages, and of later, missing and `until` terms a partial sequence
   * or candidate waits on. At most `MASK_FILTERS` filters.
   */
  private neededMask(): number {
    let needed = this.alwaysMask;
    const later = this.later;
    for (let l = 0; l < later.length; l++) {
      const { bit, holders } = later[l] as (typeof later)[number];
      for (let h = 0; h < holders.length; h++) {
        if ((holders[h] as Holder).size > 0) {
          needed |= bit;
          break;
        }
      }
    }
    if (this.untilBit !== 0 && this.anyOpen()) needed |= this.untilBit;
    return needed;
  }

  /**
   * Whether `push` would do more with an event of these hits than let time pass: some filter it
   * needs now (see `neededMask`) matched. Undefined entries (not evaluated) count as matching.
   */
  uses(hits: FilterHits): boolean {
    const n = hits.length;
    if (n > MASK_FILTERS) return true;
    const needed = this.neededMask();
    for (let f = 0; f < n; f++) if ((needed & (1 << f)) !== 0 && hits[f] !== false) return true;
    return false;
  }

  /**
   * `push` of an event that `uses` says nothing needs, at `ms`: time passes, and it counts towards
   * the next sweep of expired partial sequences, as a push does.
   */
  pass(ms: number): Completed[] {
    const out = this.advanceTo(ms);
    if (++this.sinceSweep >= this.sweepInterval) this.sweep();
    return out;
  }

  /** `hits` of `event` with every filter evaluated (for a snapshot of an event not pushed yet). */
  completeHits(hits: FilterHits, event: EqlEvent): boolean[] {
    return this.filterSet.complete(hits, event);
  }

  /** Whether candidates wait for time alone to release them (see `advanceTo`). */
  get waiting(): boolean {
    return this.pending.size > 0;
  }

  /**
   * Process the next event (in ordinal order) with its hits from `evaluate`; returns sequences
   * completed and certain now. Never throws.
   */
  push(event: EqlEvent, ordinal: Ordinal, hits: FilterHits): Completed[] {
    const ts = ordinal.timestamp;
    const ms = ts ? ts.millis : 0;
    const ns = ts ? ts.nanos : 0;
    const out: Completed[] = [];
    if (ms > this.nowMs) {
      this.nowMs = ms;
      this.releasePending(out, false);
    }
    const { stages, until, maxspan } = this.plan;
    this.tuplesSpecs = null;
    this.pushHits = hits;
    if (this.resolvedAny) {
      this.resolved.fill(undefined);
      this.resolvedAny = false;
    }
    // Missing-stage events are recorded first: lookups use strict time windows, so an event never
    // rejects a candidate it also completes.
    for (const i of this.missingStages) {
      if (!this.recordAllMissing && !this.waitsFor(i)) continue;
      if (!this.hit(this.stageFilter[i] as number, event)) continue;
      const seen = this.missingSeen[i] as Map<string, MissingTimes>;
      for (const k of this.tuples(event, (stages[i] as StagePlan).keys)) {
        let list = seen.get(k.id);
        if (!list) {
          list = new MissingTimes(seen, i, k.id);
          seen.set(k.id, list);
        }
        list.times.push(ms);
        this.owner.charge(list, list.size());
      }
    }
    // Later stages first, so one event cannot advance a sequence twice.
    const last = this.positive.length - 1;
    let eventBytes = -1;
    for (let p = last; p >= 0; p--) {
      const stage = this.positive[p] as number;
      // Lazily, a stage no partial sequence waits for is passed over before its filter and keys.
      if (this.lazy && p > 0 && (this.state[p - 1] as Map<string, Partial>).size === 0) continue;
      if (!this.hit(this.stageFilter[stage] as number, event)) continue;
      for (const k of this.tuples(event, (stages[stage] as StagePlan).keys)) {
        if (eventBytes < 0) eventBytes = EVENT_REF_BYTES + this.owner.budget.sizeOf(event);
        let seq: Partial;
        if (p === 0) {
          seq = new Partial(this, k.id, [event], [ordinal], eventBytes);
        } else {
          const prevState = this.state[p - 1] as Map<string, Partial>;
          const prev = prevState.get(k.id);
          if (!prev) continue;
          prevState.delete(k.id);
          this.stats.open--;
          if (maxspan !== null && (ms - prev.firstMs) * 1e6 + (ns - prev.firstNs) > maxspan * 1e6) {
            this.owner.release(prev);
            continue;
          }
          // concat makes arrays of the exact length; a push or a spread leaves room for 16 more.
          prev.events = prev.events.concat([event]);
          prev.ordinals = prev.ordinals.concat([ordinal]);
          prev.eventBytes += eventBytes;
          seq = prev;
        }
        if (p === last) this.candidate(seq, out);
        else this.store(p, seq);
      }
    }
    if (
      this.untilFilter >= 0 &&
      until &&
      (!this.lazy || this.anyOpen()) &&
      this.hit(this.untilFilter, event)
    ) {
      for (const k of this.tuples(event, until.keys)) {
        for (const st of this.state) {
          const gone = st.get(k.id);
          if (gone === undefined) continue;
          st.delete(k.id);
          this.stats.open--;
          this.owner.release(gone);
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

  /** Called by the budget when it evicts one of this matcher's partial sequences or candidates. */
  evicted(seq: Partial): void {
    if (seq.stage >= 0) {
      const st = this.state[seq.stage] as Map<string, Partial>;
      if (st.get(seq.id) !== seq) return;
      st.delete(seq.id);
      this.stats.open--;
    } else {
      if (seq.heapIndex < 0) return;
      this.pending.remove(seq);
      this.stats.pending--;
    }
    this.stats.droppedByCap++;
  }

  /** The whole state as JSON-safe data (events once each). */
  snapshot(): MatcherSnapshot {
    const table = new EventTable();
    const matcher = this.save(table);
    return { version: SNAPSHOT_VERSION, kind: "matcher", events: table.events, matcher };
  }

  /** The state, with events referred to through `table` (streams add their own events to it). */
  save(table: EventTable): MatcherState {
    const partials: PartialState[] = [];
    const savePartial = (seq: Partial) =>
      partials.push({
        stage: seq.stage,
        key: seq.id,
        events: seq.events.map((e) => table.ref(e)),
        ordinals: seq.ordinals.map(ordinalState),
        firstMs: seq.firstMs,
        firstNs: seq.firstNs,
        until: seq.until,
        seq: seq.seq,
        stamp: seq.stamp,
        bytes: seq.bytes,
      });
    for (const st of this.state) for (const seq of st.values()) savePartial(seq);
    for (const seq of this.pending.values()) savePartial(seq);
    const times: TimesState[] = [];
    for (const seen of this.missingSeen) {
      if (!seen) continue;
      for (const list of seen.values()) {
        times.push({
          stage: list.stage,
          key: list.id,
          times: [...list.times],
          stamp: list.stamp,
          bytes: list.bytes,
        });
      }
    }
    return {
      shape: this.shapeId(),
      nowMs: finiteOrNull(this.nowMs),
      sinceSweep: this.sinceSweep,
      sweepInterval: this.sweepInterval,
      seq: this.seq,
      stats: { ...this.stats },
      owner: { evicted: this.owner.stats.evicted, evictedBytes: this.owner.stats.evictedBytes },
      partials,
      times,
    };
  }

  /** Resume from `state` (this matcher must be new); entries are charged as they were. */
  load(state: MatcherState, events: readonly EqlEvent[]): void {
    if (state.shape !== this.shapeId()) {
      throw new RangeError(`Snapshot of sequence shape ${state.shape} cannot resume ${this.shapeId()}`);
    }
    this.nowMs = state.nowMs ?? Number.NEGATIVE_INFINITY;
    this.sinceSweep = state.sinceSweep;
    this.sweepInterval = state.sweepInterval;
    this.seq = state.seq;
    Object.assign(this.stats, state.stats);
    const entries: Charged[] = [];
    const stamps: number[] = [];
    const bytes: number[] = [];
    const last = this.positive.length - 1;
    for (const s of state.partials) {
      // A partial waiting at stage p holds p + 1 events, a waiting candidate one per positive stage.
      const stored = s.stage >= 0 && s.stage < last;
      const waiting = s.stage === -1 && this.shape.trailing;
      const held = s.stage >= 0 ? s.stage + 1 : this.positive.length;
      if (!(stored || waiting) || s.events.length !== held || s.ordinals.length !== held) {
        throw new RangeError(
          `Snapshot has a partial sequence at stage ${s.stage} that this query cannot hold`,
        );
      }
      if (s.stage >= 0 && (this.state[s.stage] as Map<string, Partial>).has(s.key)) {
        throw new RangeError(`Snapshot has two partial sequences of one key at stage ${s.stage}`);
      }
      // What the events were charged is what the entry was charged apart from its fixed part.
      const eventBytes = s.bytes - PARTIAL_BYTES - 2 * s.key.length;
      const seq = new Partial(
        this,
        s.key,
        s.events.map((i) => eventAt(events, i)),
        s.ordinals.map(ordinalFromState),
        eventBytes,
      );
      seq.stage = s.stage;
      seq.until = s.until;
      seq.seq = s.seq;
      if (s.stage >= 0) (this.state[s.stage] as Map<string, Partial>).set(seq.id, seq);
      else this.pending.push(seq);
      entries.push(seq);
      stamps.push(s.stamp);
      bytes.push(s.bytes);
    }
    for (const s of state.times) {
      const seen = this.missingSeen[s.stage];
      if (!seen)
        throw new RangeError(`Snapshot has missing-stage times for stage ${s.stage}, which is not missing`);
      if (seen.has(s.key)) throw new RangeError(`Snapshot has missing-stage times of one key twice`);
      const list = new MissingTimes(seen, s.stage, s.key);
      list.times.push(...s.times);
      seen.set(s.key, list);
      entries.push(list);
      stamps.push(s.stamp);
      bytes.push(s.bytes);
    }
    this.owner.restoreEvicted(state.owner.evicted, state.owner.evictedBytes);
    this.owner.restore(entries, stamps, bytes);
  }

  /** Whether the event being pushed matches filter `f`: from its hits, else evaluated now (once). */
  private hit(f: number, event: EqlEvent): boolean {
    const known = this.pushHits[f];
    if (known !== undefined) return known;
    let r = this.resolved[f];
    if (r === undefined) {
      r = this.filterSet.test(f, event);
      this.resolved[f] = r;
      this.resolvedAny = true;
    }
    return r;
  }

  /**
   * Whether an event of missing stage `i` pushed now can matter: events come in time order and a
   * missing event counts only strictly after the positive event before its stage (strictly between it
   * and the next one, or after the last one), so one that comes while no partial sequence of that
   * stage is held (no candidate waits, for a trailing stage) never will. A leading stage's events
   * count before the first positive event: every one matters.
   */
  private waitsFor(i: number): boolean {
    const holder = this.missingHolder[i] ?? null;
    return holder === null || holder.size > 0;
  }

  /**
   * What holds the sequences a match of stage `i` can be used by: the partial sequences of the
   * positive stage before it, or, for a trailing missing stage, the candidates waiting for it; null
   * when every match counts (the first positive stage, a leading missing stage).
   */
  private usedBy(i: number): Holder | null {
    let before = -1;
    for (const k of this.positive) if (k < i) before++;
    if (before < 0) return null;
    return before === this.positive.length - 1 ? this.pending : (this.state[before] as Map<string, Partial>);
  }

  /** Whether some partial sequence is held (what `until` could end). */
  private anyOpen(): boolean {
    for (const st of this.state) if (st.size > 0) return true;
    return false;
  }

  /** Key tuples of the event being pushed; stages expanded by `runs` share their keys, so reuse the last. */
  private tuples(event: EqlEvent, specs: readonly KeySpec[]): KeyTuple[] {
    if (specs !== this.tuplesSpecs) {
      this.tuplesSpecs = specs;
      let tuples = safeKeyTuples(event, specs);
      const ko = this.keyOwner;
      if (ko !== null && !tuples.every((k) => ko.owns(k.values[ko.index] ?? null))) {
        tuples = tuples.filter((k) => ko.owns(k.values[ko.index] ?? null));
      }
      this.tuplesOf = tuples;
    }
    return this.tuplesOf;
  }

  private shapeId(): string {
    const stages = this.plan.stages.map((s) => (s.missing ? "!" : "+")).join("");
    return `${stages}/${this.plan.maxspan ?? "-"}/${this.plan.until ? "until" : "-"}`;
  }

  private store(p: number, seq: Partial): void {
    const st = this.state[p] as Map<string, Partial>;
    const old = st.get(seq.id);
    if (old !== undefined) {
      this.owner.release(old);
      this.stats.open--;
    }
    seq.stage = p;
    st.set(seq.id, seq);
    this.stats.open++;
    this.owner.charge(seq, seq.size());
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
          this.owner.release(seq);
        }
      }
    }
    const keep = this.nowMs - 2 * maxspan;
    for (const seen of this.missingSeen) {
      if (!seen) continue;
      for (const [id, list] of seen) {
        const drop = countBefore(list.times, keep);
        if (drop === list.times.length) {
          seen.delete(id);
          this.owner.release(list);
        } else if (drop > 0) {
          list.times.splice(0, drop);
          this.owner.resize(list, list.size());
        }
      }
    }
  }

  private candidate(seq: Partial, out: Completed[]): void {
    seq.stage = -1;
    if (this.missingStages.length === 0) {
      this.owner.release(seq);
      out.push(this.complete(seq));
      return;
    }
    if (this.shape.trailing) {
      // A trailing missing event may still arrive; decide once the clock passes first + maxspan.
      seq.until = seq.firstMs + this.shape.maxspan;
      seq.seq = ++this.seq;
      this.pending.push(seq);
      this.stats.pending++;
      this.owner.charge(seq, seq.size());
      return;
    }
    this.owner.release(seq);
    this.decide(seq, out);
  }

  private releasePending(out: Completed[], all: boolean): void {
    for (;;) {
      const top = this.pending.peek();
      pendingWork.examined++;
      if (top === undefined || (!all && !(this.nowMs > top.until))) return;
      this.pending.pop();
      this.stats.pending--;
      this.owner.release(top);
      this.decide(top, out);
    }
  }

  private decide(seq: Partial, out: Completed[]): void {
    const times = seq.ordinals.map((o) => (o.timestamp ? o.timestamp.millis : 0));
    const id = seq.id;
    if (passesMissing(this.shape, times, (i) => this.missingSeen[i]?.get(id)?.times)) {
      out.push(this.complete(seq));
    } else {
      this.stats.rejectedByMissing++;
    }
  }

  private complete(seq: Partial): Completed {
    const events: (EqlEvent | null)[] = [];
    let j = 0;
    for (const st of this.plan.stages) events.push(st.missing ? null : (seq.events[j++] as EqlEvent));
    return { key: this.keyOf(seq), events, last: seq.ordinals[seq.ordinals.length - 1] as Ordinal };
  }

  /**
   * The key tuple of a sequence: the first event's tuple of that id (its values as read then), or
   * the values the id encodes when the event no longer gives it (changed since it was pushed).
   */
  private keyOf(seq: Partial): KeyTuple {
    const keys = (this.plan.stages[this.positive[0] as number] as StagePlan).keys;
    for (const k of safeKeyTuples(seq.events[0], keys)) if (k.id === seq.id) return k;
    return keyTupleOf(seq.id);
  }
}

/** Render join-key values as Elasticsearch returns them in sequences. */
export function renderSequenceKeys(values: readonly Scalar[], dateKeys: readonly boolean[]): unknown[] {
  return values.map((v, i) =>
    dateKeys[i] && typeof v === "number" && isDateMillis(v) ? new Date(v).toISOString() : v,
  );
}
