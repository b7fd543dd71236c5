/**
 * Streaming execution: events are pushed one at a time (in time order, or within a lateness
 * window) and results come out as soon as they are certain. State stays bounded: partial
 * sequences expire with maxspan, everything held is charged to a state budget that evicts the
 * oldest entries when full, and every discarded thing is counted.
 */

import type { EventFilter } from "../compile/query.js";
import type { FieldReader } from "../runtime/fields.js";
import type { EqlEvent, EventHit } from "../types.js";
import type { OwnerStats, StateBudget } from "./budget.js";
import type { ClockOptions, EventClock } from "./clock.js";
import { type FilterHits, safeTest } from "./filter.js";
import type { InstantParser } from "./order.js";
import { hitOf, isEvent } from "./run.js";
import type { KeyOwner, SequenceStats } from "./sequence.js";
import { checkVersion, EventTable, SNAPSHOT_VERSION, type StreamSnapshot } from "./snapshot.js";

/** Options of a stream. */
export interface StreamOptions extends ClockOptions {
  /**
   * How far behind the newest timestamp (in milliseconds) an event may arrive; such events are put
   * back in order. Default 0: events must arrive in time order (equal timestamps in any order
   * when there is a tiebreaker, since they are held until time moves on).
   */
  lateness?: number;
  /** An event older than the lateness window: `"error"` (default) throws `EqlDataError`, `"drop"` counts it. */
  onLate?: "error" | "drop";
  /**
   * The state budget charged; share one between streams to bound them together. Default: a budget
   * of the stream's own with the default limit (`DEFAULT_STATE_BYTES`).
   */
  budget?: StateBudget;
  /**
   * A clock the stream's owner moves with the time of every event it sees, before it pushes the
   * stream the events of its query (a rule set does, which pushes a stream only the events its query
   * may match). The stream then reads time from it and never moves it: its lateness window, the
   * events it holds as too far ahead and the candidates that time releases follow the time of all
   * the owner's events, whichever this query matched. An event is late when it is older than the
   * clock's time less `lateness`. Without it, the stream keeps its own clock from the events (and
   * times) it is given; `maxTimeJump` and `now` are then its own.
   */
  clock?: EventClock;
  /**
   * A sequence holds state only for the keys this owns (a parallel rule set gives each thread the
   * keys of its hosts; see `KeyOwner`). Internal.
   */
  keyOwner?: KeyOwner;
  /** Samples per key for sample queries (default 1). */
  maxSamplesPerKey?: number;
  /**
   * Resume from `snapshot()` of a stream compiled from the same query text. Options are not part
   * of a snapshot: pass the same ones again.
   */
  restore?: StreamSnapshot;
}

/** What a stream has seen, holds and discarded; nothing is dropped without being counted here. */
export interface StreamStats {
  /** Events pushed. */
  eventsIn: number;
  /** Events that were not objects (ignored). */
  notObjects: number;
  /** Events that arrived too late and were dropped (`onLate: "drop"`). */
  lateDropped: number;
  /** Events waiting in the re-ordering buffer. */
  buffered: number;
  /** Results emitted so far. */
  emitted: number;
  /** Partial sequences currently held. */
  openSequences: number;
  /** Candidates waiting for a trailing missing stage's window to pass. */
  pendingSequences: number;
  /** Partial sequences and waiting candidates evicted because the state budget was full. */
  droppedByCap: number;
  /** Partial sequences expired by maxspan. */
  expired: number;
  /** Sequence candidates rejected by a missing-event stage. */
  rejectedByMissing: number;
  /** Event times refused as more than `maxTimeJump` ahead of the clock (they did not move it). */
  futureSetAside: number;
  /** Events set aside as too far ahead, held until the clock reaches them. */
  futureHeld: number;
  /** Entries charged to the state budget (partials, missing-stage times, candidates, events held). */
  stateEntries: number;
  /** Estimated bytes charged to the state budget. */
  stateBytes: number;
  /** Entries of any kind evicted because the state budget was full. */
  evicted: number;
  /** Estimated bytes of the evicted entries. */
  evictedBytes: number;
}

