/**
 * Everything `mini-eql check` says about one query, for any front end (the command line, the
 * browser playground): the errors, the compiler's warnings and the lint findings.
 */
import type { Statement } from "../ast/nodes.js";
import { compile } from "../compile.js";
import { EqlError, EqlSyntaxError, type EqlWarning, ErrorCodes } from "../errors.js";
import type { CompileOptions } from "../types.js";
import { lintQuery } from "./lint-ignore.js";
import type { RuleIssue } from "./normalize.js";
import type { CompiledSchema } from "./schema.js";

/** Options of `checkQuery`: how to compile (a mapping, whether fields outside it are allowed) and what to lint against. */
export interface CheckQueryOptions
  extends Pick<CompileOptions, "mapping" | "allowUnknownFields" | "fieldMap"> {
  /** Field names and types to lint against (for example ECS). */
  readonly schema?: CompiledSchema;
}

/** What checking a query found. */
export interface QueryCheck {
  /** The query's statement when it compiled. */
  readonly statement?: Statement;
  /** Errors, in text order: at most a syntax error before a lexical one, then the error. */
  readonly errors: readonly EqlError[];
  /** The compiler's warnings that no lint finding already covers. */
  readonly warnings: readonly EqlWarning[];
  /** Lint findings; those a `mini-eql: ignore` comment silences are marked `silenced`. */
  readonly lint: readonly RuleIssue[];
}

/** Lexical errors: the lexer reports them before the parser runs, wherever a parse error may be. */
const LEXICAL = new Set<string>([
  ErrorCodes.SINGLE_QUOTED_STRING,
  ErrorCodes.LEGACY_RAW_STRING,
  ErrorCodes.INVALID_ESCAPE,
  ErrorCodes.UNEXPECTED_CHARACTER,
]);

/** True for an error the lexer reports (before any syntax error the parser would find). */
export function isLexicalError(e: EqlError): boolean {
  return LEXICAL.has(e.code);
}

/**
 * A syntax error earlier in the text than the lexical error `lexical`, if any. The lexer stops at
 * the first bad token before the parser runs, so `process.name = "x" and a : 'y'` is reported at
 * `'y'` rather than at `=`. The text is parsed again with the bad token replaced by a string literal
 * of the same length (so offsets stay put); a syntax error found before the token is a real one.
 */
export function earlierSyntaxError(
  text: string,
  lexical: EqlError,
  options: CompileOptions = {},
): EqlError | undefined {
  if (!isLexicalError(lexical)) return undefined;
  const { start, end } = lexical.location;
  const width = end - start;
  const filler = width >= 2 ? `"${" ".repeat(width - 2)}"` : " ".repeat(width);
  try {
    compile(text.slice(0, start) + filler + text.slice(end), options);
  } catch (e) {
    if (e instanceof EqlSyntaxError && e.location.start < start) {
      const span = { start: e.location.start, end: e.location.end };
      return new EqlSyntaxError(text, e.code, e.reason, span, e.hint);
    }
  }
  return undefined;
}

/** Compile and lint `text` as `mini-eql check` does. Throws only what is not an `EqlError`. */
export function checkQuery(text: string, options: CheckQueryOptions = {}): QueryCheck {
  const { schema, ...compileOptions } = options;
  let compiled: ReturnType<typeof compile>;
  try {
    compiled = compile(text, compileOptions);
  } catch (e) {
    if (!(e instanceof EqlError)) throw e;
    const earlier = earlierSyntaxError(text, e, compileOptions);
    return { errors: earlier ? [earlier, e] : [e], warnings: [], lint: [] };
  }
  const lint = lintQuery(compiled.statement, text, schema);
  // The compiler and the lint both flag wildcards in `==`; keep the lint's finding, which names the fix.
  const covered = (w: EqlWarning) =>
    w.code.includes("WILDCARD") &&
    lint.some(
      (i) =>
        i.location !== undefined &&
        i.code.includes("WILDCARD") &&
        i.location.start <= w.location.start &&
        w.location.start < i.location.end,
    );
  return {
    statement: compiled.statement,
    errors: [],
    warnings: compiled.warnings.filter((w) => !covered(w)),
    lint,
  };
}
