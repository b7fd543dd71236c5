/**
 * A compiled rule set: many rules compiled once into one object that takes events one at a time (or
 * in batches) and gives Kibana-shaped alerts. Every many-rule caller goes through it: `runRules`,
 * `simulateSchedule`, `mini-eql run`, the testing helpers and the service example.
 *
 * Work is shared rather than repeated per rule: the rules' field reads go through one field table
 * (each field read once per event), the event's index, categories and window times are worked out
 * once, and an index of the literal terms the rules require (presearch.ts) picks the few rules an
 * event could match; the others never see it. Counting stays exact: how many events each rule
 * searched is kept per group of rules that search alike (same category, indices and window).
 *
 * One execution at `now` (Kibana's rule run at that time): each rule searches the events of its
 * indices inside its look-back window (`from`, on `timestamp_override` when the event has it), or all
 * events with `window: false`; exceptions suppress matches; the newest `max_signals` matches become
 * alerts; alerts already in `seen` are not created again. Since "newest" is known only when the input
 * ends, the alerts come from `end()`.
 */
import { compileShared, queryInternals } from "../compile.js";
import { compareOrdinals, type Ordinal, ordinalOf } from "../engine/order.js";
import type { QueryStream } from "../engine/stream.js";
import { DataErrorCodes, EqlDataError, EqlError } from "../errors.js";
import { parseMapping, resolveField } from "../mapping.js";
import { type CachedFieldReader, FieldTable } from "../runtime/field-table.js";
import { fieldReader } from "../runtime/fields.js";
import { parseInstant } from "../runtime/timestamp.js";
import type { CompiledQuery, EqlEvent, SequenceHit } from "../types.js";
import {
  type AlertContext,
  type AlertDocument,
  buildEventAlert,
  buildSequenceAlerts,
  ruleUuidOf,
} from "./alert.js";
import { parseFrom, toMillis } from "./duration.js";
import { compileExceptions, type ExceptionMatcher, type ExceptionOptions } from "./exceptions.js";
import { ruleCompileOptions } from "./from-object.js";
import { compileIndexPatterns, eventIndex, type IndexMatcher } from "./index-pattern.js";
import { presearchAlternatives } from "./presearch.js";
import { PresearchIndex, type PresearchIndexStats } from "./presearch-index.js";
import type { LoadedRule } from "./types.js";

/** Options of a rule set. */
export interface RuleSetOptions {
  /** The execution time: each rule's window ends here and alerts are stamped with it (default: now). */
  now?: Date | number | string;
  /** Apply each rule's look-back window (default true); false searches every event given. */
  window?: boolean;
  /** Alert uuids created before; new ones are added. Pass the same set to every execution. */
  seen?: Set<string>;
  /** Kibana space (default `default`); part of every alert id. */
  spaceId?: string;
  /** Value lists for `list` exception entries. */
  exceptions?: ExceptionOptions;
  /**
   * How far back in time (milliseconds) an event may arrive after newer ones and still take part in
   * sequences (default 0: events in time order). `Infinity` holds every sequence event until `end()`,
   * which is how a batch is judged.
   */
  lateness?: number;
  /** Index rules by category and literal terms (default true); false evaluates every rule on every event. */
  presearch?: boolean;
}

/** What one rule did. */
export interface RuleRunReport {
  readonly rule_id: string;
  readonly name: string;
  /** Window start (exclusive) and end (inclusive), ISO. */
  readonly window: { readonly from: string; readonly to: string };
  /** Events searched: in the rule's indices and window (and, for an event query, of its category). */
  searched: number;
  /** Searched events the rule evaluated: those the index did not rule out. */
  evaluated: number;
  /** Query matches: events for event rules, sequences for sequence and sample rules. */
  matched: number;
  /** Matches suppressed by an exception item. */
  suppressed: number;
  /** True when more than `max_signals` matches remained and the oldest were left out. */
  truncated: boolean;
  /** Matches left out by `max_signals`. */
  dropped: number;
  /** Matches whose alert already existed (de-duplicated through `seen`). */
  duplicates: number;
  /** Alert documents created (a sequence counts its shell and building blocks). */
  alerts: number;
  /** Events a sequence or sample rule could not place (no usable timestamp, or too late). */
  skipped: number;
  /** Of the skipped events, those that arrived later than the lateness allows. */
  late: number;
  /** Partial sequences dropped at the open-sequence cap. */
  capped: number;
  /** How the rule's memory is bounded: by `max_signals`, or every searched event is kept (event rules with pipes). */
  mode: "bounded" | "buffered";
  /** Set when the rule could not run; the other rules still run. */
  error?: EqlError;
}

