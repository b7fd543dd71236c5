/**
 * A rule set that runs in threads: the calling thread runs the first share, with the rules it was
 * given (compiled once, when they were loaded), and worker threads run the others. Every share is
 * given every chunk of input bytes and parses the lines itself (src/node/parallel/shard.ts), so every
 * worker knows every event, its position and its time, and the clocks agree without messages. The
 * calling thread merges the answers chunk by chunk, in input order, and orders the alerts of one
 * event as one rule set does (by the time their run was due, then rule order), and those of `end()`
 * by rule. With one worker every rule runs in the calling thread, through the same code.
 *
 * Which worker runs what:
 * - With one execution (`now` or `window: false`) and more than one worker, events are shared out by
 *   host: each worker holds the `host.id` values of some of 64 buckets (`bucketOf`; events without
 *   one share a bucket) and runs the partitioned rules on the events of its hosts, so all the work an
 *   event costs them (reading its fields, the index, the evaluations, the sequences' state) is done
 *   once, in one worker. The partitioned rules are event rules without pipes and, with a limit on
 *   alerts, sequences joined on `host.id` (`partitionableRules`): an event rule's verdict on an event
 *   depends on no other event, and a sequence joined on `host.id` only joins events of one host. A
 *   worker still counts every other event (its position, the last tie-break of event order) and
 *   takes its time, so the sequences' clocks, and with them what is late, held or released by time,
 *   are those of one rule set (see `StreamOptions.clock`). An event with several `host.id` values
 *   is searched by the worker of the first, and given to the sequences of every other worker that
 *   holds one of them, each keeping the state of its own keys only (`KeyOwner`).
 * - Whole rules run in one worker over every event, so they see exactly the events and clock they
 *   see in one rule set: samples, sequences not joined on `host.id` (or without a limit), event rules
 *   with `| head`/`| tail`, rules sharing a rule_id or rule uuid (their alert ids could collide), and
 *   every rule of scheduled runs, where a rule runs only when it keeps a match and a match alerts in
 *   the first run with room for it, so the runs of one host depend on the matches of others.
 * - Without a limit on alerts, partitioned rules' alerts come as each event is searched, and the
 *   calling thread leaves out the ones another worker made before (alert ids seen), counted as
 *   duplicates; with a limit each worker keeps each partitioned rule's newest `max_signals` matches
 *   (by the ordinal of their last event) with their alerts built, and at the end the calling thread
 *   takes the newest `max_signals` of all (`alertShares`, as one rule set) and de-duplicates them.
 *   Reports are summed field by field.
 *
 * The whole rules all go to the first worker when their estimated cost is at most a worker's part of
 * the total (a whole rule reads and indexes every event in the worker that has it, so spreading them
 * would repeat that per worker); that worker then holds fewer buckets. The buckets are given out once,
 * by those estimates: a host's sequences keep their state in the worker that holds it, so the
 * buckets cannot move as the input goes. Costlier whole rules are spread by cost, as in scheduled
 * runs. The memory budget is split between the workers in proportion to the whole rules each runs
 * when no partitioned rule holds state (all of it goes with the whole rules to one worker, whose
 * rules then evict as in one rule set), evenly otherwise: which entries a full budget evicts can then
 * differ from one rule set's.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { serialize } from "node:v8";
import { Worker } from "node:worker_threads";
import { DEFAULT_STATE_BYTES } from "../../engine/budget.js";
import { effectiveMapping } from "../../field-map.js";
import { resolveField } from "../../mapping.js";
import { type AlertDocument, ruleUuidOf } from "../../rules/alert.js";
import { toMillis } from "../../rules/duration.js";
import { ruleCompileOptions } from "../../rules/from-object.js";
import { joinIndex } from "../../rules/joins.js";
import { queryPresearch } from "../../rules/presearch.js";
import type { MatchShare } from "../../rules/rule-runners.js";
import { alertShares } from "../../rules/rule-runners.js";
import {
  REPORT_COUNTS,
  type RuleRunReport,
  type RuleSetOptions,
  type RuleSetStats,
} from "../../rules/rule-set.js";
import type { LoadedRule } from "../../rules/types.js";
import type { SourceShape } from "../input/shapes.js";
import type { WorkerReply, WorkerSetup } from "./protocol.js";
import {
  type ChunkResult,
  type EndResult,
  HOST_BUCKETS,
  PARTITION_FIELD,
  RuleShard,
  type RunAlerts,
  restoredReports,
  ruleSource,
  type ShardOp,
  type ShardReply,
  type ShardSetup,
} from "./shard.js";

/** Options of a `ParallelRuleSet`: those of a rule set (but a wall clock function), and the threads. */
export interface ParallelRuleSetOptions extends Omit<RuleSetOptions, "wallClock"> {
  /**
   * Threads that run rules (default `os.availableParallelism()`, at most one per rule): the calling
   * thread runs the first share, with the rules as given, and N - 1 worker threads the others; 1 runs
   * every rule in the calling thread. The memory budget is split between them (evenly, or with one
   * execution and no shared sequence by the whole rules each runs). With one execution the events
   * are shared out by host (see the module comment). Every thread parses every line: over Elastic's
   * 1,024 rules on two cores, two threads measured about 0.9x the throughput of one (README,
   * "Measured").
   */
  workers?: number;
  /** The longest NDJSON line in bytes; longer lines are rejected (default 64 MiB). */
  maxLineBytes?: number;
  /** Path of the worker script (default: `rule-worker.js` shipped beside this module). */
  workerScript?: string;
}

