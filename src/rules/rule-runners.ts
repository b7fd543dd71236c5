/**
 * How one rule of a rule set turns the events it is given into alerts, in either way a rule set runs:
 *
 * - one execution (Kibana's run at one time `now`): matches are kept until the input ends, then the
 *   newest `max_signals` of them become alerts;
 * - scheduled executions following event time: the rule runs every `interval`, at times that are
 *   multiples of the interval since the epoch, each run searching its look-back window
 *   `(at - lookBack, at]`; a run is final once the clock (the newest event time) has passed it by more
 *   than the lateness, and its alerts come out then. Windows overlap when the look-back is longer than
 *   the interval (Kibana's default 6m over 5m): a match alerts in the first run that has room for it
 *   under `max_signals`, and a match no run had room for is counted as dropped.
 */
import type { QueryInternals } from "../compile.js";
import type { StateBudget } from "../engine/budget.js";
import type { ClockOptions, EventClock } from "../engine/clock.js";
import type { FilterHits } from "../engine/filter.js";
import { compareOrdinals, type Ordinal, ordinalOf } from "../engine/order.js";
import { lastOrdinalOf } from "../engine/run.js";
import type { KeyOwner } from "../engine/sequence.js";
import {
  type EventTable,
  eventAt,
  finiteOrNull,
  type OrdinalState,
  ordinalFromState,
  ordinalState,
} from "../engine/snapshot.js";
import type { QueryStream } from "../engine/stream.js";
import { DataErrorCodes, EqlDataError } from "../errors.js";
import { NONE } from "../runtime/fields.js";
import type { CompiledQuery, EqlEvent, SequenceHit } from "../types.js";
import type { AlertContext, AlertDocument } from "./alert.js";
import { buildEventAlert, buildSequenceAlerts } from "./alert.js";
import type { ExceptionMatcher } from "./exceptions.js";
import type { SafeNotes } from "./json-safe.js";
import type { RuleRunReport } from "./rule-set.js";
import type { EventRunnerState, RunnerState, StreamRunnerState } from "./rule-set-snapshot.js";

/** The schedule of a rule in a scheduled rule set. */
export interface RuleSchedule {
  readonly interval: number;
  readonly lookBack: number;
  /** How long after a run's time events may still arrive for it (milliseconds). */
  readonly lateness: number;
}

/** What a runner needs besides the rule's query. */
export interface RunnerContext {
  readonly compiled: CompiledQuery;
  readonly internals: QueryInternals;
  readonly report: RuleRunReport;
  readonly excepted: ExceptionMatcher;
  /** Alerts per execution or run (`Infinity`: no limit). */
  readonly maxSignals: number;
  /**
   * One execution without a limit on alerts: each match is final when found, so it is not kept; its
   * alerts come from the next `due` (the rule set calls it after every push that matched).
   */
  readonly streaming: boolean;
  /** The alert context of a run at `at` (epoch milliseconds). */
  readonly alertContext: (at: number) => AlertContext;
  /** Returns the window time of an event (`timestamp_override`, else `@timestamp`). */
  readonly windowTime: (event: EqlEvent) => number | null;
  /** Null for one execution. */
  readonly schedule: RuleSchedule | null;
  /** The time of the one execution (when `schedule` is null). */
  readonly now: number;
  /** Sequence lateness (milliseconds). */
  readonly lateness: number;
  /** The rule set's memory budget, shared by every sequence and sample stream. */
  readonly budget: StateBudget;
  /** The clock guard of the rule set, for the streams' own clocks. */
  readonly clock: ClockOptions;
  /** A sequence's clock, moved by the rule set with every event (see `StreamOptions.clock`). */
  readonly streamClock: EventClock | null;
  /** A sequence of a share of a parallel rule set: the keys it holds (see `KeyOwner`). */
  readonly keyOwner: KeyOwner | null;
  /**
   * For an event the rule set's index gave this rule for: the bit mask of the query's terms (query
   * order, `until` last) the index leaves possible (see `QueryStream.evaluate`). Null without an index.
   */
  readonly possibleTerms: (() => number) | null;
}

/** A visit that stops at the first value (to tell whether a field has one). */
const stopAtFirst = () => true;

