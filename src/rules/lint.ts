/**
 * Lint a parsed query for EQL traps a rule author wants to hear about: `==` with wildcard
 * characters, case-sensitive matching on attacker-controlled fields, a field compared with a value of a
 * type it cannot hold, and fields the schema does not define. Walks the AST from `parse()`.
 * This module has no parser in it (the command line reads `LINT_TABLE` before loading one); the
 * `mini-eql: ignore` comments are read in lint-ignore.ts.
 */
import type { EventQuery, Expr, Field, Literal, Span, Statement } from "../ast/nodes.js";
import { printExpr } from "../ast/print.js";
import { chainOperands } from "../ast/walk.js";
import { ownOptions } from "../options.js";
import { closest, editDistance } from "../suggest.js";
import { isCaseControlled } from "./case-fields.js";
import type { RuleIssue } from "./normalize.js";
import { type CompiledSchema, NUMERIC_TYPES, STRING_TYPES } from "./schema.js";

/** Stable codes of lint findings. */
export const LintCodes = {
  WILDCARD_IN_EQUALITY: "LINT_WILDCARD_IN_EQUALITY",
  CASE_SENSITIVE: "LINT_CASE_SENSITIVE",
  FIELD_TYPE: "LINT_FIELD_TYPE",
  UNKNOWN_FIELD: "LINT_UNKNOWN_FIELD",
  NON_SCHEMA_FIELD: "LINT_NON_SCHEMA_FIELD",
  PAST_IGNORE_ABOVE: "LINT_PAST_IGNORE_ABOVE",
  BAD_IGNORE: "LINT_BAD_IGNORE",
  UNKNOWN_CATEGORY: "LINT_UNKNOWN_CATEGORY",
} as const;

/** Options of `lintStatement`. */
export interface LintOptions {
  /** The field event categories are read from (a rule's `event_category_override`); `event.category` by default. */
  categoryField?: string;
}

/** One of the lint codes. */
export type LintCode = (typeof LintCodes)[keyof typeof LintCodes];

/** What the lint says about one of its codes. */
export interface LintCodeInfo {
  readonly code: LintCode;
  readonly severity: "warning" | "info";
  /** Reported by `mini-eql check` unless `--disable`d; a code that is not, only with `--enable`. */
  readonly onByDefault: boolean;
  /** What the code finds, in a few words. */
  readonly about: string;
}

/**
 * Every lint code with its severity, in the order `mini-eql check` lists findings: likely bugs first
 * (a condition that cannot hold as its author meant), then doubtful field names, notes last.
 * LINT_CASE_SENSITIVE is a note and off by default: it is advice to harden a rule that works for the
 * casing it names (Elastic's 1,024 rules draw about 1,400 of them, nearly all on Linux and macOS
 * names, where case is part of the name), and listed by default it buries the findings that are bugs.
 */
export const LINT_TABLE: readonly LintCodeInfo[] = [
  {
    code: LintCodes.WILDCARD_IN_EQUALITY,
    severity: "warning",
    onByDefault: true,
    about: "`*` or `?` in `==`, `!=` or `in`, where they are compared literally",
  },
  {
    code: LintCodes.FIELD_TYPE,
    severity: "warning",
    onByDefault: true,
    about: "a field compared with a value of a type it cannot hold",
  },
  {
    code: LintCodes.PAST_IGNORE_ABOVE,
    severity: "warning",
    onByDefault: true,
    about: "a value longer than the field's ignore_above, which never matches",
  },
  {
    code: LintCodes.UNKNOWN_CATEGORY,
    severity: "warning",
    onByDefault: true,
    about: "an event category the schema does not list (a typo?)",
  },
  {
    code: LintCodes.UNKNOWN_FIELD,
    severity: "warning",
    onByDefault: true,
    about: "a field a schema namespace does not define (a typo?)",
  },
  {
    code: LintCodes.BAD_IGNORE,
    severity: "warning",
    onByDefault: true,
    about: "a `mini-eql: ignore` comment naming something that is not a lint code",
  },
  {
    code: LintCodes.NON_SCHEMA_FIELD,
    severity: "info",
    onByDefault: true,
    about: "a field outside the schema (an integration's?)",
  },
  {
    code: LintCodes.CASE_SENSITIVE,
    severity: "info",
    onByDefault: false,
    about: "case-sensitive matching on a field whose case an attacker controls",
  },
];

