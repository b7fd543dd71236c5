/**
 * What an event must contain for a query to possibly match it, read from the query's AST: the
 * category of each event filter and, within it, a disjunction of literal terms on fields
 * (`process.name == "curl"`, `process.args : "http*"`, `file.path like~ "*.so"`). A rule set indexes
 * rules by these terms and, per event, evaluates only the rules whose terms the event holds.
 *
 * The extraction must over-approximate: whenever a filter can be true, one of its terms holds. So it
 * only descends through `and`/`or` (never under `not`), takes string literals compared with a plain
 * field whose comparison is plain string equality or a wildcard, and answers "anything" for the rest.
 */
import type { EventQuery, Expr, Field, Literal, Query } from "../ast/nodes.js";
import { chainOperands } from "../ast/walk.js";
import { effectiveMapping } from "../field-map.js";
import { type Mapping, resolveField, scalarNullValue } from "../mapping.js";
import { javaString } from "../runtime/java.js";
import { foldCase, hasOneWayFold } from "../runtime/text.js";
import { fieldKindOf } from "../runtime/values.js";
import type { CompileOptions } from "../types.js";

/** A literal term a field value must satisfy: equal to, start with, end with, or contain `text`. */
export interface PresearchTerm {
  /** The dotted field name, as the compiled query reads it (aliases resolved). */
  readonly field: string;
  readonly kind: "exact" | "prefix" | "suffix" | "contains";
  /** True when `text` is case-folded and must be compared with the folded value. */
  readonly folded: boolean;
  readonly text: string;
}

/**
 * One way an event can be relevant: of `category` (null: any), holding one of `terms` (null: no term
 * needed) and, besides, one term of each of `checks`. `terms` is the most selective of the
 * disjunctions the filter requires (the index looks rules up by it); `checks` are the others, tested
 * only for the rules the lookup found.
 */
export interface PresearchAlternative {
  readonly category: string | null;
  readonly terms: readonly PresearchTerm[] | null;
  readonly checks: readonly (readonly PresearchTerm[])[];
}

/** Settings that decide how fields are read (the query's compile options). */
export interface PresearchContext {
  readonly mapping: Mapping;
  readonly timestampField: string;
}

/**
 * Fields whose values say little about an event (few distinct values, shared by many events of a
 * category), with the share of events one of their values is guessed to hold: a term on them is used
 * only when nothing better is required, and the least vague of them is preferred.
 */
const WEAK_FIELDS = new Map<string, number>([
  ["event.kind", 0.6],
  ["event.category", 0.6],
  ["event.outcome", 0.6],
  ["host.os.type", 0.6],
  ["host.os.family", 0.6],
  ["host.os.platform", 0.6],
  ["host.os.name", 0.5],
  ["agent.type", 0.6],
  ["data_stream.type", 0.6],
  ["network.direction", 0.5],
  ["network.transport", 0.5],
  ["network.type", 0.5],
  ["event.type", 0.4],
  ["user.id", 0.4],
  ["network.protocol", 0.2],
  ["event.module", 0.2],
  ["event.provider", 0.2],
  ["event.dataset", 0.15],
  ["data_stream.dataset", 0.15],
  ["event.action", 0.1],
]);

type Terms = PresearchTerm[] | null;

/** The plain field an operand reads with string semantics, or null when it is anything else. */
function stringField(expr: Expr, ctx: PresearchContext): string | null {
  if (expr.kind !== "field") return null;
  const { name, def } = resolveField(ctx.mapping, (expr as Field).name);
  if (name === ctx.timestampField) return null;
  if (scalarNullValue(def) !== undefined) return null;
  const kind = fieldKindOf(def?.type);
  return kind === "unknown" || kind === "keyword" ? name : null;
}

/** True for a field the mapping does not type (Elasticsearch's schemaless comparisons apply). */
function untyped(expr: Expr, ctx: PresearchContext): boolean {
  return expr.kind === "field" && resolveField(ctx.mapping, (expr as Field).name).def === undefined;
}

/**
 * The term a wildcard pattern implies: the pattern itself when it has no wildcard, else its longest
 * literal run, as a prefix or suffix when it is anchored there (preferred on a tie: cheaper to look
 * up), else as a substring; null when the pattern has no literal character at all.
 */
function patternTerm(field: string, pattern: string, folded: boolean): PresearchTerm | null {
  // `İ` and `ı` match case variants that their folded form does not contain: no term is safe.
  if (folded && hasOneWayFold(pattern)) return null;
  const text = folded ? foldCase(pattern) : pattern;
  const pieces = text.split(/[*?]/);
  if (pieces.length === 1) return { field, kind: "exact", folded, text };
  let best: PresearchTerm | null = null;
  pieces.forEach((piece, i) => {
    if (piece.length === 0) return;
    const kind = i === 0 ? "prefix" : i === pieces.length - 1 ? "suffix" : "contains";
    if (
      best === null ||
      piece.length > best.text.length ||
      (piece.length === best.text.length && kind !== "contains" && best.kind === "contains")
    )
      best = { field, kind, folded, text: piece };
  });
  return best;
}

/** The text a string value must equal for `field == literal` to hold (numbers compare through their text). */
function literalKey(lit: Literal): string | null {
  if (typeof lit.value === "string") return lit.value;
  if (typeof lit.value === "number")
    return javaString(lit.value, lit.type === "double" ? "double" : "integer");
  return null;
}

