/**
 * Explain a query's verdict on one event: evaluate the category and every `and`/`or`/`not` branch and
 * leaf of the condition on its own (each compiled as `any where <expr>`), and print a small tree with
 * true/false per node, so a failing rule test shows which condition decided it.
 */
import type { EventQuery, Expr, Statement } from "../ast/nodes.js";
import { printExpr } from "../ast/print.js";
import { chainOperands } from "../ast/walk.js";
import { compile } from "../compile.js";
import { ownOptions } from "../options.js";
import { parse } from "../parse.js";
import type { CompileOptions, EqlEvent } from "../types.js";

/** One node of an explanation. */
export interface ExplainNode {
  /** The node's EQL text (`and` / `or` / `not` for branches). */
  readonly text: string;
  /** Its value on the event (a null result counts as false). */
  readonly result: boolean;
  readonly children?: readonly ExplainNode[];
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

function explainExpr(e: Expr, event: EqlEvent, options: CompileOptions): ExplainNode {
  const text = unwrap(printExpr(e, true));
  const result = evaluate(`any where ${text}`, event, options);
  if (e.kind === "and" || e.kind === "or") {
    return {
      text: e.kind,
      result,
      children: chainOperands(e, e.kind).map((x) => explainExpr(x, event, options)),
    };
  }
  if (e.kind === "not") return { text: "not", result, children: [explainExpr(e.operand, event, options)] };
  return { text, result };
}

function explainFilter(q: EventQuery, event: EqlEvent, options: CompileOptions): ExplainNode {
  const field = options.eventCategoryField ?? "event.category";
  const children: ExplainNode[] = [];
  if (q.category !== null) {
    const category = evaluate(`${JSON.stringify(q.category)} where true`, event, options);
    children.push({ text: `${field} == ${JSON.stringify(q.category)}`, result: category });
  }
  children.push(explainExpr(q.condition, event, options));
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
  if (q.kind === "event") return explainFilter(q, event, options);
  const terms = [...q.terms, ...(q.kind === "sequence" && q.until ? [q.until] : [])];
  const children = terms.map((t, i) => {
    const node = explainFilter(t.filter, event, options);
    const label = q.kind === "sequence" && t === q.until ? "until" : `term ${i + 1}`;
    return { ...node, text: `${label}: ${node.text}` };
  });
  return { text: q.kind, result: children.some((c) => c.result), children };
}

/** Print an explanation as an indented tree, one node a line: `[true ] host.os.type == "linux"`. */
export function formatExplanation(node: ExplainNode, indent = ""): string {
  const mark = node.result ? "[true ]" : "[false]";
  const lines = [`${indent}${mark} ${node.text}`];
  for (const c of node.children ?? []) lines.push(formatExplanation(c, `${indent}  `));
  return lines.join("\n");
}
