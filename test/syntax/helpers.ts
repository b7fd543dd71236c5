/** Small helpers shared by the syntax tests. */
import type { Expr } from "../../src/ast/nodes.js";
import { printExpr, printStatement } from "../../src/ast/print.js";
import { EqlError } from "../../src/errors.js";
import { parse } from "../../src/parse.js";

/** The condition of `process where <text>`, printed fully parenthesised. */
export function cond(text: string): string {
  return printExpr(condition(text));
}

/** The condition AST of `process where <text>`. */
export function condition(text: string): Expr {
  const q = parse(`process where ${text}`).query;
  if (q.kind !== "event") throw new Error("not an event query");
  return q.condition;
}

/** A whole statement, printed. */
export function stmt(text: string): string {
  return printStatement(parse(text));
}

/** What a failing parse threw: class name, code and position. */
export interface Failure {
  name: string;
  code: string;
  line: number;
  column: number;
  hint?: string;
}

/** Parse `text` and return the error it throws (fails the test when it parses). */
export function failure(text: string): Failure {
  try {
    parse(text);
  } catch (e) {
    if (!(e instanceof EqlError)) throw e;
    const f: Failure = { name: e.name, code: e.code, line: e.line, column: e.column };
    if (e.hint !== undefined) f.hint = e.hint;
    return f;
  }
  throw new Error(`expected an error for: ${text}`);
}

/** Code, line and column of the error `text` throws. */
export function codeAt(text: string): [string, number, number] {
  const f = failure(text);
  return [f.code, f.line, f.column];
}
