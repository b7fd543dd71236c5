/**
 * Compiles boolean expressions. Each leaf (comparison, `in`, `:`/like/regex, boolean function or
 * field) is true for an event when at least one value of the expression makes it exactly true;
 * `and`/`or`/`not` combine those per-event booleans. Sub-trees without fields are folded at compile
 * time with three-valued logic, so a constant null survives into the connectives.
 */
import type { Compare, Expr, In, Match, Span } from "../ast/nodes.js";
import { chainOperands } from "../ast/walk.js";
import { ErrorCodes } from "../errors.js";
import type { Scalar, StaticType } from "../functions/types.js";
import type { CachedFieldReader } from "../runtime/field-table.js";
import { type FieldReader, NONE, STOPPED } from "../runtime/fields.js";
import { CidrError } from "../runtime/ip.js";
import {
  compileFoldedPatternList,
  compilePatternList,
  needsRawValue,
  type PatternParts,
  patternParts,
  wildcardAsRegex,
} from "../runtime/patterns.js";
import { compileLuceneRegex, LuceneRegexError } from "../runtime/regex/index.js";
import { foldCase, hasOneWayFold } from "../runtime/text.js";
import { type CompareContext, equalsTest, orderTest, type ValueTest, valueText } from "../runtime/values.js";
import { type CompileEnv, fail, warn } from "./env.js";
import { compileValue, type Value } from "./value.js";
import { checkInList, conditionTypeName, requireExact, requireString, sourceText } from "./verify.js";

/** Three-valued truth. */
export type Tri = boolean | null;

/** A compiled boolean expression. */
export interface Predicate {
  readonly isConst: boolean;
  readonly constant: Tri;
  /** Evaluate for one event (only used when not constant). */
  readonly test: (event: unknown) => Tri;
  /** For a leaf: the value and the per-value test, so the leaf can also be used as a value. */
  readonly scalar?: { readonly value: Value; readonly test: ValueTest; readonly negated: boolean };
  /** What `test` computes, for generated code (see codegen.ts); absent: only `test` knows. */
  readonly node?: PredicateNode;
}

/**
 * The structure of a predicate: a leaf over a plain field (true when some value of the field passes
 * `test`; with `nullTrue`, also when the field has no value), a negation, or `and`/`or` over live
 * operands (`sawNull`: a constant null was among them, so only the deciding value survives).
 */
export type PredicateNode =
  | {
      readonly kind: "leaf";
      readonly reader: FieldReader;
      readonly test: ValueTest;
      readonly strings: StringTest;
      readonly nullTrue: boolean;
    }
  | { readonly kind: "not"; readonly operand: Predicate }
  | {
      readonly kind: "logic";
      readonly op: "and" | "or";
      readonly operands: readonly Predicate[];
      readonly sawNull: boolean;
    };

function constPred(value: Tri): Predicate {
  return { isConst: true, constant: value, test: () => value };
}

function eventPred(test: (event: unknown) => Tri, node?: PredicateNode): Predicate {
  return node ? { isConst: false, constant: null, test, node } : { isConst: false, constant: null, test };
}

const not3 = (v: Tri): Tri => (v === null ? null : !v);

/** Compile a value and require it to be usable as an event condition. */
function value(expr: Expr, env: CompileEnv): Value {
  return compileValue(expr, env, boolAsValue);
}

function boolAsValue(expr: Expr, env: CompileEnv): Value {
  const p = compilePredicate(expr, env);
  const sc = p.scalar;
  if (sc && !p.isConst) {
    // As a value, a comparison gives one (three-valued) result per value of its operand, so
    // `(x > 1) == null` finds the events where x is missing.
    const { value: v, test: t, negated } = sc;
    return {
      type: "boolean",
      isConst: false,
      constant: null,
      kind: "unknown",
      each: (e, visit) => v.each(e, (x) => visit(negated ? not3(t(x)) : t(x))),
    };
  }
  if (p.isConst) {
    return {
      type: p.constant === null ? "null" : "boolean",
      isConst: true,
      constant: p.constant,
      kind: "unknown",
      each: (_e, visit) => visit(p.constant),
    };
  }
  return {
    type: "boolean",
    isConst: false,
    constant: null,
    kind: "unknown",
    each: (e, visit) => visit(p.test(e)),
  };
}

