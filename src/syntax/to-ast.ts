/**
 * The CST→AST visitor. It folds unary minus into numeric literals, drops unary plus, decodes
 * literals and rejects constructs the grammar accepts only to report them well (`field[0]`,
 * keys after `with`). This is the only place CST shapes are seen.
 */
import { type CstNode, type IToken, tokenMatcher } from "chevrotain";
import type {
  CompareOp,
  Duration,
  EventQuery,
  Expr,
  Field,
  Literal,
  MatchOp,
  Pipe,
  Query,
  Span,
  Statement,
  Term,
} from "../ast/nodes.js";
import { keysAfterWith, maxspanDuration, pipeFrom, type RawNumber, termRuns } from "../check/structure.js";
import { EqlSemanticError, EqlSyntaxError, ErrorCodes } from "../errors.js";
import { eqlParser } from "./parser.js";
import { joinSpans, tokenSpan } from "./span.js";
import { decodeQuotedIdentifier, decodeRawString } from "./strings.js";
import * as T from "./tokens.js";

type Child = CstNode | IToken;
type Ctx = Record<string, Child[] | undefined>;

const tok = (ctx: Ctx, key: string, i = 0): IToken | undefined => ctx[key]?.[i] as IToken | undefined;
const node = (ctx: Ctx, key: string, i = 0): CstNode | undefined => ctx[key]?.[i] as CstNode | undefined;
const nodes = (ctx: Ctx, key: string): CstNode[] => (ctx[key] ?? []) as CstNode[];
const tokens = (ctx: Ctx, key: string): IToken[] => (ctx[key] ?? []) as IToken[];
const withSpan = <E extends Expr>(e: E, span: Span): E => ({ ...e, span });

const MAX_UNSIGNED_LONG = 18446744073709551615n;

const BaseVisitor = eqlParser.getBaseCstVisitorConstructor();

/** Builds AST nodes from the CST of one statement. */
class AstBuilder extends BaseVisitor {
  source = "";

  constructor() {
    super();
    this.validateVisitor();
  }

  private fail(code: string, reason: string, span: Span, hint?: string): never {
    throw new EqlSyntaxError(this.source, code, reason, span, hint);
  }

  statement(ctx: Ctx): Statement {
    const query = this.visit(node(ctx, "query")!) as Query;
    const pipes = nodes(ctx, "pipe").map((p) => this.visit(p) as Pipe);
    const last = pipes[pipes.length - 1];
    const span = last ? joinSpans(query.span, last.span) : query.span;
    return { kind: "statement", query, pipes, source: this.source, span };
  }

  query(ctx: Ctx): Query {
    const child =
      node(ctx, "sequence") ?? node(ctx, "sample") ?? node(ctx, "join") ?? node(ctx, "eventQuery");
    return this.visit(child!) as Query;
  }

  /** A well-formed `join`: Elasticsearch parses it and its verifier refuses it. */
  join(ctx: Ctx): never {
    throw new EqlSemanticError(
      this.source,
      ErrorCodes.JOIN_UNSUPPORTED,
      "JOIN command is not supported",
      tokenSpan(tok(ctx, "Kw_join")!),
      "use sequence, or sample for events in any order",
    );
  }

  eventQuery(ctx: Ctx): EventQuery {
    const cat = tok(ctx, "category")!;
    const categorySpan = tokenSpan(cat);
    let category: string | null;
    if (tokenMatcher(cat, T.Any)) category = null;
    else if (tokenMatcher(cat, T.StringLiteral)) category = this.stringValue(cat);
    else category = cat.image;
    const condition = this.visit(node(ctx, "expression")!) as Expr;
    return {
      kind: "event",
      category,
      categorySpan,
      condition,
      span: joinSpans(categorySpan, condition.span),
    };
  }

