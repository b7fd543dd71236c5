/**
 * A share of a rule set's rules over every event: the unit a `ParallelRuleSet` runs in each worker
 * thread (or in the calling thread, for one worker). It is given the raw bytes of the input, parses
 * them itself (src/node/input/records.ts) and pushes every event into a `CompiledRuleSet` of its
 * rules, so each rule sees exactly the events and clock it sees in one rule set. Its answers tag
 * every alert with what orders it among the other shares' alerts: the record that made it certain,
 * the time its run was due and its rule's index in the whole set.
 */
import { deserialize } from "node:v8";
import { EqlError } from "../../errors.js";
import type { AlertDocument } from "../../rules/alert.js";
import {
  type CompiledRuleSet,
  compileRules,
  type RuleRunReport,
  type RuleSetOptions,
  type RuleSetStats,
  traceRuleSet,
} from "../../rules/rule-set.js";
import type { LoadedRule } from "../../rules/types.js";
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
  readonly reports: readonly RuleRunReport[];
  readonly stats: RuleSetStats;
}

/** An operation on a shard; operations are answered in the order they are given. */
export type ShardOp =
  | { readonly op: "begin"; readonly file: string }
  | { readonly op: "bytes"; readonly bytes: Uint8Array }
  | { readonly op: "finish" }
  | { readonly op: "abort" }
  | { readonly op: "advance"; readonly time: number }
  /** New rules for the shard, as `RuleSource`s serialized with `v8.serialize`, and their indexes. */
  | { readonly op: "replace"; readonly rules: Uint8Array; readonly indexes: readonly number[] }
  | { readonly op: "end" };

/** How a shard is set up (it crosses to a worker as `workerData`, with the rules serialized). */
export interface ShardSetup {
  /** The shard's rules' indexes in the whole set, ascending. */
  readonly indexes: readonly number[];
  /** The rule set's options; `now` fixed by the caller, so every shard has the same. */
  readonly options: Omit<RuleSetOptions, "wallClock">;
  /** Report rejected lines (one shard does, so they are reported once). */
  readonly reportRecords: boolean;
  readonly maxLineBytes?: number;
}

/** A shard's reply to an operation. */
export type ShardReply = ChunkResult | EndResult | null;

export class RuleShard {
  private set: CompiledRuleSet;
  private indexes: readonly number[];
  private readonly options: ShardSetup["options"];
  private readonly reportRecords: boolean;
  private readonly maxLineBytes: number;
  private reader: RecordReader | null = null;
  /** The runs the rule set reported during the current push: (at, local rule, count) triples. */
  private pending: number[] = [];
  private hit = false;

  constructor(rules: readonly LoadedRule[], setup: ShardSetup) {
    this.indexes = setup.indexes;
    this.reportRecords = setup.reportRecords;
    this.maxLineBytes = setup.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.options = setup.options;
    this.set = this.compile(rules);
  }

  private compile(rules: readonly LoadedRule[]): CompiledRuleSet {
    const set = compileRules(rules, this.options);
    traceRuleSet(set, {
      run: (at, rule, alerts) => {
        if (alerts > 0) this.pending.push(at, rule, alerts);
      },
      matched: () => {
        this.hit = true;
      },
    });
    return set;
  }

  /**
   * Run `rules` (at `indexes` in the whole set) from now on, in place of this shard's: the rules found unchanged keep
   * their state (a partial restore of the set's snapshot), the input being read stays where it is.
   */
  replaceRules(rules: readonly LoadedRule[], indexes: readonly number[]): void {
    const next = this.compile(rules);
    next.restore(this.set.snapshot(), { partial: true });
    this.set = next;
    this.indexes = indexes;
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
      case "replace":
        this.replaceRules((deserialize(op.rules) as RuleSource[]).map(fromSource), op.indexes);
        return null;
      case "advance": {
        const runs: RunAlerts[] = [];
        this.collect(-1, this.set.advanceTo(op.time), runs);
        return { records: 0, rejected: [], matched: [], runs, stats: this.set.stats() };
      }
      case "end": {
        const runs: RunAlerts[] = [];
        this.collect(-1, this.set.end(), runs);
        return { runs, reports: this.set.reports(), stats: this.set.stats() };
      }
    }
  }

  private source(): RecordReader {
    if (!this.reader) throw new Error("input bytes outside a source");
    return this.reader;
  }

  private take(records: ReturnType<RecordReader["write"]>, reader: RecordReader): ChunkResult {
    const rejected: RejectedLine[] = [];
    const matched: number[] = [];
    const runs: RunAlerts[] = [];
    for (let i = 0; i < records.length; i++) {
      const r = records[i] as (typeof records)[number];
      if (r.kind === "event") {
        this.hit = false;
        const alerts = this.set.push(r.event);
        if (this.hit) matched.push(i);
        if (alerts.length > 0) this.collect(i, alerts, runs);
      } else if (r.kind === "rejected" && this.reportRecords) {
        rejected.push({ index: i, line: r.line, reason: r.reason });
      }
    }
    return {
      records: records.length,
      rejected,
      matched,
      runs,
      stats: this.set.stats(),
      ...(this.reportRecords ? { shape: reader.shape() } : {}),
    };
  }

  /** Cut `alerts` into the runs the rule set reported, tagged with the rules' global indexes. */
  private collect(record: number, alerts: AlertDocument[], runs: RunAlerts[]): void {
    const p = this.pending;
    let from = 0;
    for (let k = 0; k < p.length; k += 3) {
      const n = p[k + 2] as number;
      runs.push({
        record,
        at: p[k] as number,
        rule: this.indexes[p[k + 1] as number] as number,
        alerts: alerts.slice(from, from + n),
      });
      from += n;
    }
    this.pending = [];
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
