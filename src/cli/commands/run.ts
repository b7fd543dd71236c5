/**
 * `mini-eql run`: run detection rules over events and print Kibana-shaped alerts (NDJSON, JSON, a
 * table, CSV or a summary by rule; see io/alerts.ts), with a summary on stderr, through one compiled
 * rule set (src/rules/rule-set.ts). Without --now each rule runs on its schedule as event time passes
 * and alerts are printed as its runs finish; with --now (or --no-window) the input is one execution
 * and alerts are printed when it ends, since `max_signals` keeps the newest matches and those are
 * known only then, unless --max-signals 0 lifts the limit: then each is printed as it is found.
 *
 * The rules run in a `ParallelRuleSet` (src/node/parallel): with --workers N > 1 each of N threads
 * reads every event and runs a share of the rules over them, except that with --now or --no-window
 * the event rules (and sequences joined on host.id) run in every thread, each over the events of its
 * hosts; with one, the same code runs
 * in this thread. Input is read here as bytes and parsed where the rules run.
 *
 * --follow reads one file as it grows (src/node/input/follow.ts) and moves the clock to the wall clock
 * while the file is idle; --watch-rules swaps in the rules loaded again, the unchanged ones keeping
 * their state (a partial restore); SIGINT and SIGTERM end the run as at the end of its input.
 */
import {
  explainAlert,
  filterRules,
  type LoadedRule,
  type RuleFilter,
  type RuleRunReport,
  ruleCompileOptions,
  type Severity,
} from "../../index.js";
import { followFile, startsWithGzipMagic } from "../../node/input/follow.js";
import { type ChunkOutcome, ParallelRuleSet, WorkerError } from "../../node/parallel/rule-set.js";
import { canonicalJson } from "../../rules/rule-set-snapshot.js";
import type { CliContext } from "../context.js";
import { ExitCode, ExitError, UsageError } from "../errors.js";
import { boundHeapGrowth } from "../heap.js";
import { alertWriter } from "../io/alerts.js";
import type { AlertFormat } from "../io/format.js";
import {
  beginSource,
  InputError,
  newCounters,
  readBytes,
  type SourceTally,
  STDIN_NAME,
} from "../io/input.js";
import { dataFieldOptions } from "../io/mapping.js";
import { exitOnBrokenPipe, Output } from "../io/output.js";
import { formatFinding, plural, RejectReporter, sourceLines } from "../report.js";
import { failedRuleCount, loadErrorFinding, loadRuleArgs, type RuleArgs } from "../rules/load.js";
import { watchRules } from "../rules/watch.js";
import { stopOnSignals } from "../signals.js";
import { resolveSources } from "../sources.js";
import { outputWidth, Progress, printable } from "../term.js";

/** Options of `mini-eql run`. */
export interface RunOptions {
  rules: string[];
  now?: string;
  window: boolean;
  space: string;
  index?: string;
  lateness?: number;
  mapping?: string;
  allowUnknownFields?: boolean;
  fieldMap?: string;
  followSymlinks?: boolean;
  strict?: boolean;
  quiet?: boolean;
  failOnAlert?: boolean;
  maxLineBytes?: number;
  /** MiB of sequence and sample state the whole run may hold. */
  memoryBudget?: number;
  allowEvictions?: boolean;
  /**
   * Threads that run a share of the rules each (default 1). Every thread parses every line, and the
   * rules that cannot be shared out by host read and index every event in one thread, which over the
   * corpus rules costs about as much as the share of work a second thread takes: two threads
   * measured about 0.9x the throughput of one on two cores (README, "Measured"), so more threads are
   * asked for, not assumed.
   */
  workers?: number;
  /** Output format (default: table on a terminal, else NDJSON). */
  format?: AlertFormat;
  /** Rule fields in each alert. */
  alert?: "full" | "compact";
  minSeverity?: Severity;
  tag?: string[];
  ruleId?: string[];
  ruleName?: string;
  /** Alerts per execution for every rule; 0 for no limit. */
  maxSignals?: number;
  from?: string;
  to?: string;
  /** Add each alert's explanation (`mini_eql.explanation`). */
  explain?: boolean;
  /** Keep reading the one input file as it grows (`tail -F`). */
  follow?: boolean;
  /** Load the rules again when their files change; unchanged rules keep their state. */
  watchRules?: boolean;
  /** Consume events from this NATS server as a partition worker (see run-nats.ts) instead of files. */
  nats?: string;
  partition?: string[];
  stream?: string;
  alertsStream?: string;
  alertsSubject?: string;
  checkpointEvents?: number;
  checkpointInterval?: number;
  idleAdvance?: number;
  lease?: number;
  workerName?: string;
  metrics?: string;
  batch?: number;
  wholeStream?: boolean;
  print?: boolean;
}

