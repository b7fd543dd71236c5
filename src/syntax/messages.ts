/**
 * Parser error wording (a chevrotain IParserErrorMessageProvider using token labels) and the mapping
 * of chevrotain's recognition errors to `EqlSyntaxError` with a stable code and the offending span.
 */
import {
  EOF,
  type IParserErrorMessageProvider,
  type IRecognitionException,
  type IToken,
  type TokenType,
  tokenMatcher,
} from "chevrotain";
import { EqlSyntaxError, ErrorCodes } from "../errors.js";
import { spanAt, tokenSpan } from "./span.js";
import * as T from "./tokens.js";

/** How a token type is named in messages: its label, else its name. */
function describeType(type: TokenType): string {
  if (type === EOF) return "end of input";
  return type.LABEL ?? type.name;
}

/** How an actual token is named in messages: its text in backticks, or "end of input". */
export function describeToken(token: IToken | undefined): string {
  if (!token || token.tokenType === EOF) return "end of input";
  const image = token.image.length > 40 ? `${token.image.slice(0, 37)}...` : token.image;
  return `\`${image}\``;
}

/** Join alternatives as "a, b or c". */
function oneOf(labels: readonly string[]): string {
  if (labels.length <= 1) return labels[0] ?? "something else";
  return `${labels.slice(0, -1).join(", ")} or ${labels[labels.length - 1]}`;
}

// Rules whose first-token sets are long lists better summarised as "an expression".
const EXPRESSION_RULES = new Set(["expression", "operand", "primary"]);

function expectedLabels(paths: readonly (readonly TokenType[])[], ruleName: string): string {
  const labels: string[] = [];
  for (const path of paths) {
    const first = path[0];
    if (!first) continue;
    const label = describeType(first);
    if (!labels.includes(label)) labels.push(label);
  }
  if (EXPRESSION_RULES.has(ruleName) || labels.length > 6) return "an expression";
  return oneOf(labels);
}

/** EQL wording for chevrotain's four kinds of parse error. */
export const errorMessageProvider: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual }) {
    return `expected ${describeType(expected)} but found ${describeToken(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `unexpected ${describeToken(firstRedundant)}; expected the end of the query or \`|\``;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, ruleName }) {
    const expected = expectedLabels(expectedPathsPerAlt.flat(), ruleName);
    return `expected ${expected} but found ${describeToken(actual[0])}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual, ruleName }) {
    const expected = expectedLabels(expectedIterationPaths, ruleName);
    return `expected ${expected} but found ${describeToken(actual[0])}`;
  },
};

/** True for an identifier spelled like a keyword in another case (`AND`, `Where`). */
function isMiscasedKeyword(token: IToken | undefined): token is IToken {
  if (!token || !tokenMatcher(token, T.Identifier)) return false;
  const lower = token.image.toLowerCase();
  return lower !== token.image && T.KEYWORDS.has(lower);
}

// Tokens that end the search backwards for an earlier comparison in the same operand.
const COMPARISON_BOUNDARIES = [
  T.And,
  T.Or,
  T.Not,
  T.Where,
  T.Comma,
  T.LBracket,
  T.BangLBracket,
  T.Pipe,
  T.By,
];

/** True when `tokens[index]` is a comparison operator following another one at the same depth. */
function isChainedComparison(tokens: readonly IToken[], index: number): boolean {
  const current = tokens[index];
  if (!current || !tokenMatcher(current, T.CompareOp)) return false;
  let depth = 0;
  for (let i = index - 1; i >= 0; i--) {
    const t = tokens[i]!;
    if (tokenMatcher(t, T.RParen)) depth++;
    else if (tokenMatcher(t, T.LParen)) {
      if (depth === 0) return false;
      depth--;
    } else if (depth === 0) {
      if (COMPARISON_BOUNDARIES.some((b) => tokenMatcher(t, b))) return false;
      if (tokenMatcher(t, T.CompareOp)) return true;
    }
  }
  return false;
}

/** Convert the first chevrotain parse error into an `EqlSyntaxError` with a stable code. */
export function toSyntaxError(
  text: string,
  tokens: readonly IToken[],
  error: IRecognitionException,
): EqlSyntaxError {
  const token = error.token;
  if (!token || token.tokenType === EOF || Number.isNaN(token.startOffset)) {
    return new EqlSyntaxError(
      text,
      ErrorCodes.UNEXPECTED_END,
      `Unexpected end of input: ${error.message}`,
      spanAt(text, text.length, text.length),
    );
  }
  const index = tokens.indexOf(token);
  const previous = index > 0 ? tokens[index - 1] : undefined;
  const span = tokenSpan(token);
  if (tokenMatcher(token, T.Assign)) {
    return new EqlSyntaxError(
      text,
      ErrorCodes.ASSIGNMENT_AS_EQUALITY,
      "`=` is not an operator; compare with `==`",
      span,
      "use ==",
    );
  }
  if (tokenMatcher(token, T.Join)) {
    return new EqlSyntaxError(text, ErrorCodes.JOIN_UNSUPPORTED, "JOIN command is not supported", span);
  }
  if (tokenMatcher(token, T.Of)) {
    const start = previous && tokenMatcher(previous, T.Identifier) ? tokenSpan(previous) : span;
    return new EqlSyntaxError(
      text,
      ErrorCodes.LINEAGE_UNSUPPORTED,
      "Process relationships are not supported",
      { start: start.start, end: span.end },
    );
  }
  for (const candidate of [token, previous]) {
    if (isMiscasedKeyword(candidate)) {
      const lower = candidate.image.toLowerCase();
      return new EqlSyntaxError(
        text,
        ErrorCodes.UPPERCASE_KEYWORD,
        `\`${candidate.image}\` is not a keyword; ${error.message}`,
        tokenSpan(candidate),
        `keywords are lowercase: ${lower}`,
      );
    }
  }
  if (isChainedComparison(tokens, index)) {
    return new EqlSyntaxError(
      text,
      ErrorCodes.CHAINED_COMPARISON,
      "Comparisons cannot be chained",
      span,
      "combine comparisons with `and`",
    );
  }
  return new EqlSyntaxError(text, ErrorCodes.UNEXPECTED_TOKEN, error.message, span);
}