/** A line of input that is not an event, where it is. */
export interface RejectedRecord {
  /** Its index among the chunk's records. */
  readonly index: number;
  readonly file: string;
  readonly line: number;
  readonly reason: string;
}

/** What one chunk of input (or the end of a source) gave, in input order. */
export interface ChunkOutcome {
  /** Records completed: events and rejected lines (blank lines are not records). */
  readonly records: number;
  readonly events: number;
  readonly rejected: readonly RejectedRecord[];
  /** Alerts made certain, by the index of the record (an event) that made them certain, ascending. */
  readonly alerts: readonly { readonly record: number; readonly alerts: readonly AlertDocument[] }[];
  /**
   * What the source holds, as read so far: plain documents, search hits, `_search` responses or a
   * `_bulk` body (decided by its first JSON object), and its layout (NDJSON, JSON array, JSON).
   */
  readonly shape: SourceShape;
}

/** A worker thread failed or stopped: the run cannot go on (its message says which and why). */
export class WorkerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WorkerError";
  }
}

/** Where a share of the rules runs: answers operations in order. */
interface Lane {
  post(op: ShardOp): Promise<ShardReply>;
  close(): Promise<void>;
}

/** A share run in the calling thread. */
class LocalLane implements Lane {
  constructor(private readonly shard: RuleShard) {}
  post(op: ShardOp): Promise<ShardReply> {
    try {
      return Promise.resolve(this.shard.handle(op));
    } catch (e) {
      return Promise.reject(e);
    }
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** A share run in a worker thread; it holds the process only while it has work. */
class ThreadLane implements Lane {
  private readonly worker: Worker;
  private readonly pending: { resolve: (r: ShardReply) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | null = null;
  private closing = false;

  constructor(script: string, setup: WorkerSetup, name: string) {
    this.worker = new Worker(script, { workerData: setup });
    this.worker.unref();
    this.worker.on("message", (reply: WorkerReply) => {
      const p = this.pending.shift();
      if (this.pending.length === 0) this.worker.unref();
      if (!p) return;
      if ("error" in reply) {
        const e = new WorkerError(`${name} failed: ${reply.error}`);
        p.reject(e);
        this.fail(e);
      } else p.resolve(reply.result);
    });
    this.worker.on("error", (e) => this.fail(new WorkerError(`${name} failed: ${e.message}`)));
    this.worker.on("exit", (code) => {
      if (!this.closing) this.fail(new WorkerError(`${name} stopped unexpectedly (exit code ${code})`));
    });
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const p of this.pending.splice(0)) p.reject(this.failure);
    this.worker.unref();
  }

  post(op: ShardOp): Promise<ShardReply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      if (this.pending.length === 0) this.worker.ref();
      this.pending.push({ resolve, reject });
      this.worker.postMessage(op);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    // The process must wait for the thread to stop, or it ends here with whatever status was set so
    // far, before the caller reports its outcome. Neither the worker's own handle (unreferenced while
    // idle) nor terminate() keeps the event loop alive for that on Node 20, so a timer does.
    const alive = setInterval(() => {}, 60_000);
    try {
      await this.worker.terminate();
    } finally {
      clearInterval(alive);
    }
  }
}

/** The worker script: beside this module in dist/node or dist/cli, or in dist/node from a shared chunk. */
function defaultWorkerScript(): string {
  const here = typeof __filename === "string" ? __filename : fileURLToPath(import.meta.url);
  const dir = here.slice(0, Math.max(here.lastIndexOf("/"), here.lastIndexOf("\\")) + 1);
  for (const candidate of [`${dir}rule-worker.js`, `${dir}node/rule-worker.js`]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`mini-eql: the rule worker script was not found beside ${here} (run the built package)`);
}

/**
 * A deterministic estimate of what a rule costs per event: every term without a literal the index can
 * use is evaluated on each event of its category (or on every event), and sequences and samples keep
 * state besides.
 */
function ruleCost(loaded: LoadedRule): number {
  const query = loaded.compiled.statement.query;
  // Measured over the corpus rules: a sequence or sample costs about ten times an event rule per
  // event (its stages' filters, keys and state); 16 makes the whole rules' share of the cost come out
  // as measured (0.6 of the partitioned rules').
  let cost = query.kind === "event" ? 1 : 16;
  try {
    const options = loaded.compileOptions ?? ruleCompileOptions(loaded.rule);
    for (const alt of queryPresearch(query, options)) {
      const open = alt.terms === null || alt.terms.length === 0;
      cost += open ? (alt.category === null ? 16 : 4) : 1;
    }
  } catch {
    cost += 4;
  }
  return cost;
}

/**
 * Rules' indexes per worker, each list ascending: greedily, the costliest rule (group) to the least
 * loaded worker. Rules with the same rule_id stay together (their alerts could share ids).
 */
export function assignRules(rules: readonly LoadedRule[], workers: number): number[][] {
  const groups = new Map<string, { cost: number; rules: number[] }>();
  rules.forEach((r, i) => {
    const id = r.rule.rule_id;
    const g = groups.get(id) ?? { cost: 0, rules: [] };
    g.cost += ruleCost(r);
    g.rules.push(i);
    groups.set(id, g);
  });
  const sorted = [...groups.values()].sort(
    (a, b) => b.cost - a.cost || (a.rules[0] as number) - (b.rules[0] as number),
  );
  const load = new Array<number>(workers).fill(0);
  const out: number[][] = Array.from({ length: workers }, () => []);
  for (const g of sorted) {
    let w = 0;
    for (let k = 1; k < workers; k++) if ((load[k] as number) < (load[w] as number)) w = k;
    load[w] = (load[w] as number) + g.cost;
    (out[w] as number[]).push(...g.rules);
  }
  for (const list of out) list.sort((a, b) => a - b);
  return out.filter((list) => list.length > 0);
}

/**
 * The rules whose answer over all events can be put together from their answers over the events of
 * shares of the hosts (see the module comment), by index: event rules without pipes and, with
 * `sequences` (a limit on alerts: they end in shares), sequences joined on `host.id` as the events
 * hold it (no field map renaming it, not read as a date); each with a rule_id and rule uuid no other
 * rule has (their alert ids then collide with no other rule's).
 */
export function partitionableRules(rules: readonly LoadedRule[], sequences = false): number[] {
  const count = (keys: string[]) => {
    const n = new Map<string, number>();
    for (const k of keys) n.set(k, (n.get(k) ?? 0) + 1);
    return (k: string) => n.get(k) ?? 0;
  };
  const ids = count(rules.map((r) => r.rule.rule_id));
  const uuids = count(rules.map((r) => ruleUuidOf(r.rule)));
  const out: number[] = [];
  rules.forEach((r, i) => {
    const { statement } = r.compiled;
    if (statement.pipes.length > 0) return;
    if (statement.query.kind !== "event" && !(sequences && joinedOnHost(r))) return;
    if (ids(r.rule.rule_id) === 1 && uuids(ruleUuidOf(r.rule)) === 1) out.push(i);
  });
  return out;
}

/** A sequence joined on `host.id`, read from the events' own `host.id` as text or number. */
function joinedOnHost(r: LoadedRule): boolean {
  const { statement } = r.compiled;
  if (statement.query.kind !== "sequence" || joinIndex(statement, PARTITION_FIELD) === null) return false;
  try {
    const mapping = effectiveMapping(r.compileOptions ?? ruleCompileOptions(r.rule));
    const field = resolveField(mapping, PARTITION_FIELD);
    const type = mapping.fields.get(field.name)?.type;
    return field.name === PARTITION_FIELD && type !== "date" && type !== "date_nanos";
  } catch {
    return false;
  }
}

/** The rules at `indexes`. */
function rulesAt(rules: readonly LoadedRule[], indexes: readonly number[]): LoadedRule[] {
  return indexes.map((k) => rules[k] as LoadedRule);
}

/**
 * `count` slots, each naming a worker, in proportion to `weights` and interleaved (each slot goes to
 * the worker furthest behind its part so far), so a worker's events are spread through the input.
 */
export function spreadSlots(weights: readonly number[], count: number): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const given = new Array<number>(weights.length).fill(0);
  const slots: number[] = [];
  for (let k = 1; k <= count; k++) {
    let best = 0;
    let behind = Number.NEGATIVE_INFINITY;
    weights.forEach((weight, w) => {
      const d = (weight / total) * k - (given[w] as number);
      if (d > behind) {
        behind = d;
        best = w;
      }
    });
    given[best] = (given[best] as number) + 1;
    slots.push(best);
  }
  return slots;
}