  sequence(ctx: Ctx): Query {
    const late = node(ctx, "keysAfterWith");
    if (late) {
      const keys = this.visit(late) as Expr[];
      keysAfterWith(
        this.source,
        joinSpans(tokenSpan(late.children.Kw_by![0] as IToken), keys[keys.length - 1]!.span),
      );
    }
    const by = node(ctx, "joinKeys") ? (this.visit(node(ctx, "joinKeys")!) as Expr[]) : [];
    const params = node(ctx, "sequenceParams");
    const maxspan = params ? (this.visit(params) as Duration) : undefined;
    const terms = nodes(ctx, "sequenceTerm").map((t) => this.visit(t) as Term);
    const untilNode = node(ctx, "until");
    const until = untilNode ? (this.visit(untilNode) as Term) : undefined;
    const last = until ?? terms[terms.length - 1]!;
    const span = joinSpans(tokenSpan(tok(ctx, "Kw_sequence")!), last.span);
    return {
      kind: "sequence",
      by,
      ...(maxspan ? { maxspan } : {}),
      terms,
      ...(until ? { until } : {}),
      span,
    };
  }

  sequenceParams(ctx: Ctx): Duration {
    const value = this.rawNumber(node(ctx, "number")!);
    const unit = tok(ctx, "unit");
    return maxspanDuration(
      this.source,
      value,
      unit ? { image: unit.image, span: tokenSpan(unit) } : undefined,
    );
  }

  sequenceTerm(ctx: Ctx): Term {
    const base = this.visit(node(ctx, "subquery")!) as Term;
    const by = node(ctx, "joinKeys") ? (this.visit(node(ctx, "joinKeys")!) as Expr[]) : [];
    const option = tok(ctx, "option");
    let end = by.length > 0 ? by[by.length - 1]!.span : base.span;
    let runs: number | undefined;
    if (option) {
      const value = this.rawNumber(node(ctx, "number")!);
      runs = termRuns(this.source, { image: option.image, span: tokenSpan(option) }, value);
      end = value.span;
    }
    return { ...base, by, ...(runs !== undefined ? { runs } : {}), span: joinSpans(base.span, end) };
  }

  sample(ctx: Ctx): Query {
    const by = node(ctx, "joinKeys") ? (this.visit(node(ctx, "joinKeys")!) as Expr[]) : [];
    const terms = nodes(ctx, "sampleTerm").map((t) => this.visit(t) as Term);
    const span = joinSpans(tokenSpan(tok(ctx, "Kw_sample")!), terms[terms.length - 1]!.span);
    return { kind: "sample", by, terms, span };
  }

  sampleTerm(ctx: Ctx): Term {
    const base = this.visit(node(ctx, "subquery")!) as Term;
    const by = node(ctx, "joinKeys") ? (this.visit(node(ctx, "joinKeys")!) as Expr[]) : [];
    const end = by.length > 0 ? by[by.length - 1]!.span : base.span;
    return { ...base, by, span: joinSpans(base.span, end) };
  }

  subquery(ctx: Ctx): Term {
    const open = tok(ctx, "LBracket") ?? tok(ctx, "BangLBracket")!;
    const filter = this.visit(node(ctx, "eventQuery")!) as EventQuery;
    const span = joinSpans(tokenSpan(open), tokenSpan(tok(ctx, "RBracket")!));
    return { kind: "term", filter, by: [], missing: tokenMatcher(open, T.BangLBracket), span };
  }

  joinKeys(ctx: Ctx): Expr[] {
    return nodes(ctx, "expression").map((e) => this.visit(e) as Expr);
  }

  pipe(ctx: Ctx): Pipe {
    const name = tok(ctx, "Identifier")!;
    const args = nodes(ctx, "expression").map((e) => this.visit(e) as Expr);
    const last = args[args.length - 1];
    const span = joinSpans(tokenSpan(tok(ctx, "Pipe")!), last ? last.span : tokenSpan(name));
    return pipeFrom(this.source, { image: name.image, span: tokenSpan(name) }, args, span);
  }

  number(ctx: Ctx): Literal {
    const t = tok(ctx, "IntegerLiteral") ?? tok(ctx, "DecimalLiteral")!;
    const span = tokenSpan(t);
    if (tokenMatcher(t, T.DecimalLiteral))
      return { kind: "literal", type: "double", value: Number(t.image), span };
    // ES re-parses integers beyond the unsigned 64-bit range as doubles.
    const type = BigInt(t.image) > MAX_UNSIGNED_LONG ? "double" : "integer";
    return { kind: "literal", type, value: Number(t.image), span };
  }