const LINT_INFO = new Map<string, LintCodeInfo>(LINT_TABLE.map((info) => [info.code, info]));

/** The table's entry for `code`, or undefined when it is not a lint code. */
export function lintCodeInfo(code: string): LintCodeInfo | undefined {
  return LINT_INFO.get(code);
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/**
 * Where a finding goes in a listing: errors first, then warnings, then notes, and within a severity
 * the lint codes in `LINT_TABLE`'s order, then any other code. Smaller comes first.
 */
export function findingRank(severity: "error" | "warning" | "info", code: string | undefined): number {
  const at = code === undefined ? -1 : LINT_TABLE.findIndex((i) => i.code === code);
  return SEVERITY_ORDER[severity] * (LINT_TABLE.length + 1) + (at < 0 ? LINT_TABLE.length : at);
}

/**
 * The lint codes reported: those on by default, with `enable` turned on and `disable` turned off
 * (`mini-eql check --enable/--disable`). Names that are not lint codes are ignored here; the command
 * line refuses them.
 */
export function enabledLintCodes(
  change: { readonly enable?: readonly string[]; readonly disable?: readonly string[] } = {},
): Set<string> {
  const on = new Set<string>(LINT_TABLE.filter((i) => i.onByDefault).map((i) => i.code));
  for (const code of change.enable ?? []) if (LINT_INFO.has(code)) on.add(code);
  for (const code of change.disable ?? []) on.delete(code);
  return on;
}

/** The lint code nearest `text` (for "did you mean"): the one code it is part of, else the closest spelling. */
export function nearestLintCode(text: string): LintCode | undefined {
  const upper = text.toUpperCase().replace(/-/g, "_");
  if (upper.length >= 4) {
    const containing = LINT_TABLE.filter((i) => i.code.includes(upper));
    if (containing.length === 1) return containing[0]?.code;
  }
  const candidates = [upper, `LINT_${upper}`];
  let best: LintCode | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const { code } of LINT_TABLE) {
    for (const c of candidates) {
      const d = editDistance(c, code);
      if (d < bestD) {
        bestD = d;
        best = code;
      }
    }
  }
  return bestD <= Math.max(2, Math.floor(upper.length / 3)) ? best : undefined;
}

/**
 * What starts a comment that silences lint codes for its query: `// mini-eql: ignore LINT_CASE_SENSITIVE`.
 * Codes follow, separated by commas or spaces; `--` ends them (a reason may follow it).
 */
export const IGNORE_DIRECTIVE = "mini-eql: ignore";

/** The severity of a lint code's findings. */
export function lintSeverity(code: LintCode): "warning" | "info" {
  return LINT_INFO.get(code)?.severity ?? "warning";
}

const CASE_FUNCTIONS = new Set(["startswith", "endswith", "stringcontains", "indexof"]);
const LETTER = /\p{L}/u;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const IPV4 = /^(\d{1,3})(\.\d{1,3}){3}$/;

/** A span as a finding's location. */
export function where(span: Span) {
  return { line: span.line, column: span.column, start: span.start, end: span.end };
}

function isField(e: Expr): e is Field {
  return e.kind === "field";
}

function stringLiteral(e: Expr): e is Literal & { value: string } {
  return e.kind === "literal" && e.type === "string";
}

function looksLikeIp(s: string): boolean {
  return IPV4.test(s) || (s.includes(":") && /^[0-9A-Fa-f:.]+$/.test(s));
}

/** Why a literal cannot be a value of the field's type, or undefined when it can. */
function typeClash(type: string, lit: Literal, ordering: boolean): string | undefined {
  if (lit.type === "null") return undefined;
  if (NUMERIC_TYPES.has(type)) {
    if (lit.type === "string" && !NUMBER.test(lit.value as string))
      return `a ${type} field never equals the non-numeric string ${JSON.stringify(lit.value)}`;
    if (lit.type === "boolean") return `a ${type} field is compared with a boolean`;
  } else if (STRING_TYPES.has(type)) {
    if (lit.type === "integer" || lit.type === "double")
      return ordering
        ? `a ${type} field is ordered as text, so comparing it with the number ${lit.value} compares strings`
        : `a ${type} field is compared with the number ${lit.value}; write it as a string`;
  } else if (type === "ip") {
    if (lit.type !== "string" || !looksLikeIp(lit.value as string))
      return `an ip field is compared with ${JSON.stringify(lit.value)}, which is not an IP address (use cidrMatch for ranges)`;
  } else if (type === "boolean") {
    if (lit.type === "string" && lit.value !== "true" && lit.value !== "false")
      return `a boolean field is compared with the string ${JSON.stringify(lit.value)}`;
    if (lit.type === "integer" || lit.type === "double") return "a boolean field is compared with a number";
  }
  return undefined;
}