/** One rule's reports over shares of the events as one: counts summed, truncated when one was. */
function sumReports(reports: readonly RuleRunReport[]): RuleRunReport {
  const out: RuleRunReport = { ...(reports[0] as RuleRunReport) };
  for (const k of REPORT_COUNTS) {
    let n = 0;
    for (const r of reports) n += r[k];
    out[k] = n;
  }
  out.truncated = reports.some((r) => r.truncated);
  return out;
}

const byRecordAtRule = (a: RunAlerts, b: RunAlerts): number =>
  a.record - b.record || (a.at < b.at ? -1 : a.at > b.at ? 1 : 0) || a.rule - b.rule;

/**
 * Many rules over NDJSON (or JSON array) input in worker threads, the rules spread and (with one
 * execution) the events of event rules shared out between them (see the module comment). Give it bytes or text with `write` (or, to see rejected lines, `feed` between `begin` and
 * `finish`), then `end()`; it gives the alerts one `CompiledRuleSet` gives, in the same order, and the
 * same `reports()` and `stats()` (totals summed over workers). The workers start at construction and
 * compile their rules meanwhile; `close()` stops them.
 */
export class ParallelRuleSet {
  /** The rules, in the order of their reports (changed by `replaceRules`). */
  rules: readonly LoadedRule[];
  /** Worker threads (1: the rules run in the calling thread). */
  readonly workers: number;
  private readonly lanes: Lane[];
  /** Each share's whole rules (run over every event). */
  private indexes: number[][];
  /** Events are shared out: more than one worker and one execution (see the module comment). */
  private readonly sharing: boolean;
  /** With a limit on alerts: the partitioned rules end in shares (sequences joined by host can). */
  private readonly inShares: boolean;
  /** The partitioned rules (when sharing), each run by every worker over the events of its hosts. */
  private partIndexes: number[] = [];
  private isPart: boolean[] = [];
  /** The worker that holds the hosts of each bucket (see `bucketOf`). */
  private buckets: number[] = [];
  /** Alerts of partitioned rules that two workers both made (without a limit), by rule_id: left out. */
  private readonly duplicates = new Map<string, number>();
  /** Alerts the calling thread made or left out, to add to the workers' count. */
  private alertsAdded = 0;
  /** The first share, run in the calling thread (with one worker, the only one). */
  private readonly local: RuleShard;
  private readonly seen: Set<string> | undefined;
  private latest: RuleSetStats[] | null = null;
  private matched = 0;
  private final: RuleRunReport[] | null = null;
  private file: string | null = null;
  private ended = false;