  /**
   * A flat chain of operands and binary operators (see the parser's `expression`), nested by
   * precedence: `or` loosest, then `and`, `not` (which takes the comparison and arithmetic after
   * it), comparisons, `+ -`, and `* / %` tightest; `or`, `and` and arithmetic group to the left.
   */
  expression(ctx: Ctx): Expr {
    const operands = nodes(ctx, "operands");
    const ops = tokens(ctx, "ops");
    const at = { next: 1 };
    return this.climb(this.operandExpr(operands[0]!, operands, ops, at), 1, operands, ops, at);
  }

  /**
   * Extend `left` with the operators from `ops[at.next - 1]` on whose precedence is at least `min`,
   * taking their operands from `operands[at.next]` on.
   */
  private climb(left: Expr, min: number, operands: CstNode[], ops: IToken[], at: { next: number }): Expr {
    let result = left;
    for (;;) {
      const op = ops[at.next - 1];
      if (op === undefined) return result;
      const p = precedence(op);
      if (p < min) return result;
      let right = this.operandExpr(operands[at.next++]!, operands, ops, at);
      for (;;) {
        const after = ops[at.next - 1];
        if (after === undefined || precedence(after) <= p) break;
        right = this.climb(right, p + 1, operands, ops, at);
      }
      result = binary(op, result, right);
    }
  }

  /**
   * One operand: its primary with its predicate, then its signs, then its `not`s, each of which
   * takes the comparison and arithmetic that follow the operand.
   */
  private operandExpr(operand: CstNode, operands: CstNode[], ops: IToken[], at: { next: number }): Expr {
    const c = operand.children as Ctx;
    let e = this.visit(node(c, "primary")!) as Expr;
    const predicate = node(c, "predicate");
    if (predicate) e = this.visit(predicate, e) as Expr;
    const signs = tokens(c, "AddOp");
    for (let i = signs.length - 1; i >= 0; i--) e = signed(signs[i]!, e);
    const nots = tokens(c, "Kw_not");
    if (nots.length === 0) return e;
    e = this.climb(e, COMPARISON, operands, ops, at);
    for (let i = nots.length - 1; i >= 0; i--) {
      e = { kind: "not", operand: e, span: joinSpans(tokenSpan(nots[i]!), e.span) };
    }
    return e;
  }

  /** Never visited (`expression` reads its operands); chevrotain's visitor check wants every rule. */
  operand(): never {
    throw new Error("operands are read by expression");
  }

  predicate(ctx: Ctx, operand: Expr): Expr {
    const close = tok(ctx, "RParen");
    const inOp = tok(ctx, "InOp");
    if (inOp) {
      const list = nodes(ctx, "expression").map((e) => this.visit(e) as Expr);
      return {
        kind: "in",
        operand,
        list,
        negated: tok(ctx, "Kw_not") !== undefined,
        insensitive: tokenMatcher(inOp, T.InTilde),
        span: joinSpans(operand.span, tokenSpan(close!)),
      };
    }
    const m = tok(ctx, "MatchOp")!;
    const patterns = nodes(ctx, "constant").map((c) => this.visit(c) as Literal);
    const op: MatchOp = tokenMatcher(m, T.Colon) ? ":" : m.image.startsWith("like") ? "like" : "regex";
    const end = close ? tokenSpan(close) : patterns[patterns.length - 1]!.span;
    return {
      kind: "match",
      op,
      insensitive: op === ":" || m.image.endsWith("~"),
      operand,
      patterns,
      span: joinSpans(operand.span, end),
    };
  }

  primary(ctx: Ctx): Expr {
    const child = node(ctx, "constant") ?? node(ctx, "functionCall") ?? node(ctx, "field");
    if (child) return this.visit(child) as Expr;
    const inner = this.visit(node(ctx, "expression")!) as Expr;
    return withSpan(inner, joinSpans(tokenSpan(tok(ctx, "LParen")!), tokenSpan(tok(ctx, "RParen")!)));
  }

  functionCall(ctx: Ctx): Expr {
    const name = tok(ctx, "Identifier") ?? tok(ctx, "TildeIdentifier")!;
    const insensitive = tokenMatcher(name, T.TildeIdentifier);
    const args = nodes(ctx, "expression").map((e) => this.visit(e) as Expr);
    const nameSpan = tokenSpan(name);
    return {
      kind: "call",
      name: insensitive ? name.image.slice(0, -1) : name.image,
      insensitive,
      args,
      span: joinSpans(nameSpan, tokenSpan(tok(ctx, "RParen")!)),
      nameSpan,
    };
  }

