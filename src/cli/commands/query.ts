/**
 * `mini-eql query`: run one EQL query over events and print the results as they are found.
 * Every query kind goes through `compiled.stream()`: event queries print each match at once,
 * sequences print each sequence once it is certain (events in time order, or within --lateness),
 * samples print at the end (they need every candidate event).
 */
import {
  type CompiledQuery,
  type CompileOptions,
  compile,
  DataErrorCodes,
  EqlDataError,
  EqlError,
  type EventHit,
  explainResult,
  type SequenceHit,
} from "../../index.js";
import type { CliContext } from "../context.js";
import { ExitCode, ExitError, UsageError } from "../errors.js";
import { defaultColumns } from "../io/columns.js";
import { type Format, printable, resultWriter } from "../io/format.js";
import { acceptedEvents, newCounters } from "../io/input.js";
import { dataFieldOptions } from "../io/mapping.js";
import { exitOnBrokenPipe, Output } from "../io/output.js";
import { diagnosticFinding, formatFinding, plural, RejectReporter, sourceLines } from "../report.js";
import { resolveSources } from "../sources.js";
import { outputWidth, Progress } from "../term.js";
import { applyPipes } from "./pipes.js";

/** Options of `mini-eql query`. */
export interface QueryOptions {
  format: Format;
  categoryField?: string;
  timestampField?: string;
  tiebreakerField?: string;
  size?: number;
  mapping?: string;
  allowUnknownFields?: boolean;
  fieldMap?: string;
  lateness?: number;
  columns?: string[];
  strict?: boolean;
  quiet?: boolean;
  maxLineBytes?: number;
  explain?: boolean;
}

/** Compile the query, printing a positioned error (and exiting 1) when it does not compile. */
export function compileOrExit(text: string, options: CompileOptions, ctx: CliContext): CompiledQuery {
  try {
    return compile(text, options);
  } catch (e) {
    if (!(e instanceof EqlError)) throw e;
    ctx.stderr.write(formatFinding(diagnosticFinding("<query>", e, "error"), ctx.err));
    throw new ExitError(ExitCode.FAILURE);
  }
}

