/**
 * EQL token types (spec §2). Order matters: chevrotain takes the first pattern that matches, so
 * longer forms come before their prefixes and keywords come before identifiers.
 */
import { createToken, Lexer, type TokenType } from "chevrotain";

// ----------------- categories -----------------

/** Any string literal (`"..."` or `"""..."""`). */
export const StringLiteral = createToken({ name: "StringLiteral", pattern: Lexer.NA, label: "string" });
/** Every binary operator: `or`, `and`, comparisons, `+ - * / %` (the parser reads their chains flat). */
export const BinaryOp = createToken({ name: "BinaryOp", pattern: Lexer.NA, label: "an operator" });
/** `==`, `!=`, `<`, `<=`, `>`, `>=` */
export const CompareOp = createToken({
  name: "CompareOp",
  pattern: Lexer.NA,
  label: "comparison operator",
  categories: BinaryOp,
});
/** `+`, `-` */
export const AddOp = createToken({
  name: "AddOp",
  pattern: Lexer.NA,
  label: "`+` or `-`",
  categories: BinaryOp,
});
/** `*`, `/`, `%` */
export const MulOp = createToken({
  name: "MulOp",
  pattern: Lexer.NA,
  label: "`*`, `/` or `%`",
  categories: BinaryOp,
});
/** `:`, `like`, `like~`, `regex`, `regex~` */
export const MatchOp = createToken({ name: "MatchOp", pattern: Lexer.NA, label: "matching operator" });
/** `in`, `in~` */
export const InOp = createToken({ name: "InOp", pattern: Lexer.NA, label: "`in`" });
/** Tokens that only exist to produce a precise error; the parser never consumes them. */
export const LexError = createToken({ name: "LexError", pattern: Lexer.NA });

// ----------------- trivia -----------------

/** Whitespace: space, tab, CR, LF. */
export const WhiteSpace = createToken({
  name: "WhiteSpace",
  pattern: /[ \t\r\n]+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});
/**
 * The lexer group comments go to: kept out of the parser's tokens, but readable by `comments()` (the
 * lint's `mini-eql: ignore` comments are in them).
 */
export const COMMENT_GROUP = "comments";

/** `// ...` to the end of the line. */
export const LineComment = createToken({ name: "LineComment", pattern: /\/\/[^\n]*/, group: COMMENT_GROUP });

/** Matches a block comment whose `/* ... *\/` pairs nest; regexes cannot count depth. */
function matchBlockComment(text: string, offset: number): [string] | null {
  if (text.charCodeAt(offset) !== 47 || text.charCodeAt(offset + 1) !== 42) return null;
  let depth = 1;
  let i = offset + 2;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    const n = text.charCodeAt(i + 1);
    if (c === 47 && n === 42) {
      depth++;
      i += 2;
    } else if (c === 42 && n === 47) {
      depth--;
      i += 2;
      if (depth === 0) return [text.slice(offset, i)];
    } else {
      i++;
    }
  }
  return null;
}

/** `/* ... *\/`, nesting allowed. */
export const BlockComment = createToken({
  name: "BlockComment",
  pattern: { exec: matchBlockComment },
  start_chars_hint: ["/"],
  group: COMMENT_GROUP,
  line_breaks: true,
});
/** A block comment that never closes (reported as an error). */
export const UnterminatedComment = createToken({
  name: "UnterminatedComment",
  pattern: /\/\*[\s\S]*/,
  line_breaks: true,
  categories: LexError,
});

// ----------------- strings and quoted identifiers -----------------

