/**
 * What a `ParallelRuleSet` runs in each worker thread (or in the calling thread, for one worker): a
 * `CompiledRuleSet` of its whole rules, pushed every event, and (when events are shared out) one of
 * the partitioned rules, pushed the events of its hosts and told of the others. It is given the raw
 * bytes of the input and parses them itself (src/node/input/records.ts), so each whole rule sees
 * exactly the events and clock it sees in one rule set. Its answers tag every alert with what orders
 * it among the other shards' alerts: the record that made it certain, the time its run was due and
 * its rule's index in the whole set.
 */
import { deserialize } from "node:v8";
import { EqlError } from "../../errors.js";
import type { AlertDocument } from "../../rules/alert.js";
import type { MatchShare } from "../../rules/rule-runners.js";
import {
  type CompiledRuleSet,
  compilePartitionedRules,
  compileRules,
  endInShares,
  passEvent,
  type RuleRunReport,
  type RuleSetOptions,
  type RuleSetStats,
  shadowEvent,
  traceRuleSet,
} from "../../rules/rule-set.js";
import type { LoadedRule } from "../../rules/types.js";
import { fieldReader } from "../../runtime/fields.js";
import { fnv1a } from "../../runtime/fnv.js";
import type { CompiledQuery } from "../../types.js";
import { DEFAULT_MAX_LINE_BYTES, RecordReader } from "../input/records.js";
import type { SourceShape } from "../input/shapes.js";

/** The part of a loaded rule a worker needs, in a form that crosses threads (no functions). */
export interface RuleSource {
  readonly rule: LoadedRule["rule"];
  readonly statement: CompiledQuery["statement"];
  readonly compileOptions?: LoadedRule["compileOptions"];
  readonly exceptions: LoadedRule["exceptions"];
  readonly origin: LoadedRule["origin"];
  readonly defaulted: LoadedRule["defaulted"];
}

/** A loaded rule as it is sent to a worker; compile options holding functions cannot be sent. */
export function ruleSource(r: LoadedRule): RuleSource {
  const o = r.compileOptions;
  if (o && (o.functions !== undefined || o.filter !== undefined)) {
    throw new TypeError(
      `rule ${r.rule.rule_id}: compile options with functions or a filter cannot be sent to worker threads`,
    );
  }
  return {
    rule: r.rule,
    statement: r.compiled.statement,
    ...(o ? { compileOptions: o } : {}),
    exceptions: r.exceptions,
    origin: r.origin,
    defaulted: r.defaulted,
  };
}

/**
 * The rule again. A rule set compiles each query anew from its statement (with shared field reads),
 * which is all it reads of `compiled`, so the worker does not compile it a first time.
 */
export function fromSource(s: RuleSource): LoadedRule {
  const compiled = { statement: s.statement } as CompiledQuery;
  return {
    rule: s.rule,
    compiled,
    ...(s.compileOptions ? { compileOptions: s.compileOptions } : {}),
    exceptions: s.exceptions,
    origin: s.origin,
    defaulted: s.defaulted,
  };
}

/** Alerts of one rule's runs that one record (or the end) made certain. */
export interface RunAlerts {
  /** The record's index in its chunk (events and rejected lines, as read); -1 at the end. */
  readonly record: number;
  /** When the run was due (`Infinity` at the end). */
  readonly at: number;
  /** The rule's index in the whole rule set. */
  readonly rule: number;
  /** A partitioned rule's run (its alerts are made in several shards). */
  readonly shared?: true;
  readonly alerts: AlertDocument[];
}

/** A line that is not an event. */
export interface RejectedLine {
  /** Its index among the chunk's records. */
  readonly index: number;
  readonly line: number;
  readonly reason: string;
}

/** What a shard found in a chunk of input. */
export interface ChunkResult {
  /** Records (events and rejected lines) completed by the chunk. */
  readonly records: number;
  /** The rejected lines among them (only from the shard that reports records). */
  readonly rejected: RejectedLine[];
  /** The records that were events and matched one of the shard's rules. */
  readonly matched: number[];
  readonly runs: RunAlerts[];
  readonly stats: RuleSetStats;
  /** The source's shape as read so far (only from the shard that reports records). */
  readonly shape?: SourceShape;
}

