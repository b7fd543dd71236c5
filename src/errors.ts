/**
 * Errors raised for bad query text. Each carries a stable `code`, the position, the source line
 * and a caret under the offending text, and (where we can tell) a hint.
 */
import type { Span } from "./ast/nodes.js";

/** Where an error or warning points in the query text. */
export interface SourceLocation {
  /** 1-based line. */
  readonly line: number;
  /** 1-based column (UTF-16 units). */
  readonly column: number;
  /** 0-based offset of the start, and exclusive end. */
  readonly start: number;
  readonly end: number;
}

/** Information common to errors and warnings about query text. */
export interface Diagnostic {
  readonly code: string;
  /** The message without position, source line or caret. */
  readonly reason: string;
  readonly hint?: string;
  readonly location: SourceLocation;
  /** The full source line the location is on. */
  readonly sourceLine: string;
  /** Spaces then `^` characters under the offending text of `sourceLine`. */
  readonly caret: string;
}

/** A warning about query text that is valid but probably not what the author meant. */
export interface EqlWarning extends Diagnostic {
  /** A printable multi-line rendering: message, source line and caret. */
  readonly message: string;
}

/** Lines longer than this are shown as an excerpt of `EXCERPT_CONTEXT` characters around the span. */
const MAX_SHOWN_LINE = 400;
const EXCERPT_CONTEXT = 120;

