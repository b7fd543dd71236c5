/** `join`: parsed as Elasticsearch's grammar has it, then refused as its verifier refuses it. */
import { describe, expect, it } from "vitest";
import { EqlSemanticError, EqlSyntaxError } from "../../src/errors.js";
import { parse } from "../../src/parse.js";

function failure(text: string): { name: string; code: string; line: number; column: number } {
  try {
    parse(text);
  } catch (e) {
    const err = e as EqlSyntaxError;
    return { name: err.name, code: err.code, line: err.line, column: err.column };
  }
  throw new Error(`parsed: ${text}`);
}

describe("join", () => {
  it.each([
    "join [process where true] [file where true]",
    "join by user [process where true] [file where true]",
    "join [process where true] by pid [file where true] by ppid until [network where true] by pid",
    '  join\n[a where x == 1] [b where y : "z"] [c where true]',
  ])("a well-formed join is refused as unsupported: %s", (text) => {
    const f = failure(text);
    expect(f.code).toBe("EQL_JOIN_UNSUPPORTED");
    expect(f.name).toBe(EqlSemanticError.name);
    const at = text.indexOf("join");
    expect([f.line, f.column]).toEqual([1, at + 1]);
  });
  it("a malformed join is a syntax error where it goes wrong", () => {
    const one = failure("join [process where true]");
    expect(one.name).toBe(EqlSyntaxError.name);
    expect(one.code).toBe("EQL_UNEXPECTED_END");
    const bad = failure("join [process where x = 1] [file where true]");
    expect(bad.code).toBe("EQL_ASSIGNMENT_AS_EQUALITY");
  });
  it("join stays a reserved word", () => {
    expect(failure("process where join == 1").code).toBe("EQL_JOIN_UNSUPPORTED");
    expect(() => parse("process where `join` == 1")).not.toThrow();
  });
});
