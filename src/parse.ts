/** The public `parse` verb. */
import type { Statement } from "./ast/nodes.js";
import { checkStructure } from "./check/structure.js";
import { EqlSyntaxError, ErrorCodes } from "./errors.js";
import { parseSyntax } from "./syntax/index.js";

/**
 * Parse EQL query text into a {@link Statement} AST.
 *
 * Throws `EqlSyntaxError` when the text does not follow the grammar (including unsupported
 * constructs such as `join`, lineage and pipes other than `head`/`tail`) and `EqlSemanticError`
 * when it breaks a structural rule Elasticsearch checks before running a query (maxspan, runs,
 * join key counts, sequence and sample term counts, missing events). Both carry a stable `code`
 * and the offending span. Types and functions are not checked here.
 */
export function parse(text: string): Statement {
  try {
    const statement = parseSyntax(text);
    checkStructure(statement);
    return statement;
  } catch (e) {
    // The parser recurses per nesting level; hostile nesting must give a coded error.
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      throw new EqlSyntaxError(
        text,
        ErrorCodes.TOO_DEEP,
        "Query nests too deeply to parse",
        { start: 0, end: Math.min(1, text.length) },
        "flatten the nesting (parentheses, not, function calls)",
      );
    }
    throw e;
  }
}
