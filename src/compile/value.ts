/**
 * Compiles value expressions (literals, fields, arithmetic, function calls) to enumerators of the
 * values they can take for one event. A field with several values yields each of them; a missing
 * field yields `null` once; an expression over several multi-valued fields yields every combination.
 */
import type { Arith, Call, Expr, Field, Negate, Span } from "../ast/nodes.js";
import { ErrorCodes } from "../errors.js";
import { lookupFunction, STANDARD_FUNCTIONS } from "../functions/index.js";
import { FunctionArgumentError, type ParamSpec, type Scalar, type StaticType } from "../functions/types.js";
import { arith } from "../runtime/arith.js";
import { type FieldReader, mappedFieldReader, NONE, STOPPED, type Visit } from "../runtime/fields.js";
import { type FieldKind, fieldKindOf, staticTypeOf } from "../runtime/values.js";
import { closest } from "../suggest.js";
import { type CompileEnv, fail } from "./env.js";
import {
  checkQueryable,
  dataTypeName,
  failUnknownField,
  literalTypeName,
  type MappedOperand,
  ordinalPrefix,
  requireExact,
  requireString,
  sourceText,
  verifying,
} from "./verify.js";

/** A compiled value expression. */
export interface Value {
  readonly type: StaticType;
  /** True when the expression does not depend on the event. */
  readonly isConst: boolean;
  /** The folded value when `isConst`. */
  readonly constant: Scalar;
  /** How a plain (mapped) field compares; `unknown` for everything else. */
  readonly kind: FieldKind;
  /** Date format of a mapped date field. */
  readonly format?: string;
  /** The reader when the expression is a plain field. */
  readonly reader?: FieldReader;
  /** True for a plain `?field` reference. */
  readonly optional?: boolean;
  /** For a plain field the mapping defines: its resolved name and definition. */
  readonly mapped?: MappedOperand;
  /** Calls `visit` for each value (null once when there is none). Returns true when `visit` stopped. */
  readonly each: (event: unknown, visit: Visit) => boolean;
}

/** Compiles a boolean sub-expression used as a value (set by the predicate compiler). */
export type BoolAsValue = (expr: Expr, env: CompileEnv) => Value;

/** A constant value. */
export function constantValue(value: Scalar, type: StaticType): Value {
  return { type, isConst: true, constant: value, kind: "unknown", each: (_e, visit) => visit(value) };
}

function typeOfScalar(v: Scalar): StaticType {
  if (v === null) return "null";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "boolean";
  return Number.isInteger(v) ? "integer" : "double";
}

/** Compile a value expression. */
export function compileValue(expr: Expr, env: CompileEnv, boolAsValue: BoolAsValue): Value {
  switch (expr.kind) {
    case "literal":
      return constantValue(expr.value, expr.type);
    case "field":
      return compileField(expr, env);
    case "negate":
      return compileNegate(expr, env, boolAsValue);
    case "arith":
      return compileArith(expr, env, boolAsValue);
    case "call":
      return compileCall(expr, env, boolAsValue);
    default:
      return boolAsValue(expr, env);
  }
}

/** Compile a field reference, honouring aliases, `null_value` and the known-field set. */
export function compileField(expr: Field, env: CompileEnv): Value {
  const { reader, name, def } = mappedFieldReader(env.mapping, expr, env.fields);
  if (verifying(env)) {
    if (def !== undefined) checkQueryable(env, expr, def);
    else if (!expr.optional && env.allowUnknownFields !== true) failUnknownField(env, expr.name, expr.span);
  }
  if (expr.optional && env.knownFields !== null && !env.knownFields.has(name) && def === undefined) {
    return constantValue(null, "null");
  }
  let kind = fieldKindOf(def?.type);
  if (kind === "unknown" && name === env.timestampField) kind = "date";
  const value: Value = {
    type: staticTypeOf(def?.type),
    isConst: false,
    constant: null,
    kind,
    reader,
    optional: expr.optional,
    ...(def !== undefined && verifying(env) ? { mapped: { name, def } } : {}),
    each(event, visit) {
      const r = reader.each(event, visit);
      if (r === STOPPED) return true;
      return r === NONE ? visit(null) : false;
    },
  };
  return def?.format === undefined ? value : { ...value, format: def.format };
}