  constructor(rules: readonly LoadedRule[], options: ParallelRuleSetOptions = {}) {
    const { workers, maxLineBytes, workerScript, ...setOptions } = options;
    this.rules = [...rules];
    const n = Math.max(1, Math.min(Math.floor(workers ?? availableParallelism()), rules.length));
    const scheduled = setOptions.window !== false && setOptions.now === undefined;
    this.sharing = n > 1 && !scheduled;
    this.inShares = setOptions.maxSignals !== Number.POSITIVE_INFINITY;
    if (n === 1) this.indexes = [rules.map((_, i) => i)];
    else if (!this.sharing) this.indexes = assignRules(rules, n);
    else this.indexes = this.share(this.rules, n);
    this.workers = this.indexes.length;
    this.seen = setOptions.seen ?? (this.sharing ? new Set<string>() : undefined);
    // Every share must have the same `now` (the default is the time of construction).
    const base: ShardSetup["options"] = {
      ...setOptions,
      ...(scheduled ? {} : { now: toMillis(setOptions.now ?? Date.now()) }),
    };
    const budget = setOptions.memoryBudget ?? DEFAULT_STATE_BYTES;
    // Only sequences and samples hold state. When none is partitioned, each worker's part of the
    // budget is its part of the whole rules (all of it when they all run in one worker, whose rules
    // then evict as in one rule set); when some are, or nothing is shared, an even split.
    const wholeRules = this.indexes.reduce((n, list) => n + list.length, 0);
    const partState = this.partIndexes.some((k) => (this.rules[k] as LoadedRule).compiled.kind !== "event");
    const budgetOf = (indexes: readonly number[]) =>
      this.sharing && !partState && wholeRules > 0 && indexes.length > 0
        ? (budget * indexes.length) / wholeRules
        : budget / this.workers;
    const setup = (indexes: number[], i: number): ShardSetup => ({
      indexes,
      ...(this.sharing ? { partition: { indexes: this.partIndexes, worker: i, buckets: this.buckets } } : {}),
      options: this.workers === 1 ? base : { ...base, memoryBudget: budgetOf(indexes) },
      reportRecords: i === 0,
      ...(maxLineBytes === undefined ? {} : { maxLineBytes }),
    });
    // The calling thread runs the first share itself, with the rules as it loaded (and compiled)
    // them; threads run the others. A thread for every share would leave the calling thread idle
    // while each thread compiled its rules again, one compilation more than there are cores.
    const first = setup(this.indexes[0] as number[], 0);
    // Each share keeps its own copy of the alert ids seen, as a thread does (see `remember`).
    const own = first.options.seen && this.workers > 1 ? { seen: new Set(first.options.seen) } : {};
    this.local = new RuleShard(
      rulesAt(this.rules, this.indexes[0] as number[]),
      this.sharing ? rulesAt(this.rules, this.partIndexes) : [],
      {
        ...first,
        options: { ...first.options, ...own },
      },
    );
    this.lanes = [new LocalLane(this.local)];
    if (this.workers > 1) {
      const script = workerScript ?? defaultWorkerScript();
      const partRules = this.sharing ? this.sources(this.rules, this.partIndexes) : undefined;
      this.indexes.forEach((indexes, i) => {
        if (i === 0) return;
        this.lanes.push(
          new ThreadLane(
            script,
            {
              rules: this.sources(this.rules, indexes),
              ...(partRules ? { partRules } : {}),
              shard: setup(indexes, i),
            },
            `rule worker ${i + 1} of ${this.workers}`,
          ),
        );
      });
    }
  }