/**
 * How a leaf may test a string value directly, equivalent to `t` on strings: `folded` takes the value
 * case-folded, `plain` as it is. Used with a rule set's shared readers, which keep both forms. `spec`
 * says the same for generated code.
 */
export interface StringTest {
  readonly folded?: (folded: string) => boolean;
  readonly plain?: (value: string) => boolean;
  readonly spec?: StringSpec;
}

/**
 * A string test as data: the value (its case-folded form when `folded`) equals one of `exact`, starts
 * with one of `prefixes` or matches one of the wildcard patterns `general` (already folded).
 */
export interface StringSpec extends PatternParts {
  readonly folded: boolean;
}

/** A leaf: true when some value of `v` makes `t` exactly true. */
function leaf(v: Value, t: ValueTest, strings: StringTest = {}): Predicate {
  if (v.isConst) return constPred(t(v.constant));
  const reader = v.reader;
  let p: Predicate;
  const shared = reader !== undefined && isCached(reader) && t(null) !== true;
  if (shared && strings.folded) p = foldedLeafTest(reader, t, strings.folded);
  else if (shared && strings.plain) p = plainLeafTest(reader, t, strings.plain);
  else p = leafTest(v, t);
  const node: PredicateNode | undefined = reader
    ? { kind: "leaf", reader, test: t, strings, nullTrue: t(null) === true }
    : undefined;
  return { ...p, scalar: { value: v, test: t, negated: false }, ...(node ? { node } : {}) };
}

/** A leaf over a shared reader's cached values, strings tested without the general value test. */
function plainLeafTest(
  reader: CachedFieldReader,
  t: ValueTest,
  plain: (value: string) => boolean,
): Predicate {
  return eventPred((e) => {
    const values = reader.list(e);
    for (let i = 0; i < values.length; i++) {
      const x = values[i] as Scalar;
      if (typeof x === "string" ? plain(x) : t(x) === true) return true;
    }
    return false;
  });
}

function exactSpec(values: readonly string[], folded: boolean): StringSpec {
  return { folded, exact: values, prefixes: [], general: [] };
}

function isCached(reader: FieldReader): reader is CachedFieldReader {
  return typeof (reader as Partial<CachedFieldReader>).folded === "function";
}

/**
 * A case-insensitive leaf over a shared reader: string values are tested in the folded form the reader
 * keeps for the event (folded once for every rule), other values through the ordinary test.
 */
function foldedLeafTest(
  reader: CachedFieldReader,
  t: ValueTest,
  onFolded: (folded: string) => boolean,
): Predicate {
  return eventPred((e) => {
    const values = reader.list(e);
    const n = values.length;
    if (n === 0) return false;
    const folded = reader.folded(e);
    for (let i = 0; i < n; i++) {
      const f = folded[i];
      if (f !== null && f !== undefined ? onFolded(f) : t(values[i] as Scalar) === true) return true;
    }
    return false;
  });
}

function leafTest(v: Value, t: ValueTest): Predicate {
  const visit = (x: Scalar) => t(x) === true;
  const reader = v.reader;
  if (reader) {
    // Hot path: a plain field. A missing field is tested once with null.
    if (t(null) === true) {
      return eventPred((e) => {
        const r = reader.each(e, visit);
        return r === STOPPED || r === NONE;
      });
    }
    return eventPred((e) => reader.each(e, visit) === STOPPED);
  }
  return eventPred((e) => v.each(e, visit));
}