/** Run `mini-eql query`; resolves to the exit status. */
export async function queryCommand(
  text: string,
  files: readonly string[],
  opts: QueryOptions,
  ctx: CliContext,
): Promise<number> {
  if (opts.explain && opts.format === "table")
    throw new UsageError(
      "--explain prints each result with its explanation as JSON: use --format ndjson or json",
    );
  const sources = resolveSources(files, ctx.stdin.isTTY);
  const compileOptions: CompileOptions = {
    ...(opts.categoryField ? { eventCategoryField: opts.categoryField } : {}),
    ...(opts.timestampField ? { timestampField: opts.timestampField } : {}),
    ...(opts.tiebreakerField ? { tiebreakerField: opts.tiebreakerField } : {}),
    ...(await dataFieldOptions(opts)),
  };
  const compiled = compileOrExit(text, compileOptions, ctx);
  if (!opts.quiet) {
    for (const w of compiled.warnings) {
      ctx.stderr.write(
        formatFinding(
          { file: "<query>", ...w, ...w.location, severity: "warning", message: w.reason },
          ctx.err,
        ),
      );
    }
  }
  if (ctx.stdout === process.stdout) exitOnBrokenPipe();
  const out = new Output(ctx.stdout);
  const columns =
    opts.columns ??
    defaultColumns(
      compiled.statement,
      opts.timestampField ?? "@timestamp",
      opts.categoryField ?? "event.category",
    );
  const writer = resultWriter(opts.format, out, {
    columns,
    width: outputWidth(ctx.stdout, ctx.env),
  });
  const stream = compiled.stream({ lateness: opts.lateness ?? 0 });
  // Pipes (`| head 5`, `| tail 5`) and --size bound the output in constant memory.
  const shown = opts.explain
    ? (hit: EventHit | SequenceHit) => explainResult(compiled.statement, hit, compileOptions)
    : printable;
  const sink = applyPipes<EventHit | SequenceHit>(compiled.statement.pipes, opts.size, (hit) =>
    writer.write(shown(hit)),
  );
  const counters = newCounters();
  const rejects = new RejectReporter(ctx.stderr, ctx.err, {
    strict: opts.strict === true,
    quiet: opts.quiet === true,
  });
  const progress = new Progress(ctx.stderr);
  let matched = 0;
  let results = 0;
  let late = 0;
  const emit = async (hits: (EventHit | SequenceHit)[]) => {
    for (const h of hits) {
      results++;
      await sink.push(h);
    }
  };
  const readOptions = opts.maxLineBytes === undefined ? {} : { maxLineBytes: opts.maxLineBytes };
  try {
    for await (const r of acceptedEvents(sources, counters, ctx.stdin, readOptions, rejects, () =>
      progress.tick(counters),
    )) {
      let hits: (EventHit | SequenceHit)[];
      try {
        hits = stream.push(r.event);
      } catch (e) {
        if (!(e instanceof EqlDataError)) throw e;
        // The event cannot take part (no timestamp, too late): it is rejected, not silently dropped.
        counters.events--;
        counters.rejected++;
        const tally = counters.sources[counters.sources.length - 1];
        if (tally) {
          tally.events--;
          tally.rejected++;
        }
        if (e.code === DataErrorCodes.LATE_EVENT) late++;
        if (rejects.reject({ kind: "rejected", file: r.file, line: r.line, reason: dataErrorReason(e) }))
          break;
        continue;
      }
      // For sequences and samples an event "matches" when it satisfies one of the terms.
      if (compiled.kind === "event" ? hits.length > 0 : compiled.matches(r.event)) matched++;
      await emit(hits);
      // Reading stops here: the rest of the batch was never evaluated, so it is not counted.
      if (sink.done) break;
    }
    // The input ends here, or where --strict stopped it: what was found so far is still printed.
    if (!sink.done) await emit(stream.end());
    await sink.end();
    await writer.end();
  } finally {
    progress.clear();
  }
  rejects.finish();
  if (rejects.stopped) throw new ExitError(ExitCode.FAILURE, rejects.stoppedMessage());
  if (!opts.quiet) {
    const unit = compiled.kind === "event" ? "event" : compiled.kind === "sequence" ? "sequence" : "sample";
    const unmatched = counters.events - matched;
    let stop = "";
    if (sink.done) {
      stop =
        opts.size !== undefined && sink.printed >= opts.size
          ? ` (reading stopped at --size ${opts.size})`
          : " (reading stopped: the query's | head was reached)";
    }
    for (const line of sourceLines(counters.sources)) ctx.stderr.write(line);
    ctx.stderr.write(
      `events: ${counters.records} read, ${matched} matched, ${unmatched} unmatched, ${counters.rejected} rejected; ` +
        `${plural(sink.printed, `${unit} printed`, `${unit}s printed`)}${results > sink.printed ? ` of ${results} found` : ""}` +
        `${stop}\n`,
    );
    if (rejects.unreadable > 0) {
      ctx.stderr.write(
        `input: ${plural(rejects.unreadable, "file", "files")} could not be read to the end (see above); the counts cover what was read\n`,
      );
    }
    const s = stream.stats;
    if (compiled.kind === "sequence" && s.droppedByCap > 0) {
      ctx.stderr.write(
        `sequences: ${plural(s.droppedByCap, "partial sequence")} dropped by the open-sequence cap\n`,
      );
    }
    if (late > 0) {
      ctx.stderr.write(
        ctx.err.yellow(
          `note: ${plural(late, "event was", "events were")} out of time order and rejected; ` +
            `--lateness MS accepts events up to MS milliseconds older than the newest one\n`,
        ),
      );
    }
  }
  return rejects.unreadable > 0 ? ExitCode.FAILURE : ExitCode.OK;
}

/**
 * An event the engine could not take, as a message: lower-case, without the event number (the
 * file:line names it), and with the --lateness hint for an event that came too late.
 */
export function dataErrorReason(e: EqlDataError): string {
  const text = e.message.replace(/ \(event #\d+\)$/, "");
  const reason = text.charAt(0).toLowerCase() + text.slice(1);
  return e.code === DataErrorCodes.LATE_EVENT
    ? `${reason}; raise --lateness MS to accept events that arrive out of time order`
    : reason;
}
