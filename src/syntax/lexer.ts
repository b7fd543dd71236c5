/** The single EQL lexer instance and `tokenize`, which turns lexer problems into `EqlSyntaxError`s. */
import { type IToken, Lexer, tokenMatcher } from "chevrotain";
import type { Span } from "../ast/nodes.js";
import { EqlSyntaxError, ErrorCodes } from "../errors.js";
import { grammarChecks } from "./checks.js";
import { spanAt, tokenSpan } from "./span.js";
import { decodeQuotedString } from "./strings.js";
import {
  allTokens,
  COMMENT_GROUP,
  LegacyRawString,
  LexError,
  QuotedString,
  SingleQuotedString,
  UnterminatedComment,
  UnterminatedQuotedIdentifier,
  UnterminatedRawString,
} from "./tokens.js";

/** The one lexer; building it optimises the token set once (and validates it, see checks.ts). */
export const eqlLexer = new Lexer(allTokens, {
  ensureOptimizations: true,
  // Spans need where a token starts, not where it ends (span.ts): tokens without their end are smaller.
  positionTracking: "onlyStart",
  // errors.ts counts only LF as a line break, so the lexer must agree for spans to line up.
  lineTerminatorsPattern: /\n/g,
  lineTerminatorCharacters: ["\n"],
  skipValidations: !grammarChecks,
});

function lexErrorFor(text: string, token: IToken): EqlSyntaxError {
  const span = tokenSpan(token);
  if (tokenMatcher(token, SingleQuotedString)) {
    return new EqlSyntaxError(
      text,
      ErrorCodes.SINGLE_QUOTED_STRING,
      "Single-quoted strings are not supported",
      span,
      'use double quotes: "..."',
    );
  }
  if (tokenMatcher(token, LegacyRawString)) {
    return new EqlSyntaxError(
      text,
      ErrorCodes.LEGACY_RAW_STRING,
      "The ? prefix for unescaped strings is not supported",
      span,
      'use """...""" for unescaped strings',
    );
  }
  if (tokenMatcher(token, UnterminatedComment)) {
    return new EqlSyntaxError(text, ErrorCodes.UNTERMINATED_COMMENT, "Unterminated block comment", {
      start: span.start,
      end: span.start + 2,
    });
  }
  if (tokenMatcher(token, UnterminatedQuotedIdentifier)) {
    return new EqlSyntaxError(text, ErrorCodes.UNTERMINATED_STRING, "Unterminated quoted identifier", {
      start: span.start,
      end: span.start + 1,
    });
  }
  const what = tokenMatcher(token, UnterminatedRawString) ? 'raw string """' : "string";
  return new EqlSyntaxError(text, ErrorCodes.UNTERMINATED_STRING, `Unterminated ${what}`, span);
}

/**
 * Lex `text`. Throws the first problem in source order: an unexpected character, an invalid or
 * unterminated literal, or a bad escape. Decoded `"..."` values are stored in each token's `payload`.
 */
export function tokenize(text: string): IToken[] {
  const result = eqlLexer.tokenize(text);
  const firstLexerError = result.errors[0];
  const limit = firstLexerError ? firstLexerError.offset : Number.POSITIVE_INFINITY;
  for (const token of result.tokens) {
    if (token.startOffset > limit) break;
    if (tokenMatcher(token, LexError)) throw lexErrorFor(text, token);
    if (tokenMatcher(token, QuotedString)) {
      const decoded = decodeQuotedString(token.image);
      if (typeof decoded !== "string") {
        const start = token.startOffset + decoded.start;
        throw new EqlSyntaxError(
          text,
          ErrorCodes.INVALID_ESCAPE,
          decoded.reason,
          spanAt(text, start, token.startOffset + decoded.end),
        );
      }
      token.payload = decoded;
    }
  }
  if (firstLexerError) {
    const start = firstLexerError.offset;
    const cp = text.codePointAt(start) ?? 0;
    const ch = String.fromCodePoint(cp);
    const end = start + ch.length;
    const hint = ch === "!" ? "use `not` for negation and `!=` for inequality" : undefined;
    throw new EqlSyntaxError(
      text,
      ErrorCodes.UNEXPECTED_CHARACTER,
      `Unexpected character ${JSON.stringify(ch)}`,
      spanAt(text, start, end),
      hint,
    );
  }
  return result.tokens;
}

/** A comment of a query: its text with the delimiters (`// ...`, `/* ... *\/`) and its span. */
export interface QueryComment {
  readonly text: string;
  readonly span: Span;
}

/** The comments of `text`, in text order (those after a lexical error are not read). */
export function comments(text: string): QueryComment[] {
  const found = eqlLexer.tokenize(text).groups[COMMENT_GROUP] ?? [];
  return found.map((t) => ({ text: t.image, span: tokenSpan(t) }));
}