/** A rule fed event by event. */
export interface Runner {
  /**
   * The event passed the rule's indices (and window, for one execution); true when it matched a
   * term, false when it did not and found no match. `indexed`: the rule set's index gave the rule
   * for this event (`possibleTerms` applies). Null for a sequence when the event may have found
   * matches (with `streaming`, for the next `due`) but whether it matched a term is left open or
   * false (it only let time pass, see `QueryStream.evaluate`): `matchedSome` tells, when the
   * caller needs to know.
   */
  push(event: EqlEvent, index: number, indexed: boolean): boolean | null;
  /** Whether the event the last `push` returned null for matched a term. */
  matchedSome?(event: EqlEvent): boolean;
  /** The time of the earliest run not yet final (scheduled), or null. */
  nextDue(): number | null;
  /**
   * Finish every run that the clock has passed; returns their alerts. With `streaming`, the alerts
   * of the matches found since the last call.
   */
  due(clock: number, seen: Set<string>): AlertDocument[];
  /**
   * Time `time` has passed without an event (scheduled runs, moved by `advanceTo`): a sequence
   * releases what only the passing of time settles (a trailing missing stage whose maxspan is over),
   * to be alerted in the runs that follow. Absent where time alone settles nothing.
   */
  pass?(time: number): void;
  /**
   * An event another share of a parallel rule set searches, which also holds keys of this share (a
   * second `host.id` value): given to the sequence for this share's keys only (`keyOwner`), counted
   * in nothing but the matches it completes. Returns whether it completed one.
   */
  shadow?(event: EqlEvent, index: number): boolean;
  /** Whether the rule's stream holds something the passing of time may release. */
  waiting?(): boolean;
  /**
   * The rule set's clock moved: release what time settles (as `pass`, at the stream's clock).
   * Returns whether matches were found (with `streaming`, for the next `due`).
   */
  settle?(): boolean;
  /** End of input: every remaining alert. */
  finish(seen: Set<string>): AlertDocument[];
  /** The runner's state as JSON-safe data, events referred to through `table`. */
  save(table: EventTable): RunnerState;
  /**
   * End of input for a share of an event rule's events (one execution, a limit, no pipes): its
   * newest `max_signals` matches, alerts built, for `alertShares` to choose from among every share's.
   * Absent where a rule cannot be shared this way.
   */
  share?(): MatchShare;
}

/** A match of one execution with its alerts built (null: they could not be) and the values replaced. */
export interface BuiltMatch {
  readonly ord: OrdinalState;
  readonly group: AlertDocument[] | null;
  readonly replaced: number;
}

/** A share of an event rule's matches at the end of one execution (`Runner.share`). */
export interface MatchShare {
  /** Matches past the exceptions, kept or not. */
  readonly total: number;
  readonly max: number;
  /** The share's newest `max` matches. */
  readonly matches: readonly BuiltMatch[];
}

/**
 * The alerts of one execution of an event rule from the shares of its matches: the newest `max`
 * matches over all shares (by event order), oldest first, each alert created unless `seen` has it.
 * The report counts what was left out, created, de-duplicated, replaced and could not be built.
 */
export function alertShares(
  shares: readonly MatchShare[],
  report: RuleRunReport,
  seen: Set<string>,
): AlertDocument[] {
  const max = shares[0]?.max ?? 0;
  let total = 0;
  const all: { ord: Ordinal; match: BuiltMatch }[] = [];
  for (const s of shares) {
    total += s.total;
    for (const match of s.matches) all.push({ ord: ordinalFromState(match.ord), match });
  }
  if (shares.length > 1) all.sort((a, b) => compareOrdinals(a.ord, b.ord));
  if (total > max) {
    report.truncated = true;
    report.dropped = total - max;
  }
  const out: AlertDocument[] = [];
  for (const { match } of all.slice(Math.max(0, all.length - max))) {
    if (match.group === null) {
      report.unbuilt++;
      continue;
    }
    report.replaced += match.replaced;
    keep(match.group, seen, report, out);
  }
  return out;
}

/** The state a runner resumes from: what `save` gave, and the snapshot's events. */
export interface RunnerRestore {
  readonly state: RunnerState;
  readonly events: readonly EqlEvent[];
}