function compileNegate(expr: Negate, env: CompileEnv, bav: BoolAsValue): Value {
  const inner = compileValue(expr.operand, env, bav);
  checkNumeric(env, inner, expr.operand.span);
  const neg = (v: Scalar): Scalar => (typeof v === "number" ? (v === 0 ? 0 : -v) : null);
  if (inner.isConst) return constantValue(neg(inner.constant), inner.type);
  return {
    type: inner.type,
    isConst: false,
    constant: null,
    kind: "unknown",
    each: (event, visit) => inner.each(event, (v) => visit(neg(v))),
  };
}

function checkNumeric(env: CompileEnv, v: Value, span: Span): void {
  if (v.type === "string" || v.type === "boolean" || v.type === "ip") {
    fail(env, ErrorCodes.TYPE_MISMATCH, `Arithmetic needs numbers, found a ${v.type}`, span);
  }
}

function arithType(a: StaticType, b: StaticType): StaticType {
  if (a === "double" || b === "double") return "double";
  if (a === "integer" && b === "integer") return "integer";
  return "unknown";
}

/** Apply an arithmetic operator with Java's integer/double rules; null for null or non-numbers. */
function applyArith(op: Arith["op"], a: Scalar, b: Scalar, staticDouble: boolean): Scalar {
  if (typeof a !== "number" || typeof b !== "number") return null;
  return arith(op, a, b, staticDouble || !Number.isInteger(a) || !Number.isInteger(b));
}

function compileArith(expr: Arith, env: CompileEnv, bav: BoolAsValue): Value {
  const left = compileValue(expr.left, env, bav);
  const right = compileValue(expr.right, env, bav);
  checkNumeric(env, left, expr.left.span);
  checkNumeric(env, right, expr.right.span);
  const type = arithType(left.type, right.type);
  const staticDouble = type === "double";
  const op = expr.op;
  if (left.isConst && right.isConst) {
    const a = left.constant;
    const b = right.constant;
    const r = applyArith(op, a, b, staticDouble);
    if (r === null && typeof a === "number" && typeof b === "number") {
      const intDiv = (op === "/" || op === "%") && b === 0 && !staticDouble && Number.isInteger(a);
      if (intDiv) fail(env, ErrorCodes.DIVISION_BY_ZERO, "Integer division by zero", expr.span);
      fail(env, ErrorCodes.INTEGER_OVERFLOW, "Integer overflow (beyond 64 bits)", expr.span);
    }
    return constantValue(r, r === null ? "null" : type === "unknown" ? typeOfScalar(r) : type);
  }
  return {
    type,
    isConst: false,
    constant: null,
    kind: "unknown",
    each: (event, visit) =>
      left.each(event, (a) => right.each(event, (b) => visit(applyArith(op, a, b, staticDouble)))),
  };
}

/** The known function name closest to `name`, if any is close. */
export function nearestFunction(name: string, extra: readonly { name: string }[]): string | undefined {
  const names = [...extra, ...STANDARD_FUNCTIONS].map((f) => f.name);
  return closest(name, names, Math.max(2, Math.floor(name.length / 3)));
}

const ACCEPTS: Record<string, readonly StaticType[]> = {
  string: ["string", "unknown", "null"],
  number: ["integer", "double", "unknown", "null"],
  integer: ["integer", "unknown", "null"],
  boolean: ["boolean", "unknown", "null"],
  ip: ["ip", "string", "unknown", "null"],
};

/**
 * With a mapping, Elasticsearch requires an `ip` argument to be an `ip` field and a string argument
 * on a field to have an exact (keyword) form.
 */
function verifyArgument(
  env: CompileEnv,
  call: Call,
  fn: string,
  p: ParamSpec,
  paramCount: number,
  i: number,
  a: Value,
  argExpr: Expr,
): void {
  const position = paramCount > 1 ? i : null;
  if (p.type === "ip") {
    const found = a.mapped
      ? a.mapped.def.type === "ip"
        ? undefined
        : dataTypeName(a.mapped.def.type)
      : a.isConst && typeof a.constant === "string"
        ? literalTypeName(a.constant)
        : undefined;
    if (found !== undefined) {
      fail(
        env,
        ErrorCodes.TYPE_MISMATCH,
        `${ordinalPrefix(position)}of [${sourceText(env, call.span)}] must be [ip], found value [${sourceText(env, argExpr.span)}] type [${found}]`,
        argExpr.span,
        `${fn} needs an ip field`,
      );
    }
    return;
  }
  if (p.type === "string") {
    requireString(
      env,
      a.mapped,
      `${position === null ? "argument " : ordinalPrefix(position)}of [${sourceText(env, call.span)}]`,
      argExpr.span,
    );
  }
  if (p.type === "string" || p.type === "any") requireExact(env, a.mapped, call.span, argExpr.span, position);
}

