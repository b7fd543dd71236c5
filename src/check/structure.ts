/**
 * Structural checks Elasticsearch applies while building its logical plan (spec §3.3): maxspan,
 * runs, pipes, join keys, term counts and missing events. They run at parse time and throw
 * `EqlSemanticError`. Type and function checks live elsewhere.
 */
import type {
  Duration,
  Expr,
  Pipe,
  SampleQuery,
  SequenceQuery,
  Span,
  Statement,
  Term,
} from "../ast/nodes.js";
import { EqlSemanticError, EqlSyntaxError, ErrorCodes } from "../errors.js";

/** A numeric token as the grammar saw it, before it became a literal. */
export interface RawNumber {
  readonly image: string;
  readonly decimal: boolean;
  readonly span: Span;
}

/** A word token (unit, option or pipe name) with its span. */
export interface RawWord {
  readonly image: string;
  readonly span: Span;
}

const UNIT_MILLIS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** The most terms a sample may have (ES docs); the minimum of 2 is our choice (DESIGN.md). */
export const MAX_SAMPLE_TERMS = 5;
/** The `runs` bounds, inclusive. */
export const RUNS_MIN = 1;
/** The `runs` bounds, inclusive. */
export const RUNS_MAX = 100;

/** Build the `with maxspan=N unit` duration, rejecting decimals, zero and missing or unknown units. */
export function maxspanDuration(source: string, value: RawNumber, unit: RawWord | undefined): Duration {
  const span: Span = unit
    ? { start: value.span.start, end: unit.span.end, line: value.span.line, column: value.span.column }
    : value.span;
  const fail = (reason: string, at: Span, hint?: string): never => {
    throw new EqlSemanticError(source, ErrorCodes.INVALID_MAXSPAN, reason, at, hint);
  };
  if (value.decimal)
    fail(`Decimal time interval [${value.image}] not supported`, value.span, "use a smaller unit");
  const n = Number(value.image);
  if (!(n > 0)) fail("A positive maxspan value is required", value.span);
  if (!unit) return fail("No time unit specified", value.span, "add one of ms, s, m, h, d");
  if (!Object.hasOwn(UNIT_MILLIS, unit.image)) {
    fail(`Unknown time unit [${unit.image}]`, unit.span, "use one of ms, s, m, h, d (lowercase)");
  }
  const u = unit.image as keyof typeof UNIT_MILLIS;
  return { value: n, unit: u, millis: n * UNIT_MILLIS[u], span };
}

/** Read a term's `with name=N` option; only `runs` with an integer in 1..100 is accepted. */
export function termRuns(source: string, option: RawWord, value: RawNumber): number {
  if (option.image !== "runs") {
    throw new EqlSemanticError(
      source,
      ErrorCodes.UNKNOWN_TERM_OPTION,
      `Unknown term option [${option.image}]`,
      option.span,
      "the only term option is runs",
    );
  }
  const n = Number(value.image);
  if (value.decimal || !Number.isInteger(n) || n < RUNS_MIN || n > RUNS_MAX) {
    throw new EqlSemanticError(
      source,
      ErrorCodes.INVALID_RUNS,
      `A query cannot be repeated [${value.image}] times; runs must be an integer between ${RUNS_MIN} and ${RUNS_MAX}`,
      value.span,
    );
  }
  return n;
}

/** Reject `sequence with maxspan=... by ...`. */
export function keysAfterWith(source: string, span: Span): never {
  throw new EqlSemanticError(
    source,
    ErrorCodes.KEYS_AFTER_WITH,
    "Please specify sequence [by] before [with] not after",
    span,
    "write `sequence by ... with maxspan=...`",
  );
}

const UNSUPPORTED_PIPES = new Set(["count", "filter", "sort", "unique", "unique_count"]);

/** Fold integer-literal arithmetic; returns undefined for anything else. */
function foldInteger(e: Expr): number | undefined {
  if (e.kind === "literal") return e.type === "integer" ? (e.value as number) : undefined;
  if (e.kind === "negate") {
    const v = foldInteger(e.operand);
    return v === undefined ? undefined : 0 - v;
  }
  if (e.kind !== "arith") return undefined;
  const l = foldInteger(e.left);
  const r = foldInteger(e.right);
  if (l === undefined || r === undefined) return undefined;
  switch (e.op) {
    case "+":
      return l + r;
    case "-":
      return l - r;
    case "*":
      return l * r;
    case "/":
      return r === 0 ? undefined : Math.trunc(l / r);
    case "%":
      return r === 0 ? undefined : l % r;
  }
}

