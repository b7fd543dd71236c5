/**
 * A compiled rule set: many rules compiled once into one object that takes events one at a time (or
 * in batches) and gives Kibana-shaped alerts as soon as they are certain. Every many-rule caller goes
 * through it: `runRules`, `simulateSchedule`, `mini-eql run`, the testing helpers and the service
 * example.
 *
 * Work is shared rather than repeated per rule: the rules' field reads go through one field table
 * (each field read once per event), the event's index, categories and window times are worked out
 * once, and an index of the literal terms the rules require (presearch.ts) picks the few rules an
 * event could match; the others never see it. How many events each rule searched stays exact: it is
 * counted per group of rules that search alike (same category, indices and window).
 *
 * Two ways to run (rule-runners.ts has the details):
 * - with `now` (or `window: false`): one execution at that time, as Kibana's run at `now`; since the
 *   newest `max_signals` matches are known only when the input ends, the alerts come from `end()`;
 * - without `now`: every rule runs on its own schedule (`interval`, `from`) in event time, and each
 *   run's alerts come out of `push` as soon as the clock (the newest event time) has passed the run.
 */
import { compileShared, type QueryInternals, queryInternals } from "../compile.js";
import { type BudgetStats, StateBudget } from "../engine/budget.js";
import { DEFAULT_MAX_TIME_JUMP, EventClock } from "../engine/clock.js";
import type { KeyOwner } from "../engine/sequence.js";
import { EventTable, finiteOrNull } from "../engine/snapshot.js";
import { EqlError, EqlSnapshotError, SnapshotErrorCodes } from "../errors.js";
import { effectiveMapping } from "../field-map.js";
import type { Scalar } from "../functions/types.js";
import { resolveField } from "../mapping.js";
import { ownOptions } from "../options.js";
import { type CachedFieldReader, firstStringAt, sharedFieldTable } from "../runtime/field-table.js";
import { fieldReader } from "../runtime/fields.js";
import { parseInstant } from "../runtime/timestamp.js";
import type { CompiledQuery, EqlEvent } from "../types.js";
import { type AlertContext, type AlertDocument, ruleUuidOf } from "./alert.js";
import { parseFrom, parseInterval, toMillis } from "./duration.js";
import { unwrapHit } from "./envelope.js";
import { compileExceptions, type ExceptionOptions } from "./exceptions.js";
import { ruleCompileOptions } from "./from-object.js";
import { compileIndexPatterns, eventIndex, type IndexMatcher, indexName } from "./index-pattern.js";
import { joinIndex } from "./joins.js";
import { queryPresearch } from "./presearch.js";
import { PresearchIndex, type PresearchIndexStats } from "./presearch-index.js";
import {
  eventRunner,
  type MatchShare,
  type Runner,
  type RunnerContext,
  type RunnerRestore,
  streamRunner,
} from "./rule-runners.js";
import {
  checkRuleSetSnapshot,
  type FingerprintOptions,
  type ReportState,
  RULE_SET_SNAPSHOT_FORMAT,
  RULE_SET_SNAPSHOT_VERSION,
  type RuleSetSnapshot,
  ruleSetFingerprint,
} from "./rule-set-snapshot.js";
import type { LoadedRule } from "./types.js";

/** Options of a rule set. */
export interface RuleSetOptions {
  /**
   * One execution at this time: each rule's window ends here and alerts are stamped with it. Leave it
   * out to run every rule on its schedule following event time.
   */
  now?: Date | number | string;
  /** Apply each rule's look-back window (default true); false is one execution over every event given. */
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
  /**
   * Scheduled runs: an event dated more than this many milliseconds after both the clock and the
   * wall clock does not move the clock (default one hour), so one far-future event cannot make
   * every later one late; it is still evaluated, and counted in `stats().futureEvents`.
   */
  maxTimeJump?: number;
  /** The wall clock for `maxTimeJump` (default `Date.now`). */
  wallClock?: () => number;
  /**
   * Estimated bytes all sequence and sample state of the set may hold together (partial sequences,
   * missing-event times, waiting candidates, re-ordered events); past it the least recently used
   * entry of any rule is evicted and counted in that rule's report (`capped`). Default 256 MiB.
   */
  memoryBudget?: number;
  /**
   * The index every pushed document belongs to, for the rules' index patterns. A search hit
   * `{ _index, _id, _source }` pushed as is brings its own. A document's body never decides it (its
   * `_index` or `data_stream.*` fields); without either, every rule searches every document.
   */
  index?: string;
  /**
   * Alerts one execution (or one scheduled run) of any rule may create, in place of each rule's own
   * `max_signals`: a positive integer, or `Infinity` for no limit. With one execution (`now` or
   * `window: false`) and no limit no match waits for newer ones, so each match's alerts come out of
   * `push` as it is found (a sequence's when it completes) and none are held until `end()`; event
   * rules with `| head`/`| tail` pipes still keep their events until `end()`, as the pipes need them.
   */
  maxSignals?: number;
  /**
   * Search only events whose `@timestamp` is at or after `from` and before `to` (either may be left
   * out). Other events, and events without a usable `@timestamp`, are counted in
   * `stats().outsideTime` and go no further: no rule searches them and they do not move the clock.
   */
  timeRange?: { readonly from?: Date | number | string; readonly to?: Date | number | string };
  /**
   * The rule fields every alert carries. `"full"` (default) is Kibana's alert: every rule parameter,
   * the description and the investigation guide (`note`) included. `"compact"` keeps what tells the
   * alerts apart and where they come from (rule name, id and uuid, type, severity, risk score, tags,
   * the MITRE ATT&CK tactics and techniques of `threat` by id and name, schedule and `max_signals`)
   * and leaves out `kibana.alert.rule.description`, `kibana.alert.rule.parameters` (the query, note,
   * references, author, license and every other rule key) and the reference links of `threat`: rule
   * text that is the same in every alert of the rule.
   */
  alertFields?: "full" | "compact";
  /**
   * Compile the busy rules' event conditions to generated JavaScript (see the compile option
   * `codegen`). Default false: over the set's shared field table, which already reads each field
   * once per event for every rule, generated filters measured slower than the shared closures.
   */
  codegen?: boolean;
}