  private sources(rules: readonly LoadedRule[], indexes: readonly number[]): Uint8Array {
    return serialize(rulesAt(rules, indexes).map(ruleSource));
  }

  /**
   * Events shared out between `n` workers: the partitioned rules go to every worker; the others
   * (whole rules) all go to the first when their estimated cost is at most a worker's fair part of
   * the whole cost, and that worker searches the partitioned rules on fewer events, so that every
   * worker has about its fair part. A whole rule searches every event in the worker that has it, so
   * spreading them would make two workers read and index every event for them. Costlier whole rules
   * are spread by cost as without sharing, and the events shared evenly. Every worker has a list of
   * whole rules, maybe empty.
   */
  private share(rules: readonly LoadedRule[], n: number): number[][] {
    this.partIndexes = partitionableRules(rules, this.inShares);
    this.isPart = rules.map(() => false);
    for (const k of this.partIndexes) this.isPart[k] = true;
    const whole = rules.map((_, i) => i).filter((i) => !this.isPart[i]);
    const cost = (list: readonly number[]) => list.reduce((c, i) => c + ruleCost(rules[i] as LoadedRule), 0);
    const wholeCost = cost(whole);
    const partCost = cost(this.partIndexes);
    const fair = (wholeCost + partCost) / n;
    let lists: number[][];
    let weights: number[];
    if (partCost > 0 && wholeCost <= fair) {
      lists = Array.from({ length: n }, (_, w) => (w === 0 ? whole : []));
      weights = Array.from({ length: n }, (_, w) => (w === 0 ? fair - wholeCost : fair));
    } else {
      lists = assignRules(
        whole.map((i) => rules[i] as LoadedRule),
        n,
      ).map((list) => list.map((j) => whole[j] as number));
      while (lists.length < n) lists.push([]);
      weights = new Array<number>(n).fill(1);
    }
    this.buckets = spreadSlots(weights, HOST_BUCKETS);
    return lists;
  }

