/**
 * Explain a query's verdict on one event: evaluate the category and every `and`/`or`/`not` branch and
 * leaf of the condition on its own (each compiled as `any where <expr>`), and print a small tree with
 * true/false per node, so a failing rule test shows which condition decided it.
 */
import type { EventQuery, Expr, Literal, Statement } from "../ast/nodes.js";
import { printExpr } from "../ast/print.js";
import { chainOperands, fieldsIn } from "../ast/walk.js";
import { compile } from "../compile.js";
import { effectiveMapping } from "../field-map.js";
import { type Mapping, resolveField } from "../mapping.js";
import { ownOptions } from "../options.js";
import { parse } from "../parse.js";
import { fieldReader } from "../runtime/fields.js";
import type { CompileOptions, EqlEvent, EventHit, SequenceHit } from "../types.js";

/** One node of an explanation. */
export interface ExplainNode {
  /** The node's EQL text (`and` / `or` / `not` for branches). */
  readonly text: string;
  /** Its value on the event (a null result counts as false). */
  readonly result: boolean;
  readonly children?: readonly ExplainNode[];
  /** Why the event's value is not what the leaf saw: a value past the field's `ignore_above`. */
  readonly note?: string;
  /**
   * For a true leaf on one field holding an array, or with a list of patterns or values: each array
   * element that makes it true on its own, with the pattern or value it matched (at most 20).
   */
  readonly matched?: readonly ExplainMatch[];
}

/** One array element, or one pattern of a list, that made a leaf true. */
export interface ExplainMatch {
  /** The field as the query names it. */
  readonly field: string;
  /** The value that matched. */
  readonly value: unknown;
  /** Its index when the field holds an array. */
  readonly index?: number;
  /** For `like`, `:`, `regex` or `in` with several patterns or values: the one that matched (EQL text). */
  readonly pattern?: string;
}

/** A match as one line: `process.args[2] "https://h:10250/pods" matched "http*:10250/*"`. */
export function describeMatch(m: ExplainMatch): string {
  const value = JSON.stringify(m.value) ?? String(m.value);
  const which = m.index === undefined ? value : `${m.field}[${m.index}] ${value}`;
  return m.pattern === undefined ? `${which} matched` : `${which} matched ${m.pattern}`;
}

/** For a leaf: the fields whose value in the event is past their `ignore_above` (not indexed). */
function ignoredNote(e: Expr, event: EqlEvent, mapping: Mapping | null): string | undefined {
  if (mapping === null) return undefined;
  const notes: string[] = [];
  for (const f of fieldsIn([e])) {
    const { name, def } = resolveField(mapping, f.name);
    const limit = def?.ignoreAbove;
    if (limit === undefined) continue;
    let longest = 0;
    try {
      fieldReader([name]).each(event, (v) => {
        if (typeof v === "string" && v.length > longest) longest = v.length;
        return false;
      });
    } catch {
      continue;
    }
    if (longest > limit)
      notes.push(
        `${f.name} holds a value of ${longest} characters, past its ignore_above ${limit}: Elasticsearch does not index it, so the query does not see it`,
      );
  }
  return notes.length > 0 ? notes.join("; ") : undefined;
}

/** `text` compiled as a test of events; one that does not compile is false for every event. */
function tester(text: string, options: CompileOptions): (event: EqlEvent) => boolean {
  try {
    // Each text is compiled for one event or a few: generated code would not pay for itself.
    const compiled = compile(text, { ...options, codegen: false });
    return (event) => compiled.matches(event);
  } catch {
    // A sub-expression that is not a boolean on its own (cannot happen for and/or operands) is false.
    return () => false;
  }
}

function evaluate(text: string, event: EqlEvent, options: CompileOptions): boolean {
  return tester(text, options)(event);
}

/** Drop the printer's outermost parentheses when they enclose the whole text. */
function unwrap(text: string): string {
  if (!text.startsWith("(") || !text.endsWith(")")) return text;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
    } else if (c === "(") depth++;
    else if (c === ")" && --depth === 0 && i < text.length - 1) return text;
  }
  return text.slice(1, -1);
}

