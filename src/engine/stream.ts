/**
 * Streaming execution: events are pushed one at a time (in time order, or within a lateness
 * window) and results come out as soon as they are certain. State stays bounded: partial
 * sequences expire with maxspan and are capped, and every discarded thing is counted.
 */

import type { Plan } from "../compile/plan.js";
import type { EventFilter } from "../compile/query.js";
import { DataErrorCodes, EqlDataError } from "../errors.js";
import type { FieldReader } from "../runtime/fields.js";
import type { EqlEvent, EventHit, SequenceHit } from "../types.js";
import { compareOrdinals, type InstantParser, type Ordinal } from "./order.js";
import { hitOf, renderSequence, runSampleQuery, safeTest, strictOrdinal } from "./run.js";
import { SequenceMatcher } from "./sequence.js";

/** Options of a stream. */
export interface StreamOptions {
  /**
   * How far behind the newest timestamp (in milliseconds) an event may arrive; such events are put
   * back in order. Default 0: events must arrive in time order (equal timestamps in any order
   * when there is a tiebreaker, since they are held until time moves on).
   */
  lateness?: number;
  /** An event older than the lateness window: `"error"` (default) throws `EqlDataError`, `"drop"` counts it. */
  onLate?: "error" | "drop";
  /** Cap on partial sequences held at once; the oldest is dropped and counted beyond it (default 1,000,000). */
  maxOpenSequences?: number;
  /** Samples per key for sample queries (default 1). */
  maxSamplesPerKey?: number;
}

/** What a stream has seen and discarded; nothing is dropped without being counted here. */
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
  /** Partial sequences dropped by `maxOpenSequences`. */
  droppedByCap: number;
  /** Partial sequences expired by maxspan. */
  expired: number;
  /** Sequence candidates rejected by a missing-event stage. */
  rejectedByMissing: number;
}

/** A push-based query runner. */
export interface QueryStream<H> {
  /** Add one event; returns the results it made certain. May throw `EqlDataError` (late event, bad timestamp). */
  push(event: EqlEvent): H[];
  /** No more events: returns the remaining results. */
  end(): H[];
  /** Counters of what was seen and discarded. */
  readonly stats: Readonly<StreamStats>;
}

/** Settings the stream needs from the compiled query. */
export interface StreamContext {
  readonly timestamp: FieldReader;
  readonly tiebreaker: FieldReader | null;
  readonly parseTime: InstantParser;
}

/** A binary min-heap of events by ordinal (the re-ordering buffer). */
class OrdinalHeap {
  private readonly items: { e: EqlEvent; ord: Ordinal }[] = [];
  get size(): number {
    return this.items.length;
  }
  peek(): { e: EqlEvent; ord: Ordinal } | undefined {
    return this.items[0];
  }
  push(item: { e: EqlEvent; ord: Ordinal }): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (compareOrdinals((a[p] as typeof item).ord, item.ord) <= 0) break;
      a[i] = a[p] as typeof item;
      i = p;
    }
    a[i] = item;
  }
  pop(): { e: EqlEvent; ord: Ordinal } | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    const n = a.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && compareOrdinals((a[r] as typeof last).ord, (a[l] as typeof last).ord) < 0 ? r : l;
      const child = a[c] as typeof last;
      if (compareOrdinals(child.ord, last.ord) >= 0) break;
      a[i] = child;
      i = c;
    }
    a[i] = last;
    return top;
  }
}

function isEvent(e: unknown): e is EqlEvent {
  return typeof e === "object" && e !== null && !Array.isArray(e);
}

function newStats(): StreamStats {
  return {
    eventsIn: 0,
    notObjects: 0,
    lateDropped: 0,
    buffered: 0,
    emitted: 0,
    openSequences: 0,
    droppedByCap: 0,
    expired: 0,
    rejectedByMissing: 0,
  };
}

/** A stream over an event query: each matching event is emitted as it arrives. */
export function eventStream(match: EventFilter): QueryStream<EventHit> {
  const stats = newStats();
  return {
    stats,
    push(event) {
      stats.eventsIn++;
      if (!isEvent(event)) {
        stats.notObjects++;
        return [];
      }
      if (!safeTest(match, event)) return [];
      stats.emitted++;
      return [hitOf(event)];
    },
    end: () => [],
  };
}

