import { describe, expect, it } from "vitest";
import { parse } from "../../src/parse.js";
import { codeAt, cond, condition, failure } from "./helpers.js";

describe("comments and whitespace", () => {
  it("skips line comments and nested block comments", () => {
    expect(cond("/* a /* b */ c */ x == 1 // trailing")).toBe("(x == 1)");
    expect(cond("x /* one */ ==\n\t/* two /* three */ */ 1")).toBe("(x == 1)");
  });
  it("treats CR, LF and tabs as whitespace", () => {
    expect(cond("x\r\n==\t1")).toBe("(x == 1)");
  });
  it("reports an unterminated block comment at its opening", () => {
    expect(codeAt("process where x == 1 /* open /* nested */")).toEqual(["EQL_UNTERMINATED_COMMENT", 1, 22]);
  });
});

describe("identifiers", () => {
  it("accepts @timestamp and underscores", () => {
    expect(cond("@timestamp > 0 and _x_1 == 1")).toBe("((@timestamp > 0) and (_x_1 == 1))");
  });
  it("keeps identifiers that start with a keyword", () => {
    expect(cond("inx == 1 and index == 2 and notes == 3 and sequence_id == 4")).toBe(
      "((((inx == 1) and (index == 2)) and (notes == 3)) and (sequence_id == 4))",
    );
    expect(cond("bytes == 1 or ordinal == 2 or within == 3")).toBe(
      "(((bytes == 1) or (ordinal == 2)) or (within == 3))",
    );
    expect(cond("anything == nullable")).toBe("(anything == nullable)");
    expect(cond("likely == 1 and regexp == 2 and within == 3")).toBe(
      "(((likely == 1) and (regexp == 2)) and (within == 3))",
    );
  });
  it("decodes back-quoted identifiers with a doubled backtick", () => {
    const f = condition("`a``b`.`my-field`.`x.y` == 1");
    expect(f.kind === "compare" && f.left).toMatchObject({ kind: "field", path: ["a`b", "my-field", "x.y"] });
  });
  it("allows a keyword as a back-quoted field", () => {
    expect(cond("`sample` == 1")).toBe("(`sample` == 1)");
  });
  it("lexes ? as its own token so whitespace may follow", () => {
    expect(condition("?  user.id == 1")).toMatchObject({
      left: { kind: "field", name: "user.id", optional: true },
    });
  });
  it("rejects characters outside the identifier alphabet", () => {
    expect(codeAt("process where x-y == 1 and é == 2")).toEqual(["EQL_UNEXPECTED_CHARACTER", 1, 28]);
    expect(codeAt("process where\n  x ! 1")).toEqual(["EQL_UNEXPECTED_CHARACTER", 2, 5]);
    expect(codeAt("process where x ~ 1")).toEqual(["EQL_UNEXPECTED_CHARACTER", 1, 17]);
  });
  it("rejects an unterminated back-quoted identifier", () => {
    expect(codeAt("process where `abc == 1")).toEqual(["EQL_UNTERMINATED_STRING", 1, 15]);
  });
});

describe("numbers", () => {
  it("distinguishes integers and doubles", () => {
    const lit = (t: string) => condition(`x == ${t}`);
    expect(lit("1")).toMatchObject({ right: { type: "integer", value: 1 } });
    expect(lit("1.")).toMatchObject({ right: { type: "double", value: 1 } });
    expect(lit(".5")).toMatchObject({ right: { type: "double", value: 0.5 } });
    expect(lit("1e3")).toMatchObject({ right: { type: "double", value: 1000 } });
    expect(lit("1E-2")).toMatchObject({ right: { type: "double", value: 0.01 } });
    expect(lit("2.5e+1")).toMatchObject({ right: { type: "double", value: 25 } });
  });
  it("keeps integers up to the unsigned 64-bit range and re-reads larger ones as doubles", () => {
    expect(condition("x == 18446744073709551615")).toMatchObject({ right: { type: "integer" } });
    expect(condition("x == 18446744073709551616")).toMatchObject({ right: { type: "double" } });
  });
  it("folds unary minus into numeric literals and drops unary plus", () => {
    expect(condition("x == -5")).toMatchObject({ right: { kind: "literal", type: "integer", value: -5 } });
    expect(condition("x == -1.5")).toMatchObject({ right: { kind: "literal", type: "double", value: -1.5 } });
    expect(condition("x == - -5")).toMatchObject({ right: { kind: "literal", value: 5 } });
    expect(condition("x == +5")).toMatchObject({ right: { kind: "literal", type: "integer", value: 5 } });
    expect(condition("x == -0")).toMatchObject({ right: { value: 0 } });
    expect(cond("-x == 1")).toBe("((-x) == 1)");
    expect(cond("+x == 1")).toBe("(x == 1)");
  });
  it("gives folded literals the span of the sign and the digits", () => {
    expect(condition("x == -  5")).toMatchObject({ right: { span: { start: 19, end: 23, column: 20 } } });
  });
});