function explainExpr(
  e: Expr,
  event: EqlEvent,
  options: CompileOptions,
  mapping: Mapping | null,
): ExplainNode {
  const text = unwrap(printExpr(e, true));
  const result = evaluate(`any where ${text}`, event, options);
  if (e.kind === "and" || e.kind === "or") {
    return {
      text: e.kind,
      result,
      children: chainOperands(e, e.kind).map((x) => explainExpr(x, event, options, mapping)),
    };
  }
  if (e.kind === "not")
    return { text: "not", result, children: [explainExpr(e.operand, event, options, mapping)] };
  const note = ignoredNote(e, event, mapping);
  const matched = result ? matchedBy(e, event, options, mapping) : undefined;
  return { text, result, ...(note === undefined ? {} : { note }), ...(matched ? { matched } : {}) };
}

const MAX_MATCHES = 20;

/**
 * For a true leaf that reads one field: each of the field's values that makes it true on its own
 * (tried against an event holding only that value), and for a list of patterns or values, each item
 * that matches it. Undefined when the leaf reads no field or several, is a negated `in`, or the field
 * holds one value and the leaf has one pattern (nothing to tell apart).
 */
function matchedBy(
  e: Expr,
  event: EqlEvent,
  options: CompileOptions,
  mapping: Mapping | null,
): ExplainMatch[] | undefined {
  if (e.kind === "in" && e.negated) return undefined;
  const fields = fieldsIn([e]);
  const written = fields[0]?.name;
  if (written === undefined || fields.some((f) => f.name !== written)) return undefined;
  const read = mapping ? resolveField(mapping, written).name : written;
  let values: unknown[];
  let arrayValued: boolean;
  try {
    values = [...fieldReader([read]).values(event)];
    arrayValued = values.length > 1;
  } catch {
    return undefined;
  }
  const items: Expr[] = e.kind === "match" ? [...e.patterns] : e.kind === "in" ? [...e.list] : [];
  if (!arrayValued && items.length < 2) return undefined;
  // Tried on an event holding one value, so that the event's other fields cannot decide it.
  const { filter: _filter, ...alone } = options;
  const leaves: { text: string; pattern?: string }[] =
    items.length < 2
      ? [{ text: `any where ${unwrap(printExpr(e, true))}` }]
      : items.map((item) => ({
          text: `any where ${unwrap(printExpr(e.kind === "match" ? { ...e, patterns: [item as Literal] } : ({ ...e, list: [item] } as Expr), true))}`,
          pattern: printExpr(item, true),
        }));
  const found: ExplainMatch[] = [];
  for (const leaf of leaves) {
    const test = tester(leaf.text, alone);
    for (let i = 0; i < values.length && found.length < MAX_MATCHES; i++) {
      const value = values[i];
      if (!test({ [read]: value } as EqlEvent)) continue;
      found.push({
        field: written,
        value,
        ...(arrayValued ? { index: i } : {}),
        ...(leaf.pattern === undefined ? {} : { pattern: leaf.pattern }),
      });
    }
  }
  return found.length > 0 ? found : undefined;
}

function explainFilter(
  q: EventQuery,
  event: EqlEvent,
  options: CompileOptions,
  mapping: Mapping | null,
): ExplainNode {
  const field = options.eventCategoryField ?? "event.category";
  const children: ExplainNode[] = [];
  if (q.category !== null) {
    const category = evaluate(`${JSON.stringify(q.category)} where true`, event, options);
    children.push({ text: `${field} == ${JSON.stringify(q.category)}`, result: category });
  }
  children.push(explainExpr(q.condition, event, options, mapping));
  const result = children.every((c) => c.result);
  return { text: `${q.category ?? "any"} where ...`, result, children };
}

/**
 * Explain the query on one event. For a sequence or sample, one tree per term tells whether the event
 * satisfies that term's filter.
 */
export function explainQuery(
  query: string | Statement,
  event: EqlEvent,
  given: CompileOptions = {},
): ExplainNode {
  const options = ownOptions(given);
  const statement = typeof query === "string" ? parse(query) : query;
  const q = statement.query;
  const mapping = explainMapping(options);
  if (q.kind === "event") return explainFilter(q, event, options, mapping);
  const children = termsOf(statement).map((_, i) => explainTerm(statement, i, event, options, mapping));
  return { text: q.kind, result: children.some((c) => c.result), children };
}

/** The mapping leaves are read through, or null without one (or with one that does not parse). */
function explainMapping(options: CompileOptions): Mapping | null {
  try {
    return options.mapping === undefined && options.fieldMap === undefined ? null : effectiveMapping(options);
  } catch {
    return null;
  }
}