/** A stream over a sample query: samples ignore time, so they are computed when the stream ends. */
export function sampleStream(
  sample: NonNullable<Plan["sample"]>,
  options: StreamOptions,
): QueryStream<SequenceHit> {
  const stats = newStats();
  const kept: EqlEvent[] = [];
  const any = (e: EqlEvent) => sample.terms.some((t) => safeTest(t.filter, e));
  return {
    stats,
    push(event) {
      stats.eventsIn++;
      if (!isEvent(event)) stats.notObjects++;
      else if (any(event)) kept.push(event);
      stats.buffered = kept.length;
      return [];
    },
    end() {
      const { sequences } = runSampleQuery(
        sample,
        kept,
        Number.MAX_SAFE_INTEGER,
        options.maxSamplesPerKey ?? 1,
      );
      stats.emitted += sequences.length;
      return sequences;
    },
  };
}

/** A stream over a sequence query. */
export function sequenceStream(
  plan: NonNullable<Plan["sequence"]>,
  ctx: StreamContext,
  options: StreamOptions,
): QueryStream<SequenceHit> {
  const stats = newStats();
  const lateness = options.lateness ?? 0;
  const onLate = options.onLate ?? "error";
  const matcher = new SequenceMatcher(
    plan,
    options.maxOpenSequences === undefined ? {} : { maxOpenSequences: options.maxOpenSequences },
  );
  const buffer = new OrdinalHeap();
  let index = 0;
  let newest = Number.NEGATIVE_INFINITY;
  let lastReleased: Ordinal | null = null;

  const sync = () => {
    stats.buffered = buffer.size;
    stats.openSequences = matcher.stats.open;
    stats.droppedByCap = matcher.stats.droppedByCap;
    stats.expired = matcher.stats.expired;
    stats.rejectedByMissing = matcher.stats.rejectedByMissing;
  };
  const emit = (out: SequenceHit[], done: ReturnType<SequenceMatcher["push"]>) => {
    for (const c of done) out.push(renderSequence(c, plan.dateKeys));
  };
  const release = (out: SequenceHit[], all: boolean) => {
    for (;;) {
      const top = buffer.peek();
      if (!top) break;
      const t = top.ord.timestamp?.millis ?? 0;
      // With a tiebreaker, events of the newest timestamp wait: one with a smaller tiebreaker may follow.
      const ready = all || t < newest - lateness || (ctx.tiebreaker === null && t <= newest - lateness);
      if (!ready) break;
      buffer.pop();
      lastReleased = top.ord;
      emit(out, matcher.push(top.e, top.ord));
    }
  };

  return {
    stats,
    push(event) {
      stats.eventsIn++;
      const i = index++;
      if (!isEvent(event)) {
        stats.notObjects++;
        return [];
      }
      let relevant = false;
      try {
        relevant = matcher.relevant(event);
      } catch {
        relevant = false;
      }
      if (!relevant) {
        // Unrelated events still move the clock, which can make a waiting sequence certain.
        const t = ctx.parseTime(ctx.timestamp.values(event)[0] ?? null)?.millis;
        if (t === undefined || t <= newest) return [];
        newest = t;
        const out: SequenceHit[] = [];
        release(out, false);
        if (buffer.size === 0) emit(out, matcher.advanceTo(t - lateness));
        stats.emitted += out.length;
        sync();
        return out;
      }
      const ord = strictOrdinal(event, i, ctx.timestamp, ctx.tiebreaker, ctx.parseTime);
      if (lastReleased !== null && compareOrdinals(ord, lastReleased) < 0) {
        if (onLate === "drop") {
          stats.lateDropped++;
          return [];
        }
        throw new EqlDataError(
          DataErrorCodes.LATE_EVENT,
          `Event is older than the stream's lateness window (${lateness} ms) allows`,
          i,
        );
      }
      const t = ord.timestamp?.millis ?? 0;
      if (t > newest) newest = t;
      buffer.push({ e: event, ord });
      const out: SequenceHit[] = [];
      release(out, false);
      stats.emitted += out.length;
      sync();
      return out;
    },
    end() {
      const out: SequenceHit[] = [];
      release(out, true);
      emit(out, matcher.end());
      stats.emitted += out.length;
      sync();
      return out;
    },
  };
}
