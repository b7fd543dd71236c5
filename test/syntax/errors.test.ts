import { describe, expect, it } from "vitest";
import { EqlSemanticError, EqlSyntaxError } from "../../src/errors.js";
import { parse } from "../../src/parse.js";
import { codeAt, failure } from "./helpers.js";

/** [query, code, line, column] — every syntax-level code the parser raises. */
const SYNTAX_CASES: [string, string, number, number][] = [
  ["process where x == 1 $", "EQL_UNEXPECTED_CHARACTER", 1, 22],
  ["process where x == 1 and\n  y ! 2", "EQL_UNEXPECTED_CHARACTER", 2, 5],
  ['process where x == "abc', "EQL_UNTERMINATED_STRING", 1, 20],
  ["process where x == 1 /* no end", "EQL_UNTERMINATED_COMMENT", 1, 22],
  ['process where x == "\\q"', "EQL_INVALID_ESCAPE", 1, 21],
  ["process where x == 'a'", "EQL_SINGLE_QUOTED_STRING", 1, 20],
  ['process where x == ?"a"', "EQL_LEGACY_RAW_STRING", 1, 20],
  ["process where x == 1 )", "EQL_UNEXPECTED_TOKEN", 1, 22],
  ["sequence [a where x by y] [b where true]", "EQL_UNEXPECTED_TOKEN", 1, 21],
  ["process where x in 1", "EQL_UNEXPECTED_TOKEN", 1, 20],
  ["process where (x == 1", "EQL_UNEXPECTED_END", 1, 22],
  ["process where", "EQL_UNEXPECTED_END", 1, 14],
  ["process", "EQL_UNEXPECTED_END", 1, 8],
  ["process where x = 1", "EQL_ASSIGNMENT_AS_EQUALITY", 1, 17],
  ["sequence [a where x = 1] [b where true]", "EQL_ASSIGNMENT_AS_EQUALITY", 1, 21],
  ["process where x and Or y", "EQL_UPPERCASE_KEYWORD", 1, 21],
  ["process where a < b < c", "EQL_CHAINED_COMPARISON", 1, 21],
  ["process where x in (a == b != c)", "EQL_CHAINED_COMPARISON", 1, 28],
  ["process where x[0] == 1", "EQL_ARRAY_INDEX", 1, 16],
  ["process where a.b[12].c == 1", "EQL_ARRAY_INDEX", 1, 18],
  ["process where child of [process where true]", "EQL_LINEAGE_UNSUPPORTED", 1, 15],
  ["process where true | sort a", "EQL_UNSUPPORTED_PIPE", 1, 22],
  ["process where true | count", "EQL_UNSUPPORTED_PIPE", 1, 22],
  ["process where true | filter a == 1", "EQL_UNSUPPORTED_PIPE", 1, 22],
  ["process where true | unique a", "EQL_UNSUPPORTED_PIPE", 1, 22],
  ["process where true | unique_count a", "EQL_UNSUPPORTED_PIPE", 1, 22],
  ["process where true | foo", "EQL_UNKNOWN_PIPE", 1, 22],
];

describe("syntax errors carry a stable code and the offending position", () => {
  it.each(SYNTAX_CASES)("%s → %s at %i:%i", (text, code, line, column) => {
    const f = failure(text);
    expect(f.name).toBe("EqlSyntaxError");
    expect([f.code, f.line, f.column]).toEqual([code, line, column]);
  });
});

describe("error messages", () => {
  it("name the expected and the found token by label", () => {
    expect(() => parse("sequence [a where x by y] [b where true]")).toThrow("expected `]` but found `by`");
    expect(() => parse("process where x ==")).toThrow("found end of input");
  });
  it("render the source line with a caret under the offending token", () => {
    try {
      parse("process where x AND y");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(EqlSyntaxError);
      const err = e as EqlSyntaxError;
      expect(err.sourceLine).toBe("process where x AND y");
      expect(err.caret).toBe("                ^^^");
      expect(err.location).toMatchObject({ start: 16, end: 19 });
    }
  });
  it("give the hints the spec asks for", () => {
    expect(failure("process where x = 1").hint).toBe("use ==");
    expect(failure("process where a Or b").hint).toBe("keywords are lowercase: or");
    expect(failure("process where x == 'a'").hint).toMatch(/double quotes/);
    expect(failure('process where x == ?"a"').hint).toContain('"""');
  });
  it("report the first problem in source order", () => {
    expect(codeAt("process where 'a' == $")).toEqual(["EQL_SINGLE_QUOTED_STRING", 1, 15]);
    expect(codeAt("process where $ == 'a'")).toEqual(["EQL_UNEXPECTED_CHARACTER", 1, 15]);
  });
});

describe("the parse is not confused by valid look-alikes", () => {
  it("accepts a parenthesised comparison compared again", () => {
    expect(() => parse("process where (a < b) == true")).not.toThrow();
  });
  it("accepts keywords inside strings and comments", () => {
    expect(() => parse('process where x == "AND join of" // AND\n and /* WHERE */ y == 1')).not.toThrow();
  });
  it("throws EqlSemanticError, not EqlSyntaxError, for structural problems", () => {
    expect(() => parse("sequence [a where true]")).toThrow(EqlSemanticError);
  });
});