/**
 * The estimated share of events a disjunction lets through (lower is better): what the index is
 * for is to keep rules away from events, so a long list of precise terms beats one vague term.
 * A term on a field with few distinct values, a short text (a number such as `args_count == 1`,
 * a two-letter substring) or a substring lets many events through; an exact strong term few.
 */
function cost(terms: readonly PresearchTerm[]): number {
  let c = 0;
  for (const t of terms) {
    let one = t.kind === "exact" ? 0.002 : t.kind === "contains" ? 0.01 : 0.005;
    if (t.text.length < 3) one = t.text.length < 2 ? 0.5 : one * 25;
    else if (/^[0-9]+$/.test(t.text)) one *= 10;
    const weak = WEAK_FIELDS.get(t.field);
    if (weak !== undefined) one = Math.max(one, weak);
    c += one;
  }
  return Math.min(c, 1) + terms.length * 1e-6;
}

/** The terms one of which holds whenever `expr` is true; null when no such finite set is known. */
function required(expr: Expr, ctx: PresearchContext): Terms {
  switch (expr.kind) {
    case "literal":
      // A constant false or null condition can never be true: no event needs to reach it.
      return expr.value === true ? null : [];
    case "and": {
      let best: Terms = null;
      let bestCost = Number.POSITIVE_INFINITY;
      for (const side of chainOperands(expr, "and")) {
        const t = required(side, ctx);
        if (t === null) continue;
        const c = cost(t);
        if (c < bestCost) {
          best = t;
          bestCost = c;
        }
      }
      return best;
    }
    case "or": {
      const out: PresearchTerm[] = [];
      for (const side of chainOperands(expr, "or")) {
        const t = required(side, ctx);
        if (t === null) return null;
        out.push(...t);
      }
      return out;
    }
    case "compare": {
      if (expr.op !== "==") return null;
      const [f, lit] = expr.right.kind === "literal" ? [expr.left, expr.right] : [expr.right, expr.left];
      if (lit.kind !== "literal") return null;
      const field = stringField(f, ctx);
      const key = literalKey(lit);
      // A number only compares as text on a field of unknown type; a keyword field compares strings.
      if (field === null || key === null || (typeof lit.value === "number" && !untyped(f, ctx))) return null;
      return [{ field, kind: "exact", folded: false, text: key }];
    }
    case "in": {
      if (expr.negated) return null;
      const field = stringField(expr.operand, ctx);
      if (field === null) return null;
      const out: PresearchTerm[] = [];
      for (const item of expr.list) {
        if (item.kind !== "literal") return null;
        if (item.value === null) continue;
        const key = literalKey(item);
        if (
          key === null ||
          (typeof item.value === "number" && (expr.insensitive || !untyped(expr.operand, ctx)))
        )
          return null;
        if (expr.insensitive && hasOneWayFold(key)) return null;
        const text = expr.insensitive ? foldCase(key) : key;
        out.push({ field, kind: "exact", folded: expr.insensitive, text });
      }
      return out;
    }
    case "match": {
      if (expr.op === "regex") return null;
      const field = stringField(expr.operand, ctx);
      if (field === null) return null;
      const folded = expr.insensitive || expr.op === ":";
      const out: PresearchTerm[] = [];
      for (const p of expr.patterns) {
        if (typeof p.value !== "string") return null;
        const t = patternTerm(field, p.value, folded);
        if (t === null) return null;
        out.push(t);
      }
      return out;
    }
    default:
      return null;
  }
}

/**
 * Every disjunction the condition requires, one per side of its top-level `and` chain that has one:
 * the cheapest becomes the alternative's terms, the rest its checks. A side that can never be true
 * (an empty disjunction) makes the whole filter unreachable.
 */
function filterAlternative(filter: EventQuery, ctx: PresearchContext): PresearchAlternative {
  const category = filter.category;
  const clauses: PresearchTerm[][] = [];
  for (const side of chainOperands(filter.condition, "and")) {
    const t = required(side, ctx);
    if (t === null) continue;
    if (t.length === 0) return { category, terms: [], checks: [] };
    clauses.push(t);
  }
  if (clauses.length === 0) return { category, terms: null, checks: [] };
  let best = 0;
  let bestCost = Number.POSITIVE_INFINITY;
  clauses.forEach((c, i) => {
    const k = cost(c);
    if (k < bestCost) {
      best = i;
      bestCost = k;
    }
  });
  return { category, terms: clauses[best] as PresearchTerm[], checks: clauses.filter((_, i) => i !== best) };
}

/**
 * The alternatives under which an event can matter to `query`: one for an event query, one per
 * term (and `until`) of a sequence or sample, since any of them can need the event.
 */
export function presearchAlternatives(query: Query, ctx: PresearchContext): PresearchAlternative[] {
  if (query.kind === "event") return [filterAlternative(query, ctx)];
  const terms = query.kind === "sequence" && query.until ? [...query.terms, query.until] : query.terms;
  return terms.map((t) => filterAlternative(t.filter, ctx));
}

/**
 * The presearch alternatives of a query compiled with `options`: read through its mapping and field
 * map, ordered by its timestamp field, as the rule set indexes it.
 */
export function queryPresearch(query: Query, options: CompileOptions): PresearchAlternative[] {
  const mapping = effectiveMapping(options);
  const timestampField = resolveField(mapping, options.timestampField ?? "@timestamp").name;
  return presearchAlternatives(query, { mapping, timestampField });
}
