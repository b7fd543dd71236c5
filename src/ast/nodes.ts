/**
 * The EQL abstract syntax tree: a readonly discriminated union on `kind`.
 * Every node carries the span of the source text it was built from.
 */

/** A region of the query text. Offsets are 0-based UTF-16 indexes; lines and columns are 1-based. */
export interface Span {
  readonly start: number;
  /** Exclusive end offset. */
  readonly end: number;
  readonly line: number;
  readonly column: number;
}

/** The static type a literal has by its syntax (`4` is an integer, `4.0` a double). */
export type LiteralType = "string" | "integer" | "double" | "boolean" | "null";

/** A constant written in the query. */
export interface Literal {
  readonly kind: "literal";
  readonly type: LiteralType;
  readonly value: string | number | boolean | null;
  readonly span: Span;
}

/** A field reference: `process.name`, `` process.`my-field` ``, `?user.id`. */
export interface Field {
  readonly kind: "field";
  /** Path segments as written (a backtick-quoted segment may itself contain dots). */
  readonly path: readonly string[];
  /** The dotted name, `path.join(".")`. */
  readonly name: string;
  /** True when written with a leading `?`. */
  readonly optional: boolean;
  readonly span: Span;
}

/** `not expr` */
export interface Not {
  readonly kind: "not";
  readonly operand: Expr;
  readonly span: Span;
}

/** `left and right`, `left or right` */
export interface Logical {
  readonly kind: "and" | "or";
  readonly left: Expr;
  readonly right: Expr;
  readonly span: Span;
}

/** Comparison operators. */
export type CompareOp = "==" | "!=" | "<" | "<=" | ">" | ">=";

/** `left == right` and the other comparisons. */
export interface Compare {
  readonly kind: "compare";
  readonly op: CompareOp;
  readonly left: Expr;
  readonly right: Expr;
  readonly span: Span;
}

/** Arithmetic operators. */
export type ArithOp = "+" | "-" | "*" | "/" | "%";

/** `left + right` and the other binary arithmetic operators. */
export interface Arith {
  readonly kind: "arith";
  readonly op: ArithOp;
  readonly left: Expr;
  readonly right: Expr;
  readonly span: Span;
}

/** Unary minus (unary plus is dropped by the parser). */
export interface Negate {
  readonly kind: "negate";
  readonly operand: Expr;
  readonly span: Span;
}

/** `x in (...)`, `x not in (...)`, `x in~ (...)`, `x not in~ (...)` */
export interface In {
  readonly kind: "in";
  readonly operand: Expr;
  readonly list: readonly Expr[];
  readonly negated: boolean;
  readonly insensitive: boolean;
  readonly span: Span;
}

/** The string-matching operators that take literal patterns. */
export type MatchOp = ":" | "like" | "regex";

/** `x : "p"`, `x like "p"`, `x like~ ("p", "q")`, `x regex "p"`, `x regex~ "p"` */
export interface Match {
  readonly kind: "match";
  readonly op: MatchOp;
  /** True for `:` (always), `like~` and `regex~`. */
  readonly insensitive: boolean;
  readonly operand: Expr;
  readonly patterns: readonly Literal[];
  readonly span: Span;
}

/** A function call such as `startsWith~(process.name, "cmd")`. */
export interface Call {
  readonly kind: "call";
  /** The name as written, without the `~`. Resolution is case-insensitive. */
  readonly name: string;
  /** True when written with a trailing `~`. */
  readonly insensitive: boolean;
  readonly args: readonly Expr[];
  readonly span: Span;
  /** Span of the function name alone (for error carets). */
  readonly nameSpan: Span;
}

/** Any expression. */
export type Expr = Literal | Field | Not | Logical | Compare | Arith | Negate | In | Match | Call;

/** `process where cond`, `"my cat" where cond`, `any where cond`. */
export interface EventQuery {
  readonly kind: "event";
  /** The category, or null for `any`. */
  readonly category: string | null;
  readonly categorySpan: Span;
  readonly condition: Expr;
  readonly span: Span;
}

/** A maxspan such as `5m`. */
export interface Duration {
  readonly value: number;
  readonly unit: "ms" | "s" | "m" | "h" | "d";
  /** The duration in milliseconds. */
  readonly millis: number;
  readonly span: Span;
}

/** One `[...]` (or `![...]`) term of a sequence or sample with its own keys. */
export interface Term {
  readonly kind: "term";
  readonly filter: EventQuery;
  /** Keys given on this term (the query-level keys are not repeated here). */
  readonly by: readonly Expr[];
  /** True for a missing-event term `![...]`. */
  readonly missing: boolean;
  /** `with runs=N`, when given. */
  readonly runs?: number;
  readonly span: Span;
}

/** `sequence [by ...] [with maxspan=...] term+ [until term]` */
export interface SequenceQuery {
  readonly kind: "sequence";
  readonly by: readonly Expr[];
  readonly maxspan?: Duration;
  readonly terms: readonly Term[];
  readonly until?: Term;
  readonly span: Span;
}

/** `sample [by ...] term+` */
export interface SampleQuery {
  readonly kind: "sample";
  readonly by: readonly Expr[];
  readonly terms: readonly Term[];
  readonly span: Span;
}

/** Any query. */
export type Query = EventQuery | SequenceQuery | SampleQuery;

/** `| head N` or `| tail N`. */
export interface Pipe {
  readonly kind: "pipe";
  readonly name: "head" | "tail";
  readonly count: number;
  readonly span: Span;
}

/** A whole EQL statement: a query and its pipes. */
export interface Statement {
  readonly kind: "statement";
  readonly query: Query;
  readonly pipes: readonly Pipe[];
  /** The source text the statement was parsed from. */
  readonly source: string;
  readonly span: Span;
}

/** Every AST node. */
export type Node = Expr | EventQuery | Term | SequenceQuery | SampleQuery | Pipe | Statement;