/** The state for a runner of `kind`, or an error when the snapshot holds another kind. */
function stateOf<K extends RunnerState["kind"]>(
  restore: RunnerRestore | undefined,
  kind: K,
): Extract<RunnerState, { kind: K }> | null {
  if (!restore) return null;
  if (restore.state.kind !== kind) {
    throw new RangeError(`Snapshot holds a ${restore.state.kind} runner where the rule has a ${kind} runner`);
  }
  return restore.state as Extract<RunnerState, { kind: K }>;
}

/** Add a match's alert group unless its first alert exists already. */
function keep(group: AlertDocument[], seen: Set<string>, report: RuleRunReport, out: AlertDocument[]): void {
  const id = group[0]?.["kibana.alert.uuid"] as string;
  if (seen.has(id)) {
    report.duplicates++;
    return;
  }
  seen.add(id);
  for (const a of group) out.push(a);
  report.alerts += group.length;
}

/**
 * Build a match's alerts. Values the JSON-safe copy replaced are counted in `replaced`; a match whose
 * alerts cannot be built at all (an event that throws when read) is counted in `unbuilt`.
 */
function safely(report: RuleRunReport, build: (notes: SafeNotes) => AlertDocument[]): AlertDocument[] | null {
  const { group, replaced } = attempt(build);
  if (group === null) report.unbuilt++;
  else report.replaced += replaced;
  return group;
}

/** Build a match's alerts: the group (null when it cannot be built) and the values replaced in it. */
function attempt(build: (notes: SafeNotes) => AlertDocument[]): {
  group: AlertDocument[] | null;
  replaced: number;
} {
  const notes: SafeNotes = { replaced: 0 };
  try {
    return { group: build(notes), replaced: notes.replaced };
  } catch {
    return { group: null, replaced: 0 };
  }
}

function safeMatch(match: (e: unknown) => boolean, e: EqlEvent): boolean {
  try {
    return match(e);
  } catch {
    return false;
  }
}

/** The run that first searches time `t`: the first multiple of the interval at or after it. */
function runAt(t: number, interval: number): number {
  return Math.ceil(t / interval) * interval;
}

interface Kept {
  readonly e: EqlEvent;
  readonly ord: Ordinal;
  readonly t: number;
  alerted: boolean;
}

/**
 * An event rule. Without pipes it keeps only non-excepted matches: for one execution the newest
 * `max_signals` (compacted as it goes), scheduled the matches inside some open run's window. With
 * `| head`/`| tail` pipes (one execution only) it keeps every event it searches, since the pipes
 * apply before the exceptions.
 */