/** `"""raw"""`: ends at the first `"""`, then absorbs up to two more `"` (spec §2.5 quirk). */
export const RawString = createToken({
  name: "RawString",
  pattern: /"""[^\r\n]*?""""?"?/,
  categories: StringLiteral,
  label: "string",
});
/** `"""` with no closing `"""` on the same line. */
export const UnterminatedRawString = createToken({
  name: "UnterminatedRawString",
  pattern: /"""[^\r\n]*/,
  categories: LexError,
});
/** `"..."` with backslash escapes; escapes are validated and decoded after lexing. */
export const QuotedString = createToken({
  name: "QuotedString",
  pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*"/,
  categories: StringLiteral,
  label: "string",
});
/** `"` with no closing `"` on the same line. */
export const UnterminatedString = createToken({
  name: "UnterminatedString",
  pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*\\?/,
  categories: LexError,
});
/** `?"..."` or `?'...'`: legacy raw strings, rejected with a hint. */
export const LegacyRawString = createToken({
  name: "LegacyRawString",
  pattern: /\?(?:"(?:[^"\\\r\n]|\\[^\r\n])*"?|'(?:[^'\\\r\n]|\\[^\r\n])*'?)/,
  categories: LexError,
});
/** `'...'`: rejected with a hint to use double quotes. */
export const SingleQuotedString = createToken({
  name: "SingleQuotedString",
  pattern: /'(?:[^'\\\r\n]|\\[^\r\n])*'?/,
  categories: LexError,
});
/** `` `name` `` where a doubled backtick stands for one backtick. */
export const QuotedIdentifier = createToken({
  name: "QuotedIdentifier",
  pattern: /`(?:[^`]|``)*`/,
  line_breaks: true,
  label: "quoted identifier",
});
/** A backtick with no closing backtick. */
export const UnterminatedQuotedIdentifier = createToken({
  name: "UnterminatedQuotedIdentifier",
  pattern: /`[\s\S]*/,
  line_breaks: true,
  categories: LexError,
});

// ----------------- punctuation and operators -----------------

const punct = (name: string, pattern: string, categories?: TokenType) =>
  createToken({ name, pattern, label: `\`${pattern}\``, ...(categories ? { categories } : {}) });

/** `==` */
export const EqEq = punct("EqEq", "==", CompareOp);
/** `!=` */
export const NotEq = punct("NotEq", "!=", CompareOp);
/** `![`, the opening of a missing-event term. */
export const BangLBracket = punct("BangLBracket", "![");
/** `<=` */
export const LtEq = punct("LtEq", "<=", CompareOp);
/** `>=` */
export const GtEq = punct("GtEq", ">=", CompareOp);
/** `<` */
export const Lt = punct("Lt", "<", CompareOp);
/** `>` */
export const Gt = punct("Gt", ">", CompareOp);
/** `=`, valid only after `maxspan` and `runs`. */
export const Assign = punct("Assign", "=");
/** `:` */
export const Colon = punct("Colon", ":", MatchOp);
/** `+` */
export const Plus = punct("Plus", "+", AddOp);
/** `-` */
export const Minus = punct("Minus", "-", AddOp);
/** `*` */
export const Star = punct("Star", "*", MulOp);
/** `/` */
export const Slash = punct("Slash", "/", MulOp);
/** `%` */
export const Percent = punct("Percent", "%", MulOp);

// ----------------- numbers -----------------

/** `1.`, `.5`, `1e3`, `1.5E-2`: always doubles. Listed before `.` and integers. */
export const DecimalLiteral = createToken({
  name: "DecimalLiteral",
  pattern: /(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+/,
  label: "number",
});
/** Digits only. */
export const IntegerLiteral = createToken({ name: "IntegerLiteral", pattern: /\d+/, label: "integer" });

/** `.` */
export const Dot = punct("Dot", ".");
/** `,` */
export const Comma = punct("Comma", ",");
/** `[` */
export const LBracket = punct("LBracket", "[");
/** `]` */
export const RBracket = punct("RBracket", "]");
/** `(` */
export const LParen = punct("LParen", "(");
/** `)` */
export const RParen = punct("RParen", ")");
/** `|` */
export const Pipe = punct("Pipe", "|");
/** `?`, marking an optional field. */
export const Question = punct("Question", "?");

// ----------------- identifiers and keywords -----------------

/** A function name with a trailing `~`, such as `startsWith~`. */
export const TildeIdentifier = createToken({
  name: "TildeIdentifier",
  pattern: /[A-Za-z][A-Za-z0-9_]*~/,
  label: "function name",
});
/** `[A-Za-z_@][A-Za-z0-9_]*` */
export const Identifier = createToken({
  name: "Identifier",
  pattern: /[A-Za-z_@][A-Za-z0-9_]*/,
  label: "identifier",
});

const keyword = (word: string, categories?: TokenType) =>
  createToken({
    name: `Kw_${word.replace("~", "Tilde")}`,
    pattern: word,
    label: `\`${word}\``,
    // Without this, `index` would lex as `in` + `dex` and `like~x` stays the keyword (ANTLR's tie rule).
    longer_alt: [TildeIdentifier, Identifier],
    ...(categories ? { categories } : {}),
  });

/** `and` */
export const And = keyword("and", BinaryOp);
/** `any` */
export const Any = keyword("any");
/** `by` */
export const By = keyword("by");
/** `false` */
export const False = keyword("false");
/** `in~` */
export const InTilde = keyword("in~", InOp);
/** `in` */
export const In = keyword("in", InOp);
/** `join` (reserved; rejected with a dedicated error) */
export const Join = keyword("join");
/** `like~` */
export const LikeTilde = keyword("like~", MatchOp);
/** `like` */
export const Like = keyword("like", MatchOp);
/** `maxspan` */
export const Maxspan = keyword("maxspan");
/** `not` */
export const Not = keyword("not");
/** `null` */
export const Null = keyword("null");
/** `of` (reserved; lineage is rejected with a dedicated error) */
export const Of = keyword("of");
/** `or` */
export const Or = keyword("or", BinaryOp);
/** `regex~` */
export const RegexTilde = keyword("regex~", MatchOp);
/** `regex` */
export const Regex = keyword("regex", MatchOp);
/** `sample` */
export const Sample = keyword("sample");
/** `sequence` */
export const Sequence = keyword("sequence");
/** `true` */
export const True = keyword("true");
/** `until` */
export const Until = keyword("until");
/** `where` */
export const Where = keyword("where");
/** `with` */
export const With = keyword("with");

/** The reserved words, lowercase (spec §2.2). */
export const KEYWORDS: ReadonlySet<string> = new Set([
  "and",
  "any",
  "by",
  "false",
  "in",
  "join",
  "like",
  "maxspan",
  "not",
  "null",
  "of",
  "or",
  "regex",
  "sample",
  "sequence",
  "true",
  "until",
  "where",
  "with",
]);

/** Every token type in lexing order, categories included. */
export const allTokens: TokenType[] = [
  StringLiteral,
  CompareOp,
  AddOp,
  MulOp,
  MatchOp,
  InOp,
  LexError,
  WhiteSpace,
  LineComment,
  BlockComment,
  UnterminatedComment,
  RawString,
  UnterminatedRawString,
  QuotedString,
  UnterminatedString,
  LegacyRawString,
  SingleQuotedString,
  QuotedIdentifier,
  UnterminatedQuotedIdentifier,
  EqEq,
  NotEq,
  BangLBracket,
  LtEq,
  GtEq,
  Lt,
  Gt,
  Assign,
  Colon,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  DecimalLiteral,
  IntegerLiteral,
  Dot,
  Comma,
  LBracket,
  RBracket,
  LParen,
  RParen,
  Pipe,
  Question,
  And,
  Any,
  By,
  False,
  InTilde,
  In,
  Join,
  LikeTilde,
  Like,
  Maxspan,
  Not,
  Null,
  Of,
  Or,
  RegexTilde,
  Regex,
  Sample,
  Sequence,
  True,
  Until,
  Where,
  With,
  TildeIdentifier,
  Identifier,
];
