/**
 * Rules over an event stream, as one Kibana execution at `now` over however much input, in memory
 * bounded by the rules' `max_signals` rather than by the input.
 *
 * Why not batches through `runRules`: cutting the input into batches would make each batch its own
 * execution, so `max_signals` would cap every batch instead of the run and a sequence could not span
 * two batches. Instead each rule keeps only what can still become an alert:
 * - event rules keep their newest `max_signals` non-excepted matches, compacted with the rule's own
 *   `compiled.run(..., { size, resultPosition: "tail" })` so the order is Elasticsearch's; at the end
 *   those events go through `runRules`, which then builds exactly the alerts it would have built from
 *   the whole input (same window, exceptions, limit and de-duplication);
 * - sequence and sample rules run through `compiled.stream()` (events in time order, or within
 *   `lateness`); completed sequences are filtered by the exceptions and the newest `max_signals` are
 *   kept, then turned into alerts as `runRules` does (shell plus building blocks, de-duplicated);
 * - an event rule with `| head`/`| tail` pipes keeps every event it searches (its pipes apply before
 *   exceptions, which a bounded buffer cannot reproduce); such rules are rare and reported as buffered.
 */
import {
  type AlertDocument,
  buildSequenceAlerts,
  compileExceptions,
  compileIndexPatterns,
  DataErrorCodes,
  EqlDataError,
  type EqlEvent,
  type EventsResult,
  type ExceptionOptions,
  eventIndex,
  type LoadedRule,
  parseFrom,
  type QueryStream,
  ruleUuidOf,
  runRules,
  type SequenceHit,
  windowTime,
} from "../../index.js";
import { fieldReader } from "../../runtime/fields.js";

/** Options of a streamed execution. */
export interface StreamRunOptions {
  /** Execution time in epoch milliseconds: windows end here and alerts are stamped with it. */
  readonly now: number;
  /** Apply each rule's look-back window (`from`). */
  readonly window: boolean;
  readonly spaceId: string;
  /** Milliseconds sequence rules wait for out-of-order events. */
  readonly lateness: number;
  readonly exceptions?: ExceptionOptions;
}

/** What one rule did over the whole input. */
export interface StreamRuleReport {
  readonly rule_id: string;
  readonly name: string;
  /** Events of the rule's indices inside its window. */
  searched: number;
  /** Query matches: events for event rules, sequences for sequence and sample rules. */
  matched: number;
  /** Matches suppressed by an exception item. */
  suppressed: number;
  /** Matches over `max_signals` (the oldest ones), when `truncated`. */
  dropped: number;
  truncated: boolean;
  duplicates: number;
  /** Alert documents created. */
  alerts: number;
  /** Events a sequence rule could not place (no usable timestamp, later than the lateness allows). */
  skipped: number;
  /** Of the skipped events, those that came later than the lateness allows (out of time order). */
  late: number;
  /** Partial sequences a sequence rule dropped at its open-sequence cap. */
  capped: number;
  /** How memory was bounded: by `max_signals`, or buffered (event rules with pipes). */
  mode: "bounded" | "buffered";
  error?: string;
}

/** One rule fed event by event. */
export interface RuleStream {
  readonly loaded: LoadedRule;
  readonly report: StreamRuleReport;
  /** Feed one event; true when the rule's query matched it (for sequences: one of its terms). */
  push(event: EqlEvent): boolean;
  /** End of input: the rule's alerts, de-duplicated against `seen`. */
  finish(seen: Set<string>): AlertDocument[];
}

function realEvents(hit: SequenceHit): EqlEvent[] {
  return hit.events.filter((e) => !e.missing).map((e) => e._source);
}

function newReport(loaded: LoadedRule, mode: StreamRuleReport["mode"]): StreamRuleReport {
  const { rule_id, name } = loaded.rule;
  return {
    rule_id,
    name,
    searched: 0,
    matched: 0,
    suppressed: 0,
    dropped: 0,
    truncated: false,
    duplicates: 0,
    alerts: 0,
    skipped: 0,
    late: 0,
    capped: 0,
    mode,
  };
}

/** A filter for the rule's indices and look-back window, as `runRules` applies them. */
function searchFilter(loaded: LoadedRule, options: StreamRunOptions): (e: EqlEvent) => boolean {
  const inIndex = compileIndexPatterns(loaded.rule.index);
  const start = options.now - (parseFrom(loaded.rule.from) ?? 0);
  const override = loaded.rule.timestamp_override ? fieldReader([loaded.rule.timestamp_override]) : null;
  return (e) => {
    const index = eventIndex(e);
    if (index !== undefined && !inIndex(index)) return false;
    if (!options.window) return true;
    const t = windowTime(e, override);
    return t !== null && t > start && t <= options.now;
  };
}

