/** Messages on stderr: rejected input lines, diagnostics with a caret, and the closing summary. */
import type { Diagnostic } from "../errors.js";
import type { InputRecord } from "./io/input.js";
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
        `${printable(r.file)}:${r.line}: ${this.c.yellow("warning:")} ${printable(r.reason)}; line skipped\n`,
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