/** What a shard gives at the end. */
export interface EndResult {
  readonly runs: RunAlerts[];
  /** The reports of the shard's whole rules (`ShardSetup.indexes`), in that order. */
  readonly reports: readonly RuleRunReport[];
  /** The reports of the partitioned rules over the shard's events, in the order of their indexes. */
  readonly partReports?: readonly RuleRunReport[];
  /**
   * With a limit on alerts: each partitioned rule's share of matches (its newest `max_signals` over
   * the shard's events, alerts built), for the calling thread to choose from (see `alertShares`).
   */
  readonly shares?: readonly MatchShare[];
  readonly stats: RuleSetStats;
}

/** An operation on a shard; operations are answered in the order they are given. */
export type ShardOp =
  | { readonly op: "begin"; readonly file: string }
  | { readonly op: "bytes"; readonly bytes: Uint8Array }
  | { readonly op: "finish" }
  | { readonly op: "abort" }
  | { readonly op: "advance"; readonly time: number }
  /**
   * New rules for the shard, as `RuleSource`s serialized with `v8.serialize`, and their indexes: its
   * whole rules and (when events are shared out) the partitioned rules.
   */
  | {
      readonly op: "replace";
      readonly rules: Uint8Array;
      readonly indexes: readonly number[];
      readonly partRules?: Uint8Array;
      readonly partIndexes?: readonly number[];
    }
  | { readonly op: "end" };

/** Events shared out between shards by host: which shard searches the partitioned rules on which. */
export interface PartitionSetup {
  /** The partitioned rules' indexes in the whole set, ascending (the same in every shard). */
  readonly indexes: readonly number[];
  /** This shard's number. */
  readonly worker: number;
  /** The shard that holds the hosts of bucket k (see `bucketOf`), `HOST_BUCKETS` of them. */
  readonly buckets: readonly number[];
}

/** How a shard is set up (it crosses to a worker as `workerData`, with the rules serialized). */
export interface ShardSetup {
  /** The indexes in the whole set of the shard's whole rules (run over every event), ascending. */
  readonly indexes: readonly number[];
  /** The partitioned rules, when events are shared out (one execution only). */
  readonly partition?: PartitionSetup;
  /** The rule set's options; `now` fixed by the caller, so every shard has the same. */
  readonly options: Omit<RuleSetOptions, "wallClock">;
  /** Report rejected lines (one shard does, so they are reported once). */
  readonly reportRecords: boolean;
  readonly maxLineBytes?: number;
}

/** A shard's reply to an operation. */
export type ShardReply = ChunkResult | EndResult | null;

/** A compiled rule set of some of the rules, and the runs it reported during the current push. */
interface Part {
  set: CompiledRuleSet;
  /** Its rules' indexes in the whole set. */
  indexes: readonly number[];
  /** (at, local rule, count) triples. */
  pending: number[];
}

/**
 * Runs its whole rules over every event and, when events are shared out, the partitioned rules over
 * the events whose first `host.id` value is in one of its buckets. The partitioned rule set still
 * counts the other events and takes their time (`passEvent`), so each event has the same position
 * (the last tie-break of event order) and the sequences the same clock in every shard as in one rule
 * set; an event with another `host.id` value of this shard's goes to its sequences (`shadowEvent`).
 */
export class RuleShard {
  private readonly whole: Part;
  private readonly part: Part | null;
  private readonly partition: PartitionSetup | undefined;
  private readonly options: ShardSetup["options"];
  /** With a limit on alerts the partitioned rules end in shares; without, their alerts stream. */
  private readonly inShares: boolean;
  private readonly reportRecords: boolean;
  private readonly maxLineBytes: number;
  private reader: RecordReader | null = null;
  private hit = false;
  /** Whether this shard holds the hosts of bucket k. */
  private readonly mine: readonly boolean[];
  /** The current event's `host.id` values are all of one bucket (its keys are this shard's). */
  private oneHost = true;

  constructor(rules: readonly LoadedRule[], partRules: readonly LoadedRule[], setup: ShardSetup) {
    this.reportRecords = setup.reportRecords;
    this.maxLineBytes = setup.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.options = setup.options;
    this.partition = setup.partition;
    this.inShares = setup.options.maxSignals !== Number.POSITIVE_INFINITY;
    const partition = setup.partition;
    this.mine = partition ? partition.buckets.map((w) => w === partition.worker) : [];
    this.whole = this.compile(rules, setup.indexes);
    this.part = partition ? this.compile(partRules, partition.indexes, undefined, true) : null;
  }

