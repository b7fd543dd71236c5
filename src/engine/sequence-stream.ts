/**
 * A stream over a sequence query: a re-ordering buffer (events within `lateness` are put back in
 * order), a guarded clock (an event too far ahead is held apart until time reaches it), and the
 * matcher. Buffered and held events are charged to the stream's budget like the matcher's state.
 */
import type { Plan } from "../compile/plan.js";
import { DataErrorCodes, EqlDataError } from "../errors.js";
import type { Scalar } from "../functions/types.js";
import type { EqlEvent, SequenceHit } from "../types.js";
import { Charged, StateBudget } from "./budget.js";
import { EventClock } from "./clock.js";
import type { FilterHits } from "./filter.js";
import { IndexedHeap } from "./heap.js";
import { compareOrdinals, type Ordinal } from "./order.js";
import { renderSequence, strictOrdinal } from "./run.js";
import { type Completed, SequenceMatcher } from "./sequence.js";
import { eventAt, finiteOrNull, ordinalFromState, ordinalState, type WaitingState } from "./snapshot.js";
import {
  assemble,
  checkSnapshot,
  countersFrom,
  type QueryStream,
  type StreamContext,
  type StreamOptions,
} from "./stream.js";

/** Estimated bytes of a waiting event apart from the event (entry, ordinal, instant, hits). */
const WAITING_BYTES = 160;

/** An event waiting in the re-ordering buffer or set aside, charged to the budget. */
class Waiting extends Charged {
  heapIndex = -1;

  constructor(
    public heap: IndexedHeap<Waiting>,
    readonly e: EqlEvent,
    readonly ord: Ordinal,
    readonly hits: FilterHits,
  ) {
    super();
  }

  evict(): void {
    this.heap.remove(this);
  }
}

const byOrdinal = (a: Waiting, b: Waiting) => compareOrdinals(a.ord, b.ord) < 0;