/** Totals of a rule set. */
export interface RuleSetStats {
  /** Events pushed. */
  events: number;
  /** Pushed values that were not objects (ignored). */
  notObjects: number;
  /** Events at least one rule matched (for sequences and samples: one of their terms). */
  matched: number;
  /** Rule evaluations: candidate rules run on events that passed their indices and window. */
  evaluations: number;
  /** Candidate rules the index gave, summed over events. */
  candidates: number;
  /** Alert documents created so far. */
  alerts: number;
  /** The index: rules reached through literal terms, rules always evaluated in their categories. */
  readonly presearch: PresearchIndexStats;
  /** Distinct fields read per event through the shared table. */
  readonly fields: number;
}

/** Many rules compiled once, fed events one at a time. */
export interface CompiledRuleSet {
  /** The rules, in the order their alerts and reports come out. */
  readonly rules: readonly LoadedRule[];
  /** Feed one event; returns the alerts it made certain (none before `end()` for one execution). */
  push(event: unknown): AlertDocument[];
  /** Feed many events in order; returns the alerts they made certain. */
  pushBatch(events: Iterable<unknown>): AlertDocument[];
  /** No more events: returns every remaining alert, rule by rule. Call once. */
  end(): AlertDocument[];
  /** Per-rule reports, in rule order (live objects: read them after `end()` for final figures). */
  reports(): readonly RuleRunReport[];
  /** Totals. */
  stats(): RuleSetStats;
}

/** How a rule is fed: a state machine per rule kind. */
interface Runner {
  /** The event passed the rule's indices and window; true when the query matched it (or a term). */
  push(event: EqlEvent, index: number): boolean;
  /** End of input: the alerts, de-duplicated through `seen`. */
  finish(seen: Set<string>): AlertDocument[];
}

interface Entry {
  readonly loaded: LoadedRule;
  readonly report: RuleRunReport;
  readonly runner: Runner | null;
  /** The search group (category, indices, window) the rule belongs to. */
  readonly group: SearchGroup;
}

/** Rules that search the same events: one counter and one verdict per event for all of them. */
interface SearchGroup {
  readonly inIndex: IndexMatcher;
  readonly time: TimeSource;
  /** Window (start, end]; null without a window. */
  readonly start: number | null;
  readonly end: number;
  count: number;
  /** The epoch of the last event that passed. */
  passed: number;
}

/** The window time of events for one `timestamp_override` field, worked out once per event. */
interface TimeSource {
  readonly read: (event: unknown) => number | null;
  epoch: number;
  value: number | null;
}

