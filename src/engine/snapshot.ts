/**
 * Snapshots: the whole state of a matcher or stream as JSON-safe data (plain objects, arrays,
 * strings, finite numbers, booleans, null). Events appear once each, in `events`, and the state
 * refers to them by position. Budget entries keep their stamp (their place in the budget's
 * eviction order) and the bytes they were charged, so a restore charges exactly what was charged.
 */
import type { Scalar } from "../functions/types.js";
import type { EqlEvent } from "../types.js";
import type { Ordinal } from "./order.js";

/** The snapshot format version; a restore refuses any other. */
export const SNAPSHOT_VERSION = 1;

/** A scalar as JSON can carry it (a non-finite number as its name). */
export type ScalarState = string | number | boolean | null | { readonly number: string };

/** An ordinal: [millis, nanos, tiebreaker, input position]; millis and nanos null without a timestamp. */
export type OrdinalState = readonly [number | null, number | null, ScalarState, number];

/** The place of an entry in a budget: when it was last charged and how much. */
export interface ChargeState {
  readonly stamp: number;
  readonly bytes: number;
}

/** Eviction counters of a budget owner. */
export interface OwnerState {
  readonly evicted: number;
  readonly evictedBytes: number;
}

/** A partial sequence, or a candidate waiting for a trailing missing stage (`stage` -1). */
export interface PartialState extends ChargeState {
  readonly stage: number;
  readonly key: string;
  readonly events: readonly number[];
  readonly ordinals: readonly OrdinalState[];
  readonly firstMs: number;
  readonly firstNs: number;
  readonly until: number;
  readonly seq: number;
}

/** The times seen for one missing stage and key. */
export interface TimesState extends ChargeState {
  readonly stage: number;
  readonly key: string;
  readonly times: readonly number[];
}

/** The state of a sequence matcher. */
export interface MatcherState {
  /** Stage shape and maxspan of the query, checked on restore. */
  readonly shape: string;
  readonly nowMs: number | null;
  readonly sinceSweep: number;
  readonly sweepInterval: number;
  readonly seq: number;
  readonly stats: {
    readonly open: number;
    readonly pending: number;
    readonly droppedByCap: number;
    readonly expired: number;
    readonly rejectedByMissing: number;
  };
  readonly owner: OwnerState;
  readonly partials: readonly PartialState[];
  readonly times: readonly TimesState[];
}

/** A standalone matcher snapshot. */
export interface MatcherSnapshot {
  readonly version: number;
  readonly kind: "matcher";
  readonly events: readonly EqlEvent[];
  readonly matcher: MatcherState;
}

/** An event waiting in a stream: re-ordering buffer, or set aside as too far in the future. */
export interface WaitingState extends ChargeState {
  readonly event: number;
  readonly ordinal: OrdinalState;
  readonly hits: readonly boolean[];
}

/** One key's sample candidates, per filter. */
export interface GroupState extends ChargeState {
  readonly key: string;
  readonly lists: readonly (readonly number[])[];
}

/** The state of a sample collector. */
export interface SampleState {
  readonly owner: OwnerState;
  readonly groups: readonly GroupState[];
}

/** The counters a stream keeps itself. */
export interface StreamCounters {
  readonly eventsIn: number;
  readonly notObjects: number;
  readonly lateDropped: number;
  readonly emitted: number;
  readonly futureSetAside: number;
}

/** The whole state of a stream (`QueryStream.snapshot()`). */
export interface StreamSnapshot {
  readonly version: number;
  readonly kind: "event" | "sequence" | "sample";
  /** The query text; a restore needs a stream compiled from the same text. */
  readonly query: string;
  readonly events: readonly EqlEvent[];
  readonly counters: StreamCounters;
  /** Sequence streams: clock, re-ordering buffer, events set aside, matcher. */
  readonly sequence?: {
    readonly newest: number | null;
    readonly lastReleased: OrdinalState | null;
    readonly buffer: readonly WaitingState[];
    readonly held: readonly WaitingState[];
    readonly matcher: MatcherState;
  };
  /** Sample streams: the candidates per key. */
  readonly sample?: SampleState;
}

/** Events of a snapshot, each once, by identity. */
export class EventTable {
  /** The events, in the order first met. */
  readonly events: EqlEvent[] = [];
  private readonly index = new Map<EqlEvent, number>();

  /** The position of `event` in the table. */
  ref(event: EqlEvent): number {
    let i = this.index.get(event);
    if (i === undefined) {
      i = this.events.length;
      this.events.push(event);
      this.index.set(event, i);
    }
    return i;
  }
}

/** A number or -Infinity as JSON can carry it. */
export function finiteOrNull(n: number): number | null {
  return Number.isFinite(n) ? n : null;
}

/** Encode a scalar for a snapshot. */
export function scalarState(v: Scalar): ScalarState {
  return typeof v === "number" && !Number.isFinite(v) ? { number: String(v) } : v;
}

/** Decode a scalar from a snapshot. */
export function scalarOf(s: ScalarState): Scalar {
  return typeof s === "object" && s !== null ? Number(s.number) : s;
}

/** Encode an ordinal. */
export function ordinalState(o: Ordinal): OrdinalState {
  return [o.timestamp?.millis ?? null, o.timestamp?.nanos ?? null, scalarState(o.tiebreaker), o.index];
}

/** Decode an ordinal. */
export function ordinalFromState(s: OrdinalState): Ordinal {
  const [millis, nanos, tiebreaker, index] = s;
  return {
    timestamp: millis === null ? null : { millis, nanos: nanos ?? 0 },
    tiebreaker: scalarOf(tiebreaker),
    index,
  };
}

/** Throw unless `snap` is a snapshot of this version. */
export function checkVersion(snap: { readonly version: number }): void {
  if (snap?.version !== SNAPSHOT_VERSION) {
    throw new RangeError(
      `Snapshot version ${String(snap?.version)} cannot be restored (expected ${SNAPSHOT_VERSION})`,
    );
  }
}

/** The event at position `i` of a snapshot's table, or an error naming the bad reference. */
export function eventAt(events: readonly EqlEvent[], i: number): EqlEvent {
  const e = events[i];
  if (e === undefined) throw new RangeError(`Snapshot refers to event ${i}, which it does not hold`);
  return e;
}