/** A push-based query runner. */
export interface QueryStream<H> {
  /** Add one event; returns the results it made certain. May throw `EqlDataError` (late event, bad timestamp). */
  push(event: EqlEvent): H[];
  /**
   * Evaluate the query's distinct filters once over an event: the hits `pushEvaluated` takes, or
   * null when the event matters to no term. A sequence leaves undefined the filters of later stages
   * that no partial sequence waits for (when the event matches another term), and evaluates them
   * in `pushEvaluated` if it needs them then. A caller that knows which terms can match the event
   * (from the literal values they require, as a rule set's index does) passes them as the bit mask
   * `possible` (bit t for term t, in query order with `until` last; terms past bit 30 are always
   * evaluated): a sequence takes the filters of the others as not matching without evaluating
   * them.
   *
   * A caller that need not know whether the event matches some term passes `undecided`: a sequence
   * that would take the event at once (nothing re-ordered waits before it, its one timestamp is at
   * the clock) and finds that no filter a partial sequence needs now matches it, evaluates no other
   * filter. Such hits have no entry true and some undefined: the event only lets time pass either
   * way, and `settle` tells whether it matches some term. Such an event that matches no term at
   * all gets hits all false rather than null, so that it lets time pass alike. Never throws.
   */
  evaluate(event: EqlEvent, possible?: number, undecided?: boolean): FilterHits | null;
  /**
   * Hits of an undecided `evaluate` of `event` decided: the filters it left undefined evaluated in
   * order until one matches; null when none does. Decided hits are returned as they are. Never throws.
   */
  settle(event: EqlEvent, hits: FilterHits): FilterHits | null;
  /**
   * `push` for an event already evaluated with `evaluate` (null hits: only its time counts).
   * `position` is the event's place in its owner's input, the last tie-break of event order (default:
   * how many events this stream was pushed before; a rule set passes its own count).
   */
  pushEvaluated(event: EqlEvent, hits: FilterHits | null, position?: number): H[];
  /** Let time pass to `ms` (epoch millis) without an event; returns the results that made certain. */
  advanceTo(ms: number): H[];
  /** Whether time alone can release something (buffered events, events set aside, waiting candidates). */
  readonly waiting: boolean;
  /** No more events: returns the remaining results. */
  end(): H[];
  /** The whole state as JSON-safe data, for `compiled.stream({ restore })`. */
  snapshot(): StreamSnapshot;
  /** Counters of what was seen, is held and was discarded (read live). */
  readonly stats: Readonly<StreamStats>;
}

/** Settings the stream needs from the compiled query. */
export interface StreamContext {
  readonly timestamp: FieldReader;
  readonly tiebreaker: FieldReader | null;
  readonly parseTime: InstantParser;
  /** The query text, recorded in snapshots. */
  readonly query: string;
}

/** The counters every stream keeps itself (restored from a snapshot when there is one). */
export interface Counters {
  eventsIn: number;
  notObjects: number;
  lateDropped: number;
  emitted: number;
}

/** Where a stream's live stats come from besides its counters. */
export interface StatSources {
  readonly owner: OwnerStats | null;
  readonly matcher: SequenceStats | null;
  readonly buffered: () => number;
  readonly held: () => number;
  readonly futureSetAside: () => number;
}

/** What a kind of stream provides; `assemble` adds the counting and `push`. */
export interface StreamParts<H> {
  readonly kind: StreamSnapshot["kind"];
  readonly sources: StatSources;
  /** Evaluate an event (an object); see `QueryStream.evaluate`. */
  evaluate(event: EqlEvent, possible?: number, undecided?: boolean): FilterHits | null;
  /** See `QueryStream.settle`; absent where `evaluate` always decides. */
  settle?(event: EqlEvent, hits: FilterHits): FilterHits | null;
  /** Take an event (an object) with its hits; `position` is its input position. */
  accept(event: EqlEvent, hits: FilterHits | null, position: number): H[];
  advanceTo(ms: number): H[];
  end(): H[];
  waiting(): boolean;
  /** The kind's own part of a snapshot, with events referred to through `table`. */
  save(table: EventTable): Pick<StreamSnapshot, "sequence" | "sample">;
}