function negate(p: Predicate): Predicate {
  if (p.isConst) return constPred(not3(p.constant));
  const t = p.test;
  const n = eventPred((e) => not3(t(e)), { kind: "not", operand: p });
  return p.scalar ? { ...n, scalar: { ...p.scalar, negated: !p.scalar.negated } } : n;
}

/** Compile a boolean expression. */
export function compilePredicate(expr: Expr, env: CompileEnv): Predicate {
  switch (expr.kind) {
    case "literal":
      if (expr.type === "boolean" || expr.type === "null") return constPred(expr.value as Tri);
      return fail(env, ErrorCodes.NOT_BOOLEAN, "Condition expression needs to be boolean", expr.span);
    case "not":
      return negate(compilePredicate(expr.operand, env));
    case "and":
    case "or":
      return compileLogical(
        expr.kind,
        chainOperands(expr, expr.kind).map((x) => compilePredicate(x, env)),
      );
    case "compare":
      return compileCompare(expr, env);
    case "in":
      return compileIn(expr, env);
    case "match":
      return compileMatch(expr, env);
    case "field":
    case "call": {
      const v = value(expr, env);
      if (v.mapped && v.mapped.def.type !== "boolean") {
        fail(
          env,
          ErrorCodes.NOT_BOOLEAN,
          `Condition expression needs to be boolean, found [${conditionTypeName(v.mapped.def.type)}]`,
          expr.span,
        );
      }
      if (v.type !== "boolean" && v.type !== "unknown" && v.type !== "null") {
        fail(
          env,
          ErrorCodes.NOT_BOOLEAN,
          `Condition expression needs to be boolean, found [${v.type.toUpperCase()}]`,
          expr.span,
        );
      }
      return leaf(v, (x) => (x === null ? null : x === true));
    }
    default:
      return fail(env, ErrorCodes.NOT_BOOLEAN, "Condition expression needs to be boolean", expr.span);
  }
}

/** Combine the operands of `and`/`or` with Kleene logic (constants folded at compile time). */
function compileLogical(op: "and" | "or", operands: Predicate[]): Predicate {
  const dominant = op === "or"; // the value that decides alone
  let sawNull = false;
  const live: Predicate[] = [];
  for (const p of operands) {
    if (!p.isConst) live.push(p);
    else if (p.constant === dominant) return constPred(dominant);
    else if (p.constant === null) sawNull = true;
  }
  if (live.length === 0) return constPred(sawNull ? null : !dominant);
  const node: PredicateNode = { kind: "logic", op, operands: live, sawNull };
  let combined: Predicate;
  if (live.length === 1) combined = live[0] as Predicate;
  else if (live.length === 2) {
    const lt = (live[0] as Predicate).test;
    const rt = (live[1] as Predicate).test;
    combined = eventPred((e) => {
      const a = lt(e);
      if (a === dominant) return dominant;
      const b = rt(e);
      if (b === dominant) return dominant;
      return a === null || b === null ? null : !dominant;
    }, node);
  } else {
    const tests = live.map((p) => p.test);
    combined = eventPred((e) => {
      let unknown = false;
      for (const t of tests) {
        const r = t(e);
        if (r === dominant) return dominant;
        if (r === null) unknown = true;
      }
      return unknown ? null : !dominant;
    }, node);
  }
  if (!sawNull) return combined;
  // A constant null among the operands: the result is decided only by the dominant value.
  const t = combined.test;
  return eventPred((e) => (t(e) === dominant ? dominant : null), node);
}

const FLIP: Record<Compare["op"], Compare["op"]> = {
  "==": "==",
  "!=": "!=",
  "<": ">",
  "<=": ">=",
  ">": "<",
  ">=": "<=",
};

function isNullConst(v: Value): boolean {
  return v.isConst && v.constant === null;
}

