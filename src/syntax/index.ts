/** The syntax layer's entry point: text → AST, hiding chevrotain from the rest of the library. */
import type { Statement } from "../ast/nodes.js";
import { tokenize } from "./lexer.js";
import { toSyntaxError } from "./messages.js";
import { eqlParser } from "./parser.js";
import { toAst } from "./to-ast.js";

/** Lex, parse and build the AST of `text`; throws the first lexical or syntax error. */
export function parseSyntax(text: string): Statement {
  const tokens = tokenize(text);
  eqlParser.input = tokens;
  const cst = eqlParser.statement();
  const error = eqlParser.errors[0];
  if (error) throw toSyntaxError(text, tokens, error);
  return toAst(cst, text);
}
