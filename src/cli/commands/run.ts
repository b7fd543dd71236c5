/**
 * `mini-eql run`: run detection rules over events and print Kibana-shaped alerts as NDJSON, with a
 * summary on stderr. The input is one execution at --now (see ../rules/stream-rules.ts for how it
 * streams in bounded memory); alerts are printed when the input ends, since `max_signals` keeps the
 * newest matches and those are known only then.
 */
import { type AlertDocument, type LoadedRule, windowTime } from "../../index.js";
import { fieldReader } from "../../runtime/fields.js";
import type { CliContext } from "../context.js";
import { ExitCode, ExitError, UsageError } from "../errors.js";
import { acceptedEvents, newCounters, readSources } from "../io/input.js";
import { readMapping } from "../io/mapping.js";
import { exitOnBrokenPipe, Output } from "../io/output.js";
import { formatFinding, plural, RejectReporter } from "../report.js";
import { loadErrorFinding, loadRuleArgs, noRuleMessage } from "../rules/load.js";
import { ruleStream, type StreamRuleReport } from "../rules/stream-rules.js";
import { resolveSources } from "../sources.js";
import { Progress } from "../term.js";

/** Options of `mini-eql run`. */
export interface RunOptions {
  rules: string[];
  now?: string;
  window: boolean;
  space: string;
  lateness?: number;
  mapping?: string;
  strict?: boolean;
  quiet?: boolean;
  failOnAlert?: boolean;
  maxLineBytes?: number;
}

/**
 * The newest look-back-window time of any event in the files (`timestamp_override` fields of the
 * rules, else `@timestamp`): a first pass over the input, streaming like the run itself.
 */
async function newestEventTime(
  sources: readonly string[],
  rules: readonly LoadedRule[],
  ctx: CliContext,
): Promise<number | null> {
  const readers = [...new Set(rules.map((r) => r.rule.timestamp_override ?? ""))].map((f) =>
    f ? fieldReader([f]) : null,
  );
  let newest: number | null = null;
  for await (const batch of readSources(sources, newCounters(), ctx.stdin)) {
    for (const r of batch) {
      if (r.kind !== "event") continue;
      for (const reader of readers) {
        const t = windowTime(r.event, reader);
        if (t !== null && (newest === null || t > newest)) newest = t;
      }
    }
  }
  return newest;
}

/** Parse --now: ISO 8601 text or epoch milliseconds. */
export function parseNow(text: string | undefined, clock: () => number = Date.now): number {
  if (text === undefined || text === "now") return clock();
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms))
    throw new UsageError(`--now expects an ISO 8601 time or epoch milliseconds, not ${JSON.stringify(text)}`);
  return ms;
}

