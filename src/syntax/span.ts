/** Span helpers shared by the lexer, the parser error mapping and the CST→AST visitor. */
import type { IToken } from "chevrotain";
import type { Span } from "../ast/nodes.js";

/**
 * The span of one token: from its start to the end of its text (the lexer records where tokens
 * start, not where they end; a token is its text).
 */
export function tokenSpan(token: IToken): Span {
  return {
    start: token.startOffset,
    end: token.startOffset + token.image.length,
    line: token.startLine ?? 1,
    column: token.startColumn ?? 1,
  };
}

/** The span from the start of `first` to the end of `last`. */
export function joinSpans(first: Span, last: Span): Span {
  return { start: first.start, end: last.end, line: first.line, column: first.column };
}

/** The 1-based line and column of `offset` in `text`, counting only LF as a line break. */
export function spanAt(text: string, start: number, end: number): Span {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < start && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { start, end, line, column: start - lineStart + 1 };
}