/** A stream over a sequence query. */
export function sequenceStream(
  plan: NonNullable<Plan["sequence"]>,
  ctx: StreamContext,
  options: StreamOptions,
): QueryStream<SequenceHit> {
  const restore = options.restore;
  if (restore) checkSnapshot(restore, "sequence", ctx.query);
  const lateness = options.lateness ?? 0;
  const onLate = options.onLate ?? "error";
  const owner = (options.budget ?? new StateBudget()).owner();
  const matcher = new SequenceMatcher(plan, {
    owner,
    ...(options.keyOwner ? { keyOwner: options.keyOwner } : {}),
  });
  /** The owner's clock (see `StreamOptions.clock`), which this stream reads and never moves. */
  const shared = options.clock ?? null;
  const clock = shared ?? new EventClock(options);
  const buffer = new IndexedHeap<Waiting>(byOrdinal);
  /** Events too far ahead of the clock, until it reaches them. */
  const held = new IndexedHeap<Waiting>(byOrdinal);
  const counters = countersFrom(restore);
  let lastReleased: Ordinal | null = null;

  const emit = (out: SequenceHit[], done: Completed[]) => {
    for (const c of done) out.push(renderSequence(c, plan.dateKeys));
  };
  /** Whether an event at `t` can go to the matcher: nothing earlier can still arrive. */
  const ready = (t: number) => {
    const edge = clock.newest - lateness;
    // With a tiebreaker, events of the newest timestamp wait: one with a smaller tiebreaker may follow.
    return t < edge || (ctx.tiebreaker === null && t <= edge);
  };
  const release = (out: SequenceHit[], all: boolean) => {
    for (;;) {
      const top = buffer.peek();
      if (!top) break;
      if (!all && !ready(top.ord.timestamp?.millis ?? 0)) break;
      buffer.pop();
      owner.release(top);
      lastReleased = top.ord;
      emit(out, matcher.push(top.e, top.ord, top.hits));
    }
  };
  /** Move events set aside whose time the clock has reached into the re-ordering buffer. */
  const admitHeld = (all: boolean) => {
    for (;;) {
      const top = held.peek();
      if (!top || (!all && (top.ord.timestamp?.millis ?? 0) > clock.newest)) break;
      held.pop();
      top.heap = buffer;
      buffer.push(top);
    }
  };
  /**
   * Release what the clock's time settles: events held or buffered, then candidates waiting for
   * time. Every event still buffered is at or after the lateness window's edge, past the window of
   * any candidate the edge releases, so it cannot reject one: they go whatever the buffer holds
   * (waiting for an empty buffer made one key's alerts wait for another key's events).
   */
  const settle = (): SequenceHit[] => {
    const out: SequenceHit[] = [];
    admitHeld(false);
    release(out, false);
    emit(out, matcher.advanceTo(clock.newest - lateness));
    return out;
  };
  /** Time `t` passed without an event of this query (with the owner's clock: its time did). */
  const passTime = (t: number | undefined): SequenceHit[] => {
    if (shared) return settle();
    if (t === undefined || !(t > clock.newest) || !clock.accept(t)) return [];
    return settle();
  };
  const eventTime = (event: EqlEvent): number | undefined => {
    try {
      return ctx.parseTime(ctx.timestamp.values(event)[0] ?? null)?.millis;
    } catch {
      return undefined;
    }
  };
  const charge = (w: Waiting) => owner.charge(w, WAITING_BYTES + owner.budget.sizeOf(w.e));
  /** `immediateTime`'s count of an event's timestamps (it stops at two) and the first one. */
  let stamps = 0;
  let stamp: Scalar = null;
  const countStamp = (v: Scalar): boolean => {
    if (stamps++ === 0) stamp = v;
    return stamps > 1;
  };
  /**
   * The time of an event `accept` would give the matcher at once, with the owner's clock (already at
   * the event's time): nothing waits before it, and its single timestamp is neither late nor ahead.
   * Undefined for any other event.
   */
  const immediateTime = (event: EqlEvent): number | undefined => {
    if (!shared || buffer.size > 0 || held.size > 0 || ctx.tiebreaker !== null) return undefined;
    try {
      // The first two values at most, without making a list (this runs for most events).
      stamps = 0;
      stamp = null;
      ctx.timestamp.each(event, countStamp);
      const t = stamps === 1 ? ctx.parseTime(stamp)?.millis : undefined;
      return t === clock.newest - lateness ? t : undefined;
    } catch {
      return undefined;
    }
  };

  if (restore?.sequence) {
    const s = restore.sequence;
    const events = restore.events;
    if (!shared) {
      clock.newest = s.newest ?? Number.NEGATIVE_INFINITY;
      clock.futureSetAside = restore.counters.futureSetAside;
    } else if (s.newest !== null && s.newest > clock.newest) {
      // The owner's clock was saved with the streams that read it: each saved its time then.
      clock.newest = s.newest;
    }
    lastReleased = s.lastReleased === null ? null : ordinalFromState(s.lastReleased);
    matcher.load(s.matcher, events);
    const entries: Waiting[] = [];
    const load = (heap: IndexedHeap<Waiting>, list: readonly WaitingState[]) => {
      for (const w of list) {
        const item = new Waiting(heap, eventAt(events, w.event), ordinalFromState(w.ordinal), w.hits);
        heap.push(item);
        entries.push(item);
      }
    };
    load(buffer, s.buffer);
    load(held, s.held);
    const states = [...s.buffer, ...s.held];
    owner.restore(
      entries,
      states.map((w) => w.stamp),
      states.map((w) => w.bytes),
    );
  }

  return assemble<SequenceHit>(ctx, counters, {
    kind: "sequence",
    sources: {
      owner: owner.stats,
      matcher: matcher.stats,
      buffered: () => buffer.size,
      held: () => held.size,
      // The owner's clock counts the times it refused among all its events.
      futureSetAside: () => (shared ? 0 : clock.futureSetAside),
    },
    evaluate(event, possible, undecided) {
      if (!undecided) return matcher.evaluate(event, possible);
      const hits = matcher.evaluate(event, possible, true);
      if (hits?.includes(true)) return hits;
      // Left undecided only for an event `accept` takes at once: it then only lets time pass,
      // whatever the other filters say. Any other event may wait in the buffer, where a partial
      // sequence that comes to need another filter must find it. An event taken at once that
      // matches no term gets hits all false instead of null, so that it lets time pass alike
      // (its caller may not have known which of the two it was).
      if (immediateTime(event) === undefined) return hits === null ? null : matcher.settle(event, hits);
      return hits ?? matcher.noneMatched();
    },
    settle: (event, hits) => matcher.settle(event, hits),
    accept(event, hits, position) {
      // Unrelated events still move the clock, which can make a waiting sequence certain.
      if (hits === null) return passTime(eventTime(event));
      // A match of terms nothing waits for, taken at once, only lets time pass: no ordinal is made.
      // Whether it matches such a term does not matter (hits may leave it open, see `evaluate`).
      if (!matcher.uses(hits)) {
        const t = immediateTime(event);
        if (t !== undefined) {
          const out: SequenceHit[] = [];
          emit(out, matcher.pass(t));
          return out;
        }
      }
      const ord = strictOrdinal(event, position, ctx.timestamp, ctx.tiebreaker, ctx.parseTime);
      const t = ord.timestamp?.millis ?? 0;
      // With the owner's clock an event is late when it is older than the lateness window, whatever
      // this query released: a verdict that depends on the time of all events alone (what was
      // released is older than the window's edge, so what is not late still comes after it).
      const late = shared
        ? t < clock.newest - lateness
        : lastReleased !== null && compareOrdinals(ord, lastReleased) < 0;
      if (late) {
        if (onLate === "drop") {
          counters.lateDropped++;
          return [];
        }
        throw new EqlDataError(
          DataErrorCodes.LATE_EVENT,
          `Event is older than the stream's lateness window (${lateness} ms) allows`,
          position,
        );
      }
      // The owner moved its clock to this event's time before the push unless it was too far ahead.
      if (shared ? t > clock.newest : !clock.accept(t)) {
        const w = new Waiting(held, event, ord, hits);
        held.push(w);
        charge(w);
        return [];
      }
      admitHeld(false);
      const out: SequenceHit[] = [];
      if (buffer.size === 0 && ready(t)) {
        // Nothing waits before it: straight to the matcher, as the buffer would release it.
        lastReleased = ord;
        emit(out, matcher.push(event, ord, hits));
        return out;
      }
      const w = new Waiting(buffer, event, ord, hits);
      buffer.push(w);
      release(out, false);
      // Charged only when it stays: an event released at once must not evict state on its way through.
      if (w.heapIndex >= 0) charge(w);
      return out;
    },
    advanceTo: passTime,
    end() {
      const out: SequenceHit[] = [];
      admitHeld(true);
      release(out, true);
      emit(out, matcher.end());
      return out;
    },
    waiting: () => buffer.size > 0 || held.size > 0 || matcher.waiting,
    save(table) {
      const save = (heap: IndexedHeap<Waiting>): WaitingState[] =>
        heap.values().map((w) => ({
          event: table.ref(w.e),
          ordinal: ordinalState(w.ord),
          hits: matcher.completeHits(w.hits, w.e),
          stamp: w.stamp,
          bytes: w.bytes,
        }));
      return {
        sequence: {
          newest: finiteOrNull(clock.newest),
          lastReleased: lastReleased === null ? null : ordinalState(lastReleased),
          buffer: save(buffer),
          held: save(held),
          matcher: matcher.save(table),
        },
      };
    },
  });
}
