/**
 * `mini-eql run`: run detection rules over events and print Kibana-shaped alerts as NDJSON, with a
 * summary on stderr, through one compiled rule set (src/rules/rule-set.ts). Without --now each rule
 * runs on its schedule as event time passes and alerts are printed as its runs finish; with --now (or
 * --no-window) the input is one execution and alerts are printed when it ends, since `max_signals`
 * keeps the newest matches and those are known only then.
 *
 * The rules run in a `ParallelRuleSet` (src/node/parallel): with --workers N > 1 each of N threads
 * runs a share of the rules over every event; with one, the same code runs in this thread. Input is
 * read here as bytes and parsed where the rules run.
 */
import { availableParallelism } from "node:os";
import type { RuleRunReport } from "../../index.js";
import { type ChunkOutcome, ParallelRuleSet, WorkerError } from "../../node/parallel/rule-set.js";
import type { CliContext } from "../context.js";
import { ExitCode, ExitError, UsageError } from "../errors.js";
import {
  beginSource,
  InputError,
  newCounters,
  readBytes,
  type SourceTally,
  STDIN_NAME,
} from "../io/input.js";
import { readMapping } from "../io/mapping.js";
import { exitOnBrokenPipe, Output } from "../io/output.js";
import { formatFinding, plural, RejectReporter, sourceLines } from "../report.js";
import { loadErrorFinding, loadRuleArgs, noRuleMessage } from "../rules/load.js";
import { resolveSources } from "../sources.js";
import { Progress, printable } from "../term.js";

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
  followSymlinks?: boolean;
  strict?: boolean;
  quiet?: boolean;
  failOnAlert?: boolean;
  maxLineBytes?: number;
  /** MiB of sequence and sample state the whole run may hold. */
  memoryBudget?: number;
  allowEvictions?: boolean;
  /** Threads that run a share of the rules each (default: the number of cores). */
  workers?: number;
}

/** Chunks of input sent to the rules before the oldest one's alerts are awaited. */
const IN_FLIGHT = 4;
/**
 * Bytes read from a file at a time (stdin gives what it has): each chunk is a round trip to every
 * worker thread, and over 1 MiB chunks two workers spent about a fifth less CPU time than over 64 KiB.
 */
const CHUNK_BYTES = 1 << 20;

/** Parse --now: ISO 8601 text or epoch milliseconds. */
export function parseNow(text: string | undefined, clock: () => number = Date.now): number {
  if (text === undefined || text === "now") return clock();
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  // Beyond what a Date holds (±8.64e15 ms) is no time either.
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15)
    throw new UsageError(`--now expects an ISO 8601 time or epoch milliseconds, not ${JSON.stringify(text)}`);
  return ms;
}

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

/** Run `mini-eql run`; resolves to the exit status. */
export async function runCommand(
  files: readonly string[],
  opts: RunOptions,
  ctx: CliContext,
): Promise<number> {
  if (opts.rules.length === 0) throw new UsageError("run needs --rules <dir|file>");
  const sources = resolveSources(files, ctx.stdin.isTTY);
  const set = loadRuleArgs(
    opts.rules,
    {
      ...(opts.mapping ? { mapping: readMapping(opts.mapping) } : {}),
      ...(opts.allowUnknownFields ? { allowUnknownFields: true } : {}),
    },
    opts.followSymlinks ? { followSymlinks: true } : {},
  );
  for (const e of set.errors) ctx.stderr.write(formatFinding(loadErrorFinding(e), ctx.err));
  if (set.rules.length === 0 && set.errors.length === 0) throw new UsageError(noRuleMessage(opts.rules, set));
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
    workers: opts.workers ?? availableParallelism(),
    ...(opts.maxLineBytes === undefined ? {} : { maxLineBytes: opts.maxLineBytes }),
  });
  try {
    return await runWith(ruleSet, sources, set, opts, now, ctx);
  } catch (e) {
    if (e instanceof WorkerError) throw new ExitError(ExitCode.FAILURE, e.message);
    throw e;
  } finally {
    await ruleSet.close();
  }
}

