/**
 * Explain a query's verdict on one event: evaluate the category and every `and`/`or`/`not` branch and
 * leaf of the condition on its own (each compiled as `any where <expr>`), and print a small tree with
 * true/false per node, so a failing rule test shows which condition decided it.
 */
import type { EventQuery, Expr, Statement } from "../ast/nodes.js";
import { printExpr } from "../ast/print.js";
import { chainOperands, fieldsIn } from "../ast/walk.js";
import { compile } from "../compile.js";
import { effectiveMapping } from "../field-map.js";
import { type Mapping, resolveField } from "../mapping.js";
import { ownOptions } from "../options.js";
import { parse } from "../parse.js";
import { fieldReader } from "../runtime/fields.js";
import type { CompileOptions, EqlEvent } from "../types.js";

/** One node of an explanation. */
export interface ExplainNode {
  /** The node's EQL text (`and` / `or` / `not` for branches). */
  readonly text: string;
  /** Its value on the event (a null result counts as false). */
  readonly result: boolean;
  readonly children?: readonly ExplainNode[];
  /** Why the event's value is not what the leaf saw: a value past the field's `ignore_above`. */
  readonly note?: string;
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

function evaluate(text: string, event: EqlEvent, options: CompileOptions): boolean {
  try {
    return compile(text, options).matches(event);
  } catch {
    // A sub-expression that is not a boolean on its own (cannot happen for and/or operands) is false.
    return false;
  }
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
  return note === undefined ? { text, result } : { text, result, note };
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
  let mapping: Mapping | null = null;
  try {
    mapping =
      options.mapping === undefined && options.fieldMap === undefined ? null : effectiveMapping(options);
  } catch {
    mapping = null;
  }
  if (q.kind === "event") return explainFilter(q, event, options, mapping);
  const terms = [...q.terms, ...(q.kind === "sequence" && q.until ? [q.until] : [])];
  const children = terms.map((t, i) => {
    const node = explainFilter(t.filter, event, options, mapping);
    const label = q.kind === "sequence" && t === q.until ? "until" : `term ${i + 1}`;
    return { ...node, text: `${label}: ${node.text}` };
  });
  return { text: q.kind, result: children.some((c) => c.result), children };
}

/** Print an explanation as an indented tree, one node a line: `[true ] host.os.type == "linux"`. */
export function formatExplanation(node: ExplainNode, indent = ""): string {
  const mark = node.result ? "[true ]" : "[false]";
  const lines = [`${indent}${mark} ${node.text}${node.note ? `  (${node.note})` : ""}`];
  for (const c of node.children ?? []) lines.push(formatExplanation(c, `${indent}  `));
  return lines.join("\n");
}