/** The terms of a sequence (its `until` last) or sample; none for an event query. */
function termsOf(statement: Statement): EventQuery[] {
  const q = statement.query;
  if (q.kind === "event") return [];
  return [...q.terms, ...(q.kind === "sequence" && q.until ? [q.until] : [])].map((t) => t.filter);
}

/** The tree of the `i`-th term of a sequence or sample, labelled `term i+1:` (or `until:`). */
function explainTerm(
  statement: Statement,
  i: number,
  event: EqlEvent,
  options: CompileOptions,
  mapping: Mapping | null,
): ExplainNode {
  const q = statement.query;
  const filter = termsOf(statement)[i] as EventQuery;
  const node = explainFilter(filter, event, options, mapping);
  const label = q.kind === "sequence" && q.until?.filter === filter ? "until" : `term ${i + 1}`;
  return { ...node, text: `${label}: ${node.text}` };
}

/** The tree of the term that placed `event` at position `i` of a sequence or sample. */
function explainAt(statement: Statement, i: number, event: EqlEvent, given: CompileOptions): ExplainNode {
  const options = ownOptions(given);
  if (i < 0 || i >= termsOf(statement).length) return explainQuery(statement, event, options);
  return explainTerm(statement, i, event, options, explainMapping(options));
}

/** A query result with the explanation of each of its events. */
export type ExplainedResult =
  | { readonly event: EqlEvent; readonly explanation: ExplainNode }
  | {
      readonly join_keys: unknown[];
      readonly events: readonly (
        | { readonly event: EqlEvent; readonly explanation: ExplainNode }
        | { readonly missing: true }
      )[];
    };

/**
 * A result of `query` (an event, or a sequence or sample) with why each event is in it: the event
 * query's tree, or for the n-th event of a sequence or sample, the tree of the n-th term.
 */
export function explainResult(
  query: string | Statement,
  hit: EventHit | SequenceHit,
  options: CompileOptions = {},
): ExplainedResult {
  const statement = typeof query === "string" ? parse(query) : query;
  if ("_source" in hit)
    return { event: hit._source, explanation: explainQuery(statement, hit._source, options) };
  return {
    join_keys: hit.join_keys,
    events: hit.events.map((h, i) => {
      if (h.missing) return { missing: true as const };
      return { event: h._source, explanation: explainAt(statement, i, h._source, options) };
    }),
  };
}

/**
 * The event an alert was made from, as a query reads it: the alert's fields without `kibana.*` and
 * `event.kind`, with the event's own `event.*` fields back from `kibana.alert.original_event.*`.
 */
export function alertEvent(alert: Readonly<Record<string, unknown>>): EqlEvent {
  const event: Record<string, unknown> = {};
  const prefix = "kibana.alert.original_event.";
  for (const [k, v] of Object.entries(alert)) {
    if (k.startsWith(prefix)) event[`event.${k.slice(prefix.length)}`] = v;
    else if (!k.startsWith("kibana.") && k !== "event.kind") event[k] = v;
  }
  return event as EqlEvent;
}

/**
 * Why the rule of `query` made `alert`: the query's tree on the alert's event, and for a building
 * block of a sequence (`kibana.alert.group.index` n), the tree of the n-th term. Undefined for a
 * sequence's shell alert, which stands for the whole sequence and holds no event.
 */
export function explainAlert(
  query: string | Statement,
  alert: Readonly<Record<string, unknown>>,
  options: CompileOptions = {},
): ExplainNode | undefined {
  const statement = typeof query === "string" ? parse(query) : query;
  const group = alert["kibana.alert.group.index"];
  const event = alertEvent(alert);
  if (statement.query.kind === "event") return explainQuery(statement, event, options);
  if (typeof group !== "number") return undefined;
  return explainAt(statement, group, event, options);
}

/** Print an explanation as an indented tree, one node a line: `[true ] host.os.type == "linux"`. */
export function formatExplanation(node: ExplainNode, indent = ""): string {
  const mark = node.result ? "[true ]" : "[false]";
  const lines = [`${indent}${mark} ${node.text}${node.note ? `  (${node.note})` : ""}`];
  for (const m of node.matched ?? []) lines.push(`${indent}        ${describeMatch(m)}`);
  for (const c of node.children ?? []) lines.push(formatExplanation(c, `${indent}  `));
  return lines.join("\n");
}