function compileCall(expr: Call, env: CompileEnv, bav: BoolAsValue): Value {
  const def = lookupFunction(expr.name, env.functions);
  const shown = `${expr.name}${expr.insensitive ? "~" : ""}`;
  if (!def) {
    const near = nearestFunction(expr.name, env.functions);
    fail(
      env,
      ErrorCodes.UNKNOWN_FUNCTION,
      `Unknown function [${shown}]`,
      expr.nameSpan,
      near ? `did you mean ${near}?` : undefined,
    );
  }
  if (expr.insensitive && !def.hasInsensitiveVariant) {
    fail(
      env,
      ErrorCodes.NO_INSENSITIVE_VARIANT,
      `Function [${def.name}] has no case-insensitive variant`,
      expr.nameSpan,
      `remove the ~ after ${expr.name}`,
    );
  }
  const params = def.params;
  const variadic = params.length > 0 && params[params.length - 1]?.variadic === true;
  const required = params.filter((p) => !p.optional).length;
  const max = variadic ? Number.POSITIVE_INFINITY : params.length;
  const n = expr.args.length;
  if (n < required || n > max) {
    const expected =
      max === Number.POSITIVE_INFINITY
        ? `at least ${required}`
        : required === max
          ? `${required}`
          : `${required} to ${max}`;
    fail(
      env,
      ErrorCodes.WRONG_ARITY,
      `Function [${def.name}] takes ${expected} argument${max === 1 ? "" : "s"}, found ${n}`,
      expr.span,
    );
  }
  const args = expr.args.map((a) => compileValue(a, env, bav));
  args.forEach((a, i) => {
    const p = params[Math.min(i, params.length - 1)];
    if (!p) return;
    const argExpr = expr.args[i] as Expr;
    if (p.literal && !a.isConst) {
      fail(
        env,
        ErrorCodes.LITERAL_REQUIRED,
        `Argument ${i + 1} (${p.name}) of [${def.name}] must be a literal`,
        argExpr.span,
      );
    }
    if (p.notNull && argExpr.kind === "literal" && argExpr.value === null) {
      fail(
        env,
        ErrorCodes.NULL_ARGUMENT,
        `A string/char is required; received [null] (argument ${i + 1} (${p.name}) of [${def.name}])`,
        argExpr.span,
        "Elasticsearch fails the search on a null here: pass a string",
      );
    }
    if (verifying(env)) verifyArgument(env, expr, def.name, p, params.length, i, a, argExpr);
    const ok = p.type === "any" || (ACCEPTS[p.type] ?? []).includes(a.type);
    if (!ok) {
      fail(
        env,
        ErrorCodes.TYPE_MISMATCH,
        `Argument ${i + 1} (${p.name}) of [${def.name}] must be ${p.type === "ip" ? "an ip" : `a ${p.type}`}, found ${a.type}`,
        argExpr.span,
      );
    }
  });
  let impl: (args: readonly Scalar[]) => Scalar;
  try {
    impl = def.create({
      insensitive: expr.insensitive,
      argTypes: args.map((a) => a.type),
      constants: args.map((a) => (a.isConst ? a.constant : undefined)),
    });
  } catch (e) {
    if (e instanceof FunctionArgumentError) {
      const at = expr.args[e.argIndex] ?? expr;
      fail(env, e.code, e.message, at.span);
    }
    throw e;
  }
  const returns = def.resultType ? def.resultType(args.map((a) => a.type)) : def.returns;
  if (args.every((a) => a.isConst)) {
    const r = impl(args.map((a) => a.constant));
    return constantValue(r, r === null ? "null" : returns === "unknown" ? typeOfScalar(r) : returns);
  }
  // Cartesian product over the arguments' values, reusing one buffer (evaluation is not re-entrant
  // for a given call site).
  const buf: Scalar[] = new Array(args.length).fill(null);
  const count = args.length;
  function step(event: unknown, i: number, visit: Visit): boolean {
    if (i === count) return visit(impl(buf));
    const a = args[i] as Value;
    if (a.isConst) {
      buf[i] = a.constant;
      return step(event, i + 1, visit);
    }
    return a.each(event, (v) => {
      buf[i] = v;
      return step(event, i + 1, visit);
    });
  }
  return {
    type: returns,
    isConst: false,
    constant: null,
    kind: "unknown",
    each: (event, visit) => step(event, 0, visit),
  };
}