function eventRule(loaded: LoadedRule, options: StreamRunOptions): RuleStream {
  const { compiled, rule } = loaded;
  const buffered = compiled.statement.pipes.length > 0;
  const report = newReport(loaded, buffered ? "buffered" : "bounded");
  const searches = searchFilter(loaded, options);
  const excepted = compileExceptions(loaded.exceptions, options.exceptions);
  const max = Math.max(0, rule.max_signals);
  const compactAt = Math.max(2 * max, 1024);
  let kept: EqlEvent[] = [];
  let keptTotal = 0;
  // The newest `max` by Elasticsearch's order; ties keep input order because `kept` stays in it.
  const newest = (events: EqlEvent[]) =>
    (compiled.run(events, { size: max, resultPosition: "tail" }) as EventsResult).events.map(
      (h) => h._source,
    );
  return {
    loaded,
    report,
    push(e) {
      if (!searches(e)) return false;
      report.searched++;
      if (buffered) {
        kept.push(e);
        return compiled.matches(e);
      }
      if (!compiled.matches(e)) return false;
      report.matched++;
      if (excepted(e) !== undefined) {
        report.suppressed++;
        return true;
      }
      keptTotal++;
      kept.push(e);
      if (kept.length >= compactAt) kept = newest(kept);
      return true;
    },
    finish(seen) {
      const events = buffered ? kept : newest(kept);
      kept = [];
      const result = runRules([loaded], events, {
        now: options.now,
        window: options.window,
        seen,
        spaceId: options.spaceId,
        ...(options.exceptions ? { exceptions: options.exceptions } : {}),
      });
      const r = result.reports[0];
      if (r) {
        if (buffered) {
          report.matched = r.matched;
          report.suppressed = r.suppressed;
          report.dropped = r.dropped;
          report.truncated = r.truncated;
        } else if (keptTotal > max) {
          report.truncated = true;
          report.dropped = keptTotal - max;
        }
        report.duplicates = r.duplicates;
        report.alerts = r.alerts;
        if (r.error) report.error = r.error.message;
      }
      return result.alerts;
    },
  };
}

function sequenceRule(loaded: LoadedRule, options: StreamRunOptions): RuleStream {
  const { compiled, rule } = loaded;
  const report = newReport(loaded, "bounded");
  const searches = searchFilter(loaded, options);
  const excepted = compileExceptions(loaded.exceptions, options.exceptions);
  const max = Math.max(0, rule.max_signals);
  const stream: QueryStream<unknown> = compiled.stream({ lateness: options.lateness });
  // The newest `max` kept sequences, in completion order, in a ring.
  const ring: EqlEvent[][] = [];
  let at = 0;
  let keptTotal = 0;
  const take = (hits: unknown[]) => {
    for (const hit of hits as SequenceHit[]) {
      report.matched++;
      const events = realEvents(hit);
      if (events.some((e) => excepted(e) !== undefined)) {
        report.suppressed++;
        continue;
      }
      keptTotal++;
      if (max === 0) continue;
      if (ring.length < max) ring.push(events);
      else ring[at] = events;
      at = (at + 1) % max;
    }
  };
  return {
    loaded,
    report,
    push(e) {
      if (!searches(e)) return false;
      report.searched++;
      try {
        take(stream.push(e));
      } catch (err) {
        if (!(err instanceof EqlDataError)) throw err;
        report.skipped++;
        if (err.code === DataErrorCodes.LATE_EVENT) report.late++;
        return false;
      }
      return compiled.matches(e);
    },
    finish(seen) {
      take(stream.end());
      report.capped = stream.stats.droppedByCap;
      if (keptTotal > max) {
        report.truncated = true;
        report.dropped = keptTotal - max;
      }
      const ordered = ring.length < max ? ring : [...ring.slice(at), ...ring.slice(0, at)];
      const ctx = {
        rule,
        ruleUuid: ruleUuidOf(rule),
        now: new Date(options.now).toISOString(),
        spaceId: options.spaceId,
      };
      const alerts: AlertDocument[] = [];
      for (const events of ordered) {
        let group: AlertDocument[];
        try {
          group = buildSequenceAlerts(ctx, events);
        } catch {
          continue; // an event that cannot be read (a throwing getter) yields no alert, as in runRules
        }
        const id = group[0]?.["kibana.alert.uuid"] as string;
        if (seen.has(id)) {
          report.duplicates++;
          continue;
        }
        seen.add(id);
        alerts.push(...group);
        report.alerts += group.length;
      }
      return alerts;
    },
  };
}

/** A streamed runner for one loaded rule. */
export function ruleStream(loaded: LoadedRule, options: StreamRunOptions): RuleStream {
  return loaded.compiled.kind === "event" ? eventRule(loaded, options) : sequenceRule(loaded, options);
}