function alertContext(loaded: LoadedRule, now: number, spaceId: string): AlertContext {
  return { rule: loaded.rule, ruleUuid: ruleUuidOf(loaded.rule), now: new Date(now).toISOString(), spaceId };
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

/** Build alerts; an event that cannot be read (a throwing getter) yields none. */
function safely(build: () => AlertDocument[]): AlertDocument[] | null {
  try {
    return build();
  } catch {
    return null;
  }
}

/**
 * An event rule. Without pipes it keeps its newest `max_signals` non-excepted matches in
 * Elasticsearch's order (timestamp, tiebreaker, arrival), compacting as it goes, so memory is bounded
 * by `max_signals` and not by the input. With `| head`/`| tail` pipes it keeps every searched event,
 * since the pipes apply before the exceptions.
 */
function eventRunner(
  loaded: LoadedRule,
  compiled: CompiledQuery,
  report: RuleRunReport,
  excepted: ExceptionMatcher,
  ctx: AlertContext,
): Runner {
  const internals = queryInternals(compiled);
  if (!internals) throw new Error("query compiled outside the library");
  const { plan, order } = internals;
  const match = plan.matchAny;
  const max = Math.max(0, loaded.rule.max_signals);
  const buffered = compiled.statement.pipes.length > 0;
  const compactAt = Math.max(2 * max, 1024);
  let kept: { e: EqlEvent; ord: Ordinal }[] = [];
  let total = 0;
  const ordinal = (e: EqlEvent, index: number) =>
    ordinalOf(e, index, order.timestamp, order.tiebreaker, order.parseTime);
  const newest = () => {
    kept.sort((a, b) => compareOrdinals(a.ord, b.ord));
    if (kept.length > max) kept = kept.slice(kept.length - max);
  };
  return {
    push(e, index) {
      if (buffered) {
        kept.push({ e, ord: ordinal(e, index) });
        return safeMatch(match, e);
      }
      if (!safeMatch(match, e)) return false;
      report.matched++;
      if (excepted(e) !== undefined) {
        report.suppressed++;
        return true;
      }
      total++;
      kept.push({ e, ord: ordinal(e, index) });
      if (kept.length >= compactAt) newest();
      return true;
    },
    finish(seen) {
      let events: EqlEvent[];
      if (buffered) {
        const result = compiled.run(
          kept.map((k) => k.e),
          { size: Math.max(1, kept.length) },
        );
        const hits = "events" in result ? result.events.map((h) => h._source) : [];
        report.matched = hits.length;
        const passed = hits.filter((e) => excepted(e) === undefined);
        report.suppressed = hits.length - passed.length;
        total = passed.length;
        events = passed.slice(Math.max(0, passed.length - max));
      } else {
        newest();
        events = kept.map((k) => k.e);
      }
      kept = [];
      if (total > max) {
        report.truncated = true;
        report.dropped = total - max;
      }
      const out: AlertDocument[] = [];
      for (const e of events) {
        const group = safely(() => [buildEventAlert(ctx, e)]);
        if (group) keep(group, seen, report, out);
      }
      return out;
    },
  };
}

function safeMatch(match: (e: unknown) => boolean, e: EqlEvent): boolean {
  try {
    return match(e);
  } catch {
    return false;
  }
}

function realEvents(hit: SequenceHit): EqlEvent[] {
  return hit.events.filter((e) => !e.missing).map((e) => e._source);
}

/**
 * A sequence or sample rule through the query's stream: completed sequences are filtered by the
 * exceptions and the newest `max_signals` kept in a ring, in completion order.
 */
function streamRunner(
  loaded: LoadedRule,
  compiled: CompiledQuery,
  report: RuleRunReport,
  excepted: ExceptionMatcher,
  ctx: AlertContext,
  lateness: number,
): Runner {
  const max = Math.max(0, loaded.rule.max_signals);
  const stream = compiled.stream({ lateness }) as QueryStream<SequenceHit>;
  const relevant = queryInternals(compiled)?.plan.matchAny ?? (() => true);
  const ring: EqlEvent[][] = [];
  let at = 0;
  let total = 0;
  const take = (hits: readonly SequenceHit[]) => {
    for (const hit of hits) {
      report.matched++;
      const events = realEvents(hit);
      if (events.some((e) => excepted(e) !== undefined)) {
        report.suppressed++;
        continue;
      }
      total++;
      if (max === 0) continue;
      if (ring.length < max) ring.push(events);
      else ring[at] = events;
      at = (at + 1) % max;
    }
  };
  return {
    push(e) {
      // An event no term matches only moves the stream's clock, which changes when results come out
      // of one execution, never which: skip it.
      if (!safeMatch(relevant, e)) return false;
      try {
        take(stream.push(e));
        return true;
      } catch (err) {
        if (!(err instanceof EqlDataError)) throw err;
        report.skipped++;
        if (err.code === DataErrorCodes.LATE_EVENT) report.late++;
        return false;
      }
    },
    finish(seen) {
      take(stream.end());
      report.capped = stream.stats.droppedByCap;
      if (total > max) {
        report.truncated = true;
        report.dropped = total - max;
      }
      const ordered = ring.length < max ? ring : [...ring.slice(at), ...ring.slice(0, at)];
      const out: AlertDocument[] = [];
      for (const events of ordered) {
        const group = safely(() => buildSequenceAlerts(ctx, events));
        if (group) keep(group, seen, report, out);
      }
      return out;
    },
  };
}

function newReport(
  loaded: LoadedRule,
  now: number,
  start: number,
  mode: RuleRunReport["mode"],
): RuleRunReport {
  return {
    rule_id: loaded.rule.rule_id,
    name: loaded.rule.name,
    window: { from: new Date(start).toISOString(), to: new Date(now).toISOString() },
    searched: 0,
    evaluated: 0,
    matched: 0,
    suppressed: 0,
    truncated: false,
    dropped: 0,
    duplicates: 0,
    alerts: 0,
    skipped: 0,
    late: 0,
    capped: 0,
    mode,
  };
}

/** The first usable time of a field, or null. */
function firstInstant(values: readonly unknown[]): number | null {
  const v = values[0];
  return v === undefined ? null : (parseInstant(v)?.millis ?? null);
}

/**
 * The time an event's look-back window applies to: the rule's `timestamp_override` field when the
 * event has a usable one, else `@timestamp`; null when neither is usable.
 */
export function windowTime(event: unknown, override?: string): number | null {
  try {
    return (
      (override ? firstInstant(fieldReader([override]).values(event)) : null) ??
      firstInstant(fieldReader(["@timestamp"]).values(event))
    );
  } catch {
    return null;
  }
}

class RuleSetImpl implements CompiledRuleSet {
  readonly rules: readonly LoadedRule[];
  private readonly entries: Entry[] = [];
  private readonly table = new FieldTable();
  private readonly index: PresearchIndex | null;
  private readonly all: number[];
  /** Search groups by category field, then by category ("" key: groups of every category). */
  private readonly groups = new Map<
    string,
    { reader: CachedFieldReader; byCategory: Map<string, SearchGroup[]>; any: SearchGroup[] }
  >();
  private readonly indexMatchers = new Map<string, IndexMatcher>();
  private readonly timeSources = new Map<string, TimeSource>();
  private readonly seen: Set<string>;
  private readonly counters = {
    events: 0,
    notObjects: 0,
    matched: 0,
    evaluations: 0,
    candidates: 0,
    alerts: 0,
  };
  private ended = false;
  private eventIndexValue: string | undefined;
  private readonly indexVerdicts = new Map<IndexMatcher, { epoch: number; ok: boolean }>();

  constructor(rules: readonly LoadedRule[], options: RuleSetOptions) {
    this.rules = [...rules];
    const now = toMillis(options.now ?? Date.now());
    const windowed = options.window !== false;
    const spaceId = options.spaceId ?? "default";
    const lateness = options.lateness ?? 0;
    this.seen = options.seen ?? new Set<string>();
    this.index = options.presearch === false ? null : new PresearchIndex(this.table, this.rules.length);
    this.all = this.rules.map((_, i) => i);
    const groupsByKey = new Map<string, SearchGroup>();
    this.rules.forEach((loaded, i) => {
      const { rule } = loaded;
      const start = now - (parseFrom(rule.from) ?? 0);
      const options_ = loaded.compileOptions ?? ruleCompileOptions(rule);
      const categoryField = options_.eventCategoryField ?? "event.category";
      let compiled: CompiledQuery | null = null;
      let error: EqlError | undefined;
      try {
        compiled = compileShared(loaded.compiled.statement, options_, this.table);
      } catch (e) {
        if (!(e instanceof EqlError)) throw e;
        error = e;
      }
      const buffered = compiled !== null && compiled.kind === "event" && compiled.statement.pipes.length > 0;
      const report = newReport(loaded, now, start, buffered ? "buffered" : "bounded");
      if (error) report.error = error;
      const query = loaded.compiled.statement.query;
      const category = query.kind === "event" ? query.category : null;
      const overrideField = rule.timestamp_override ?? "";
      const indexKey = JSON.stringify(rule.index ?? null);
      const key = [categoryField, category ?? "", indexKey, overrideField, windowed ? start : ""].join(
        "\u0000",
      );
      let group = groupsByKey.get(key);
      if (!group) {
        group = {
          inIndex: this.indexMatcher(indexKey, rule.index),
          time: this.timeSource(overrideField),
          start: windowed ? start : null,
          end: now,
          count: 0,
          passed: -1,
        };
        groupsByKey.set(key, group);
        let byField = this.groups.get(categoryField);
        if (!byField) {
          byField = { reader: this.table.reader([categoryField]), byCategory: new Map(), any: [] };
          this.groups.set(categoryField, byField);
        }
        if (category === null) byField.any.push(group);
        else {
          const list = byField.byCategory.get(category);
          if (list) list.push(group);
          else byField.byCategory.set(category, [group]);
        }
      }
      let runner: Runner | null = null;
      if (compiled) {
        const excepted = compileExceptions(loaded.exceptions, options.exceptions);
        const ctx = alertContext(loaded, now, spaceId);
        runner =
          compiled.kind === "event"
            ? eventRunner(loaded, compiled, report, excepted, ctx)
            : streamRunner(loaded, compiled, report, excepted, ctx, lateness);
        if (this.index) {
          const mapping = parseMapping(options_.mapping);
          const timestampField = resolveField(mapping, options_.timestampField ?? "@timestamp").name;
          this.index.add(i, categoryField, presearchAlternatives(query, { mapping, timestampField }));
        }
      }
      this.entries.push({ loaded, report, runner, group });
    });
  }

  private indexMatcher(key: string, patterns: readonly string[] | undefined): IndexMatcher {
    let m = this.indexMatchers.get(key);
    if (!m) {
      m = compileIndexPatterns(patterns);
      this.indexMatchers.set(key, m);
    }
    return m;
  }

  private timeSource(override: string): TimeSource {
    let source = this.timeSources.get(override);
    if (!source) {
      const ts = this.table.reader(["@timestamp"]);
      const ov = override ? this.table.reader([override]) : null;
      source = {
        read: (e) => (ov ? firstInstant(ov.list(e)) : null) ?? firstInstant(ts.list(e)),
        epoch: -1,
        value: null,
      };
      this.timeSources.set(override, source);
    }
    return source;
  }

  private inIndex(m: IndexMatcher): boolean {
    const index = this.eventIndexValue;
    if (index === undefined) return true;
    let v = this.indexVerdicts.get(m);
    if (!v) {
      v = { epoch: -1, ok: false };
      this.indexVerdicts.set(m, v);
    }
    if (v.epoch !== this.table.epoch) {
      v.epoch = this.table.epoch;
      v.ok = m(index);
    }
    return v.ok;
  }

  private timeOf(source: TimeSource, e: unknown): number | null {
    if (source.epoch !== this.table.epoch) {
      source.epoch = this.table.epoch;
      try {
        source.value = source.read(e);
      } catch {
        source.value = null;
      }
    }
    return source.value;
  }

  private pass(group: SearchGroup, e: unknown): void {
    if (!this.inIndex(group.inIndex)) return;
    if (group.start !== null) {
      const t = this.timeOf(group.time, e);
      if (t === null || t <= group.start || t > group.end) return;
    }
    group.count++;
    group.passed = this.table.epoch;
  }

  /** Decide, once per group, which search groups this event belongs to. */
  private searchGroups(e: unknown): void {
    for (const byField of this.groups.values()) {
      let cats: readonly unknown[] = [];
      try {
        cats = byField.reader.list(e);
      } catch {
        cats = [];
      }
      for (let i = 0; i < cats.length; i++) {
        const c = cats[i];
        if (typeof c !== "string") continue;
        let repeated = false;
        for (let j = 0; j < i; j++) if (cats[j] === c) repeated = true;
        if (repeated) continue;
        const list = byField.byCategory.get(c);
        if (list) for (const g of list) this.pass(g, e);
      }
      for (const g of byField.any) this.pass(g, e);
    }
  }

  push(event: unknown): AlertDocument[] {
    if (this.ended) throw new Error("push after end()");
    const n = this.counters.events++;
    if (typeof event !== "object" || event === null || Array.isArray(event)) {
      this.counters.notObjects++;
      return [];
    }
    const e = event as EqlEvent;
    this.table.next();
    this.eventIndexValue = eventIndex(e);
    this.searchGroups(e);
    let candidates: readonly number[];
    try {
      candidates = this.index ? this.index.candidates(e) : this.all;
    } catch {
      // A hostile object (a throwing getter) cannot be indexed: every rule looks at it.
      candidates = this.all;
    }
    this.counters.candidates += candidates.length;
    const epoch = this.table.epoch;
    let any = false;
    for (let c = 0; c < candidates.length; c++) {
      const entry = this.entries[candidates[c] as number] as Entry;
      if (entry.runner === null || entry.group.passed !== epoch) continue;
      this.counters.evaluations++;
      entry.report.evaluated++;
      if (entry.runner.push(e, n)) any = true;
    }
    if (any) this.counters.matched++;
    return [];
  }

  pushBatch(events: Iterable<unknown>): AlertDocument[] {
    const out: AlertDocument[] = [];
    for (const e of events) for (const a of this.push(e)) out.push(a);
    return out;
  }

  end(): AlertDocument[] {
    if (this.ended) throw new Error("end() called twice");
    this.ended = true;
    const out: AlertDocument[] = [];
    for (const entry of this.entries) {
      entry.report.searched = entry.group.count;
      if (!entry.runner) continue;
      for (const a of entry.runner.finish(this.seen)) out.push(a);
    }
    this.counters.alerts += out.length;
    return out;
  }

  reports(): readonly RuleRunReport[] {
    for (const entry of this.entries) entry.report.searched = entry.group.count;
    return this.entries.map((e) => e.report);
  }

  stats(): RuleSetStats {
    return {
      ...this.counters,
      presearch: this.index
        ? this.index.stats()
        : { indexedRules: 0, alwaysRules: this.rules.length, terms: 0 },
      fields: this.table.size,
    };
  }
}

/** Compile `rules` into one rule set (see `CompiledRuleSet`). A rule whose query cannot run reports its error. */
export function compileRules(rules: readonly LoadedRule[], options: RuleSetOptions = {}): CompiledRuleSet {
  return new RuleSetImpl(rules, options);
}
