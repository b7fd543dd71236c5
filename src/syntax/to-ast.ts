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

  expression(ctx: Ctx): Expr {
    return this.visit(node(ctx, "orExpression")!) as Expr;
  }

  orExpression(ctx: Ctx): Expr {
    return this.logical(ctx, "or");
  }

  andExpression(ctx: Ctx): Expr {
    return this.logical(ctx, "and");
  }

  notExpression(ctx: Ctx): Expr {
    const not = tok(ctx, "Kw_not");
    if (!not) return this.visit(node(ctx, "comparison")!) as Expr;
    const operand = this.visit(node(ctx, "notExpression")!) as Expr;
    return { kind: "not", operand, span: joinSpans(tokenSpan(not), operand.span) };
  }

  comparison(ctx: Ctx): Expr {
    const children = nodes(ctx, "operands");
    const op = tok(ctx, "CompareOp");
    const left = this.visit(children[0]!) as Expr;
    if (!op || children.length < 2) return left;
    const right = this.visit(children[1]!) as Expr;
    return {
      kind: "compare",
      op: op.image as CompareOp,
      left,
      right,
      span: joinSpans(left.span, right.span),
    };
  }

  additive(ctx: Ctx): Expr {
    return this.arithmetic(ctx, "AddOp");
  }

  multiplicative(ctx: Ctx): Expr {
    return this.arithmetic(ctx, "MulOp");
  }

  unary(ctx: Ctx): Expr {
    const sign = tok(ctx, "AddOp");
    if (!sign) return this.visit(node(ctx, "predicated")!) as Expr;
    const operand = this.visit(node(ctx, "unary")!) as Expr;
    const span = joinSpans(tokenSpan(sign), operand.span);
    if (sign.image === "+") return withSpan(operand, span);
    if (operand.kind === "literal" && (operand.type === "integer" || operand.type === "double")) {
      const v = operand.value as number;
      // Avoid producing -0 for integers, which have no negative zero.
      return { ...operand, value: operand.type === "integer" && v === 0 ? 0 : -v, span };
    }
    return { kind: "negate", operand, span };
  }

  predicated(ctx: Ctx): Expr {
    const primary = this.visit(node(ctx, "primary")!) as Expr;
    const predicate = node(ctx, "predicate");
    return predicate ? (this.visit(predicate, primary) as Expr) : primary;
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

  private logical(ctx: Ctx, kind: "and" | "or"): Expr {
    const children = nodes(ctx, "operands");
    // Every leaf passes through each operator level with one operand: no list to build then.
    if (children.length === 1) return this.visit(children[0]!) as Expr;
    const operands = children.map((o) => this.visit(o) as Expr);
    let result = operands[0]!;
    for (let i = 1; i < operands.length; i++) {
      const right = operands[i]!;
      result = { kind, left: result, right, span: joinSpans(result.span, right.span) };
    }
    return result;
  }

  private arithmetic(ctx: Ctx, opKey: "AddOp" | "MulOp"): Expr {
    const children = nodes(ctx, "operands");
    if (children.length === 1) return this.visit(children[0]!) as Expr;
    const operands = children.map((o) => this.visit(o) as Expr);
    const ops = tokens(ctx, opKey);
    let result = operands[0]!;
    for (let i = 1; i < operands.length; i++) {
      const right = operands[i]!;
      const op = ops[i - 1]!.image as "+" | "-" | "*" | "/" | "%";
      result = { kind: "arith", op, left: result, right, span: joinSpans(result.span, right.span) };
    }
    return result;
  }
}

const builder = new AstBuilder();

/** Convert the CST of a `statement` rule into the AST. Throws `EqlSyntaxError`/`EqlSemanticError`. */
export function toAst(cst: CstNode, source: string): Statement {
  builder.source = source;
  return builder.visit(cst) as Statement;
}