function compileCompare(expr: Compare, env: CompileEnv): Predicate {
  let op = expr.op;
  let left = value(expr.left, env);
  let right = value(expr.right, env);
  requireExact(env, left.mapped, expr.span, expr.left.span, 0);
  requireExact(env, right.mapped, expr.span, expr.right.span, 1);
  // `x == null` / `x != null` are null checks, not comparisons; this includes a side that folds
  // to null, such as a `?field` that exists nowhere.
  if ((op === "==" || op === "!=") && (isNullConst(left) || isNullConst(right))) {
    const isNull = leaf(isNullConst(right) ? left : right, (x) => x === null);
    return op === "==" ? isNull : negate(isNull);
  }
  let rightExpr = expr.right;
  if (left.isConst && !right.isConst) {
    [left, right] = [right, left];
    rightExpr = expr.left;
    op = FLIP[op];
  }
  if (!right.isConst && (left.optional || right.optional)) {
    // Elasticsearch accepts `?a == ?b` when the optional fields exist nowhere (both fold to null);
    // without knowing the data we compare the values at run time instead of rejecting the query.
    return compareFields(op, left, right);
  }
  if (!right.isConst) {
    fail(
      env,
      ErrorCodes.FIELD_COMPARISON,
      "Comparisons against fields are not supported",
      rightExpr.span,
      "compare a field with a literal value",
    );
  }
  const c = right.constant;
  if (op === "==" && typeof c === "string" && c.includes("*") && rightExpr.kind === "literal") {
    warn(
      env,
      ErrorCodes.WILDCARD_IN_EQUALITY,
      "`==` compares exactly: the `*` in this string is not a wildcard",
      rightExpr.span,
      "use `:` (case-insensitive) or `like` to match a pattern",
    );
  }
  const ctx = left.format === undefined ? { kind: left.kind } : { kind: left.kind, format: left.format };
  if (op === "==" || op === "!=") {
    // On a field of unknown or keyword type a string equals a string constant exactly.
    const plain = typeof c === "string" && (left.kind === "unknown" || left.kind === "keyword");
    const eq = leaf(
      left,
      literalEqualsTest(c, right.type, ctx, rightExpr.span, env),
      plain ? { plain: (s) => s === c, spec: exactSpec([c as string], false) } : {},
    );
    return op === "==" ? eq : negate(eq);
  }
  const order = orderTest(c, right.type, ctx);
  let decide: (n: number) => boolean;
  switch (op) {
    case "<":
      decide = (n) => n < 0;
      break;
    case "<=":
      decide = (n) => n <= 0;
      break;
    case ">":
      decide = (n) => n > 0;
      break;
    default:
      decide = (n) => n >= 0;
  }
  return leaf(left, (x) => {
    const r = order(x);
    return r === null ? null : decide(r);
  });
}

/** `a op b` between two event-dependent values: true when some pair of values satisfies it. */
function compareFields(op: Compare["op"], left: Value, right: Value): Predicate {
  const holds = (a: Scalar, b: Scalar): boolean => {
    if (a === null || b === null) return false;
    const type = typeof b === "number" ? (Number.isInteger(b) ? "integer" : "double") : "unknown";
    if (op === "==" || op === "!=") return equalsTest(b, type, { kind: "unknown" })(a) === true;
    const r = orderTest(b, type, { kind: "unknown" })(a);
    if (r === null) return false;
    return op === "<" ? r < 0 : op === "<=" ? r <= 0 : op === ">" ? r > 0 : r >= 0;
  };
  const eq = eventPred((e) => left.each(e, (a) => right.each(e, (b) => holds(a, b))));
  return op === "!=" ? negate(eq) : eq;
}

function requireConstants(values: Value[], exprs: readonly Expr[], env: CompileEnv): void {
  values.forEach((v, i) => {
    if (!v.isConst) {
      fail(
        env,
        ErrorCodes.FIELD_COMPARISON,
        "Comparisons against fields are not supported",
        (exprs[i] as Expr).span,
        "the values of an `in` list must be literals",
      );
    }
  });
}