/** What one rule did. */
export interface RuleRunReport {
  readonly rule_id: string;
  readonly name: string;
  /** One execution: its window start (exclusive) and end (inclusive), ISO. Absent for scheduled runs. */
  readonly window?: { readonly from: string; readonly to: string };
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
  /** Matches whose alerts could not be built (an event that throws when read); never dropped silently. */
  unbuilt: number;
  /** Values replaced in alerts: nested too deep (`"[too deep]"`) or containing themselves (`"[cycle]"`). */
  replaced: number;
  /** Events or matches the rule could not place in time: no usable timestamp (or several). */
  skipped: number;
  /**
   * Events that arrived too late: for sequences, later than the lateness allows; in scheduled runs,
   * matches after every run that could search them had finished.
   */
  late: number;
  /** Sequence or sample state evicted because the rule set's memory budget was full (entries). */
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
  /** Scheduled runs: the clock, the newest event time accepted (epoch ms; null before any). */
  clock: number | null;
  /** Scheduled runs: events too far ahead of the clock to move it (see `maxTimeJump`). */
  futureEvents: number;
  /** Events outside `timeRange` (or without a usable `@timestamp` when it is given): not searched. */
  outsideTime: number;
  /** The index: rules reached through literal terms, rules always evaluated in their categories. */
  readonly presearch: PresearchIndexStats;
  /** Distinct fields in the table the rules read through (shared with the other rule sets of the process). */
  readonly fields: number;
  /** The memory budget of sequence and sample state: held, evicted, limit. */
  readonly state: Readonly<BudgetStats>;
}

/** Many rules compiled once, fed events one at a time. */
export interface CompiledRuleSet {
  /** The rules, in the order their alerts and reports come out. */
  readonly rules: readonly LoadedRule[];
  /** Feed one event; returns the alerts it made certain (none before `end()` for one execution). */
  push(event: unknown): AlertDocument[];
  /** Feed many events in order; returns the alerts they made certain. */
  pushBatch(events: Iterable<unknown>): AlertDocument[];
  /**
   * Scheduled runs: move the clock to `time` (epoch ms) without an event, e.g. from a timer at the
   * wall clock, and return the alerts of the runs it finished. Earlier times do nothing.
   */
  advanceTo(time: number): AlertDocument[];
  /** No more events: returns every remaining alert, rule by rule. Call once. */
  end(): AlertDocument[];
  /** Per-rule reports, in rule order (live objects: read them after `end()` for final figures). */
  reports(): readonly RuleRunReport[];
  /** Totals. */
  stats(): RuleSetStats;
  /**
   * The whole state of the set as JSON-safe data (it survives `JSON.parse(JSON.stringify(...))`):
   * counters, reports, the clock, scheduled runs, alert ids created, each rule's kept matches and
   * sequence or sample state, the memory budget's accounts, and every event that state holds.
   * Compiled code is not part of it: `restore` it into a set compiled from the same rules and options.
   * The snapshot shares event objects with the set; serialize it before changing them.
   *
   * @throws EqlSnapshotError `EQL_SNAPSHOT_ENDED` after `end()`, when nothing is left to resume.
   */
  snapshot(): RuleSetSnapshot;
  /**
   * Resume from `snapshot()` of a set compiled from the same rules and options: afterwards this set
   * gives exactly the alerts, reports and stats the original would have from that point. Only a
   * fresh set can restore (nothing pushed, advanced, ended or restored). The snapshot is checked
   * whole before anything changes; on an error the set is untouched. With `window: false` and no
   * `now`, the time of compiling is the set's `now` and is fingerprinted: pass `now` to resume one.
   *
   * With `{ partial: true }` the rules may differ (a reload of edited rule files): each rule of this
   * set whose rule_id and definition (the rule, its exceptions and compile options) are those of a
   * rule in the snapshot takes up that rule's state and report; the others start fresh, and the
   * snapshot's rules that are not in this set are left out. The set's own state (counters, clock,
   * alert ids created) carries over whole. The options must be the same.
   *
   * @throws EqlSnapshotError `EQL_SNAPSHOT_NOT_FRESH` on a set already used; `EQL_SNAPSHOT_VERSION`
   *   for another format version; `EQL_SNAPSHOT_MISMATCH` for a snapshot of other rules or options
   *   (partial: other options); `EQL_SNAPSHOT_INVALID` for a damaged or edited snapshot.
   */
  restore(snapshot: RuleSetSnapshot, options?: RestoreOptions): void;
}

/** Options of `CompiledRuleSet.restore`. */
export interface RestoreOptions {
  /** Restore the rules found unchanged in the snapshot, and start the others fresh (default false). */
  partial?: boolean;
}

/**
 * What a caller that merges the alerts of several rule sets (each with a share of the rules, over the
 * same events) needs to put them in the order one set would give. Internal: not in the package API.
 */
export interface RuleSetTrace {
  /** The last `alerts` alerts returned came from rule `rule`'s runs due from `at` (`Infinity`: `end()`). */
  run(at: number, rule: number, alerts: number): void;
  /** The event being pushed matched a rule (counted once per event in `stats().matched`). */
  matched(): void;
}

/**
 * Events shared out between several sets of the same rules (one execution): `set` counts an event
 * another set searches, so that every set numbers events alike. Internal.
 */
export function passEvent(set: CompiledRuleSet, event: unknown): AlertDocument[] {
  return impl(set).skip(event);
}

/**
 * In place of `end()` for a set that searched a share of the events: the reports so far and each
 * rule's share of matches, for `alertShares` to make the alerts of all shares. Only event rules
 * with a limit on alerts and no pipes, in one execution. Internal.
 */
