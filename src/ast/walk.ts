/** Traversal helpers over the AST, iterative so that long generated queries need no deep stack. */
import type { Expr, Field, Statement } from "./nodes.js";

/** The direct sub-expressions of an expression. */
export function exprChildren(e: Expr): readonly Expr[] {
  switch (e.kind) {
    case "field":
    case "literal":
      return [];
    case "not":
    case "negate":
      return [e.operand];
    case "and":
    case "or":
    case "compare":
    case "arith":
      return [e.left, e.right];
    case "in":
      return [e.operand, ...e.list];
    case "match":
      return [e.operand, ...e.patterns];
    case "call":
      return e.args;
  }
}

/** Every field reference in `roots`, in source order. */
export function fieldsIn(roots: readonly Expr[]): Field[] {
  const out: Field[] = [];
  const stack = [...roots].reverse();
  while (stack.length > 0) {
    const e = stack.pop() as Expr;
    if (e.kind === "field") out.push(e);
    else {
      const kids = exprChildren(e);
      for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i] as Expr);
    }
  }
  return out;
}

/** Every top-level expression of a statement: each filter's condition and each join key. */
export function statementExprs(s: Statement): Expr[] {
  const q = s.query;
  if (q.kind === "event") return [q.condition];
  const terms = q.kind === "sequence" && q.until ? [...q.terms, q.until] : q.terms;
  return [...q.by, ...terms.flatMap((t) => [t.filter.condition, ...t.by])];
}

/**
 * The operands of a chain of one connective (`a or b or c ...`), found without recursion so that a
 * generated rule with thousands of alternatives is handled in constant stack depth.
 */
export function chainOperands(expr: Expr, op: "and" | "or"): Expr[] {
  const out: Expr[] = [];
  const stack: Expr[] = [expr];
  while (stack.length > 0) {
    const e = stack.pop() as Expr;
    if (e.kind === op) stack.push(e.right, e.left);
    else out.push(e);
  }
  return out;
}