  private async step(op: ShardOp): Promise<ShardReply[]> {
    if (this.ended) throw new Error("the rule set has ended");
    // Threads first: they work on the operation while the calling thread runs its own share.
    const threads = this.lanes.slice(1).map((l) => l.post(op));
    const local = (this.lanes[0] as Lane).post(op);
    return Promise.all([local, ...threads]);
  }

  /**
   * Run `rules` from now on (edited rule files loaded again): the rules whose rule_id and definition
   * are unchanged keep their state, sequences half-way included (see `CompiledRuleSet.restore` with
   * `partial`); the others start fresh. A rule_id that was running stays on its share (its state is
   * there); new ones go to the least loaded share. Operations given before go on with the old rules.
   */
  async replaceRules(rules: readonly LoadedRule[]): Promise<void> {
    if (this.ended) throw new Error("the rule set has ended");
    const shares = this.lanes.length;
    if (this.sharing) {
      this.partIndexes = partitionableRules(rules, this.inShares);
      this.isPart = rules.map(() => false);
      for (const k of this.partIndexes) this.isPart[k] = true;
    }
    const shareOf = new Map<string, number>();
    this.indexes.forEach((indexes, w) => {
      for (const k of indexes) shareOf.set((this.rules[k] as LoadedRule).rule.rule_id, w);
    });
    const load = new Array<number>(shares).fill(0);
    const indexes: number[][] = Array.from({ length: shares }, () => []);
    const place = (k: number, w: number) => {
      (indexes[w] as number[]).push(k);
      load[w] = (load[w] as number) + ruleCost(rules[k] as LoadedRule);
    };
    const added: number[] = [];
    rules.forEach((r, k) => {
      if (this.isPart[k]) return;
      const w = shareOf.get(r.rule.rule_id);
      if (w === undefined) added.push(k);
      else place(k, w);
    });
    for (const k of added) {
      const id = (rules[k] as LoadedRule).rule.rule_id;
      let w = shareOf.get(id);
      if (w === undefined) {
        w = 0;
        for (let x = 1; x < shares; x++) if ((load[x] as number) < (load[w] as number)) w = x;
        // Rules with the same rule_id stay together (their alerts could share ids).
        shareOf.set(id, w);
      }
      place(k, w);
    }
    for (const list of indexes) list.sort((a, b) => a - b);
    this.rules = [...rules];
    this.indexes = indexes;
    const partIndexes = this.partIndexes;
    const partRules = this.sharing ? this.sources(rules, partIndexes) : undefined;
    await Promise.all(
      this.lanes.map((lane, w) => {
        const mine = indexes[w] as number[];
        if (w === 0) {
          this.local.replaceRules(rulesAt(rules, mine), mine, rulesAt(rules, partIndexes), partIndexes);
          return Promise.resolve();
        }
        const sources = this.sources(rules, mine);
        return lane.post({
          op: "replace",
          rules: sources,
          indexes: mine,
          ...(partRules ? { partRules, partIndexes } : {}),
        });
      }),
    );
  }

  /** Begin a source (a file); rejected lines are reported under its name. */
  begin(file: string): void {
    this.file = file;
    this.step({ op: "begin", file }).catch(() => {});
  }

