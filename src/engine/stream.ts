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
import type { ClockOptions } from "./clock.js";
import { type FilterHits, safeTest } from "./filter.js";
import type { InstantParser } from "./order.js";
import { hitOf, isEvent } from "./run.js";
import type { SequenceStats } from "./sequence.js";
import { checkVersion, SNAPSHOT_VERSION, type StreamCounters, type StreamSnapshot } from "./snapshot.js";

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
   * null when the event matters to no term. Never throws.
   */
  evaluate(event: EqlEvent): FilterHits | null;
  /** `push` for an event already evaluated with `evaluate` (null hits: only its time counts). */
  pushEvaluated(event: EqlEvent, hits: FilterHits | null): H[];
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

/** The counters a stream keeps itself, restored from a snapshot when there is one. */
export function streamCounters(restore: StreamSnapshot | undefined): {
  eventsIn: number;
  notObjects: number;
  lateDropped: number;
  emitted: number;
} {
  const c = restore?.counters;
  return {
    eventsIn: c?.eventsIn ?? 0,
    notObjects: c?.notObjects ?? 0,
    lateDropped: c?.lateDropped ?? 0,
    emitted: c?.emitted ?? 0,
  };
}

/** Where a stream's live counters come from. */
export interface StatSources {
  readonly counters: Omit<StreamCounters, "futureSetAside">;
  readonly owner: OwnerStats | null;
  readonly matcher: SequenceStats | null;
  readonly buffered: () => number;
  readonly held: () => number;
  readonly futureSetAside: () => number;
}

/** The stats of a stream, read live from their sources (own enumerable getters, so a spread copies them). */
export function liveStats(s: StatSources): StreamStats {
  const c = s.counters;
  return {
    get eventsIn() {
      return c.eventsIn;
    },
    get notObjects() {
      return c.notObjects;
    },
    get lateDropped() {
      return c.lateDropped;
    },
    get buffered() {
      return s.buffered();
    },
    get emitted() {
      return c.emitted;
    },
    get openSequences() {
      return s.matcher?.open ?? 0;
    },
    get pendingSequences() {
      return s.matcher?.pending ?? 0;
    },
    get droppedByCap() {
      return s.matcher?.droppedByCap ?? 0;
    },
    get expired() {
      return s.matcher?.expired ?? 0;
    },
    get rejectedByMissing() {
      return s.matcher?.rejectedByMissing ?? 0;
    },
    get futureSetAside() {
      return s.futureSetAside();
    },
    get futureHeld() {
      return s.held();
    },
    get stateEntries() {
      return s.owner?.entries ?? 0;
    },
    get stateBytes() {
      return s.owner?.bytes ?? 0;
    },
    get evicted() {
      return s.owner?.evicted ?? 0;
    },
    get evictedBytes() {
      return s.owner?.evictedBytes ?? 0;
    },
  } as StreamStats;
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

const zero = () => 0;

/** A stream over an event query: each matching event is emitted as it arrives. */
export function eventStream(
  match: EventFilter,
  ctx: StreamContext,
  options: StreamOptions,
): QueryStream<EventHit> {
  if (options.restore) checkSnapshot(options.restore, "event", ctx.query);
  const counters = streamCounters(options.restore);
  const stats = liveStats({
    counters,
    owner: null,
    matcher: null,
    buffered: zero,
    held: zero,
    futureSetAside: zero,
  });
  const HIT: FilterHits = [true];
  const stream: QueryStream<EventHit> = {
    stats,
    waiting: false,
    evaluate: (event) => (isEvent(event) && safeTest(match, event) ? HIT : null),
    push: (event) => stream.pushEvaluated(event, stream.evaluate(event)),
    pushEvaluated(event, hits) {
      counters.eventsIn++;
      if (!isEvent(event)) {
        counters.notObjects++;
        return [];
      }
      if (!hits?.[0]) return [];
      counters.emitted++;
      return [hitOf(event)];
    },
    advanceTo: () => [],
    end: () => [],
    snapshot: () => ({
      version: SNAPSHOT_VERSION,
      kind: "event",
      query: ctx.query,
      events: [],
      counters: { ...counters, futureSetAside: 0 },
    }),
  };
  return stream;
}
