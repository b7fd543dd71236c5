/**
 * What a `ParallelRuleSet` runs in each worker thread (or in the calling thread, for one worker): a
 * `CompiledRuleSet` of its whole rules, pushed every event, and (when events are shared out) one of
 * the partitioned rules, pushed its share of the events and told of the others. It is given the raw
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
  compileRules,
  endInShares,
  passEvent,
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
  /** When events are shared out: what the chunk cost the shard, to share out the next ones. */
  readonly load?: ShardLoad;
}

/**
 * Milliseconds a shard spent on a chunk: on the partitioned rules over its own events (`partMs`), and
 * on everything else (`wholeMs`: reading the records, the whole rules, counting the other events).
 */
export interface ShardLoad {
  readonly events: number;
  readonly wholeMs: number;
  readonly owned: number;
  readonly partMs: number;
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
  /** With `slots`, the shard shares out events that way from this chunk on (see `PartitionSetup`). */
  | { readonly op: "bytes"; readonly bytes: Uint8Array; readonly slots?: readonly number[] }
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

/** Events shared out between shards: which shard searches the partitioned rules on which events. */
export interface PartitionSetup {
  /** The partitioned rules' indexes in the whole set, ascending (the same in every shard). */
  readonly indexes: readonly number[];
  /** This shard's number. */
  readonly worker: number;
  /** The shard that searches event number k (from 0, in input order): `slots[k % slots.length]`. */
  readonly slots: readonly number[];
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
 * its share of the events, chosen by their number in input order, which every shard counts alike.
 * The partitioned rule set still counts the other events (`passEvent`), so each event has the same
 * position (the last tie-break of event order) in every shard as in one rule set.
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
  /** Events read so far (the number that decides which shard searches the partitioned rules). */
  private events = 0;
  /** Whether this shard searches the partitioned rules on event k, by k mod its length. */
  private mine: readonly boolean[];

  constructor(rules: readonly LoadedRule[], partRules: readonly LoadedRule[], setup: ShardSetup) {
    this.reportRecords = setup.reportRecords;
    this.maxLineBytes = setup.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.options = setup.options;
    this.partition = setup.partition;
    this.inShares = setup.options.maxSignals !== Number.POSITIVE_INFINITY;
    this.whole = this.compile(rules, setup.indexes);
    this.part = setup.partition ? this.compile(partRules, setup.partition.indexes) : null;
    const partition = setup.partition;
    this.mine = partition ? partition.slots.map((w) => w === partition.worker) : [];
  }

  private compile(rules: readonly LoadedRule[], indexes: readonly number[], into?: Part): Part {
    const part: Part = into ?? { set: null as unknown as CompiledRuleSet, indexes, pending: [] };
    const set = compileRules(rules, this.options);
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
    if (this.part) this.compile(partRules, partIndexes, this.part);
  }

  handle(op: ShardOp): ShardReply {
    switch (op.op) {
      case "begin":
        this.reader = new RecordReader(op.file, this.maxLineBytes);
        return null;
      case "bytes": {
        const worker = this.partition?.worker;
        if (op.slots && worker !== undefined) this.mine = op.slots.map((w) => w === worker);
        const started = performance.now();
        const reader = this.source();
        return this.take(reader.write(op.bytes), reader, started);
      }
      case "finish": {
        const started = performance.now();
        const reader = this.source();
        this.reader = null;
        return this.take(reader.end(), reader, started);
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

  /**
   * Push the records' events; `started` is when the chunk's bytes came (reading them counts in what
   * the chunk cost, which shares out the next ones).
   */
  private take(
    records: ReturnType<RecordReader["write"]>,
    reader: RecordReader,
    started: number,
  ): ChunkResult {
    const rejected: RejectedLine[] = [];
    const matched: number[] = [];
    const runs: RunAlerts[] = [];
    const { whole, part } = this;
    let events = 0;
    let owned = 0;
    let partMs = 0;
    for (let i = 0; i < records.length; i++) {
      const r = records[i] as (typeof records)[number];
      if (r.kind === "event") {
        this.hit = false;
        if (part) {
          const alerts = whole.set.push(r.event);
          events++;
          if (alerts.length > 0) this.collect(whole, i, alerts, runs);
          if (this.mine[this.events % this.mine.length]) {
            const t2 = performance.now();
            const mine = part.set.push(r.event);
            partMs += performance.now() - t2;
            owned++;
            if (mine.length > 0) this.collect(part, i, mine, runs);
          } else {
            // Its time may still settle a sequence of this shard's keys.
            const settled = passEvent(part.set, r.event);
            if (settled.length > 0) this.collect(part, i, settled, runs);
          }
          this.events++;
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
      ...(part ? { load: { events, wholeMs: performance.now() - started - partMs, owned, partMs } } : {}),
    };
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