/**
 * Lint one statement. `schema` enables the field checks, and the category check where the schema
 * lists the category field's values (ECS lists `event.category`'s). Issues come in source order.
 */
export function lintStatement(
  statement: Statement,
  schema?: CompiledSchema,
  options: LintOptions = {},
): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const reportedFields = new Set<string>();
  const warn = (code: LintCode, span: Span, message: string, field?: string) =>
    issues.push({
      severity: lintSeverity(code),
      code,
      message,
      location: where(span),
      ...(field ? { field } : {}),
    });

  function checkField(f: Field): void {
    if (!schema || f.optional || reportedFields.has(f.name)) return;
    if (schema.typeOf(f.name) !== undefined || schema.underOpenObject(f.name)) return;
    reportedFields.add(f.name);
    // Integrations add their own namespaces (and Defend its `.Ext` fields); those are common, typos are not.
    const foreign = !schema.knowsNamespace(f.name) || f.path.some((s) => s.split(".").includes("Ext"));
    warn(
      foreign ? LintCodes.NON_SCHEMA_FIELD : LintCodes.UNKNOWN_FIELD,
      f.span,
      foreign
        ? `${f.name} is not in the schema (an integration's field?); write ?${f.name} if it may be absent`
        : `${f.name} is not defined in the schema's ${f.name.split(".")[0]} fields (a typo?)`,
      f.name,
    );
  }

  function caseTrap(field: Field, literals: readonly Expr[], span: Span, how: string, fix: string): void {
    if (!isCaseControlled(field.name)) return;
    const lettered = literals.find((l) => stringLiteral(l) && LETTER.test(l.value));
    if (!lettered) return;
    warn(
      LintCodes.CASE_SENSITIVE,
      span,
      `${how} on ${field.name} is case-sensitive, and its case is attacker-controlled: ${printExpr(lettered)} does not match other casings; use ${fix}`,
      field.name,
    );
  }

  function typeTrap(field: Field, literals: readonly Expr[], span: Span, ordering: boolean): void {
    const type = schema?.typeOf(field.name);
    if (!type) return;
    for (const l of literals) {
      if (l.kind !== "literal") continue;
      const why = typeClash(type, l, ordering);
      if (why) {
        warn(LintCodes.FIELD_TYPE, span, `${field.name}: ${why}`, field.name);
        return;
      }
    }
  }

  /**
   * A literal or pattern no value under the field's `ignore_above` can equal: Elasticsearch does not
   * index longer values, so the condition never holds (and its negation always does).
   */
  function ignoredTrap(field: Field, literals: readonly Expr[], span: Span, pattern: boolean): void {
    const limit = schema?.ignoreAbove(field.name);
    if (limit === undefined) return;
    for (const l of literals) {
      if (!stringLiteral(l)) continue;
      // A pattern's shortest match: every character but `*` (a `?` is one character).
      const shortest = pattern ? l.value.replace(/\*/g, "").length : l.value.length;
      if (shortest <= limit) continue;
      const text = printExpr(l);
      const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
      warn(
        LintCodes.PAST_IGNORE_ABOVE,
        span,
        `${field.name} has ignore_above ${limit}: Elasticsearch does not index longer values, so ${shown} can never match`,
        field.name,
      );
      return;
    }
  }

  function walk(e: Expr, positive: boolean): void {
    switch (e.kind) {
      case "field":
        checkField(e);
        return;
      case "literal":
        return;
      case "not":
        walk(e.operand, !positive);
        return;
      case "and":
      case "or":
        // Flattened without recursion: generated rules chain thousands of alternatives.
        for (const x of chainOperands(e, e.kind)) walk(x, positive);
        return;
      case "negate":
        walk(e.operand, positive);
        return;
      case "arith":
        walk(e.left, positive);
        walk(e.right, positive);
        return;
      case "compare": {
        walk(e.left, positive);
        walk(e.right, positive);
        const [field, other] = isField(e.left)
          ? [e.left, e.right]
          : isField(e.right)
            ? [e.right, e.left]
            : [];
        if (!field || !other) return;
        const equality = e.op === "==" || e.op === "!=";
        if (equality && stringLiteral(other) && /[*?]/.test(other.value)) {
          warn(
            LintCodes.WILDCARD_IN_EQUALITY,
            e.span,
            `${printExpr(other)} is compared literally: \`*\` and \`?\` are wildcards only for \`:\` and \`like\`; write ${field.name} : ${printExpr(other)} (or like / like~)`,
            field.name,
          );
        }
        // A case-sensitive exclusion only over-alerts; the trap is a case-sensitive inclusion.
        if (equality && positive === (e.op === "==")) caseTrap(field, [other], e.span, "==", "`:` or `in~`");
        typeTrap(field, [other], e.span, !equality);
        if (equality) ignoredTrap(field, [other], e.span, false);
        return;
      }
      case "in": {
        walk(e.operand, positive);
        for (const x of e.list) walk(x, positive);
        if (!isField(e.operand)) return;
        const wild = e.list.find((l) => stringLiteral(l) && /[*?]/.test(l.value));
        if (wild) {
          warn(
            LintCodes.WILDCARD_IN_EQUALITY,
            e.span,
            `${printExpr(wild)} in an \`in\` list is compared literally; use \`like\` or \`:\` for wildcards`,
            e.operand.name,
          );
        }
        if (!e.insensitive && positive !== e.negated) caseTrap(e.operand, e.list, e.span, "`in`", "`in~`");
        typeTrap(e.operand, e.list, e.span, false);
        ignoredTrap(e.operand, e.list, e.span, false);
        return;
      }
      case "match": {
        walk(e.operand, positive);
        if (!isField(e.operand)) return;
        if (!e.insensitive && positive)
          caseTrap(e.operand, e.patterns, e.span, `\`${e.op}\``, `\`${e.op}~\``);
        if (e.op !== "regex") ignoredTrap(e.operand, e.patterns, e.span, true);
        const type = schema?.typeOf(e.operand.name);
        if (type && (NUMERIC_TYPES.has(type) || type === "boolean" || type === "date")) {
          warn(
            LintCodes.FIELD_TYPE,
            e.span,
            `${e.operand.name} is a ${type} field; \`${e.op}\` matches strings only`,
            e.operand.name,
          );
        }
        return;
      }
      case "call": {
        for (const a of e.args) walk(a, positive);
        const [first, ...rest] = e.args;
        if (first && isField(first) && !e.insensitive && positive && CASE_FUNCTIONS.has(e.name.toLowerCase()))
          caseTrap(first, rest, e.span, `${e.name}()`, `${e.name}~()`);
        return;
      }
    }
  }

  /**
   * A category the schema does not list: Elasticsearch accepts any category string, so a misspelt
   * one (`proces`) is no error, and the query never matches an event.
   */
  const categoryField = ownOptions(options).categoryField ?? "event.category";
  const categories = schema?.allowedValues(categoryField);
  function checkCategory(f: EventQuery): void {
    if (!categories || f.category === null || categories.includes(f.category)) return;
    const near = closest(f.category, categories);
    warn(
      LintCodes.UNKNOWN_CATEGORY,
      f.categorySpan,
      near
        ? `unknown event category "${f.category}" (not among the schema's ${categoryField} values): did you mean ${near}?`
        : `unknown event category "${f.category}": the schema's ${categoryField} values are ${categories.join(", ")}`,
    );
  }

  const q = statement.query;
  const filters =
    q.kind === "event" ? [q] : [...q.terms, ...(q.kind === "sequence" && q.until ? [q.until] : [])];
  for (const f of filters) checkCategory(f.kind === "term" ? f.filter : f);
  if (q.kind !== "event") for (const k of q.by) walk(k, true);
  for (const f of filters) {
    if (f.kind === "term") {
      for (const k of f.by) walk(k, true);
      walk(f.filter.condition, !f.missing);
    } else walk(f.condition, true);
  }
  return issues.sort((a, b) => (a.location?.start ?? 0) - (b.location?.start ?? 0));
}