describe("strings", () => {
  const str = (t: string) => {
    const c = condition(`x == ${t}`);
    return c.kind === "compare" && c.right.kind === "literal" ? c.right.value : undefined;
  };
  it("decodes every simple escape", () => {
    expect(str(String.raw`"\t\b\f\n\r\"\'\\"`)).toBe("\t\b\f\n\r\"'\\");
  });
  it("decodes \\u{...} with 2 to 8 hex digits in any case", () => {
    expect(str(String.raw`"\u{41}"`)).toBe("A");
    expect(str(String.raw`"\u{1F600}"`)).toBe("😀");
    expect(str(String.raw`"\u{1f600}"`)).toBe("😀");
    expect(str(String.raw`"\u{00000041}"`)).toBe("A");
  });
  it("rejects bad unicode escapes at the escape", () => {
    expect(codeAt(String.raw`process where x == "ab\u{1}"`)).toEqual(["EQL_INVALID_ESCAPE", 1, 23]);
    expect(codeAt(String.raw`process where x == "\u{000000041}"`)).toEqual(["EQL_INVALID_ESCAPE", 1, 21]);
    expect(codeAt(String.raw`process where x == "\u{D800}"`)).toEqual(["EQL_INVALID_ESCAPE", 1, 21]);
    expect(codeAt(String.raw`process where x == "\u{110000}"`)).toEqual(["EQL_INVALID_ESCAPE", 1, 21]);
    expect(codeAt(String.raw`process where x == "\u0041"`)).toEqual(["EQL_INVALID_ESCAPE", 1, 21]);
    expect(codeAt(String.raw`process where x == "\u{}"`)).toEqual(["EQL_INVALID_ESCAPE", 1, 21]);
  });
  it("rejects any other escape", () => {
    expect(codeAt(String.raw`process where x == "a\w"`)).toEqual(["EQL_INVALID_ESCAPE", 1, 22]);
    expect(codeAt(String.raw`process where x == "\x41"`)).toEqual(["EQL_INVALID_ESCAPE", 1, 21]);
  });
  it("rejects unescaped line breaks and missing closing quotes", () => {
    expect(codeAt('process where x == "a\nb"')).toEqual(["EQL_UNTERMINATED_STRING", 1, 20]);
    expect(codeAt('process where x == "a\rb"')).toEqual(["EQL_UNTERMINATED_STRING", 1, 20]);
    expect(codeAt('process where x == "abc')).toEqual(["EQL_UNTERMINATED_STRING", 1, 20]);
    expect(codeAt('process where\nx == """abc')).toEqual(["EQL_UNTERMINATED_STRING", 2, 6]);
  });
  it("reads raw strings without escapes, including the closing-quote quirk", () => {
    expect(str('"""a\\b"""')).toBe("a\\b");
    expect(str('"""C:\\Windows\\*"""')).toBe("C:\\Windows\\*");
    expect(str('"""a""""')).toBe('a"');
    expect(str('"""a"""""')).toBe('a""');
    expect(str('"""""""')).toBe('"');
    expect(str('""""""')).toBe("");
    expect(str('"""say "hi" """')).toBe('say "hi" ');
    expect(str('""')).toBe("");
  });
  it("rejects single-quoted strings with a hint", () => {
    expect(failure("process where x == 'x'")).toMatchObject({
      name: "EqlSyntaxError",
      code: "EQL_SINGLE_QUOTED_STRING",
      line: 1,
      column: 20,
    });
    expect(failure("process where x == 'x'").hint).toContain('"');
  });
  it("rejects legacy ?\"...\" and ?'...' raw strings with a hint", () => {
    expect(failure('process where x == ?"C:\\x"')).toMatchObject({
      code: "EQL_LEGACY_RAW_STRING",
      column: 20,
    });
    expect(failure("process where x == ?'x'")).toMatchObject({ code: "EQL_LEGACY_RAW_STRING", column: 20 });
    expect(failure("process where x == ?'x'").hint).toContain('"""');
  });
  it("accepts a string category", () => {
    expect(parse('"my cat" where true').query).toMatchObject({ kind: "event", category: "my cat" });
    expect(parse('"""raw cat""" where true').query).toMatchObject({ kind: "event", category: "raw cat" });
  });
});

describe("keywords", () => {
  it("are lowercase only", () => {
    for (const [text, col, lower] of [
      ["process where a AND b", 17, "and"],
      ["process where a Or b", 17, "or"],
      ["process WHERE a", 9, "where"],
      ["process where NOT a == 1", 15, "not"],
      ['process where a IN ("x")', 17, "in"],
      ['process where a LIKE "x"', 17, "like"],
      ["SEQUENCE [a where true] [b where true]", 1, "sequence"],
    ] as const) {
      const f = failure(text);
      expect([f.code, f.line, f.column], text).toEqual(["EQL_UPPERCASE_KEYWORD", 1, col]);
      expect(f.hint).toBe(`keywords are lowercase: ${lower}`);
    }
  });
  it("leave mixed-case words usable as field names", () => {
    expect(cond("And == 1 or WHERE == 2")).toBe("((And == 1) or (WHERE == 2))");
  });
  it("include the ~ forms as single tokens", () => {
    expect(cond('x in~ ("a") and x like~ "b" and x regex~ "c"')).toBe(
      '(((x in~ ("a")) and (x like~ ("b"))) and (x regex~ ("c")))',
    );
  });
  it("make a lone = an error", () => {
    expect(failure("process where x = 1")).toMatchObject({
      code: "EQL_ASSIGNMENT_AS_EQUALITY",
      column: 17,
      hint: "use ==",
    });
  });
});