/** Build a `head`/`tail` pipe; other names are unsupported or unknown. */
export function pipeFrom(source: string, name: RawWord, args: readonly Expr[], span: Span): Pipe {
  if (name.image !== "head" && name.image !== "tail") {
    if (UNSUPPORTED_PIPES.has(name.image)) {
      throw new EqlSyntaxError(
        source,
        ErrorCodes.UNSUPPORTED_PIPE,
        `Pipe [${name.image}] is not supported`,
        name.span,
      );
    }
    throw new EqlSyntaxError(
      source,
      ErrorCodes.UNKNOWN_PIPE,
      `Unrecognized pipe [${name.image}]`,
      name.span,
      "the supported pipes are head and tail",
    );
  }
  const arg = args[0];
  const count = args.length === 1 && arg ? foldInteger(arg) : undefined;
  if (count === undefined || count < 0 || !Number.isSafeInteger(count)) {
    throw new EqlSemanticError(
      source,
      ErrorCodes.INVALID_PIPE_ARGUMENT,
      `Pipe [${name.image}] expects a positive integer`,
      args.length === 1 && arg ? arg.span : name.span,
    );
  }
  return { kind: "pipe", name: name.image, count, span };
}

function checkKeys(source: string, by: readonly Expr[], terms: readonly Term[]): void {
  for (const key of [...by, ...terms.flatMap((t) => t.by)]) {
    if (key.kind !== "field") {
      throw new EqlSemanticError(
        source,
        ErrorCodes.UNSUPPORTED_JOIN_KEY,
        "Unsupported join key; a key must be a field",
        key.span,
      );
    }
  }
  const first = terms[0];
  if (!first) return;
  const expected = by.length + first.by.length;
  for (const term of terms) {
    const found = by.length + term.by.length;
    if (found !== expected) {
      const at = term.by.length > 0 ? spanOf(term.by) : term.span;
      throw new EqlSemanticError(
        source,
        ErrorCodes.JOIN_KEY_COUNT,
        `Inconsistent number of join keys specified; expected [${expected}] but found [${found}]`,
        at,
      );
    }
  }
}

function spanOf(exprs: readonly Expr[]): Span {
  const a = exprs[0]!.span;
  const b = exprs[exprs.length - 1]!.span;
  return { start: a.start, end: b.end, line: a.line, column: a.column };
}

function checkSequence(source: string, q: SequenceQuery): void {
  checkKeys(source, q.by, q.until ? [...q.terms, q.until] : q.terms);
  if (q.until?.missing) {
    throw new EqlSemanticError(
      source,
      ErrorCodes.MISSING_UNTIL,
      "The until term cannot be a missing event",
      q.until.span,
      "use `until [...]`",
    );
  }
  if (q.until?.runs !== undefined) {
    throw new EqlSemanticError(
      source,
      ErrorCodes.INVALID_RUNS,
      "The until term cannot be repeated with runs",
      q.until.span,
    );
  }
  const stages = q.terms.reduce((n, t) => n + (t.runs ?? 1), 0);
  if (stages < 2) {
    throw new EqlSemanticError(
      source,
      ErrorCodes.SEQUENCE_TOO_SHORT,
      "A sequence requires a minimum of 2 queries",
      q.span,
      "add a term or `with runs=N`",
    );
  }
  const firstMissing = q.terms.find((t) => t.missing);
  if (!firstMissing) return;
  if (!q.terms.some((t) => !t.missing)) {
    throw new EqlSemanticError(
      source,
      ErrorCodes.NO_POSITIVE_TERM,
      "A sequence requires at least one positive event query; found none",
      q.span,
    );
  }
  if (!q.maxspan) {
    throw new EqlSemanticError(
      source,
      ErrorCodes.MISSING_EVENTS_NEED_MAXSPAN,
      "A sequence with missing events requires `with maxspan`",
      firstMissing.span,
      "add `with maxspan=...` after `sequence`",
    );
  }
}

function checkSample(source: string, q: SampleQuery, pipes: readonly Pipe[]): void {
  const missing = q.terms.find((t) => t.missing);
  if (missing) {
    throw new EqlSemanticError(
      source,
      ErrorCodes.SAMPLE_TERMS,
      "Samples cannot have missing events",
      missing.span,
    );
  }
  if (q.terms.length < 2 || q.terms.length > MAX_SAMPLE_TERMS) {
    throw new EqlSemanticError(
      source,
      ErrorCodes.SAMPLE_TERMS,
      `A sample requires 2 to ${MAX_SAMPLE_TERMS} queries; found [${q.terms.length}]`,
      q.span,
    );
  }
  checkKeys(source, q.by, q.terms);
  if (q.by.length + q.terms[0]!.by.length === 0) {
    throw new EqlSemanticError(
      source,
      ErrorCodes.SAMPLE_NEEDS_KEYS,
      "A sample requires at least one join key",
      q.span,
      "add `by field` after `sample`",
    );
  }
  const pipe = pipes[0];
  if (pipe) {
    throw new EqlSemanticError(source, ErrorCodes.PIPE_ON_SAMPLE, "Samples do not support pipes", pipe.span);
  }
}

/** Run the whole-statement structural checks; throws the first `EqlSemanticError` found. */
export function checkStructure(statement: Statement): void {
  const { query, source } = statement;
  if (query.kind === "sequence") checkSequence(source, query);
  else if (query.kind === "sample") checkSample(source, query, statement.pipes);
}
