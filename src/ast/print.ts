/**
 * Print an AST back to EQL text with every compound expression parenthesised, so precedence is
 * visible at a glance and `parse(print(ast))` yields the same tree (used by the parser tests).
 */
import type { EventQuery, Expr, Literal, Pipe, Query, Statement, Term } from "./nodes.js";

const PLAIN_IDENTIFIER = /^[A-Za-z_@][A-Za-z0-9_]*$/;
// Kept local so the AST layer does not depend on the syntax layer.
const KEYWORDS = new Set(
  "and any by false in join like maxspan not null of or regex sample sequence true until where with".split(
    " ",
  ),
);

function escapeString(s: string): string {
  let out = '"';
  for (const ch of s) {
    switch (ch) {
      case '"':
        out += '\\"';
        break;
      case "\\":
        out += "\\\\";
        break;
      case "\n":
        out += "\\n";
        break;
      case "\r":
        out += "\\r";
        break;
      case "\t":
        out += "\\t";
        break;
      default: {
        const cp = ch.codePointAt(0)!;
        out += cp < 0x20 ? `\\u{${cp.toString(16).padStart(2, "0")}}` : ch;
      }
    }
  }
  return `${out}"`;
}

/** Print an identifier segment, back-quoting it when it is not a plain, non-keyword identifier. */
export function printIdentifier(name: string): string {
  return PLAIN_IDENTIFIER.test(name) && !KEYWORDS.has(name) ? name : `\`${name.replace(/`/g, "``")}\``;
}

function printLiteral(l: Literal): string {
  switch (l.type) {
    case "string":
      return escapeString(l.value as string);
    case "null":
      return "null";
    case "boolean":
      return String(l.value);
    case "integer":
    case "double": {
      const v = l.value as number;
      let text = String(Math.abs(v));
      // A double must keep a `.` or exponent so it lexes as a double again.
      if (l.type === "double" && /^\d+$/.test(text)) text += ".0";
      return v < 0 || Object.is(v, -0) ? `(-${text})` : text;
    }
  }
}

/**
 * Print an expression, fully parenthesised. With `flatChains` a chain of one connective prints as
 * `(a or b or c)`, which parses back to the same (left-deep) tree.
 */
export function printExpr(e: Expr, flatChains = false): string {
  switch (e.kind) {
    case "literal":
      return printLiteral(e);
    case "field":
      return (e.optional ? "?" : "") + e.path.map(printIdentifier).join(".");
    case "not":
      return `(not ${printExpr(e.operand, flatChains)})`;
    case "and":
    case "or": {
      // The left spine of a chain (`a or b or c ...` is left-deep) is walked in a loop, so a generated
      // rule with thousands of alternatives needs no deep recursion. `flatChains` prints the chain as
      // `(a or b or c)`: it parses back to the same tree without deeply nested parentheses.
      const rights: Expr[] = [];
      let first: Expr = e;
      while (first.kind === e.kind) {
        rights.push(first.right);
        first = first.left;
      }
      rights.reverse();
      const sep = ` ${e.kind} `;
      if (flatChains) return `(${[first, ...rights].map((x) => printExpr(x, true)).join(sep)})`;
      let text = `${"(".repeat(rights.length)}${printExpr(first, flatChains)}`;
      for (const r of rights) text += `${sep}${printExpr(r, flatChains)})`;
      return text;
    }
    case "compare":
    case "arith":
      return `(${printExpr(e.left, flatChains)} ${e.op} ${printExpr(e.right, flatChains)})`;
    case "negate":
      return `(-${printExpr(e.operand, flatChains)})`;
    case "in": {
      const op = `${e.negated ? "not " : ""}in${e.insensitive ? "~" : ""}`;
      return `(${printExpr(e.operand, flatChains)} ${op} (${e.list.map((x) => printExpr(x, flatChains)).join(", ")}))`;
    }
    case "match": {
      const op = e.op === ":" ? ":" : `${e.op}${e.insensitive ? "~" : ""}`;
      return `(${printExpr(e.operand, flatChains)} ${op} (${e.patterns.map(printLiteral).join(", ")}))`;
    }
    case "call":
      return `${e.name}${e.insensitive ? "~" : ""}(${e.args.map((x) => printExpr(x, flatChains)).join(", ")})`;
  }
}

function printEvent(q: EventQuery): string {
  const category =
    q.category === null
      ? "any"
      : PLAIN_IDENTIFIER.test(q.category) && !KEYWORDS.has(q.category)
        ? q.category
        : escapeString(q.category);
  return `${category} where ${printExpr(q.condition)}`;
}

function printKeys(keys: readonly Expr[]): string {
  return keys.length > 0 ? ` by ${keys.map((k) => printExpr(k)).join(", ")}` : "";
}

function printTerm(t: Term): string {
  const runs = t.runs !== undefined ? ` with runs=${t.runs}` : "";
  return `${t.missing ? "![" : "["}${printEvent(t.filter)}]${printKeys(t.by)}${runs}`;
}

/** Print a query (event, sequence or sample). */
export function printQuery(q: Query): string {
  switch (q.kind) {
    case "event":
      return printEvent(q);
    case "sequence": {
      const maxspan = q.maxspan ? ` with maxspan=${q.maxspan.value}${q.maxspan.unit}` : "";
      const until = q.until ? ` until ${printTerm(q.until)}` : "";
      return `sequence${printKeys(q.by)}${maxspan} ${q.terms.map(printTerm).join(" ")}${until}`;
    }
    case "sample":
      return `sample${printKeys(q.by)} ${q.terms.map(printTerm).join(" ")}`;
  }
}

function printPipe(p: Pipe): string {
  return `| ${p.name} ${p.count}`;
}

/** Print a whole statement: the query and its pipes. */
export function printStatement(s: Statement): string {
  return [printQuery(s.query), ...s.pipes.map(printPipe)].join(" ");
}