/**
 * `equalsTest` for a literal at `span`. On an `ip` field the literal must be an address or a CIDR
 * block, as Elasticsearch's term query on an ip field requires: anything else fails the query.
 */
function literalEqualsTest(
  c: Scalar,
  type: StaticType,
  ctx: CompareContext,
  span: Span,
  env: CompileEnv,
): ValueTest {
  const notIp = () =>
    fail(
      env,
      ErrorCodes.INVALID_CIDR,
      `${JSON.stringify(c)} is not an IP address or CIDR block, which a field of type ip is compared with`,
      span,
      "compare an ip field with an address (10.0.0.1) or a block (10.0.0.0/8)",
    );
  if (ctx.kind === "ip" && c !== null && typeof c !== "string") notIp();
  try {
    return equalsTest(c, type, ctx);
  } catch (e) {
    if (e instanceof CidrError) notIp();
    throw e;
  }
}

function compileIn(expr: In, env: CompileEnv): Predicate {
  const operand = value(expr.operand, env);
  if (expr.insensitive) {
    requireString(
      env,
      operand.mapped,
      `argument of [${sourceText(env, expr.span)}]`,
      expr.operand.span,
      "use in",
    );
  }
  requireExact(env, operand.mapped, expr.span, expr.operand.span, null);
  const items = expr.list.map((e) => value(e, env));
  requireConstants(items, expr.list, env);
  if (!expr.insensitive) {
    checkInList(
      env,
      operand.mapped,
      expr.span,
      items.map((v, i) => ({ value: v.constant, expr: expr.list[i] as Expr })),
    );
  }
  const consts = items.filter((v) => v.constant !== null);
  let test: ValueTest;
  let strings: StringTest = {};
  if (expr.insensitive) {
    // `in~` is a case-insensitive string comparison, typed like `:`.
    if (operand.type === "integer" || operand.type === "double" || operand.type === "boolean") {
      fail(
        env,
        ErrorCodes.TYPE_MISMATCH,
        `Operator [in~] needs a string, found ${operand.type}`,
        expr.operand.span,
        "use in",
      );
    }
    consts.forEach((c) => {
      if (typeof c.constant !== "string") {
        const at = expr.list[items.indexOf(c)] as Expr;
        fail(
          env,
          ErrorCodes.TYPE_MISMATCH,
          `Operator [in~] needs string values, found ${c.type}`,
          at.span,
          "use in",
        );
      }
    });
    const set = new Set<string>();
    // `İ` and `ı` fold one way only: such values are matched on the raw text, as Lucene does.
    const raw: ((s: string) => boolean)[] = [];
    for (const c of consts) {
      const text = valueText(c.constant);
      if (text === null) continue;
      if (hasOneWayFold(text)) raw.push(compileLuceneRegex(wildcardAsRegex(text, false), true));
      else set.add(foldCase(text));
    }
    test = (x) => {
      const s = valueText(x);
      if (s === null) return null;
      return set.has(foldCase(s)) || raw.some((m) => m(s));
    };
    if (raw.length === 0) strings = { folded: (f) => set.has(f), spec: exactSpec([...set], true) };
  } else {
    const ctx =
      operand.format === undefined ? { kind: operand.kind } : { kind: operand.kind, format: operand.format };
    const spans = expr.list.filter((_, i) => (items[i] as Value).constant !== null).map((e) => e.span);
    const tests = consts.map((c, i) =>
      literalEqualsTest(c.constant, c.type as StaticType, ctx, spans[i] as Span, env),
    );
    const allStrings = consts.every((c) => typeof c.constant === "string");
    if (allStrings && (operand.kind === "unknown" || operand.kind === "keyword")) {
      const set = new Set(consts.map((c) => c.constant as string));
      strings = { plain: (s) => set.has(s), spec: exactSpec([...set], false) };
      test = (x) => {
        if (typeof x === "string") return set.has(x);
        if (x === null) return null;
        for (const t of tests) if (t(x) === true) return true;
        return false;
      };
    } else {
      test = (x) => {
        if (x === null) return null;
        for (const t of tests) if (t(x) === true) return true;
        return false;
      };
    }
  }
  const p = leaf(operand, test, strings);
  return expr.negated ? negate(p) : p;
}