/** Chunks of input sent to the rules before the oldest one's alerts are awaited. */
const IN_FLIGHT = 4;
/**
 * Bytes read from a file at a time (stdin gives what it has): each chunk is a round trip to every
 * worker thread, and over 1 MiB chunks two workers spent about a fifth less CPU time than over 64 KiB.
 */
const CHUNK_BYTES = 1 << 20;

/** Parse --now (or `flag`: --from, --to): ISO 8601 text, epoch milliseconds or "now". */
export function parseNow(text: string | undefined, clock: () => number = Date.now, flag = "--now"): number {
  if (text === undefined || text === "now") return clock();
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  // Beyond what a Date holds (±8.64e15 ms) is no time either.
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15)
    throw new UsageError(
      `${flag} expects an ISO 8601 time or epoch milliseconds, not ${JSON.stringify(text)}`,
    );
  return ms;
}

/**
 * For --explain: the alert with `mini_eql.explanation`, the tree of its rule's query on its event (a
 * sequence's building block: the tree of its term; the sequence's own alert has none). The rules are
 * looked up by rule_id in the set as it is when the alert is printed (--watch-rules swaps them).
 */
function alertExplainer(
  current: () => readonly LoadedRule[],
): (doc: Record<string, unknown>) => Record<string, unknown> {
  let rules: readonly LoadedRule[] | undefined;
  let byId = new Map<string, LoadedRule>();
  return (doc) => {
    const now = current();
    if (now !== rules) {
      rules = now;
      byId = new Map(now.map((r) => [r.rule.rule_id, r]));
    }
    const loaded = byId.get(String(doc["kibana.alert.rule.rule_id"]));
    if (!loaded) return doc;
    const options = loaded.compileOptions ?? ruleCompileOptions(loaded.rule);
    const tree = explainAlert(loaded.compiled.statement, doc, options);
    return tree === undefined ? doc : { ...doc, "mini_eql.explanation": tree };
  };
}

/** The rules a run runs: those loaded that pass the filters, with how many were loaded. */
interface RunRules extends RuleArgs {
  /** Rules loaded from the --rules paths, before the filters. */
  readonly loaded: number;
  /** Whether a filter option was given. */
  readonly filtered: boolean;
}

/** The rules the filter options keep; an error (status 2) when they keep none. */
function selectRules<T extends Parameters<typeof filterRules>[0][number]>(
  rules: readonly T[],
  opts: RunOptions,
): { rules: T[]; filtered: boolean } {
  const filter: RuleFilter = {
    ...(opts.minSeverity ? { minSeverity: opts.minSeverity } : {}),
    ...(opts.tag && opts.tag.length > 0 ? { tags: opts.tag } : {}),
    ...(opts.ruleId && opts.ruleId.length > 0 ? { ruleIds: opts.ruleId } : {}),
    ...(opts.ruleName !== undefined ? { name: opts.ruleName } : {}),
  };
  if (Object.keys(filter).length === 0) return { rules: [...rules], filtered: false };
  const kept = filterRules(rules, filter);
  if (kept.length === 0 && rules.length > 0) {
    throw new UsageError(
      `no rule is left after the filters (--min-severity, --tag, --rule-id, --rule-name) out of ${plural(rules.length, "rule")} loaded`,
    );
  }
  return { rules: kept, filtered: true };
}

/** Whether a rule's line belongs in the summary: it alerted, failed, or lost matches or state. */
function noteworthy(r: RuleRunReport): boolean {
  return (
    r.alerts > 0 ||
    r.error !== undefined ||
    r.truncated ||
    r.dropped > 0 ||
    r.capped > 0 ||
    r.unbuilt > 0 ||
    r.replaced > 0 ||
    r.skipped > 0 ||
    r.late > 0
  );
}

const count = (n: number) => n.toLocaleString("en-US");