  /**
   * The next bytes (or text) of the current source. Calls may overlap: their outcomes come in the
   * order of the calls.
   */
  async feed(chunk: Uint8Array | string): Promise<ChunkOutcome> {
    if (this.file === null) this.begin("<input>");
    const file = this.file as string;
    let bytes: Uint8Array = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    if (this.lanes.length > 1) {
      // One copy that every worker reads.
      const shared = new Uint8Array(new SharedArrayBuffer(bytes.byteLength));
      shared.set(bytes);
      bytes = shared;
    }
    return this.merge(await this.step({ op: "bytes", bytes }), file);
  }

  /** The current source has ended: the records its last line held. */
  async finish(): Promise<ChunkOutcome> {
    const file = this.file ?? "<input>";
    this.file = null;
    return this.merge(await this.step({ op: "finish" }), file);
  }

  /** The current source could not be read to its end: drop what is held of it (an unfinished line). */
  abort(): void {
    this.file = null;
    this.step({ op: "abort" }).catch(() => {});
  }

  /**
   * Scheduled runs: move every share's clock to `time` (epoch ms) without an event, e.g. from a timer
   * at the wall clock (see `CompiledRuleSet.advanceTo`); the alerts of the runs it finished come in
   * the outcome, with no records. Calls may overlap with `feed`: outcomes come in call order.
   */
  async advanceTo(time: number): Promise<ChunkOutcome> {
    return this.merge(await this.step({ op: "advance", time }), this.file ?? "<input>");
  }

  /** Feed NDJSON text or bytes (lines may span calls); the alerts they made certain. */
  async write(chunk: Uint8Array | string): Promise<AlertDocument[]> {
    return flatten(await this.feed(chunk));
  }

  /** No more input: every remaining alert (see `CompiledRuleSet.end`). */
  async end(): Promise<AlertDocument[]> {
    const last = this.file !== null ? flatten(await this.finish()) : [];
    const replies = (await this.step({ op: "end" })) as EndResult[];
    this.ended = true;
    this.latest = replies.map((r) => r.stats);
    const reports: RuleRunReport[] = new Array(this.rules.length);
    replies.forEach((r, i) => {
      const indexes = this.indexes[i] as number[];
      restoredReports(r.reports).forEach((report, j) => {
        reports[indexes[j] as number] = report;
      });
    });
    let runs = this.dedupe(replies.flatMap((r) => r.runs).sort(byRecordAtRule));
    if (this.sharing) {
      const seen = this.seen as Set<string>;
      this.partIndexes.forEach((k, j) => {
        const report = sumReports(restoredReports(replies.map((r) => r.partReports?.[j] as RuleRunReport)));
        const duplicates = this.duplicates.get(report.rule_id) ?? 0;
        report.alerts -= duplicates;
        report.duplicates += duplicates;
        reports[k] = report;
        const shares = replies.map((r) => r.shares?.[j]);
        if (shares.some((s) => s === undefined)) return;
        // The newest max_signals of all shares' matches: the alerts one rule set makes at the end.
        const alerts = alertShares(shares as MatchShare[], report, seen);
        this.alertsAdded += alerts.length;
        if (alerts.length > 0) runs.push({ record: -1, at: Number.POSITIVE_INFINITY, rule: k, alerts });
      });
      runs = runs.sort(byRecordAtRule);
    }
    this.final = reports;
    const out = last;
    for (const run of runs) for (const a of run.alerts) out.push(a);
    this.remember(runs);
    return out;
  }

  private merge(replies: ShardReply[], file: string): ChunkOutcome {
    const results = replies as ChunkResult[];
    const first = results[0] as ChunkResult;
    this.latest = results.map((r) => r.stats);
    let runs: RunAlerts[];
    if (results.length === 1) {
      this.matched += first.matched.length;
      runs = first.runs;
    } else {
      const matched = new Set<number>();
      for (const r of results) for (const i of r.matched) matched.add(i);
      this.matched += matched.size;
      runs = this.dedupe(results.flatMap((r) => r.runs).sort(byRecordAtRule));
    }
    this.remember(runs);
    const alerts: { record: number; alerts: AlertDocument[] }[] = [];
    for (const run of runs) {
      const last = alerts[alerts.length - 1];
      if (last && last.record === run.record) last.alerts.push(...run.alerts);
      else alerts.push({ record: run.record, alerts: [...run.alerts] });
    }
    return {
      records: first.records,
      events: first.records - first.rejected.length,
      rejected: first.rejected.map((r) => ({ ...r, file })),
      alerts,
      shape: first.shape ?? { responses: 0, kibana: 0, deletes: 0 },
    };
  }

