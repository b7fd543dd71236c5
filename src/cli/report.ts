/** Messages on stderr: rejected input lines, diagnostics with a caret, and the closing summary. */
import type { Diagnostic } from "../errors.js";
import { ExitCode, ExitError } from "./errors.js";
import type { InputRecord } from "./io/input.js";
import type { Colours } from "./term.js";

/** Rejected lines printed one by one before the rest are only counted (the summary has the total). */
const SHOWN_REJECTS = 100;

/** Where stderr messages go; tests pass their own. */
export interface ErrStream {
  write(text: string): boolean;
  isTTY?: boolean;
}

/** Prints rejected input lines as `file:line: reason`, and stops the run under --strict. */
export class RejectReporter {
  private shown = 0;
  private hidden = 0;

  constructor(
    private readonly err: ErrStream,
    private readonly c: Colours,
    private readonly strict: boolean,
  ) {}

  /** Report one rejected record; throws `ExitError(1)` under --strict after printing it. */
  reject(r: Extract<InputRecord, { kind: "rejected" }>): void {
    if (this.strict) {
      this.err.write(`${r.file}:${r.line}: ${this.c.red("error:")} ${r.reason}\n`);
      throw new ExitError(ExitCode.FAILURE, "stopped at the first rejected line (--strict)");
    }
    if (this.shown < SHOWN_REJECTS) {
      this.shown++;
      this.err.write(`${r.file}:${r.line}: ${this.c.yellow("warning:")} ${r.reason}; line skipped\n`);
    } else this.hidden++;
  }

  /** Say how many rejected lines were counted without being printed. */
  finish(): void {
    if (this.hidden > 0) {
      this.err.write(`(${this.hidden} more rejected lines not shown; all are counted in the summary)\n`);
    }
  }
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

/** `file:line:col: severity: message [code]`, then the source line and a caret under the spot. */
export function formatFinding(f: Finding, c: Colours): string {
  let where = f.file;
  if (f.line !== undefined) where += `:${f.line}`;
  if (f.line !== undefined && f.column !== undefined) where += `:${f.column}`;
  const label =
    f.severity === "error" ? c.red("error") : f.severity === "warning" ? c.yellow("warning") : c.dim("info");
  let text = `${c.bold(where)}: ${label}: ${f.message}${f.code ? c.dim(` [${f.code}]`) : ""}\n`;
  if (f.sourceLine !== undefined && f.caret !== undefined) {
    text += `  ${f.sourceLine}\n  ${c.red(f.caret)}\n`;
  }
  if (f.hint) text += `  hint: ${f.hint}\n`;
  return text;
}
