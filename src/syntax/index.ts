/** The syntax layer's entry point: text → AST, hiding chevrotain from the rest of the library. */
import type { CstNode } from "chevrotain";
import type { Statement } from "../ast/nodes.js";
import { tokenize } from "./lexer.js";

export { comments, type QueryComment } from "./lexer.js";

import { toSyntaxError } from "./messages.js";
import { eqlParser } from "./parser.js";
import { toAst } from "./to-ast.js";

/** Lex, parse and build the AST of `text`; throws the first lexical or syntax error. */
export function parseSyntax(text: string): Statement {
  const tokens = tokenize(text);
  eqlParser.input = tokens;
  let cst: CstNode;
  try {
    cst = eqlParser.statement();
  } catch (e) {
    // Only running out of stack escapes chevrotain's rules (it records syntax errors). Its `finally`
    // blocks can then leave its rule stack inconsistent and throw another RangeError ("Invalid array
    // length") in place of the overflow, depending on where the overflow struck.
    if (e instanceof RangeError) throw new RangeError("Maximum call stack size exceeded", { cause: e });
    throw e;
  }
  const error = eqlParser.errors[0];
  if (error) throw toSyntaxError(text, tokens, error);
  return toAst(cst, text);
}