  private compile(
    rules: readonly LoadedRule[],
    indexes: readonly number[],
    into?: Part,
    shared = false,
  ): Part {
    const part: Part = into ?? { set: null as unknown as CompiledRuleSet, indexes, pending: [] };
    const set = shared
      ? compilePartitionedRules(rules, this.options, {
          field: PARTITION_FIELD,
          owns: (v) => this.oneHost || this.mine[bucketOf(v)] === true,
        })
      : compileRules(rules, this.options);
    traceRuleSet(set, {
      run: (at, rule, alerts) => {
        if (alerts > 0) part.pending.push(at, rule, alerts);
      },
      matched: () => {
        this.hit = true;
      },
    });
    if (into) set.restore(into.set.snapshot(), { partial: true });
    part.set = set;
    part.indexes = indexes;
    return part;
  }

  /**
   * Run `rules` (at `indexes` in the whole set) from now on, in place of this shard's whole rules, and
   * `partRules` in place of its partitioned rules: the rules found unchanged keep their state (a
   * partial restore of each set's snapshot), the input being read stays where it is.
   */
  replaceRules(
    rules: readonly LoadedRule[],
    indexes: readonly number[],
    partRules: readonly LoadedRule[] = [],
    partIndexes: readonly number[] = [],
  ): void {
    this.compile(rules, indexes, this.whole);
    if (this.part) this.compile(partRules, partIndexes, this.part, true);
  }

  handle(op: ShardOp): ShardReply {
    switch (op.op) {
      case "begin":
        this.reader = new RecordReader(op.file, this.maxLineBytes);
        return null;
      case "bytes": {
        const reader = this.source();
        return this.take(reader.write(op.bytes), reader);
      }
      case "finish": {
        const reader = this.source();
        this.reader = null;
        return this.take(reader.end(), reader);
      }
      case "abort":
        this.reader = null;
        return null;
      case "replace": {
        const sources = (bytes: Uint8Array | undefined) =>
          bytes ? (deserialize(bytes) as RuleSource[]).map(fromSource) : [];
        this.replaceRules(sources(op.rules), op.indexes, sources(op.partRules), op.partIndexes);
        return null;
      }
      case "advance": {
        const runs: RunAlerts[] = [];
        this.collect(this.whole, -1, this.whole.set.advanceTo(op.time), runs);
        if (this.part) this.collect(this.part, -1, this.part.set.advanceTo(op.time), runs);
        return { records: 0, rejected: [], matched: [], runs, stats: this.stats() };
      }
      case "end": {
        const runs: RunAlerts[] = [];
        this.collect(this.whole, -1, this.whole.set.end(), runs);
        const part = this.part;
        if (!part) return { runs, reports: this.whole.set.reports(), stats: this.stats() };
        if (this.inShares) {
          const { reports, shares } = endInShares(part.set);
          return {
            runs,
            reports: this.whole.set.reports(),
            partReports: reports,
            shares,
            stats: this.stats(),
          };
        }
        this.collect(part, -1, part.set.end(), runs);
        return {
          runs,
          reports: this.whole.set.reports(),
          partReports: part.set.reports(),
          stats: this.stats(),
        };
      }
    }
  }

  /**
   * The shard's totals: counts of events from the whole rules' set (it sees every event), work summed
   * over both sets; the partitioned rules' index counted by the first shard only.
   */
  private stats(): RuleSetStats {
    const whole = this.whole.set.stats();
    if (!this.part) return whole;
    const part = this.part.set.stats();
    const first = this.partition?.worker === 0;
    const presearch = {
      indexedRules: whole.presearch.indexedRules + (first ? part.presearch.indexedRules : 0),
      alwaysRules: whole.presearch.alwaysRules + (first ? part.presearch.alwaysRules : 0),
      terms: whole.presearch.terms + (first ? part.presearch.terms : 0),
      checks: whole.presearch.checks + (first ? part.presearch.checks : 0),
    };
    const state: Record<string, number> = { ...whole.state };
    for (const [k, v] of Object.entries(part.state)) state[k] = (state[k] ?? 0) + v;
    return {
      ...whole,
      evaluations: whole.evaluations + part.evaluations,
      candidates: whole.candidates + part.candidates,
      alerts: whole.alerts + part.alerts,
      presearch,
      fields: whole.fields + part.fields,
      state: state as unknown as RuleSetStats["state"],
    };
  }

  private source(): RecordReader {
    if (!this.reader) throw new Error("input bytes outside a source");
    return this.reader;
  }

