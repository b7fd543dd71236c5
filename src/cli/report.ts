/** Messages on stderr: rejected input lines, diagnostics with a caret, and the closing summary. */
import type { Diagnostic } from "../errors.js";
import { describeShape } from "../node/input/shapes.js";
import type { InputRecord, SourceTally } from "./io/input.js";
import { type Colours, printable } from "./term.js";

/** Rejected lines printed one by one before the rest are only counted (the summary has the total). */
const SHOWN_REJECTS = 100;

/** Where stderr messages go; tests pass their own. */
export interface ErrStream {
  write(text: string): boolean;
  isTTY?: boolean;
}

/** How a `RejectReporter` reports. */
export interface RejectOptions {
  /** Stop at the first rejected line or unreadable source (--strict). */
  readonly strict: boolean;
  /** Print no warnings (-q); rejected lines are still counted, and errors are still printed. */
  readonly quiet?: boolean;
}

/**
 * Prints rejected input lines as `file:line: reason` and sources that could not be read to their end
 * as `file: error: reason`; under --strict the first of either stops the run. The command then ends
 * the input there, prints what it found, and exits 1 (see `stoppedMessage`).
 */
export class RejectReporter {
  private shown = 0;
  private hidden = 0;
  /** Sources that could not be read to their end. */
  unreadable = 0;
  /** Set once --strict has stopped the run. */
  stopped = false;

  constructor(
    private readonly err: ErrStream,
    private readonly c: Colours,
    private readonly options: RejectOptions,
  ) {}

  /** Report one rejected record; true when the run must stop (--strict). */
  reject(r: Extract<InputRecord, { kind: "rejected" }>): boolean {
    if (this.options.strict) {
      this.err.write(`${printable(r.file)}:${r.line}: ${this.c.red("error:")} ${printable(r.reason)}\n`);
      this.stopped = true;
      return true;
    }
    if (this.options.quiet) return false;
    if (this.shown < SHOWN_REJECTS) {
      this.shown++;
      this.err.write(
        `${printable(r.file)}:${r.line}: ${this.c.yellow("warning:")} ${printable(r.reason)}; skipped\n`,
      );
    } else this.hidden++;
    return false;
  }

  /**
   * Report a source that could not be read to its end (a truncated gzip file): always printed, as
   * an error; true when the run must stop (--strict).
   */
  unreadableSource(r: Extract<InputRecord, { kind: "unreadable" }>): boolean {
    this.unreadable++;
    this.err.write(
      `mini-eql: ${this.c.red("error:")} ${printable(r.reason)}; the events read before it are kept\n`,
    );
    if (this.options.strict) this.stopped = true;
    return this.stopped;
  }

  /** Say how many rejected lines were counted without being printed. */
  finish(): void {
    if (this.hidden > 0) {
      this.err.write(
        `(${plural(this.hidden, "more rejected line")} not shown; all are counted in the summary)\n`,
      );
    }
  }

  /** The closing message under --strict, once the results read before the stop are printed. */
  stoppedMessage(): string {
    return this.unreadable > 0
      ? "stopped at the first unreadable input (--strict)"
      : "stopped at the first rejected line (--strict)";
  }
}

/** Sources listed one by one in the summary; past this, the unremarkable ones are summed in one line. */
export const SHOWN_SOURCES = 20;

/**
 * The summary's `input:` lines: each source with its shape (told from its bytes), its documents and
 * its rejected records, e.g. `input: events.ndjson: _bulk body (NDJSON), 1200 documents, 3 rejected`.
 * With more than `SHOWN_SOURCES` sources, those with rejected records or a shape other than the most
 * common one are listed first (up to that many), and the rest summed in one line.
 */
export function sourceLines(sources: readonly SourceTally[]): string[] {
  const shapeOf = (t: SourceTally) => (t.shape ? describeShape(t.shape) : "empty");
  const line = (t: SourceTally) =>
    `input: ${printable(t.file)}: ${shapeOf(t)}, ${plural(t.events, "document")}, ${t.rejected} rejected\n`;
  if (sources.length <= SHOWN_SOURCES) return sources.map(line);
  const counts = new Map<string, number>();
  for (const t of sources) counts.set(shapeOf(t), (counts.get(shapeOf(t)) ?? 0) + 1);
  let common = "";
  let most = 0;
  for (const [shape, n] of counts) {
    if (n > most) {
      most = n;
      common = shape;
    }
  }
  const shown = new Set(
    sources.filter((t) => t.rejected > 0 || shapeOf(t) !== common).slice(0, SHOWN_SOURCES),
  );
  const out = sources.filter((t) => shown.has(t)).map(line);
  const rest = sources.filter((t) => !shown.has(t));
  if (rest.length > 0) {
    const shapes = new Set(rest.map(shapeOf));
    const events = rest.reduce((n, t) => n + t.events, 0);
    const rejected = rest.reduce((n, t) => n + t.rejected, 0);
    out.push(
      `input: ${plural(rest.length, `more file`)} (${shapes.size === 1 ? [...shapes][0] : "several shapes"}): ${plural(events, "document")}, ${rejected} rejected\n`,
    );
  }
  return out;
}