async function runWith(
  ruleSet: ParallelRuleSet,
  sources: readonly string[],
  set: ReturnType<typeof loadRuleArgs>,
  opts: RunOptions,
  now: number | undefined,
  ctx: CliContext,
): Promise<number> {
  if (ctx.stdout === process.stdout) exitOnBrokenPipe();
  const out = new Output(ctx.stdout);
  let alerts = 0;
  const print = async (docs: readonly Record<string, unknown>[]) => {
    alerts += docs.length;
    for (const doc of docs) await out.write(`${JSON.stringify(doc)}\n`);
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
    tally.shape = outcome.shape;
    tally.rejected += rejected;
    tally.events += records - rejected;
    progress.tick(counters);
    return stop >= 0;
  };
  const queue: Promise<[ChunkOutcome, SourceTally]>[] = [];
  const queued = (p: Promise<ChunkOutcome>, tally: SourceTally) => {
    const tagged = p.then((o): [ChunkOutcome, SourceTally] => [o, tally]);
    // A failure is reported when its chunk's turn comes; until then it must not count as unhandled.
    tagged.catch(() => {});
    queue.push(tagged);
  };
  const drain = async (keep: number): Promise<boolean> => {
    while (queue.length > keep)
      if (await take(await (queue.shift() as Promise<[ChunkOutcome, SourceTally]>))) return true;
    return false;
  };
  try {
    read: for (const source of sources) {
      const file = source === "-" ? STDIN_NAME : source;
      const tally = beginSource(counters, file);
      ruleSet.begin(file);
      try {
        for await (const bytes of readBytes(source, counters, ctx.stdin, CHUNK_BYTES)) {
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
    }
    await drain(0);
  } finally {
    progress.clear();
  }
  rejects.finish();
  if (rejects.stopped) {
    await out.flush();
    throw new ExitError(ExitCode.FAILURE, rejects.stoppedMessage());
  }
  await print(await ruleSet.end());
  await out.flush();
  const reports = ruleSet.reports();
  const matched = ruleSet.stats().matched;
  const failed = reports.filter((r) => r.error !== undefined).length;
  const evicted = reports.reduce((n, r) => n + r.capped, 0);
  if (!opts.quiet) {
    const w = ctx.stderr;
    const skipped = reports.reduce((n, r) => n + r.skipped, 0);
    const late = reports.reduce((n, r) => n + r.late, 0);
    for (const line of sourceLines(counters.sources)) w.write(line);
    w.write(
      `events: ${counters.records} read, ${matched} matched, ${counters.events - matched} unmatched, ${counters.rejected} rejected` +
        `${skipped > 0 ? `; ${plural(skipped, "event")} without a usable timestamp skipped by rules (see below)` : ""}\n`,
    );
    if (rejects.unreadable > 0) {
      w.write(
        `input: ${plural(rejects.unreadable, "file", "files")} could not be read to the end (see above); the alerts cover what was read\n`,
      );
    }
    const truncated = reports.filter((r) => r.truncated).length;
    w.write(
      `rules: ${reports.length} run, ${set.errors.length} failed to load, ${set.unsupported.length} not EQL (skipped); ` +
        `${plural(alerts, "alert")}; ${truncated} truncated by max_signals\n`,
    );
    const stats = ruleSet.stats();
    w.write(
      !opts.window
        ? "window: ignored (--no-window): every event is searched\n"
        : now !== undefined
          ? `window: each rule searches its look-back window ("from") ending at ${new Date(now).toISOString()}\n`
          : `window: each rule ran every "interval" over its look-back window ("from") as event time passed; ${
              stats.clock === null
                ? "no event had a usable time"
                : `the last event time was ${new Date(stats.clock).toISOString()}`
            }\n`,
    );
    if (stats.futureEvents > 0) {
      w.write(
        ctx.err.yellow(
          `note: ${plural(stats.futureEvents, "event")} dated more than an hour after the other events and the current time did not move the clock\n`,
        ),
      );
    }
    for (const r of reports)
      w.write(`  ${printable(String(r.name))} [${printable(String(r.rule_id))}]: ${describe(r)}\n`);
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
  if (set.errors.length > 0 || failed > 0 || rejects.unreadable > 0) return ExitCode.FAILURE;
  if (evicted > 0 && !opts.allowEvictions) return ExitCode.FAILURE;
  if (opts.failOnAlert && alerts > 0) return ExitCode.FAILURE;
  return ExitCode.OK;
}