  /** Push the records' events. */
  private take(records: ReturnType<RecordReader["write"]>, reader: RecordReader): ChunkResult {
    const rejected: RejectedLine[] = [];
    const matched: number[] = [];
    const runs: RunAlerts[] = [];
    const { whole, part } = this;
    for (let i = 0; i < records.length; i++) {
      const r = records[i] as (typeof records)[number];
      if (r.kind === "event") {
        this.hit = false;
        if (part) {
          const alerts = whole.set.push(r.event);
          if (alerts.length > 0) this.collect(whole, i, alerts, runs);
          const route = this.route(r.event);
          // Searched here (the first host.id's bucket is this shard's); given to the sequences for
          // this shard's keys (another host.id's is); or only counted, its time taken.
          const mine =
            route === SEARCH
              ? part.set.push(r.event)
              : route === SHADOW
                ? shadowEvent(part.set, r.event)
                : passEvent(part.set, r.event);
          if (mine.length > 0) this.collect(part, i, mine, runs);
        } else {
          const alerts = whole.set.push(r.event);
          if (alerts.length > 0) this.collect(whole, i, alerts, runs);
        }
        if (this.hit) matched.push(i);
      } else if (r.kind === "rejected" && this.reportRecords) {
        rejected.push({ index: i, line: r.line, reason: r.reason });
      }
    }
    return {
      records: records.length,
      rejected,
      matched,
      runs,
      stats: this.stats(),
      ...(this.reportRecords ? { shape: reader.shape() } : {}),
    };
  }

  /** What this shard does with an event's partitioned rules (see `take`); sets `oneHost`. */
  private route(event: unknown): number {
    let values: readonly unknown[];
    try {
      values = hostIds.values(event);
    } catch {
      values = [];
    }
    const first = values.length === 0 ? 0 : bucketOf(values[0]);
    let route = this.mine[first] ? SEARCH : PASS;
    this.oneHost = true;
    for (let k = 1; k < values.length; k++) {
      const b = bucketOf(values[k]);
      if (b === first) continue;
      this.oneHost = false;
      if (route === PASS && this.mine[b]) route = SHADOW;
    }
    return route;
  }

  /** Cut `alerts` into the runs `part`'s rule set reported, tagged with the rules' global indexes. */
  private collect(part: Part, record: number, alerts: AlertDocument[], runs: RunAlerts[]): void {
    const p = part.pending;
    let from = 0;
    for (let k = 0; k < p.length; k += 3) {
      const n = p[k + 2] as number;
      runs.push({
        record,
        at: p[k] as number,
        rule: part.indexes[p[k + 1] as number] as number,
        ...(part === this.part ? { shared: true as const } : {}),
        alerts: alerts.slice(from, from + n),
      });
      from += n;
    }
    part.pending = [];
  }
}

/** A report's error as it crosses threads (an `EqlError` loses its class and fields on the way). */
export function sendableReports(reports: readonly RuleRunReport[]): RuleRunReport[] {
  return reports.map((r) =>
    r.error ? { ...r, error: { ...r.error, message: r.error.message, name: r.error.name } as EqlError } : r,
  );
}

/** The reports' errors as `EqlError`s again. */
export function restoredReports(reports: readonly RuleRunReport[]): RuleRunReport[] {
  return reports.map((r) => {
    if (!r.error || r.error instanceof EqlError) return r;
    const error = Object.assign(Object.create(EqlError.prototype) as EqlError, r.error);
    return { ...r, error };
  });
}

/** The field events are shared out by: its values' buckets say which shard holds their keys. */
export const PARTITION_FIELD = "host.id";
const hostIds = fieldReader([PARTITION_FIELD]);

/** Buckets of `host.id` values, each held by one shard. */
export const HOST_BUCKETS = 64;

const SEARCH = 0;
const SHADOW = 1;
const PASS = 2;

/**
 * The bucket of a `host.id` value: a hash of its text. A number and a text that give the same key
 * (as a keyword, a number or its text join alike) give the same text here; values that are not text,
 * numbers or booleans (none: a missing key) share bucket 0.
 */
export function bucketOf(value: unknown): number {
  let text: string;
  if (typeof value === "number") text = `#${value}`;
  else if (typeof value === "string") {
    // Every text a key normalises to a number reads as that number here too (infinities included).
    const n = value.trim() === "" ? Number.NaN : Number(value);
    text = Number.isNaN(n) ? `s${value}` : `#${n}`;
  } else if (typeof value === "boolean") text = `s${value}`;
  else return 0;
  return fnv1a(text) % HOST_BUCKETS;
}