/** `1 rule`, `2 rules`: a count and a noun, plural unless the count is 1 (`plural(2, "match", "matches")`). */
export function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : nouns}`;
}

/** A finding with a position: a query error, a warning, a rule-file problem. */
export interface Finding {
  readonly file: string;
  readonly line?: number | undefined;
  readonly column?: number | undefined;
  readonly severity: "error" | "warning" | "info";
  readonly message: string;
  readonly code?: string | undefined;
  readonly sourceLine?: string | undefined;
  readonly caret?: string | undefined;
  readonly hint?: string | undefined;
  /** A lint finding a `mini-eql: ignore` comment in its query silences: counted, not listed. */
  readonly silenced?: boolean | undefined;
}

/** One row of the per-code table: how many findings of a code there were, and how many were not listed. */
export interface CodeCount {
  readonly code: string;
  readonly severity: Finding["severity"];
  /** Every finding of the code: listed, silenced or off. */
  readonly count: number;
  readonly silenced: number;
  /** Findings of a code that is off (by default, or --disable). */
  readonly off: number;
}

/**
 * The per-code table closing `check`'s output: code, severity, count, and a note for findings that
 * were silenced or whose code is off. Rows come in the order given.
 */
export function formatCodeTable(rows: readonly CodeCount[], c: Colours): string {
  if (rows.length === 0) return "";
  const head = { code: "code", severity: "severity", count: "count" };
  const codeWidth = Math.max(head.code.length, ...rows.map((r) => r.code.length));
  const countWidth = Math.max(head.count.length, ...rows.map((r) => String(r.count).length));
  const label = (s: Finding["severity"]) => {
    const text = s.padEnd(head.severity.length);
    return s === "error" ? c.red(text) : s === "warning" ? c.yellow(text) : c.dim(text);
  };
  let text = `${head.code.padEnd(codeWidth)}  ${head.severity}  ${head.count.padStart(countWidth)}\n`;
  for (const r of rows) {
    const notes: string[] = [];
    if (r.silenced > 0) notes.push(`${r.silenced} silenced`);
    if (r.off > 0) notes.push(`${r.off} off (--enable ${r.code} lists them)`);
    const note = notes.length > 0 ? `  ${notes.join(", ")}` : "";
    text += `${printable(r.code).padEnd(codeWidth)}  ${label(r.severity)}  ${String(r.count).padStart(countWidth)}${note}\n`;
  }
  return text;
}

/** A query error or warning (anything with a code, position, source line and caret) as a finding. */
export function diagnosticFinding(file: string, d: Diagnostic, severity: Finding["severity"]): Finding {
  return {
    file,
    line: d.location.line,
    column: d.location.column,
    severity,
    message: d.reason,
    code: d.code,
    sourceLine: d.sourceLine,
    caret: d.caret,
    hint: d.hint,
  };
}

/**
 * `file:line:col: severity: message [code]`, then the source line and a caret under the spot. Every
 * part that comes from a file or a rule is printed escaped (see `printable`), the caret moved with it.
 */
export function formatFinding(f: Finding, c: Colours): string {
  let where = printable(f.file);
  if (f.line !== undefined) where += `:${f.line}`;
  if (f.line !== undefined && f.column !== undefined) where += `:${f.column}`;
  const label =
    f.severity === "error" ? c.red("error") : f.severity === "warning" ? c.yellow("warning") : c.dim("info");
  let text = `${c.bold(where)}: ${label}: ${printable(lowerFirst(f.message), true)}${f.code ? c.dim(` [${printable(f.code)}]`) : ""}\n`;
  if (f.sourceLine !== undefined && f.caret !== undefined) {
    // The caret's indent is as wide as the escaped text before the spot.
    const indent = f.caret.length - f.caret.trimStart().length;
    const caret =
      " ".repeat(printable(f.sourceLine.slice(0, indent)).length) + printable(f.caret.trimStart());
    text += `  ${printable(f.sourceLine)}\n  ${c.red(caret)}\n`;
  }
  if (f.hint) text += `  hint: ${printable(f.hint, true)}\n`;
  return text;
}

/**
 * Messages start lower-case, as the command's own do: the library's capitalised sentences
 * ("Single-quoted strings are not supported") are lowered, after an optional `key: ` prefix; names
 * and acronyms (`ECS`, `EQL`) are left alone.
 */
export function lowerFirst(message: string): string {
  return message.replace(
    /^((?:[\w.]+: )?)([A-Z])(?=[a-z])/,
    (_m, key: string, c: string) => key + c.toLowerCase(),
  );
}