  field(ctx: Ctx): Field {
    const open = tok(ctx, "LBracket");
    if (open) {
      const close = tokens(ctx, "RBracket")[0]!;
      this.fail(
        ErrorCodes.ARRAY_INDEX,
        "Array indexes are not supported",
        joinSpans(tokenSpan(open), tokenSpan(close)),
      );
    }
    const segments = nodes(ctx, "identifier").map((i) => this.visit(i) as { name: string; span: Span });
    const q = tok(ctx, "Question");
    const first = q ? tokenSpan(q) : segments[0]!.span;
    const path = segments.map((s) => s.name);
    return {
      kind: "field",
      path,
      name: path.join("."),
      optional: q !== undefined,
      span: joinSpans(first, segments[segments.length - 1]!.span),
    };
  }

  identifier(ctx: Ctx): { name: string; span: Span } {
    const quoted = tok(ctx, "QuotedIdentifier");
    if (quoted) return { name: decodeQuotedIdentifier(quoted.image), span: tokenSpan(quoted) };
    const t = tok(ctx, "Identifier")!;
    return { name: t.image, span: tokenSpan(t) };
  }

  constant(ctx: Ctx): Literal {
    const num = node(ctx, "number");
    if (num) return this.visit(num) as Literal;
    const s = tok(ctx, "StringLiteral");
    if (s) return { kind: "literal", type: "string", value: this.stringValue(s), span: tokenSpan(s) };
    const t = tok(ctx, "Kw_null") ?? tok(ctx, "Kw_true") ?? tok(ctx, "Kw_false")!;
    if (tokenMatcher(t, T.Null)) return { kind: "literal", type: "null", value: null, span: tokenSpan(t) };
    return { kind: "literal", type: "boolean", value: tokenMatcher(t, T.True), span: tokenSpan(t) };
  }

  private stringValue(t: IToken): string {
    return tokenMatcher(t, T.RawString) ? decodeRawString(t.image) : (t.payload as string);
  }

  private rawNumber(numberNode: CstNode): RawNumber {
    const t = (numberNode.children.IntegerLiteral?.[0] ?? numberNode.children.DecimalLiteral?.[0]) as IToken;
    return { image: t.image, decimal: tokenMatcher(t, T.DecimalLiteral), span: tokenSpan(t) };
  }
}

/** Precedence of a binary operator: `or` 1, `and` 2, comparisons 3, `+ -` 4, `* / %` 5. */
const COMPARISON = 3;
function precedence(op: IToken): number {
  if (tokenMatcher(op, T.Or)) return 1;
  if (tokenMatcher(op, T.And)) return 2;
  if (tokenMatcher(op, T.CompareOp)) return COMPARISON;
  if (tokenMatcher(op, T.AddOp)) return 4;
  return 5;
}

/** The node of binary operator `op` over `left` and `right`. */
function binary(op: IToken, left: Expr, right: Expr): Expr {
  const span = joinSpans(left.span, right.span);
  if (tokenMatcher(op, T.Or)) return { kind: "or", left, right, span };
  if (tokenMatcher(op, T.And)) return { kind: "and", left, right, span };
  if (tokenMatcher(op, T.CompareOp)) return { kind: "compare", op: op.image as CompareOp, left, right, span };
  return { kind: "arith", op: op.image as "+" | "-" | "*" | "/" | "%", left, right, span };
}

/** `operand` under a unary sign: `+` drops, `-` folds into a number literal or negates. */
function signed(sign: IToken, operand: Expr): Expr {
  const span = joinSpans(tokenSpan(sign), operand.span);
  if (sign.image === "+") return withSpan(operand, span);
  if (operand.kind === "literal" && (operand.type === "integer" || operand.type === "double")) {
    const v = operand.value as number;
    // Avoid producing -0 for integers, which have no negative zero.
    return { ...operand, value: operand.type === "integer" && v === 0 ? 0 : -v, span };
  }
  return { kind: "negate", operand, span };
}

const builder = new AstBuilder();

/** Convert the CST of a `statement` rule into the AST. Throws `EqlSyntaxError`/`EqlSemanticError`. */
export function toAst(cst: CstNode, source: string): Statement {
  builder.source = source;
  return builder.visit(cst) as Statement;
}
