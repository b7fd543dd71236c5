/**
 * The published build skips chevrotain's checks of the token set and grammar (src/syntax/checks.ts);
 * these tests are where they run instead.
 */
import { CstParser, createToken, Lexer } from "chevrotain";
import { describe, expect, it } from "vitest";
import { grammarChecks } from "../../src/syntax/checks.js";
import { eqlLexer } from "../../src/syntax/lexer.js";
import { EqlParser } from "../../src/syntax/parser.js";

describe("grammar checks", () => {
  it("are on when the sources run, and find nothing wrong with the lexer or the parser", () => {
    expect(grammarChecks).toBe(true);
    expect(eqlLexer.lexerDefinitionErrors).toEqual([]);
    // A parser whose grammar fails a check throws when built.
    expect(() => new EqlParser()).not.toThrow();
  });

  it("reject an ambiguous grammar built the way EqlParser is", () => {
    const A = createToken({ name: "A", pattern: /a/ });
    class Ambiguous extends CstParser {
      constructor() {
        super([A], { skipValidations: !grammarChecks });
        this.performSelfAnalysis();
      }
      public top = this.RULE("top", () => {
        this.OR([{ ALT: () => this.CONSUME(A) }, { ALT: () => this.CONSUME2(A) }]);
      });
    }
    expect(() => new Ambiguous()).toThrow(/Ambiguous Alternatives/);
    expect(
      () => new Lexer([createToken({ name: "B", pattern: /b*/ })], { skipValidations: !grammarChecks }),
    ).toThrow(/empty string/);
  });
});