function describe(r: RuleRunReport): string {
  let text = `${plural(r.alerts, "alert")}; searched ${r.searched}, matched ${r.matched}, suppressed ${r.suppressed}, duplicates ${r.duplicates}`;
  if (r.truncated)
    text += `; truncated by max_signals: ${plural(r.dropped, "older match", "older matches")} dropped`;
  if (r.unbuilt > 0)
    text += `; ${plural(r.unbuilt, "match", "matches")} without alerts (an event could not be read)`;
  if (r.replaced > 0)
    text += `; ${plural(r.replaced, "value")} replaced in alerts (nested too deep or containing itself)`;
  if (r.skipped > 0) text += `; ${plural(r.skipped, "event")} skipped (without a usable timestamp)`;
  if (r.late > 0) text += `; ${plural(r.late, "event")} came too late`;
  if (r.capped > 0)
    text += `; ${plural(r.capped, "state entry", "state entries")} evicted (memory budget full)`;
  if (r.mode === "buffered") text += "; buffered (event rule with pipes)";
  if (r.error) text += `; error: ${printable(r.error.message)}`;
  return text;
}

/** Each rule_id with what defines its rules (rule, exceptions, compile options), to tell changes. */
function definitions(rules: readonly LoadedRule[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of rules) {
    const text = canonicalJson({ rule: r.rule, exceptions: r.exceptions, compile: r.compileOptions ?? null });
    const id = r.rule.rule_id;
    out.set(id, out.has(id) ? `${out.get(id)}\n${text}` : text);
  }
  return out;
}

/** The first option given that a partition worker (--nats) does not take. */
function natsConflict(opts: RunOptions): string | undefined {
  if (opts.now !== undefined) return "--now";
  if (!opts.window) return "--no-window";
  if (opts.follow) return "--follow";
  if (opts.watchRules) return "--watch-rules";
  if (opts.workers !== undefined) return "--workers";
  if (opts.from !== undefined || opts.to !== undefined) return "--from/--to";
  if (opts.explain) return "--explain";
  if (opts.failOnAlert) return "--fail-on-alert";
  if (opts.strict) return "--strict";
  if (opts.maxLineBytes !== undefined) return "--max-line-bytes";
  if (opts.index !== undefined) return "--index";
  return undefined;
}

/** The first worker option given without --nats. */
function natsOnly(opts: RunOptions): string | undefined {
  const given: [unknown, string][] = [
    [opts.partition?.length ? opts.partition : undefined, "--partition"],
    [opts.stream, "--stream"],
    [opts.alertsStream, "--alerts-stream"],
    [opts.alertsSubject, "--alerts-subject"],
    [opts.checkpointEvents, "--checkpoint-events"],
    [opts.checkpointInterval, "--checkpoint-interval"],
    [opts.idleAdvance, "--idle-advance"],
    [opts.lease, "--lease"],
    [opts.workerName, "--worker-name"],
    [opts.metrics, "--metrics"],
    [opts.batch, "--batch"],
    [opts.wholeStream, "--whole-stream"],
    [opts.print, "--print"],
  ];
  return given.find(([v]) => v !== undefined)?.[1];
}