export function eventRunner(ctx: RunnerContext, restore?: RunnerRestore): Runner {
  const { compiled, report, excepted, schedule } = ctx;
  const { plan, order } = ctx.internals;
  const match = plan.matchAny;
  const max = Math.max(0, ctx.maxSignals);
  const buffered = compiled.statement.pipes.length > 0;
  const streaming = ctx.streaming && !buffered && !schedule;
  /** Streaming: matches found since the last `due`. */
  let found: EqlEvent[] = [];
  const compactAt = Math.max(2 * max, 1024);
  let kept: Kept[] = [];
  let total = 0;
  let lastRun = Number.NEGATIVE_INFINITY;
  const state: EventRunnerState | null = stateOf(restore, "event");
  if (state && restore) {
    let previous = Number.NEGATIVE_INFINITY;
    for (const k of state.kept) {
      // Scheduled matches are kept in window-time order, which the runs rely on.
      if (schedule && k.t < previous) throw new RangeError("Snapshot keeps matches out of time order");
      previous = k.t;
      kept.push({
        e: eventAt(restore.events, k.event),
        ord: ordinalFromState(k.ordinal),
        t: k.t,
        alerted: k.alerted,
      });
    }
    total = state.total;
    lastRun = state.lastRun ?? Number.NEGATIVE_INFINITY;
  }
  const ordinal = (e: EqlEvent, index: number) =>
    ordinalOf(e, index, order.timestamp, order.tiebreaker, order.parseTime);
  const byOrder = (a: Kept, b: Kept) => compareOrdinals(a.ord, b.ord);
  const newest = () => {
    kept.sort(byOrder);
    if (kept.length > max) kept = kept.slice(kept.length - max);
  };
  const alertAll = (events: readonly EqlEvent[], at: number, seen: Set<string>, out: AlertDocument[]) => {
    const actx = ctx.alertContext(at);
    for (const e of events) {
      const group = safely(report, (notes) => [buildEventAlert(actx, e, notes)]);
      if (group) keep(group, seen, report, out);
    }
  };

  /** Insert by window time (events mostly arrive in order: search from the end). */
  const insert = (item: Kept) => {
    let i = kept.length;
    while (i > 0 && (kept[i - 1] as Kept).t > item.t) i--;
    kept.splice(i, 0, item);
  };

  /** Drop kept matches no run after `at` can search; those never alerted were left out by `max_signals`. */
  const forget = (horizon: number) => {
    let n = 0;
    while (n < kept.length && (kept[n] as Kept).t <= horizon) {
      if (!(kept[n] as Kept).alerted) report.dropped++;
      n++;
    }
    if (n > 0) kept.splice(0, n);
  };

  const nextRun = (): number | null => {
    if (!schedule || kept.length === 0) return null;
    return Math.max(runAt((kept[0] as Kept).t, schedule.interval), lastRun + schedule.interval);
  };

  const finishRun = (at: number, seen: Set<string>, out: AlertDocument[]) => {
    const s = schedule as RuleSchedule;
    lastRun = at;
    const from = at - s.lookBack;
    forget(from);
    const inWindow: Kept[] = [];
    for (const k of kept) {
      if (k.t > at) break;
      if (!k.alerted) inWindow.push(k);
    }
    inWindow.sort(byOrder);
    const chosen = inWindow.length > max ? inWindow.slice(inWindow.length - max) : inWindow;
    if (inWindow.length > max) report.truncated = true;
    for (const k of chosen) k.alerted = true;
    alertAll(
      chosen.map((k) => k.e),
      at,
      seen,
      out,
    );
    forget(at + s.interval - s.lookBack);
  };

  /** One execution, a limit, no pipes: the newest `max` matches, alerts built, and the total. */
  const share = (): MatchShare => {
    newest();
    const actx = ctx.alertContext(ctx.now);
    const matches = kept.map((k) => ({
      ord: ordinalState(k.ord),
      ...attempt((notes) => [buildEventAlert(actx, k.e, notes)]),
    }));
    kept = [];
    return { total, max, matches };
  };

  return {
    ...(schedule || streaming || buffered ? {} : { share }),
    push(e, index) {
      if (buffered && !schedule) {
        kept.push({ e, ord: ordinal(e, index), t: 0, alerted: false });
        return safeMatch(match, e);
      }
      if (!safeMatch(match, e)) return false;
      report.matched++;
      if (excepted(e) !== undefined) {
        report.suppressed++;
        return true;
      }
      if (streaming) {
        total++;
        found.push(e);
        return true;
      }
      if (!schedule) {
        total++;
        kept.push({ e, ord: ordinal(e, index), t: 0, alerted: false });
        if (kept.length >= compactAt) newest();
        return true;
      }
      const t = ctx.windowTime(e);
      if (t === null) {
        report.skipped++;
        return true;
      }
      // A run that would have searched it is already final, and no later run reaches back to it.
      if (t <= lastRun + schedule.interval - schedule.lookBack) {
        report.late++;
        return true;
      }
      insert({ e, ord: ordinal(e, index), t, alerted: false });
      return true;
    },
    nextDue: nextRun,
    due(clock, seen) {
      const out: AlertDocument[] = [];
      if (streaming) {
        alertAll(found, ctx.now, seen, out);
        found = [];
      }
      if (!schedule) return out;
      for (let at = nextRun(); at !== null && at + schedule.lateness < clock; at = nextRun()) {
        finishRun(at, seen, out);
      }
      return out;
    },
    finish(seen) {
      const out: AlertDocument[] = [];
      if (schedule) {
        for (let at = nextRun(); at !== null; at = nextRun()) finishRun(at, seen, out);
        return out;
      }
      if (streaming) {
        alertAll(found, ctx.now, seen, out);
        found = [];
        return out;
      }
      if (!buffered) return alertShares([share()], report, seen);
      const result = compiled.run(
        kept.map((k) => k.e),
        { size: Math.max(1, kept.length) },
      );
      const hits = "events" in result ? result.events.map((h) => h._source) : [];
      report.matched = hits.length;
      const passed = hits.filter((e) => excepted(e) === undefined);
      report.suppressed = hits.length - passed.length;
      total = passed.length;
      const events = passed.slice(Math.max(0, passed.length - max));
      kept = [];
      if (total > max) {
        report.truncated = true;
        report.dropped = total - max;
      }
      alertAll(events, ctx.now, seen, out);
      return out;
    },
    save(table) {
      return {
        kind: "event",
        kept: kept.map((k) => ({
          event: table.ref(k.e),
          ordinal: ordinalState(k.ord),
          t: k.t,
          alerted: k.alerted,
        })),
        total,
        lastRun: finiteOrNull(lastRun),
      };
    },
  };
}