function compileMatch(expr: Match, env: CompileEnv): Predicate {
  const operand = value(expr.operand, env);
  requireString(
    env,
    operand.mapped,
    expr.op === ":" ? "first argument of [:]" : `argument of [${sourceText(env, expr.span)}]`,
    expr.operand.span,
    expr.op === ":" ? "use == to compare this field" : undefined,
  );
  requireExact(env, operand.mapped, expr.span, expr.operand.span, expr.op === ":" ? 0 : null);
  if (operand.type === "integer" || operand.type === "double" || operand.type === "boolean") {
    fail(
      env,
      ErrorCodes.TYPE_MISMATCH,
      `Operator [${expr.op}] needs a string, found ${operand.type}`,
      expr.operand.span,
      expr.op === ":" ? "use == to compare numbers" : undefined,
    );
  }
  const matchers: ((s: string) => boolean)[] = [];
  const wildcards: string[] = [];
  let nullPattern = false;
  for (const p of expr.patterns) {
    // A null pattern never matches (Elasticsearch accepts `x : null` and evaluates it to null).
    if (p.value === null) {
      nullPattern = true;
      continue;
    }
    if (typeof p.value !== "string") {
      fail(
        env,
        ErrorCodes.TYPE_MISMATCH,
        `Operator [${expr.op}] needs string patterns, found ${p.type}`,
        p.span,
        expr.op === ":" ? "use == to compare with a number" : undefined,
      );
    }
    const pattern = p.value;
    if (expr.op !== "regex") {
      wildcards.push(pattern);
      continue;
    }
    try {
      matchers.push(compileLuceneRegex(pattern, expr.insensitive));
    } catch (e) {
      if (e instanceof LuceneRegexError) {
        // Point at the offending character inside the string literal when we can.
        const start = p.span.start + 1 + Math.max(0, Math.min(e.offset, pattern.length));
        fail(env, ErrorCodes.INVALID_REGEX, `Invalid regular expression: ${e.message}`, {
          ...p.span,
          start,
          end: start + 1,
        });
      }
      throw e;
    }
  }
  // `:` is `like~` for patterns with wildcards and case-insensitive equality for the others, which
  // is what a case-insensitive pattern without wildcards means anyway.
  const fold = expr.insensitive || expr.op === ":";
  let strings: StringTest = {};
  if (wildcards.length > 0) {
    matchers.push(compilePatternList(wildcards, fold));
    // Only a list of wildcards alone can take the shared values directly (a regex folds by itself),
    // and only when the folded values decide it.
    if (matchers.length === 1 && !needsRawValue(wildcards, fold)) {
      const spec = { folded: fold, ...patternParts(wildcards, fold) };
      strings = fold
        ? { folded: compileFoldedPatternList(wildcards, true), spec }
        : { plain: matchers[0] as (s: string) => boolean, spec };
    }
  }
  // Only null patterns: null whatever the operand is (so its negation is null too).
  if (matchers.length === 0 && nullPattern) return constPred(null);
  const one = matchers.length === 1 ? (matchers[0] as (s: string) => boolean) : null;
  const test: ValueTest = one
    ? (x) => {
        const s = typeof x === "string" ? x : valueText(x);
        return s === null ? null : one(s);
      }
    : (x) => {
        const s = typeof x === "string" ? x : valueText(x);
        if (s === null) return null;
        for (const m of matchers) if (m(s)) return true;
        return false;
      };
  return leaf(operand, test, strings);
}