/** Throw unless `snap` was taken from a stream of this kind over this query. */
export function checkSnapshot(snap: StreamSnapshot, kind: StreamSnapshot["kind"], query: string): void {
  checkVersion(snap);
  if (snap.kind !== kind || snap.query !== query) {
    throw new RangeError(
      `Snapshot of a ${snap.kind} stream over another query cannot resume this ${kind} stream`,
    );
  }
}

/** A stream's counters: zero, or as a snapshot recorded them. */
export function countersFrom(restore: StreamSnapshot | undefined): Counters {
  const c = restore?.counters;
  return {
    eventsIn: c?.eventsIn ?? 0,
    notObjects: c?.notObjects ?? 0,
    lateDropped: c?.lateDropped ?? 0,
    emitted: c?.emitted ?? 0,
  };
}

/** The stats of a stream, read live (own enumerable getters, so a spread or JSON copies them). */
function liveStats(c: Counters, s: StatSources): StreamStats {
  const read: { [K in keyof StreamStats]: () => number } = {
    eventsIn: () => c.eventsIn,
    notObjects: () => c.notObjects,
    lateDropped: () => c.lateDropped,
    buffered: s.buffered,
    emitted: () => c.emitted,
    openSequences: () => s.matcher?.open ?? 0,
    pendingSequences: () => s.matcher?.pending ?? 0,
    droppedByCap: () => s.matcher?.droppedByCap ?? 0,
    expired: () => s.matcher?.expired ?? 0,
    rejectedByMissing: () => s.matcher?.rejectedByMissing ?? 0,
    futureSetAside: s.futureSetAside,
    futureHeld: s.held,
    stateEntries: () => s.owner?.entries ?? 0,
    stateBytes: () => s.owner?.bytes ?? 0,
    evicted: () => s.owner?.evicted ?? 0,
    evictedBytes: () => s.owner?.evictedBytes ?? 0,
  };
  const stats = {} as StreamStats;
  for (const [name, get] of Object.entries(read))
    Object.defineProperty(stats, name, { get, enumerable: true });
  return stats;
}

/**
 * A stream from its kind's parts: counts what comes in and out, ignores (and counts) values that
 * are not objects, makes `push` evaluate then push, and wraps the kind's snapshot.
 */
export function assemble<H>(ctx: StreamContext, counters: Counters, parts: StreamParts<H>): QueryStream<H> {
  const counted = (out: H[]) => {
    counters.emitted += out.length;
    return out;
  };
  const stream: QueryStream<H> = {
    stats: liveStats(counters, parts.sources),
    get waiting() {
      return parts.waiting();
    },
    evaluate: (event, possible, undecided) =>
      isEvent(event) ? parts.evaluate(event, possible, undecided) : null,
    settle: (event, hits) => (parts.settle && isEvent(event) ? parts.settle(event, hits) : hits),
    push: (event) => stream.pushEvaluated(event, stream.evaluate(event)),
    pushEvaluated(event, hits, at) {
      const position = counters.eventsIn++;
      if (!isEvent(event)) {
        counters.notObjects++;
        return [];
      }
      return counted(parts.accept(event, hits, at ?? position));
    },
    advanceTo: (ms) => counted(parts.advanceTo(ms)),
    end: () => counted(parts.end()),
    snapshot() {
      const table = new EventTable();
      const own = parts.save(table);
      return {
        version: SNAPSHOT_VERSION,
        kind: parts.kind,
        query: ctx.query,
        events: table.events,
        counters: { ...counters, futureSetAside: parts.sources.futureSetAside() },
        ...own,
      };
    },
  };
  return stream;
}

const zero = () => 0;
const none = () => [];

/** A stream over an event query: each matching event is emitted as it arrives. */
export function eventStream(
  match: EventFilter,
  ctx: StreamContext,
  options: StreamOptions,
): QueryStream<EventHit> {
  if (options.restore) checkSnapshot(options.restore, "event", ctx.query);
  const HIT: FilterHits = [true];
  return assemble<EventHit>(ctx, countersFrom(options.restore), {
    kind: "event",
    sources: { owner: null, matcher: null, buffered: zero, held: zero, futureSetAside: zero },
    evaluate: (event) => (safeTest(match, event) ? HIT : null),
    accept: (event, hits) => (hits?.[0] ? [hitOf(event)] : []),
    advanceTo: none,
    end: none,
    waiting: () => false,
    save: () => ({}),
  });
}