  /**
   * Without a limit, partitioned rules' alerts come from several workers, each knowing only its own
   * alert ids: one that another worker made before (in input order) is left out here, as one rule
   * set leaves it out, and counted as a duplicate.
   */
  private dedupe(runs: RunAlerts[]): RunAlerts[] {
    if (!this.sharing) return runs;
    const seen = this.seen as Set<string>;
    const out: RunAlerts[] = [];
    for (const run of runs) {
      if (!run.shared) {
        out.push(run);
        continue;
      }
      const alerts = run.alerts.filter((a) => {
        const id = a["kibana.alert.uuid"] as string;
        if (!seen.has(id)) {
          seen.add(id);
          return true;
        }
        const ruleId = a["kibana.alert.rule.rule_id"] as string;
        this.duplicates.set(ruleId, (this.duplicates.get(ruleId) ?? 0) + 1);
        this.alertsAdded--;
        return false;
      });
      if (alerts.length > 0) out.push(alerts.length === run.alerts.length ? run : { ...run, alerts });
    }
    return out;
  }

  /**
   * Alerts made in workers go into the caller's `seen` set too, as one rule set keeps them: by the
   * id of each match's first alert (a sequence's shell, not its building blocks).
   */
  private remember(runs: readonly RunAlerts[]): void {
    if (!this.seen || this.workers === 1) return;
    for (const run of runs) {
      for (const a of run.alerts) {
        if (a["kibana.alert.building_block_type"] === undefined)
          this.seen.add(a["kibana.alert.uuid"] as string);
      }
    }
  }

  /** Per-rule reports, in rule order; final once `end()` has resolved (empty before). */
  reports(): readonly RuleRunReport[] {
    return this.final ?? [];
  }

  /** Totals as of the last answer: counts of events from one worker, of work summed over all. */
  stats(): RuleSetStats {
    const all = this.latest;
    if (!all) {
      return {
        events: 0,
        notObjects: 0,
        matched: 0,
        evaluations: 0,
        candidates: 0,
        alerts: 0,
        clock: null,
        futureEvents: 0,
        outsideTime: 0,
        presearch: { indexedRules: 0, alwaysRules: 0, terms: 0, checks: 0 },
        fields: 0,
        state: { bytes: 0, entries: 0, evicted: 0, evictedBytes: 0, owners: 0, maxBytes: 0 },
      };
    }
    const first = all[0] as RuleSetStats;
    const sum = (f: (s: RuleSetStats) => number) => all.reduce((n, s) => n + f(s), 0);
    return {
      ...first,
      matched: this.matched,
      evaluations: sum((s) => s.evaluations),
      candidates: sum((s) => s.candidates),
      alerts: sum((s) => s.alerts) + this.alertsAdded,
      presearch: {
        indexedRules: sum((s) => s.presearch.indexedRules),
        alwaysRules: sum((s) => s.presearch.alwaysRules),
        terms: sum((s) => s.presearch.terms),
        checks: sum((s) => s.presearch.checks),
      },
      fields: sum((s) => s.fields),
      state: sumState(all.map((s) => s.state)),
    };
  }

  /** Stop the worker threads. */
  async close(): Promise<void> {
    this.ended = true;
    await Promise.all(this.lanes.map((l) => l.close()));
  }
}

function flatten(outcome: ChunkOutcome): AlertDocument[] {
  const out: AlertDocument[] = [];
  for (const g of outcome.alerts) for (const a of g.alerts) out.push(a);
  return out;
}

function sumState(states: readonly RuleSetStats["state"][]): RuleSetStats["state"] {
  const out: Record<string, number> = {};
  for (const s of states) {
    for (const [k, v] of Object.entries(s)) if (typeof v === "number") out[k] = (out[k] ?? 0) + v;
  }
  return out as unknown as RuleSetStats["state"];
}