/** Compute the location, source line and caret of a span within `source`. */
export function locate(
  source: string,
  span: Pick<Span, "start" | "end">,
): { location: SourceLocation; sourceLine: string; caret: string } {
  const start = Math.max(0, Math.min(span.start, source.length));
  const end = Math.max(start, Math.min(span.end, source.length));
  let lineStart = 0;
  let line = 1;
  for (let i = 0; i < start; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  let lineEnd = source.indexOf("\n", lineStart);
  if (lineEnd < 0) lineEnd = source.length;
  if (lineEnd > lineStart && source.charCodeAt(lineEnd - 1) === 13) lineEnd--;
  const column = start - lineStart + 1;
  const width = Math.max(1, Math.min(end, lineEnd) - start);
  // A very long line (a generated query on one line) is shown as an excerpt around the span, so
  // thousands of findings on it do not each copy the whole line.
  let from = lineStart;
  let to = lineEnd;
  if (lineEnd - lineStart > MAX_SHOWN_LINE) {
    from = Math.max(lineStart, start - EXCERPT_CONTEXT);
    to = Math.min(lineEnd, start + Math.min(width, EXCERPT_CONTEXT) + EXCERPT_CONTEXT);
  }
  const before = from > lineStart ? "…" : "";
  const sourceLine = `${before}${source.slice(from, to)}${to < lineEnd ? "…" : ""}`;
  // Keep tabs in the padding so the caret lines up under tab-indented text.
  let pad = before === "" ? "" : " ";
  for (let i = from; i < start; i++) pad += source[i] === "\t" ? "\t" : " ";
  return {
    location: { line, column, start, end },
    sourceLine,
    caret: `${pad}${"^".repeat(Math.max(1, Math.min(width, to - start)))}`,
  };
}

function render(
  reason: string,
  line: number,
  column: number,
  sourceLine: string,
  caret: string,
  hint?: string,
) {
  let text = `${reason} (line ${line}, column ${column})\n  ${sourceLine}\n  ${caret}`;
  if (hint) text += `\nhint: ${hint}`;
  return text;
}

/** Build a warning for `span` of `source`. */
export function makeWarning(
  source: string,
  code: string,
  reason: string,
  span: Pick<Span, "start" | "end">,
  hint?: string,
): EqlWarning {
  const { location, sourceLine, caret } = locate(source, span);
  const message = render(reason, location.line, location.column, sourceLine, caret, hint);
  return hint === undefined
    ? { code, reason, location, sourceLine, caret, message }
    : { code, reason, hint, location, sourceLine, caret, message };
}

/** Base class of every error about EQL query text. */
export class EqlError extends Error implements Diagnostic {
  readonly code: string;
  readonly reason: string;
  readonly hint?: string;
  readonly location: SourceLocation;
  readonly sourceLine: string;
  readonly caret: string;
  /** 1-based line (same as `location.line`). */
  readonly line: number;
  /** 1-based column (same as `location.column`). */
  readonly column: number;

  constructor(
    source: string,
    code: string,
    reason: string,
    span: Pick<Span, "start" | "end">,
    hint?: string,
  ) {
    const { location, sourceLine, caret } = locate(source, span);
    super(render(reason, location.line, location.column, sourceLine, caret, hint));
    this.name = "EqlError";
    this.code = code;
    this.reason = reason;
    if (hint !== undefined) this.hint = hint;
    this.location = location;
    this.sourceLine = sourceLine;
    this.caret = caret;
    this.line = location.line;
    this.column = location.column;
  }
}

/** The query text does not follow EQL's grammar. */
export class EqlSyntaxError extends EqlError {
  override name = "EqlSyntaxError";
}

/** The query text parses but breaks a rule Elasticsearch checks before running it. */
export class EqlSemanticError extends EqlError {
  override name = "EqlSemanticError";
}

/**
 * The stable error and warning codes. Tests and callers match on these, never on wording.
 * Syntax errors come from the parser, semantic errors from the checker and the compiler.
 */
export const ErrorCodes = {
  // lexical and syntax
  UNEXPECTED_CHARACTER: "EQL_UNEXPECTED_CHARACTER",
  UNTERMINATED_STRING: "EQL_UNTERMINATED_STRING",
  UNTERMINATED_COMMENT: "EQL_UNTERMINATED_COMMENT",
  INVALID_ESCAPE: "EQL_INVALID_ESCAPE",
  SINGLE_QUOTED_STRING: "EQL_SINGLE_QUOTED_STRING",
  LEGACY_RAW_STRING: "EQL_LEGACY_RAW_STRING",
  UNEXPECTED_TOKEN: "EQL_UNEXPECTED_TOKEN",
  UNEXPECTED_END: "EQL_UNEXPECTED_END",
  ASSIGNMENT_AS_EQUALITY: "EQL_ASSIGNMENT_AS_EQUALITY",
  UPPERCASE_KEYWORD: "EQL_UPPERCASE_KEYWORD",
  CHAINED_COMPARISON: "EQL_CHAINED_COMPARISON",
  ARRAY_INDEX: "EQL_ARRAY_INDEX",
  JOIN_UNSUPPORTED: "EQL_JOIN_UNSUPPORTED",
  LINEAGE_UNSUPPORTED: "EQL_LINEAGE_UNSUPPORTED",
  UNSUPPORTED_PIPE: "EQL_UNSUPPORTED_PIPE",
  UNKNOWN_PIPE: "EQL_UNKNOWN_PIPE",
  INVALID_NUMBER: "EQL_INVALID_NUMBER",
  TOO_DEEP: "EQL_TOO_DEEP",
  // semantic
  UNKNOWN_FUNCTION: "EQL_UNKNOWN_FUNCTION",
  WRONG_ARITY: "EQL_WRONG_ARITY",
  NO_INSENSITIVE_VARIANT: "EQL_NO_INSENSITIVE_VARIANT",
  LITERAL_REQUIRED: "EQL_LITERAL_REQUIRED",
  TYPE_MISMATCH: "EQL_TYPE_MISMATCH",
  NOT_BOOLEAN: "EQL_NOT_BOOLEAN",
  FIELD_COMPARISON: "EQL_FIELD_COMPARISON",
  INVALID_PIPE_ARGUMENT: "EQL_INVALID_PIPE_ARGUMENT",
  PIPE_ON_SAMPLE: "EQL_PIPE_ON_SAMPLE",
  INVALID_MAXSPAN: "EQL_INVALID_MAXSPAN",
  KEYS_AFTER_WITH: "EQL_KEYS_AFTER_WITH",
  JOIN_KEY_COUNT: "EQL_JOIN_KEY_COUNT",
  UNSUPPORTED_JOIN_KEY: "EQL_UNSUPPORTED_JOIN_KEY",
  INVALID_RUNS: "EQL_INVALID_RUNS",
  UNKNOWN_TERM_OPTION: "EQL_UNKNOWN_TERM_OPTION",
  MISSING_EVENTS_NEED_MAXSPAN: "EQL_MISSING_EVENTS_NEED_MAXSPAN",
  SEQUENCE_TOO_SHORT: "EQL_SEQUENCE_TOO_SHORT",
  NO_POSITIVE_TERM: "EQL_NO_POSITIVE_TERM",
  MISSING_UNTIL: "EQL_MISSING_UNTIL",
  SAMPLE_TERMS: "EQL_SAMPLE_TERMS",
  SAMPLE_NEEDS_KEYS: "EQL_SAMPLE_NEEDS_KEYS",
  INVALID_REGEX: "EQL_INVALID_REGEX",
  INVALID_CIDR: "EQL_INVALID_CIDR",
  INVALID_ARGUMENT: "EQL_INVALID_ARGUMENT",
  INTEGER_OVERFLOW: "EQL_INTEGER_OVERFLOW",
  DIVISION_BY_ZERO: "EQL_DIVISION_BY_ZERO",
  UNKNOWN_FIELD: "EQL_UNKNOWN_FIELD",
  UNSUPPORTED_FIELD_TYPE: "EQL_UNSUPPORTED_FIELD_TYPE",
  INEXACT_FIELD: "EQL_INEXACT_FIELD",
  JOIN_KEY_TYPE: "EQL_JOIN_KEY_TYPE",
  NULL_ARGUMENT: "EQL_NULL_ARGUMENT",
  // warnings
  WILDCARD_IN_EQUALITY: "EQL_WILDCARD_IN_EQUALITY",
} as const;

/** One of the stable codes. */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/**
 * Input data that a query cannot be run over as asked (e.g. a sequence over an event without a
 * usable timestamp, or an event arriving too late in a stream). Names the event's position.
 */
export class EqlDataError extends Error {
  readonly code: string;
  /** 0-based position of the event in the input (or in the stream). */
  readonly eventIndex: number;

  constructor(code: string, message: string, eventIndex: number) {
    super(`${message} (event #${eventIndex})`);
    this.name = "EqlDataError";
    this.code = code;
    this.eventIndex = eventIndex;
  }
}

/** Codes of `EqlDataError`. */
export const DataErrorCodes = {
  MISSING_TIMESTAMP: "EQL_MISSING_TIMESTAMP",
  MULTIVALUED_TIMESTAMP: "EQL_MULTIVALUED_TIMESTAMP",
  MULTIVALUED_TIEBREAKER: "EQL_MULTIVALUED_TIEBREAKER",
  LATE_EVENT: "EQL_LATE_EVENT",
} as const;

/**
 * A snapshot that cannot be taken or restored: another format version, another rule set, a
 * damaged document, or a set that is not in the state the call needs.
 */
export class EqlSnapshotError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = "EqlSnapshotError";
    this.code = code;
  }
}

/** Codes of `EqlSnapshotError`. */
export const SnapshotErrorCodes = {
  /** The snapshot has another format version than this library writes. */
  VERSION: "EQL_SNAPSHOT_VERSION",
  /** The snapshot was taken from other rules or options that change answers. */
  MISMATCH: "EQL_SNAPSHOT_MISMATCH",
  /** The snapshot is not well formed (damaged, truncated or edited). */
  INVALID: "EQL_SNAPSHOT_INVALID",
  /** `restore` into a set that was already fed, advanced, ended or restored. */
  NOT_FRESH: "EQL_SNAPSHOT_NOT_FRESH",
  /** `snapshot` after `end()`: nothing is left to resume. */
  ENDED: "EQL_SNAPSHOT_ENDED",
} as const;