/**
 * A completed match kept by a sequence or sample rule in one execution, with the ordinal of its last
 * event (null for a sample's, or one restored from a snapshot without ordinals) and its arrival.
 */
interface KeptSequence {
  readonly events: EqlEvent[];
  readonly ord: Ordinal | null;
  readonly arrival: number;
}

/**
 * The order of kept matches: by the ordinal of their last event (as a batch run orders sequences), so
 * which ones are the newest `max_signals` does not depend on when time let each one complete (a
 * trailing missing stage's waits for the time of other events); those without one first, then by
 * arrival.
 */
function byOrder(a: KeptSequence, b: KeptSequence): number {
  if (a.ord !== null && b.ord !== null) return compareOrdinals(a.ord, b.ord) || a.arrival - b.arrival;
  if (a.ord !== b.ord) return a.ord === null ? -1 : 1;
  return a.arrival - b.arrival;
}

/** The kept matches as a snapshot stores them: the newest `max`, in order, with their ordinals. */
function ringState(
  kept: KeptSequence[],
  max: number,
  refs: (events: readonly EqlEvent[]) => number[],
): Pick<StreamRunnerState, "ring" | "at" | "ordinals"> {
  const sorted = [...kept].sort(byOrder).slice(Math.max(0, kept.length - max));
  return {
    ring: sorted.map((k) => refs(k.events)),
    at: max === 0 || sorted.length === max ? 0 : sorted.length,
    ordinals: sorted.map((k) => (k.ord === null ? null : ordinalState(k.ord))),
  };
}

function realEvents(hit: SequenceHit): EqlEvent[] {
  return hit.events.filter((e) => !e.missing).map((e) => e._source);
}

/**
 * A sequence or sample rule through the query's stream. Completed sequences are filtered by the
 * exceptions; for one execution the newest `max_signals` are kept in a ring, in completion order;
 * scheduled, each sequence belongs to the first run at or after its last event, if that run's window
 * still holds its first event (else no run would find it: counted as dropped).
 */