export function endInShares(set: CompiledRuleSet): {
  reports: readonly RuleRunReport[];
  shares: MatchShare[];
} {
  return impl(set).endInShares();
}

function impl(set: CompiledRuleSet): RuleSetImpl {
  if (!(set instanceof RuleSetImpl)) throw new TypeError("not a rule set from compileRules");
  return set;
}

/** Have `set` (from `compileRules`) report to `trace`. Internal. */
export function traceRuleSet(set: CompiledRuleSet, trace: RuleSetTrace): void {
  impl(set).trace = trace;
}

interface Entry {
  readonly loaded: LoadedRule;
  readonly report: RuleRunReport;
  runner: Runner | null;
  /** What the runner was built from (rebuilt by `restore`); null when the query cannot run. */
  ctx: RunnerContext | null;
  /** The search group (category, indices, window) the rule belongs to. */
  readonly group: SearchGroup;
  /** The group's count when the rule joined it (a rule added by a partial restore): not its searches. */
  searchedBase: number;
  /** The rule's own fingerprint under the set's options, worked out when first needed. */
  fingerprint: string | null;
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
/** A clock of the sequences and how it reads an event's time (see `RuleSetImpl.streamClocks`). */
interface StreamClock {
  readonly clock: EventClock;
  readonly time: (event: EqlEvent) => number | undefined;
}

interface TimeSource {
  readonly read: (event: unknown) => number | null;
  /** The event and epoch `value` was read for (runners also ask about earlier events). */
  event: unknown;
  epoch: number;
  value: number | null;
}

function alertContext(loaded: LoadedRule, spaceId: string, compact: boolean): (at: number) => AlertContext {
  const base = { rule: loaded.rule, ruleUuid: ruleUuidOf(loaded.rule), spaceId, compact };
  return (at) => ({ ...base, now: new Date(at).toISOString() });
}

/** A min-heap of rules by the time their next run becomes final. */
class DueHeap {
  private readonly items: { at: number; rule: number }[] = [];
  get size(): number {
    return this.items.length;
  }
  /** The items in heap order (pushing them in this order rebuilds the same heap). */
  values(): readonly { at: number; rule: number }[] {
    return this.items.map((x) => ({ ...x }));
  }
  peek(): { at: number; rule: number } | undefined {
    return this.items[0];
  }
  push(item: { at: number; rule: number }): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = a[p] as typeof item;
      if (parent.at < item.at || (parent.at === item.at && parent.rule <= item.rule)) break;
      a[i] = parent;
      i = p;
    }
    a[i] = item;
  }
  pop(): { at: number; rule: number } | undefined {
    const less = (x: { at: number; rule: number }, y: { at: number; rule: number }) =>
      x.at < y.at || (x.at === y.at && x.rule < y.rule);
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= a.length) break;
      const r = l + 1;
      const c = r < a.length && less(a[r] as typeof last, a[l] as typeof last) ? r : l;
      if (!less(a[c] as typeof last, last)) break;
      a[i] = a[c] as typeof last;
      i = c;
    }
    a[i] = last;
    return top;
  }
}