/** Run `mini-eql run`; resolves to the exit status. */
export async function runCommand(
  files: readonly string[],
  opts: RunOptions,
  ctx: CliContext,
): Promise<number> {
  if (opts.rules.length === 0) throw new UsageError("run needs --rules <dir|file>");
  boundHeapGrowth();
  if (opts.nats !== undefined) {
    const other = files.length > 0 ? "event files" : natsConflict(opts);
    if (other) throw new UsageError(`--nats reads events from the server: it cannot be used with ${other}`);
  } else {
    const needsNats = natsOnly(opts);
    if (needsNats) throw new UsageError(`${needsNats} needs --nats`);
  }
  if (opts.follow) {
    if (files.length !== 1 || files[0] === "-")
      throw new UsageError("--follow takes exactly one event file (not stdin)");
    if (opts.now !== undefined || !opts.window)
      throw new UsageError(
        "--follow runs the rules on their schedules: it cannot be used with --now or --no-window",
      );
  }
  const sources = opts.nats !== undefined ? [] : resolveSources(files, ctx.stdin.isTTY);
  if (opts.follow && (await startsWithGzipMagic(sources[0] as string)))
    throw new UsageError(`--follow cannot follow gzip-compressed input (${sources[0]})`);
  const compileOptions = await dataFieldOptions(opts);
  // The rules of the --rules paths that pass the filters; --watch-rules loads them again the same way.
  const load = (): RunRules => {
    const loaded = loadRuleArgs(
      opts.rules,
      compileOptions,
      opts.followSymlinks ? { followSymlinks: true } : {},
    );
    const selected =
      loaded.rules.length === 0 ? { rules: [], filtered: false } : selectRules(loaded.rules, opts);
    return { ...loaded, rules: selected.rules, loaded: loaded.rules.length, filtered: selected.filtered };
  };
  const set = load();
  for (const e of set.errors) ctx.stderr.write(formatFinding(loadErrorFinding(e), ctx.err));
  // Every path that gave no rule has an error saying why; with no rule at all there is nothing to run.
  if (set.loaded === 0)
    throw new ExitError(
      ExitCode.FAILURE,
      `run: no rule loaded from ${opts.rules.join(", ")}; nothing to run`,
    );
  if (opts.nats !== undefined) {
    const { runOnNats } = await import("./run-nats.js");
    return runOnNats(set.rules, { ...opts, nats: opts.nats }, ctx);
  }
  const from = opts.from === undefined ? undefined : parseNow(opts.from, Date.now, "--from");
  const to = opts.to === undefined ? undefined : parseNow(opts.to, Date.now, "--to");
  if (from !== undefined && to !== undefined && from >= to)
    throw new UsageError("--from must be before --to");
  // Without --now the rules run on their schedules and the clock follows event time, so the same
  // bytes give the same alerts from a file and from stdin, and alerts come out as runs finish.
  const single = opts.now !== undefined || !opts.window;
  const now = single ? parseNow(opts.now) : undefined;
  const ruleSet = new ParallelRuleSet(set.rules, {
    ...(now === undefined ? {} : { now }),
    window: opts.window,
    spaceId: opts.space,
    ...(opts.index === undefined ? {} : { index: opts.index }),
    lateness: opts.lateness ?? 0,
    ...(opts.memoryBudget === undefined ? {} : { memoryBudget: opts.memoryBudget * 1024 * 1024 }),
    workers: opts.workers ?? 1,
    ...(opts.maxLineBytes === undefined ? {} : { maxLineBytes: opts.maxLineBytes }),
    ...(opts.maxSignals === undefined
      ? {}
      : { maxSignals: opts.maxSignals === 0 ? Number.POSITIVE_INFINITY : opts.maxSignals }),
    ...(from === undefined && to === undefined
      ? {}
      : { timeRange: { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) } }),
    ...(opts.alert === undefined ? {} : { alertFields: opts.alert }),
  });
  // SIGINT or SIGTERM stops the reading; the run then ends as at the end of its input (the rules
  // give their remaining alerts and the summary is printed). A second signal exits at once.
  const stop = stopOnSignals();
  try {
    return await runWith(ruleSet, sources, { set, load }, opts, now, ctx, stop.signal, stop.stoppedBy);
  } catch (e) {
    if (e instanceof WorkerError) throw new ExitError(ExitCode.FAILURE, e.message);
    throw e;
  } finally {
    stop.release();
    await ruleSet.close();
  }
}

/**
 * The items of `source` until `signal` aborts: a read that is waiting (stdin with nothing to give)
 * is left behind, and the source is then closed as soon as that read ends. `onWait` runs whenever the
 * next item is not ready at once (a pipe that has nothing more for now).
 */
async function* untilAborted<T>(
  source: AsyncIterable<T>,
  signal: AbortSignal,
  onWait?: () => Promise<void>,
): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  const aborted = new Promise<null>((resolve) => {
    if (signal.aborted) resolve(null);
    else signal.addEventListener("abort", () => resolve(null), { once: true });
  });
  let finished = false;
  try {
    for (;;) {
      const pending = it.next();
      if (onWait) {
        const soon = new Promise<undefined>((resolve) => setImmediate(() => resolve(undefined)));
        if ((await Promise.race([pending, soon])) === undefined) await onWait();
      }
      const next = await Promise.race([pending, aborted]);
      if (next === null) return;
      if (next.done) {
        finished = true;
        return;
      }
      yield next.value;
    }
  } finally {
    if (!finished) it.return?.(undefined)?.catch(() => {});
  }
}