export function streamRunner(ctx: RunnerContext, restore?: RunnerRestore): Runner {
  const { compiled, report, excepted, schedule, possibleTerms } = ctx;
  const max = Math.max(0, ctx.maxSignals);
  const streaming = ctx.streaming && !schedule;
  /** Streaming: matches completed since the last `due`. */
  let found: EqlEvent[][] = [];
  // A sequence orders its events by one timestamp: an event without it cannot take part. Finding
  // that here, through the reader the stream itself uses (cached per event), spares building and
  // catching an error per rule for every such event.
  const orderTime = compiled.kind === "sequence" ? ctx.internals.order.timestamp : null;
  /** Whether the event has no timestamp to be ordered by (read without making a list of values). */
  const untimed = (e: EqlEvent) => orderTime !== null && orderTime.each(e, stopAtFirst) === NONE;
  const state: StreamRunnerState | null = stateOf(restore, "stream");
  const saved = restore?.events ?? [];
  const eventsAt = (refs: readonly number[]) => {
    if (refs.length === 0) throw new RangeError("Snapshot holds a match without events");
    return refs.map((i) => eventAt(saved, i));
  };
  const stream = ctx.internals.openStream({
    lateness: ctx.lateness,
    budget: ctx.budget,
    ...ctx.clock,
    ...(ctx.streamClock ? { clock: ctx.streamClock } : {}),
    ...(ctx.keyOwner ? { keyOwner: ctx.keyOwner } : {}),
    ...(state
      ? { restore: { ...state.stream, events: state.stream.events.map((i) => eventAt(saved, i)) } }
      : {}),
  }) as QueryStream<SequenceHit>;
  /** One execution: matches kept for the newest `max_signals` (see `byOrder`). */
  let kept: KeptSequence[] = [];
  let arrivals = 0;
  let total = state?.total ?? 0;
  /** Scheduled: completed sequences by the run they belong to. */
  const pending = new Map<number, EqlEvent[][]>();
  let lastRun = state?.lastRun ?? Number.NEGATIVE_INFINITY;
  if (state) {
    // The ring fills up to max_signals, `at` then cycling over it (snapshots of this version write
    // it in order, from 0, with each match's ordinal).
    const { ring, at, ordinals } = state;
    const ringOk =
      max === 0 ? ring.length === 0 && at === 0 : at < max && (ring.length === max || at === ring.length);
    if (!ringOk) throw new RangeError("Snapshot's kept matches do not fit max_signals");
    if (ordinals !== undefined && ordinals.length !== ring.length) {
      throw new RangeError("Snapshot's kept matches and their ordinals differ in number");
    }
    const from = ring.length < max ? 0 : at;
    for (let k = 0; k < ring.length; k++) {
      const j = (from + k) % ring.length;
      const o = ordinals?.[j];
      kept.push({
        events: eventsAt(ring[j] as readonly number[]),
        ord: o === undefined || o === null ? null : ordinalFromState(o),
        arrival: arrivals++,
      });
    }
    for (const [run, lists] of state.pending) {
      if (pending.has(run)) throw new RangeError(`Snapshot holds run ${run} twice`);
      pending.set(run, lists.map(eventsAt));
    }
  }

  const place = (events: EqlEvent[]) => {
    const s = schedule as RuleSchedule;
    const first = ctx.windowTime(events[0] as EqlEvent);
    const last = ctx.windowTime(events[events.length - 1] as EqlEvent);
    if (first === null || last === null) {
      report.skipped++;
      return;
    }
    const run = Math.max(runAt(last, s.interval), lastRun + s.interval);
    if (first <= run - s.lookBack) {
      report.dropped++;
      return;
    }
    const list = pending.get(run);
    if (list) list.push(events);
    else pending.set(run, [events]);
  };

  const take = (hits: readonly SequenceHit[]) => {
    for (const hit of hits) {
      report.matched++;
      const events = realEvents(hit);
      if (events.some((e) => excepted(e) !== undefined)) {
        report.suppressed++;
        continue;
      }
      if (schedule) {
        place(events);
        continue;
      }
      total++;
      if (streaming) {
        found.push(events);
        continue;
      }
      if (max === 0) continue;
      kept.push({ events, ord: lastOrdinalOf(hit), arrival: arrivals++ });
      if (kept.length >= compactAt) newest();
    }
  };
  const compactAt = Math.max(2 * max, 1024);
  /** Sort the kept matches and keep the newest `max`. */
  const newest = () => {
    kept.sort(byOrder);
    if (kept.length > max) kept = kept.slice(kept.length - max);
  };
  /** One execution: the newest `max` matches, alerts built, and the total (see `alertShares`). */
  const share = (): MatchShare => {
    newest();
    const actx = ctx.alertContext(ctx.now);
    const matches = kept.map((k) => ({
      ord: ordinalState(k.ord ?? { timestamp: null, tiebreaker: null, index: k.arrival }),
      ...attempt((notes) => buildSequenceAlerts(actx, k.events, notes)),
    }));
    kept = [];
    return { total, max, matches };
  };

  const alertAll = (list: readonly EqlEvent[][], when: number, seen: Set<string>, out: AlertDocument[]) => {
    const actx = ctx.alertContext(when);
    for (const events of list) {
      const group = safely(report, (notes) => buildSequenceAlerts(actx, events, notes));
      if (group) keep(group, seen, report, out);
    }
  };

  const nextRun = (): number | null => {
    let min: number | null = null;
    for (const run of pending.keys()) if (min === null || run < min) min = run;
    return min;
  };

  const finishRun = (run: number, seen: Set<string>, out: AlertDocument[]) => {
    lastRun = run;
    const list = pending.get(run) ?? [];
    pending.delete(run);
    if (list.length > max) {
      report.truncated = true;
      report.dropped += list.length - max;
    }
    alertAll(list.slice(Math.max(0, list.length - max)), run, seen, out);
  };

  /** The hits the last `push` left undecided (see `matchedSome`). */
  let undecided: FilterHits | null = null;
  return {
    // A sequence's matches are ordered by their last event, whatever shard found them; a sample's
    // come at the end, in the order of their keys.
    ...(schedule || streaming || compiled.kind !== "sequence" ? {} : { share }),
    push(e, index, indexed) {
      // Each distinct filter is evaluated once. An event no term matches is not pushed: the rule
      // set moves the stream's clock (`streamClock`) with every event. Whether an event that only
      // lets time pass matched a term is left to `matchedSome`: the rule set asks only when no other
      // rule matched the event.
      undecided = null;
      const hits = stream.evaluate(e, indexed && possibleTerms ? possibleTerms() : undefined, true);
      if (hits === null) return false;
      if (untimed(e)) {
        report.skipped++;
        return false;
      }
      try {
        // The set's count of events places it (the last tie-break of event order), so the ordinal
        // is the same whichever events the stream was given before.
        take(stream.pushEvaluated(e, hits, index));
        if (hits.includes(true)) return true;
        undecided = hits;
        return null;
      } catch (err) {
        if (!(err instanceof EqlDataError)) throw err;
        if (err.code === DataErrorCodes.LATE_EVENT) report.late++;
        else report.skipped++;
        return false;
      }
    },
    matchedSome: (e) => undecided !== null && stream.settle(e, undecided) !== null,
    shadow(e, index) {
      const hits = stream.evaluate(e);
      if (hits === null || untimed(e)) return false;
      const before = report.matched;
      try {
        take(stream.pushEvaluated(e, hits, index));
      } catch (err) {
        // Late or untimed: the share that searches the event counts it.
        if (!(err instanceof EqlDataError)) throw err;
      }
      return report.matched !== before;
    },
    nextDue: nextRun,
    waiting: () => stream.waiting,
    settle() {
      const before = report.matched;
      try {
        take(stream.advanceTo(Number.NEGATIVE_INFINITY));
      } catch (err) {
        if (!(err instanceof EqlDataError)) throw err;
        report.skipped++;
      }
      return report.matched !== before;
    },
    pass(time) {
      try {
        take(stream.advanceTo(time));
      } catch (err) {
        if (!(err instanceof EqlDataError)) throw err;
        report.skipped++;
      }
    },
    due(clock, seen) {
      const out: AlertDocument[] = [];
      if (streaming) {
        alertAll(found, ctx.now, seen, out);
        found = [];
      }
      if (!schedule) return out;
      for (let run = nextRun(); run !== null && run + schedule.lateness < clock; run = nextRun()) {
        finishRun(run, seen, out);
      }
      return out;
    },
    finish(seen) {
      take(stream.end());
      report.capped = stream.stats.evicted;
      const out: AlertDocument[] = [];
      if (schedule) {
        for (let run = nextRun(); run !== null; run = nextRun()) finishRun(run, seen, out);
        return out;
      }
      if (streaming) {
        alertAll(found, ctx.now, seen, out);
        found = [];
        return out;
      }
      return alertShares([share()], report, seen);
    },
    save(table) {
      const snap = stream.snapshot();
      const refs = (list: readonly EqlEvent[]) => list.map((e) => table.ref(e));
      return {
        kind: "stream",
        stream: { ...snap, events: refs(snap.events) },
        ...ringState(kept, max, refs),
        total,
        pending: [...pending].map(([run, lists]) => [run, lists.map(refs)] as const),
        lastRun: finiteOrNull(lastRun),
      };
    },
  };
}