function newReport(
  loaded: LoadedRule,
  window: { from: number; to: number } | null,
  mode: RuleRunReport["mode"],
): RuleRunReport {
  return {
    rule_id: loaded.rule.rule_id,
    name: loaded.rule.name,
    ...(window
      ? { window: { from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString() } }
      : {}),
    searched: 0,
    evaluated: 0,
    matched: 0,
    suppressed: 0,
    truncated: false,
    dropped: 0,
    duplicates: 0,
    alerts: 0,
    unbuilt: 0,
    replaced: 0,
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
  private readonly table = sharedFieldTable();
  private readonly index: PresearchIndex | null;
  private readonly all: number[];
  /** Search groups by category field, then by category ("" key: groups of every category). */
  private readonly groups = new Map<
    string,
    { reader: CachedFieldReader; byCategory: Map<string, SearchGroup[]>; any: SearchGroup[] }
  >();
  private readonly indexMatchers = new Map<string, IndexMatcher>();
  private readonly timeSources = new Map<string, TimeSource>();
  /** Where the clock reads event time: `@timestamp` as the rules' mapping or field map places it. */
  private clockField = "@timestamp";
  /** The clock's time source (set once the rules are compiled). */
  private readonly clockTime: TimeSource;
  private readonly seen: Set<string>;
  private readonly counters = {
    events: 0,
    notObjects: 0,
    matched: 0,
    evaluations: 0,
    candidates: 0,
    alerts: 0,
    outsideTime: 0,
  };
  private readonly scheduled: boolean;
  /** One execution without a limit on alerts: matches become alerts as they are found. */
  private readonly streaming: boolean;
  /** The time of the one execution (unused when scheduled). */
  private readonly now: number;
  /** `timeRange` in epoch ms: [from, to); null without one. */
  private readonly range: { from: number; to: number } | null;
  private readonly lateness: number;
  private readonly clock: EventClock;
  private readonly clockOptions: { maxTimeJump: number; now: () => number };
  /**
   * The clocks of the sequences, one per way of reading event time (field and format), moved by every
   * event the set takes (searched or not): a sequence's lateness window, the events it holds as too
   * far ahead and the candidates time releases follow the time of all events (see
   * `StreamOptions.clock`), so its answers for a key do not depend on the events of other keys.
   */
  private readonly streamClocks = new Map<string, StreamClock>();
  /** The rules whose stream holds something the passing of time may release (see `tick`). */
  private readonly waiting = new Set<number>();
  /** Rules whose last `push` left open whether the event matched a term (see `push`); empty between events. */
  private readonly undecided: number[] = [];
  private due = new DueHeap();
  private budget: StateBudget;
  private readonly budgetOptions: { maxBytes?: number };
  private queued: boolean[] = [];
  private ended = false;
  /** Pushed, advanced, ended or restored: no longer fresh for `restore`. */
  private touched = false;
  /** Search groups in the order they were built (the order of their counts in a snapshot). */
  private readonly groupList: SearchGroup[] = [];
  private readonly fingerprintOptions: FingerprintOptions;
  private fingerprintValue: string | null = null;
  private optionsFingerprintValue: string | null = null;
  private eventIndexValue: string | undefined;
  private readonly defaultIndex: string | undefined;
  private readonly indexVerdicts = new Map<IndexMatcher, { epoch: number; ok: boolean }>();
  trace: RuleSetTrace | null = null;

  constructor(
    rules: readonly LoadedRule[],
    options: RuleSetOptions,
    private readonly partition: RulePartition | null = null,
  ) {
    this.rules = [...rules];
    this.defaultIndex = indexName(options.index);
    const windowed = options.window !== false;
    this.scheduled = windowed && options.now === undefined;
    const now = toMillis(options.now ?? Date.now());
    this.now = now;
    const maxSignals = options.maxSignals;
    if (
      maxSignals !== undefined &&
      !(maxSignals === Number.POSITIVE_INFINITY || (Number.isInteger(maxSignals) && maxSignals > 0))
    ) {
      throw new RangeError(`maxSignals must be a positive integer or Infinity, not ${String(maxSignals)}`);
    }
    this.streaming = !this.scheduled && maxSignals === Number.POSITIVE_INFINITY;
    const range = options.timeRange;
    this.range =
      range === undefined
        ? null
        : {
            from: range.from === undefined ? Number.NEGATIVE_INFINITY : toMillis(range.from),
            to: range.to === undefined ? Number.POSITIVE_INFINITY : toMillis(range.to),
          };
    const compact = options.alertFields === "compact";
    if (options.alertFields !== undefined && !compact && options.alertFields !== "full") {
      throw new RangeError(`alertFields must be "full" or "compact", not ${String(options.alertFields)}`);
    }
    const spaceId = options.spaceId ?? "default";
    const lateness = options.lateness ?? 0;
    this.lateness = lateness;
    const clockOptions = {
      maxTimeJump: options.maxTimeJump ?? DEFAULT_MAX_TIME_JUMP,
      now: options.wallClock ?? Date.now,
    };
    this.clock = new EventClock(clockOptions);
    this.clockOptions = clockOptions;
    this.budgetOptions = options.memoryBudget === undefined ? {} : { maxBytes: options.memoryBudget };
    this.budget = new StateBudget(this.budgetOptions);
    this.fingerprintOptions = {
      scheduled: this.scheduled,
      now: this.scheduled ? null : now,
      window: windowed,
      spaceId,
      lateness,
      presearch: options.presearch !== false,
      maxTimeJump: clockOptions.maxTimeJump,
      memoryBudget: options.memoryBudget ?? null,
      valueLists: options.exceptions?.valueLists ?? null,
      maxSignals: maxSignals ?? null,
      timeRange: this.range,
      compact,
    };
    this.queued = this.rules.map(() => false);
    this.seen = options.seen ?? new Set<string>();
    this.index = options.presearch === false ? null : new PresearchIndex(this.table, this.rules.length);
    this.all = this.rules.map((_, i) => i);
    const groupsByKey = new Map<string, SearchGroup>();
    this.rules.forEach((loaded, i) => {
      const { rule } = loaded;
      const lookBack = parseFrom(rule.from) ?? 0;
      const start = now - lookBack;
      const searchWindow = windowed && !this.scheduled;
      const options_ = loaded.compileOptions ?? ruleCompileOptions(rule);
      // Fields the set reads itself (category, window times) are read where the query reads them.
      const mapping = effectiveMapping(options_);
      const categoryField = resolveField(mapping, options_.eventCategoryField ?? "event.category").name;
      let compiled: CompiledQuery | null = null;
      let error: EqlError | undefined;
      try {
        // A rule loaded by this library was compiled against the same table: it runs as loaded.
        // Generated filters are opt-in here: over the set's shared field table they measured slower
        // than the closures every rule shares (see grammar/DESIGN.md).
        const codegen = options.codegen === true;
        const asLoaded = queryInternals(loaded.compiled);
        compiled =
          asLoaded?.table === this.table && asLoaded.options === options_ && asLoaded.codegen === codegen
            ? loaded.compiled
            : compileShared(loaded.compiled.statement, { ...options_, codegen }, this.table);
      } catch (e) {
        if (!(e instanceof EqlError)) throw e;
        error = e;
      }
      const buffered = compiled !== null && compiled.kind === "event" && compiled.statement.pipes.length > 0;
      const report = newReport(
        loaded,
        this.scheduled ? null : { from: start, to: now },
        buffered ? "buffered" : "bounded",
      );
      if (error) report.error = error;
      const query = loaded.compiled.statement.query;
      const category = query.kind === "event" ? query.category : null;
      const overrideField = rule.timestamp_override
        ? resolveField(mapping, rule.timestamp_override).name
        : "";
      const timestampField = resolveField(mapping, "@timestamp").name;
      if (i === 0) this.clockField = timestampField;
      const indexKey = JSON.stringify(rule.index ?? null);
      const key = [
        categoryField,
        category ?? "",
        indexKey,
        overrideField,
        timestampField,
        searchWindow ? start : "",
      ].join("\u0000");
      let group = groupsByKey.get(key);
      if (!group) {
        group = {
          inIndex: this.indexMatcher(indexKey, rule.index),
          time: this.timeSource(overrideField, timestampField),
          start: searchWindow ? start : null,
          end: now,
          count: 0,
          passed: -1,
        };
        groupsByKey.set(key, group);
        this.groupList.push(group);
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
      let runnerCtx: RunnerContext | null = null;
      const internals = compiled ? queryInternals(compiled) : undefined;
      if (compiled && internals) {
        const time = this.timeSource(overrideField, timestampField);
        const ctx: RunnerContext = {
          compiled,
          internals,
          report,
          excepted: compileExceptions(loaded.exceptions, options.exceptions),
          maxSignals: maxSignals ?? rule.max_signals,
          streaming: this.streaming,
          alertContext: alertContext(loaded, spaceId, compact),
          windowTime: (e) => this.timeOf(time, e),
          schedule: this.scheduled
            ? { interval: parseInterval(rule.interval) ?? 300_000, lookBack, lateness }
            : null,
          now,
          lateness,
          budget: this.budget,
          clock: clockOptions,
          streamClock:
            compiled.kind === "sequence"
              ? this.streamClock(mapping, options_.timestampField, internals)
              : null,
          keyOwner: this.keyOwner(loaded, compiled),
          possibleTerms: this.index ? () => (this.index as PresearchIndex).reached(i) : null,
        };
        runnerCtx = ctx;
        runner = buildRunner(ctx);
        if (this.index) {
          this.index.add(i, categoryField, queryPresearch(query, options_));
        }
      }
      this.entries.push({
        loaded,
        report,
        runner,
        ctx: runnerCtx,
        group,
        searchedBase: 0,
        fingerprint: null,
      });
    });
    this.clockTime = this.timeSource("", this.clockField);
  }

  /** A share's sequence holds the state of the share's keys only (see `RulePartition`). */
  private keyOwner(loaded: LoadedRule, compiled: CompiledQuery): KeyOwner | null {
    const partition = this.partition;
    if (partition === null || compiled.kind === "event") return null;
    const index = compiled.kind === "sequence" ? joinIndex(compiled.statement, partition.field) : null;
    if (index === null) {
      throw new Error(`rule ${loaded.rule.rule_id} is not a sequence joined on ${partition.field}`);
    }
    return { index, owns: partition.owns };
  }

  /** The clock of the sequences that read event time as `internals` does. */
  private streamClock(
    mapping: ReturnType<typeof effectiveMapping>,
    timestampField: string | undefined,
    internals: QueryInternals,
  ): EventClock {
    const field = resolveField(mapping, timestampField ?? "@timestamp").name;
    const key = `${field}\u0000${mapping.fields.get(field)?.format ?? ""}`;
    let sc = this.streamClocks.get(key);
    if (!sc) {
      const { timestamp, parseTime } = internals.order;
      sc = {
        clock: new EventClock(this.clockOptions),
        time: (e) => parseTime(timestamp.values(e)[0] ?? null)?.millis,
      };
      this.streamClocks.set(key, sc);
    }
    return sc.clock;
  }

  /**
   * Move the sequences' clocks to the event's time and let the streams waiting for time release what
   * it settles; returns the rules that found matches so (null: none).
   */
  private tick(e: EqlEvent): number[] | null {
    let moved = false;
    for (const sc of this.streamClocks.values()) {
      let t: number | undefined;
      try {
        t = sc.time(e);
      } catch {
        t = undefined;
      }
      // A time refused as too far ahead is counted by the clock; the streams hold such events.
      if (t !== undefined && t > sc.clock.newest && sc.clock.accept(t)) moved = true;
    }
    if (!moved || this.waiting.size === 0) return null;
    let found: number[] | null = null;
    for (const i of this.waiting) {
      const runner = (this.entries[i] as Entry).runner as Runner;
      if (runner.settle?.()) {
        if (found === null) found = [];
        found.push(i);
      }
      if (!runner.waiting?.()) this.waiting.delete(i);
      if (this.scheduled && !this.queued[i]) this.enqueue(i, runner);
    }
    return found;
  }

  private indexMatcher(key: string, patterns: readonly string[] | undefined): IndexMatcher {
    let m = this.indexMatchers.get(key);
    if (!m) {
      m = compileIndexPatterns(patterns);
      this.indexMatchers.set(key, m);
    }
    return m;
  }

  private timeSource(override: string, timestampField: string): TimeSource {
    const key = `${override}\u0000${timestampField}`;
    let source = this.timeSources.get(key);
    if (!source) {
      const ts = this.table.reader([timestampField]);
      const ov = override ? this.table.reader([override]) : null;
      source = {
        read: (e) => (ov ? firstInstant(ov.list(e)) : null) ?? firstInstant(ts.list(e)),
        event: undefined,
        epoch: -1,
        value: null,
      };
      this.timeSources.set(key, source);
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
    if (source.epoch !== this.table.epoch || source.event !== e) {
      source.epoch = this.table.epoch;
      source.event = e;
      try {
        source.value = source.read(e);
      } catch {
        source.value = null;
      }
    }
    return source.value;
  }

  private pass(group: SearchGroup, e: unknown, count: boolean): void {
    if (!this.inIndex(group.inIndex)) return;
    if (group.start !== null) {
      const t = this.timeOf(group.time, e);
      if (t === null || t <= group.start || t > group.end) return;
    }
    if (count) group.count++;
    group.passed = this.table.epoch;
  }

  /** Decide, once per group, which search groups this event belongs to. */
  private searchGroups(e: unknown, count = true): void {
    for (const byField of this.groups.values()) {
      let cats: readonly unknown[] = [];
      try {
        cats = byField.reader.list(e);
      } catch {
        cats = [];
      }
      for (let i = 0; i < cats.length; i++) {
        if (!firstStringAt(cats, i)) continue;
        const list = byField.byCategory.get(cats[i] as string);
        if (list) for (const g of list) this.pass(g, e, count);
      }
      for (const g of byField.any) this.pass(g, e, count);
    }
  }

  /**
   * Count an event as pushed and return it ready to search, or null when no rule searches it (not an
   * object, or outside the time range).
   */
  private admit(event: unknown): EqlEvent | null {
    if (this.ended) throw new Error("push after end()");
    this.touched = true;
    this.counters.events++;
    if (typeof event !== "object" || event === null || Array.isArray(event)) {
      this.counters.notObjects++;
      return null;
    }
    const e = unwrapHit(event) as EqlEvent;
    this.table.next();
    if (this.range) {
      const t = this.timeOf(this.clockTime, e);
      if (t === null || t < this.range.from || t >= this.range.to) {
        this.counters.outsideTime++;
        return null;
      }
    }
    return e;
  }

  /**
   * An event searched elsewhere: counted (its position taken) and its time taken, not searched; the
   * alerts of what its time settled (without a limit on alerts). One execution only.
   */
  skip(event: unknown): AlertDocument[] {
    if (this.scheduled) throw new Error("a scheduled rule set sees every event");
    const e = this.admit(event);
    if (e === null) return [];
    const settled = this.tick(e);
    return settled && this.streaming ? this.emitFound(settled) : [];
  }

  /** See `shadowEvent`. */
  shadow(event: unknown): AlertDocument[] {
    if (this.scheduled) throw new Error("a scheduled rule set sees every event");
    const n = this.counters.events;
    const e = this.admit(event);
    if (e === null) return [];
    let hit = this.streamClocks.size > 0 ? this.tick(e) : null;
    this.eventIndexValue = eventIndex(e) ?? this.defaultIndex;
    // The share that searches the event counts it in the rules' searches.
    this.searchGroups(e, false);
    const epoch = this.table.epoch;
    this.entries.forEach((entry, i) => {
      const runner = entry.runner;
      if (runner?.shadow === undefined || entry.group.passed !== epoch) return;
      if (runner.shadow(e, n)) {
        if (hit === null) hit = [];
        hit.push(i);
      }
      if (runner.waiting?.()) this.waiting.add(i);
    });
    return hit && this.streaming ? this.emitFound(hit) : [];
  }

  /**
   * End of input for a set that searched a share of the events (see `endInShares`): the reports so
   * far and each rule's share of matches.
   */
  endInShares(): { reports: readonly RuleRunReport[]; shares: MatchShare[] } {
    if (this.ended) throw new Error("end() called twice");
    this.ended = true;
    this.touched = true;
    const shares = this.entries.map((entry) => {
      entry.report.searched = searchedBy(entry);
      const share = entry.runner?.share;
      if (entry.runner && !share) throw new Error(`rule ${entry.loaded.rule.rule_id} cannot be shared`);
      return share ? share() : { total: 0, max: 0, matches: [] };
    });
    return { reports: this.entries.map((e) => e.report), shares };
  }

  push(event: unknown): AlertDocument[] {
    const n = this.counters.events;
    const e = this.admit(event);
    if (e === null) return [];
    const settled = this.streamClocks.size > 0 ? this.tick(e) : null;
    this.eventIndexValue = eventIndex(e) ?? this.defaultIndex;
    this.searchGroups(e);
    let candidates: readonly number[];
    let indexed = false;
    try {
      candidates = this.index ? this.index.candidates(e) : this.all;
      indexed = this.index !== null;
    } catch {
      // A hostile object (a throwing getter) cannot be indexed: every rule looks at it.
      candidates = this.all;
    }
    this.counters.candidates += candidates.length;
    const epoch = this.table.epoch;
    let any = false;
    // Without a limit, the rules that matched give their alerts now (made only when one did).
    let hit: number[] | null = null;
    // Sequences that left open whether the event matched one of their terms (it only let time pass
    // for them): asked only when no rule is known to have matched it, for `stats().matched`.
    const undecided = this.undecided;
    if (undecided.length > 0) undecided.length = 0;
    for (let c = 0; c < candidates.length; c++) {
      const i = candidates[c] as number;
      const entry = this.entries[i] as Entry;
      if (entry.runner === null || entry.group.passed !== epoch) continue;
      this.counters.evaluations++;
      entry.report.evaluated++;
      const matched = entry.runner.push(e, n, indexed);
      if (matched === null && !any) undecided.push(i);
      if (matched !== false) {
        if (matched) any = true;
        if (this.streaming) {
          if (hit === null) hit = [];
          hit.push(i);
        }
        // Only an event pushed into a stream can leave it waiting for time.
        if (entry.runner.waiting?.()) this.waiting.add(i);
      }
      if (this.scheduled && !this.queued[i]) this.enqueue(i, entry.runner);
    }
    for (let u = 0; u < undecided.length && !any; u++) {
      const runner = (this.entries[undecided[u] as number] as Entry).runner as Runner;
      if (runner.matchedSome?.(e)) any = true;
    }
    // Setting the length calls into the runtime even for an empty array.
    if (undecided.length > 0) undecided.length = 0;
    if (any) {
      this.counters.matched++;
      this.trace?.matched();
    }
    if (this.streaming) {
      if (settled) hit = hit ? [...settled, ...hit] : settled;
      return hit ? this.emitFound(hit) : [];
    }
    return this.scheduled ? this.advance(e) : [];
  }

  /**
   * One execution without a limit: the alerts of the matches the rules `hit` just found (by the
   * event or by the time it brought), in rule order.
   */
  private emitFound(hit: number[]): AlertDocument[] {
    const out: AlertDocument[] = [];
    if (hit.length > 1) {
      hit.sort((a, b) => a - b);
      hit = hit.filter((r, k) => k === 0 || r !== hit[k - 1]);
    }
    for (const i of hit) {
      const before = out.length;
      for (const a of ((this.entries[i] as Entry).runner as Runner).due(this.now, this.seen)) out.push(a);
      if (out.length > before) this.trace?.run(this.now, i, out.length - before);
    }
    this.counters.alerts += out.length;
    return out;
  }

  private enqueue(rule: number, runner: Runner): void {
    const at = runner.nextDue();
    if (at === null) return;
    this.due.push({ at, rule });
    this.queued[rule] = true;
  }

  /** Move the clock to the event's time (within `maxTimeJump`) and finish the runs it passed. */
  private advance(e: EqlEvent): AlertDocument[] {
    const t = this.timeOf(this.clockTime, e);
    if (t !== null) this.clock.accept(t);
    return this.finishRuns();
  }

  advanceTo(time: number): AlertDocument[] {
    if (this.ended) throw new Error("advanceTo after end()");
    this.touched = true;
    if (!this.scheduled || !Number.isFinite(time)) return [];
    // The caller's own clock (a timer at the wall clock) is trusted: no jump guard.
    if (time > this.clock.newest) this.clock.newest = time;
    for (const sc of this.streamClocks.values()) if (time > sc.clock.newest) sc.clock.newest = time;
    // Time has passed for the sequences too: what it settles goes into their runs.
    this.entries.forEach((entry, i) => {
      const runner = entry.runner;
      if (runner?.pass === undefined) return;
      runner.pass(time);
      if (!this.queued[i]) this.enqueue(i, runner);
    });
    return this.finishRuns();
  }

  /** Finish every run the clock has passed by more than the lateness. */
  private finishRuns(): AlertDocument[] {
    const now = this.currentClock();
    const out: AlertDocument[] = [];
    if (now === null) return out;
    for (let top = this.due.peek(); top && top.at + this.lateness < now; top = this.due.peek()) {
      this.due.pop();
      this.queued[top.rule] = false;
      const runner = (this.entries[top.rule] as Entry).runner as Runner;
      const before = out.length;
      for (const a of runner.due(now, this.seen)) out.push(a);
      this.trace?.run(top.at, top.rule, out.length - before);
      this.enqueue(top.rule, runner);
    }
    this.counters.alerts += out.length;
    return out;
  }

  pushBatch(events: Iterable<unknown>): AlertDocument[] {
    const out: AlertDocument[] = [];
    for (const e of events) for (const a of this.push(e)) out.push(a);
    return out;
  }

  end(): AlertDocument[] {
    if (this.ended) throw new Error("end() called twice");
    this.ended = true;
    this.touched = true;
    const out: AlertDocument[] = [];
    this.entries.forEach((entry, i) => {
      entry.report.searched = searchedBy(entry);
      if (!entry.runner) return;
      const before = out.length;
      for (const a of entry.runner.finish(this.seen)) out.push(a);
      this.trace?.run(Number.POSITIVE_INFINITY, i, out.length - before);
    });
    this.counters.alerts += out.length;
    return out;
  }

  reports(): readonly RuleRunReport[] {
    for (const entry of this.entries) entry.report.searched = searchedBy(entry);
    return this.entries.map((e) => e.report);
  }

  /** The newest accepted event time, or null before any. */
  private currentClock(): number | null {
    return Number.isFinite(this.clock.newest) ? this.clock.newest : null;
  }

  private fingerprint(): string {
    this.fingerprintValue ??= ruleSetFingerprint(this.rules, this.fingerprintOptions);
    return this.fingerprintValue;
  }

  private optionsFingerprint(): string {
    this.optionsFingerprintValue ??= ruleSetFingerprint([], this.fingerprintOptions);
    return this.optionsFingerprintValue;
  }

  private ruleFingerprint(entry: Entry): string {
    entry.fingerprint ??= ruleSetFingerprint([entry.loaded], this.fingerprintOptions);
    return entry.fingerprint;
  }

  snapshot(): RuleSetSnapshot {
    if (this.ended) {
      throw new EqlSnapshotError(SnapshotErrorCodes.ENDED, "A rule set cannot be snapshot after end()");
    }
    const table = new EventTable();
    const rules = this.entries.map((entry) => ({
      rule_id: entry.loaded.rule.rule_id,
      fingerprint: this.ruleFingerprint(entry),
      report: reportState(entry.report, searchedBy(entry)),
      runner: entry.runner ? entry.runner.save(table) : null,
    }));
    return {
      format: RULE_SET_SNAPSHOT_FORMAT,
      version: RULE_SET_SNAPSHOT_VERSION,
      fingerprint: this.fingerprint(),
      options: this.optionsFingerprint(),
      events: table.events,
      counters: { ...this.counters },
      clock: { newest: finiteOrNull(this.clock.newest), futureSetAside: this.clock.futureSetAside },
      due: this.due.values().map((d) => [d.at, d.rule] as const),
      seen: [...this.seen],
      groups: this.groupList.map((g) => g.count),
      budget: this.budget.saveTotals(),
      rules,
    };
  }

  restore(snapshot: RuleSetSnapshot, options: RestoreOptions = {}): void {
    if (this.touched) {
      throw new EqlSnapshotError(
        SnapshotErrorCodes.NOT_FRESH,
        "Only a fresh rule set can restore a snapshot (this one was fed, advanced, ended or restored)",
      );
    }
    const partial = options.partial === true;
    const kindOf = (e: Entry) => (e.ctx ? (e.ctx.compiled.kind === "event" ? "event" : "stream") : null);
    const snap = checkRuleSetSnapshot(
      snapshot,
      partial
        ? { partial: true, options: this.optionsFingerprint() }
        : {
            fingerprint: this.fingerprint(),
            ruleIds: this.entries.map((e) => e.loaded.rule.rule_id),
            runners: this.entries.map(kindOf),
            groups: this.groupList.length,
          },
    );
    // Which rule of the snapshot each rule takes up (null: it starts fresh).
    const from: (number | null)[] = partial ? this.matchRules(snap, kindOf) : this.entries.map((_, i) => i);
    // Everything is rebuilt aside first, so a snapshot that fails half-way leaves the set as it was.
    const budget = new StateBudget(this.budgetOptions);
    const contexts = this.entries.map((e) => (e.ctx ? { ...e.ctx, budget } : null));
    let runners: (Runner | null)[];
    try {
      runners = contexts.map((ctx, i) => {
        if (!ctx) return null;
        const j = from[i] ?? null;
        const state = j === null ? null : (snap.rules[j]?.runner ?? null);
        return state ? buildRunner(ctx, { state, events: snap.events }) : buildRunner(ctx);
      });
      budget.restoreTotals(snap.budget);
    } catch (e) {
      if (e instanceof EqlSnapshotError) throw e;
      throw new EqlSnapshotError(
        SnapshotErrorCodes.INVALID,
        `Snapshot cannot be restored: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    this.touched = true;
    this.budget = budget;
    // Search groups: counted as the snapshot counted them (whole), or as their restored rules
    // searched (partial: the groups may differ); a rule that starts fresh counts from there.
    if (partial) {
      for (const g of this.groupList) g.count = 0;
      this.entries.forEach((entry, i) => {
        const j = from[i] ?? null;
        if (j !== null) {
          const searched = (snap.rules[j] as { report: ReportState }).report.searched;
          if (searched > entry.group.count) entry.group.count = searched;
        }
      });
    } else {
      snap.groups.forEach((n, i) => {
        (this.groupList[i] as SearchGroup).count = n;
      });
    }
    this.entries.forEach((entry, i) => {
      entry.ctx = contexts[i] ?? null;
      entry.runner = runners[i] ?? null;
      const j = from[i] ?? null;
      if (j === null) {
        entry.searchedBase = entry.group.count;
        return;
      }
      const saved = (snap.rules[j] as { report: ReportState }).report;
      for (const k of REPORT_COUNTS) entry.report[k] = saved[k] ?? 0;
      entry.report.truncated = saved.truncated;
      entry.searchedBase = entry.group.count - saved.searched;
    });
    // The streams that hold something time may release (their clocks came back with them).
    this.waiting.clear();
    this.entries.forEach((entry, i) => {
      if (entry.runner?.waiting?.()) this.waiting.add(i);
    });
    for (const k of COUNTERS) this.counters[k] = snap.counters[k] ?? 0;
    this.clock.newest = snap.clock.newest ?? Number.NEGATIVE_INFINITY;
    this.clock.futureSetAside = snap.clock.futureSetAside;
    this.due = new DueHeap();
    this.queued = this.rules.map(() => false);
    const position = new Map<number, number>();
    from.forEach((j, i) => {
      if (j !== null) position.set(j, i);
    });
    for (const [at, j] of snap.due) {
      const rule = position.get(j);
      if (rule === undefined) continue;
      this.due.push({ at, rule });
      this.queued[rule] = true;
    }
    for (const id of snap.seen) this.seen.add(id);
  }

  /**
   * For each rule, the snapshot rule it takes up in a partial restore: the first one not yet taken
   * with the same rule_id, fingerprint and kind of runner; null when there is none.
   */
  private matchRules(
    snap: RuleSetSnapshot,
    kindOf: (e: Entry) => "event" | "stream" | null,
  ): (number | null)[] {
    const taken = new Set<number>();
    return this.entries.map((entry) => {
      const fingerprint = this.ruleFingerprint(entry);
      const kind = kindOf(entry);
      const j = snap.rules.findIndex(
        (r, k) =>
          !taken.has(k) &&
          r.rule_id === entry.loaded.rule.rule_id &&
          r.fingerprint === fingerprint &&
          (r.runner === null ? null : r.runner.kind) === kind,
      );
      if (j < 0) return null;
      taken.add(j);
      return j;
    });
  }

  stats(): RuleSetStats {
    return {
      ...this.counters,
      clock: this.currentClock(),
      futureEvents: this.clock.futureSetAside,
      outsideTime: this.counters.outsideTime,
      presearch: this.index
        ? this.index.stats()
        : { indexedRules: 0, alwaysRules: this.rules.length, terms: 0, checks: 0 },
      fields: this.table.size,
      state: { ...this.budget.stats },
    };
  }
}

/** The report counters a snapshot carries. Internal. */
export const REPORT_COUNTS = [
  "searched",
  "evaluated",
  "matched",
  "suppressed",
  "dropped",
  "duplicates",
  "alerts",
  "unbuilt",
  "replaced",
  "skipped",
  "late",
  "capped",
] as const satisfies readonly (keyof ReportState)[];

/** The set's counters a snapshot carries. */
const COUNTERS = [
  "events",
  "notObjects",
  "matched",
  "evaluations",
  "candidates",
  "alerts",
  "outsideTime",
] as const;

function reportState(report: RuleRunReport, searched: number): ReportState {
  const out: Record<string, number | boolean> = { truncated: report.truncated };
  for (const k of REPORT_COUNTS) out[k] = report[k];
  out.searched = searched;
  return out as unknown as ReportState;
}

/** The events a rule has searched: its group's count since the rule joined it. */
function searchedBy(entry: Entry): number {
  return entry.group.count - entry.searchedBase;
}

/** The runner of a rule: by its query's kind, resumed from `restore` when given. */
function buildRunner(ctx: RunnerContext, restore?: RunnerRestore): Runner {
  return ctx.compiled.kind === "event" ? eventRunner(ctx, restore) : streamRunner(ctx, restore);
}

/** Compile `rules` into one rule set (see `CompiledRuleSet`). A rule whose query cannot run reports its error. */
export function compileRules(rules: readonly LoadedRule[], options: RuleSetOptions = {}): CompiledRuleSet {
  return new RuleSetImpl(rules, ownOptions(options));
}

/**
 * A share of a parallel rule set that holds the state of some values of `field` (`host.id`): its
 * sequences, each joined on `field`, keep partial sequences only for keys whose value there `owns`.
 */
export interface RulePartition {
  readonly field: string;
  readonly owns: (value: Scalar) => boolean;
}

/**
 * `compileRules` for a share of a parallel rule set (see `RulePartition`). Every sequence and sample
 * must be a sequence joined on the partition's field. Internal.
 */
export function compilePartitionedRules(
  rules: readonly LoadedRule[],
  options: RuleSetOptions,
  partition: RulePartition,
): CompiledRuleSet {
  return new RuleSetImpl(rules, ownOptions(options), partition);
}

/**
 * An event another share searches that holds keys of this share too (see `Runner.shadow`): counted
 * and timed as `passEvent` does, and given to the sequences for this share's keys. Internal.
 */
export function shadowEvent(set: CompiledRuleSet, event: unknown): AlertDocument[] {
  return impl(set).shadow(event);
}