async function runWith(
  ruleSet: ParallelRuleSet,
  sources: readonly string[],
  rules: { set: RunRules; readonly load: () => RunRules },
  opts: RunOptions,
  now: number | undefined,
  ctx: CliContext,
  stop: AbortSignal,
  stoppedBy: () => NodeJS.Signals | null,
): Promise<number> {
  if (ctx.stdout === process.stdout) exitOnBrokenPipe();
  const out = new Output(ctx.stdout);
  // A person at a terminal gets the table; a pipe or a file gets NDJSON.
  const format: AlertFormat = opts.format ?? (ctx.stdout.isTTY ? "table" : "ndjson");
  if (opts.explain && format !== "ndjson" && format !== "json")
    throw new UsageError("--explain adds each alert's explanation to its JSON: use --format ndjson or json");
  const writer = alertWriter(format, out, ruleSet.rules, outputWidth(ctx.stdout, ctx.env));
  const explained = opts.explain
    ? alertExplainer(() => ruleSet.rules)
    : (doc: Record<string, unknown>) => doc;
  let alerts = 0;
  const print = async (docs: readonly Record<string, unknown>[]) => {
    alerts += docs.length;
    for (const doc of docs) await writer.write(explained(doc));
  };
  const counters = newCounters();
  const rejects = new RejectReporter(ctx.stderr, ctx.err, { strict: opts.strict === true });
  const progress = new Progress(ctx.stderr);
  // Under --strict the run stops at the first rejected line: alerts of later events are not printed
  // (with --now or --no-window no alert is, since alerts are printed only for a whole execution).
  const take = async ([outcome, tally]: [ChunkOutcome, SourceTally]): Promise<boolean> => {
    const groups = outcome.alerts;
    let g = 0;
    let stop = -1;
    let rejected = 0;
    for (const r of outcome.rejected) {
      while (g < groups.length && (groups[g] as (typeof groups)[number]).record < r.index)
        await print((groups[g++] as (typeof groups)[number]).alerts);
      rejected++;
      if (rejects.reject({ kind: "rejected", file: r.file, line: r.line, reason: r.reason })) {
        stop = r.index;
        break;
      }
    }
    if (stop < 0) while (g < groups.length) await print((groups[g++] as (typeof groups)[number]).alerts);
    const records = stop < 0 ? outcome.records : stop + 1;
    counters.records += records;
    counters.rejected += rejected;
    counters.events += records - rejected;
    if (outcome.shape !== undefined) tally.shape = outcome.shape;
    tally.rejected += rejected;
    tally.events += records - rejected;
    progress.tick(counters);
    // Alerts go out with the chunk that made them certain, not when the output buffer fills.
    if (groups.length > 0) await out.flush();
    return stop >= 0;
  };
  // Each chunk's outcome is taken (its alerts printed) as soon as it and the chunks before it have
  // come back, while reading goes on: from a live pipe, alerts come out without waiting for more
  // input. `queue` holds, per chunk in flight, whether --strict stopped the run at or before it.
  const queue: Promise<boolean>[] = [];
  let last: Promise<boolean> = Promise.resolve(false);
  const queued = (p: Promise<ChunkOutcome>, tally: SourceTally) => {
    last = last.then(async (stopped) => stopped || (await take([await p, tally])));
    // A failure is reported when its chunk's turn comes; until then it must not count as unhandled.
    last.catch(() => {});
    queue.push(last);
  };
  const drain = async (keep: number): Promise<boolean> => {
    while (queue.length > keep) if (await (queue.shift() as Promise<boolean>)) return true;
    return false;
  };
  // --watch-rules: a settled change of the rule files asks for a reload, done between two reads.
  let reloadAsked = false;
  const stopWatching = opts.watchRules
    ? watchRules(
        opts.rules,
        () => {
          reloadAsked = true;
        },
        { followSymlinks: opts.followSymlinks === true },
      )
    : () => {};
  const reloadIfAsked = async () => {
    if (!reloadAsked) return;
    reloadAsked = false;
    await reload();
  };
  /** Load the rules again and run them from now on; rules unchanged keep their state. */
  const reload = async () => {
    let next: RunRules;
    try {
      next = rules.load();
    } catch (e) {
      ctx.stderr.write(
        `rules not reloaded: ${printable(e instanceof Error ? e.message : String(e))}; the rules run as before\n`,
      );
      return;
    }
    for (const e of next.errors) ctx.stderr.write(formatFinding(loadErrorFinding(e), ctx.err));
    // A file that failed to load keeps the rules it held before running.
    const failed = new Set(next.errors.flatMap((e) => (e.file === undefined ? [] : [e.file])));
    const loadedFrom = new Set(next.rules.map((r) => r.origin.file));
    const carried = rules.set.rules.filter(
      (r) => r.origin.file !== undefined && failed.has(r.origin.file) && !loadedFrom.has(r.origin.file),
    );
    const running = [...next.rules, ...carried];
    const before = definitions(rules.set.rules);
    const after = definitions(running);
    let changed = 0;
    let added = 0;
    for (const [id, text] of after) {
      const old = before.get(id);
      if (old === undefined) added++;
      else if (old !== text) changed++;
    }
    const removed = [...before.keys()].filter((id) => !after.has(id)).length;
    await ruleSet.replaceRules(running);
    rules.set = { ...next, rules: running };
    if (!opts.quiet) {
      ctx.stderr.write(
        `rules reloaded: ${changed} changed, ${added} added, ${removed} removed` +
          (failed.size > 0
            ? `; ${plural(failed.size, "file")} failed to load (see above)${carried.length > 0 ? ", the rules they held before still run" : ""}`
            : "") +
          "\n",
      );
    }
  };
  let stopAtWait = false;
  const waiting = async () => {
    if (await drain(0)) stopAtWait = true;
    await out.flush();
  };
  try {
    if (opts.follow) await follow(sources[0] as string);
    else {
      read: for (const source of sources) {
        const file = source === "-" ? STDIN_NAME : source;
        const tally = beginSource(counters, file);
        ruleSet.begin(file);
        try {
          // A pipe may stay quiet for long: what its lines made certain is printed meanwhile.
          const bytesOf = readBytes(source, counters, ctx.stdin, CHUNK_BYTES);
          for await (const bytes of untilAborted(bytesOf, stop, source === "-" ? waiting : undefined)) {
            if (stopAtWait) break read;
            await reloadIfAsked();
            queued(ruleSet.feed(bytes), tally);
            if (await drain(IN_FLIGHT - 1)) break read;
          }
          queued(ruleSet.finish(), tally);
        } catch (e) {
          if (!(e instanceof InputError)) throw e;
          ruleSet.abort();
          if (await drain(0)) break;
          counters.unreadable++;
          if (rejects.unreadableSource({ kind: "unreadable", file: e.file, reason: e.message })) break;
        }
        if (stop.aborted) break;
      }
      // A read of stdin left waiting would keep the process alive.
      if (stop.aborted && sources.includes("-")) ctx.stdin.destroy();
    }
    await drain(0);
  } finally {
    stopWatching();
    progress.clear();
  }

  /**
   * --follow: read the file as it grows, print alerts as soon as they are certain, and while the file
   * stays idle move the clock to the wall clock, so runs that are due finish without a newer event.
   */
  async function follow(file: string): Promise<void> {
    const tally = beginSource(counters, file);
    ruleSet.begin(file);
    for await (const item of followFile(file, { signal: stop, chunkBytes: CHUNK_BYTES })) {
      await reloadIfAsked();
      if (item.kind === "bytes") {
        counters.bytes += item.bytes.length;
        queued(ruleSet.feed(item.bytes), tally);
        if (await drain(item.caughtUp ? 0 : IN_FLIGHT - 1)) return;
      } else if (item.kind === "restart") {
        queued(ruleSet.finish(), tally);
        if (await drain(0)) return;
        if (!opts.quiet) {
          ctx.stderr.write(
            `input: ${printable(file)} was ${item.reason === "rotated" ? "replaced by a new file" : "truncated"}; reading it from its start\n`,
          );
        }
        ruleSet.begin(file);
      } else {
        queued(ruleSet.advanceTo(Date.now()), tally);
        if (await drain(0)) return;
      }
      if (queue.length === 0) await out.flush();
    }
    queued(ruleSet.finish(), tally);
  }

  rejects.finish();
  if (rejects.stopped) {
    await writer.end();
    throw new ExitError(ExitCode.FAILURE, rejects.stoppedMessage());
  }
  await print(await ruleSet.end());
  await writer.end();
  const reports = ruleSet.reports();
  const matched = ruleSet.stats().matched;
  const failed = reports.filter((r) => r.error !== undefined).length;
  const evicted = reports.reduce((n, r) => n + r.capped, 0);
  if (!opts.quiet) {
    const w = ctx.stderr;
    const signal = stoppedBy();
    if (signal !== null) w.write(`stopped by ${signal}: the input read so far is done\n`);
    const skipped = reports.reduce((n, r) => n + r.skipped, 0);
    const late = reports.reduce((n, r) => n + r.late, 0);
    for (const line of sourceLines(counters.sources)) w.write(line);
    const stats = ruleSet.stats();
    const outside = stats.outsideTime;
    w.write(
      `events: ${counters.records} read, ${matched} matched, ${counters.events - matched - outside} unmatched, ${counters.rejected} rejected` +
        `${opts.from !== undefined || opts.to !== undefined ? `, ${outside} outside --from/--to (or without a usable @timestamp)` : ""}` +
        `${skipped > 0 ? `; ${plural(skipped, "event")} without a usable timestamp skipped by rules (see below)` : ""}\n`,
    );
    if (rejects.unreadable > 0) {
      w.write(
        `input: ${plural(rejects.unreadable, "file", "files")} could not be read to the end (see above); the alerts cover what was read\n`,
      );
    }
    const truncated = reports.filter((r) => r.truncated).length;
    const alerted = reports.filter((r) => r.alerts > 0).length;
    w.write(
      `rules: ${count(rules.set.loaded)} loaded${rules.set.filtered ? `, ${count(reports.length)} after filters` : ""}, ` +
        `${failedRuleCount(rules.set.errors)} failed to load, ${rules.set.unsupported.length} not EQL (skipped); ` +
        `${count(alerted)} alerted, ${count(reports.length - alerted - failed)} silent, ${failed} failed to run; ` +
        `${plural(alerts, "alert")}; ${truncated} truncated by max_signals\n`,
    );
    w.write(
      !opts.window
        ? "window: ignored (--no-window): every event is searched\n"
        : now !== undefined
          ? `window: each rule searches its look-back window ("from") ending at ${new Date(now).toISOString()}\n`
          : `window: each rule ran every "interval" over its look-back window ("from") as event time passed${
              opts.follow ? " (and the wall clock, while the file was idle)" : ""
            }; ${
              stats.clock === null
                ? "no event had a usable time"
                : `${opts.follow ? "the clock was last at" : "the last event time was"} ${new Date(stats.clock).toISOString()}`
            }\n`,
    );
    if (stats.futureEvents > 0) {
      w.write(
        ctx.err.yellow(
          `note: ${plural(stats.futureEvents, "event")} dated more than an hour after the other events and the current time did not move the clock\n`,
        ),
      );
    }
    // Only the rules with something to say: silent rules are counted above.
    for (const r of reports) {
      if (noteworthy(r))
        w.write(`  ${printable(String(r.name))} [${printable(String(r.rule_id))}]: ${describe(r)}\n`);
    }
    if (truncated > 0) {
      w.write(
        ctx.err.yellow(
          `note: ${plural(truncated, "rule")} left matches out at max_signals; --max-signals N raises the limit for every rule (0: no limit)\n`,
        ),
      );
    }
    if (evicted > 0) {
      const mib = Math.round(ruleSet.stats().state.maxBytes / 1024 / 1024);
      w.write(
        ctx.err.yellow(
          `note: the memory budget (${mib} MiB of sequence state) was full and ${plural(evicted, "state entry", "state entries")} ` +
            `were evicted, so some sequences may be missing; raise --memory-budget${opts.allowEvictions ? "" : ", or pass --allow-evictions to exit 0"}\n`,
        ),
      );
    }
    if (late > 0) {
      w.write(
        ctx.err.yellow(
          `note: ${plural(late, "event")} came out of time order, later than --lateness ${opts.lateness ?? 0} ms allows, ` +
            "and rules skipped them; set --lateness MS to how far back events may arrive\n",
        ),
      );
    }
    const unbuilt = reports.reduce((n, r) => n + r.unbuilt, 0);
    if (unbuilt > 0) {
      w.write(
        ctx.err.yellow(
          `note: ${plural(unbuilt, "match", "matches")} gave no alert because an event could not be read (see the rules above)\n`,
        ),
      );
    }
    const searched = reports.reduce((n, r) => n + r.searched, 0);
    if (now !== undefined && opts.window && counters.events > 0 && searched === 0) {
      w.write(
        ctx.err.yellow(
          "note: no event fell inside any rule's look-back window; set --now to the time of the events, or use --no-window\n",
        ),
      );
    }
  }
  if (rules.set.errors.length > 0 || failed > 0 || rejects.unreadable > 0) return ExitCode.FAILURE;
  if (evicted > 0 && !opts.allowEvictions) return ExitCode.FAILURE;
  if (opts.failOnAlert && alerts > 0) return ExitCode.FAILURE;
  return ExitCode.OK;
}