function describe(r: StreamRuleReport): string {
  let text = `${plural(r.alerts, "alert")}; searched ${r.searched}, matched ${r.matched}, suppressed ${r.suppressed}, duplicates ${r.duplicates}`;
  if (r.truncated)
    text += `; truncated by max_signals: ${plural(r.dropped, "older match", "older matches")} dropped`;
  if (r.skipped > 0) {
    const why = [
      ...(r.late > 0 ? [`${r.late} too late`] : []),
      ...(r.skipped > r.late ? [`${r.skipped - r.late} without a usable timestamp`] : []),
    ];
    text += `; ${plural(r.skipped, "event")} skipped (${why.join(", ")})`;
  }
  if (r.capped > 0) text += `; ${plural(r.capped, "partial sequence")} dropped by the open-sequence cap`;
  if (r.mode === "buffered") text += "; buffered (event rule with pipes)";
  if (r.error) text += `; error: ${r.error}`;
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
  const set = loadRuleArgs(opts.rules, opts.mapping ? { mapping: readMapping(opts.mapping) } : {});
  for (const e of set.errors) ctx.stderr.write(formatFinding(loadErrorFinding(e), ctx.err));
  if (set.rules.length === 0 && set.errors.length === 0) throw new UsageError(noRuleMessage(opts.rules, set));
  // Files are history: by default the rules run as if just after the newest event in them. Stdin
  // cannot be read twice, so it runs at the current time unless --now says otherwise.
  let now: number;
  let nowFrom: "given" | "input" | "clock" = "given";
  if (opts.now !== undefined || !opts.window) now = parseNow(opts.now);
  else if (sources.includes("-")) {
    now = parseNow(undefined);
    nowFrom = "clock";
  } else {
    const newest = await newestEventTime(sources, set.rules, ctx);
    now = newest ?? parseNow(undefined);
    nowFrom = newest === null ? "clock" : "input";
  }
  const options = { now, window: opts.window, spaceId: opts.space, lateness: opts.lateness ?? 0 };
  const streams = set.rules.map((r) => ruleStream(r, options));
  const counters = newCounters();
  const rejects = new RejectReporter(ctx.stderr, ctx.err, { strict: opts.strict === true });
  const progress = new Progress(ctx.stderr);
  let matched = 0;
  const readOptions = opts.maxLineBytes === undefined ? {} : { maxLineBytes: opts.maxLineBytes };
  try {
    // Under --strict the run stops at the first rejected line and prints no alert: alerts are
    // printed only for a whole execution.
    for await (const r of acceptedEvents(sources, counters, ctx.stdin, readOptions, rejects, () =>
      progress.tick(counters),
    )) {
      let any = false;
      for (const s of streams) if (s.push(r.event)) any = true;
      if (any) matched++;
    }
  } finally {
    progress.clear();
  }
  rejects.finish();
  if (rejects.stopped) throw new ExitError(ExitCode.FAILURE, rejects.stoppedMessage());
  if (ctx.stdout === process.stdout) exitOnBrokenPipe();
  const out = new Output(ctx.stdout);
  const seen = new Set<string>();
  let alerts = 0;
  for (const s of streams) {
    const docs: AlertDocument[] = s.finish(seen);
    alerts += docs.length;
    for (const doc of docs) await out.write(`${JSON.stringify(doc)}\n`);
  }
  await out.flush();
  const failed = streams.filter((s) => s.report.error !== undefined).length;
  if (!opts.quiet) {
    const w = ctx.stderr;
    const skipped = streams.reduce((n, s) => n + s.report.skipped, 0);
    const late = streams.reduce((n, s) => n + s.report.late, 0);
    w.write(
      `events: ${counters.records} read, ${matched} matched, ${counters.events - matched} unmatched, ${counters.rejected} rejected` +
        `${skipped > 0 ? `; ${plural(skipped, "event")} skipped by sequence rules (see below)` : ""}\n`,
    );
    if (rejects.unreadable > 0) {
      w.write(
        `input: ${plural(rejects.unreadable, "file", "files")} could not be read to the end (see above); the alerts cover what was read\n`,
      );
    }
    const truncated = streams.filter((s) => s.report.truncated).length;
    w.write(
      `rules: ${streams.length} run, ${set.errors.length} failed to load, ${set.unsupported.length} not EQL (skipped); ` +
        `${plural(alerts, "alert")}; ${truncated} truncated by max_signals\n`,
    );
    w.write(
      opts.window
        ? `window: each rule searches its look-back window ("from") ending at ${new Date(now).toISOString()}${
            nowFrom === "input" ? " (the newest event time in the input; set --now to change it)" : ""
          }\n`
        : "window: ignored (--no-window): every event is searched\n",
    );
    for (const s of streams) w.write(`  ${s.report.name} [${s.report.rule_id}]: ${describe(s.report)}\n`);
    if (late > 0) {
      w.write(
        ctx.err.yellow(
          `note: ${plural(late, "event")} came out of time order, later than --lateness ${opts.lateness ?? 0} ms allows, ` +
            "and sequence rules skipped them; set --lateness MS to how far back events may arrive\n",
        ),
      );
    }
    const searched = streams.reduce((n, s) => n + s.report.searched, 0);
    if (opts.window && counters.events > 0 && searched === 0) {
      w.write(
        ctx.err.yellow(
          "note: no event fell inside any rule's look-back window; set --now to the time of the events, or use --no-window\n",
        ),
      );
    }
  }
  if (set.errors.length > 0 || failed > 0 || rejects.unreadable > 0) return ExitCode.FAILURE;
  if (opts.failOnAlert && alerts > 0) return ExitCode.FAILURE;
  return ExitCode.OK;
}
