import { describe, expect, it } from "vitest";
import { compile, parse } from "../../src/index.js";
import { expectAnyErr, expectErr, m } from "./helpers.js";

/** True when the string literal `lit` (EQL source) decodes to `value`. */
function decodes(lit: string, value: string): boolean {
  return m(`any where s == ${lit}`, { s: value });
}

describe("§2.1 whitespace and comments", () => {
  it("whitespace: space, tab, CR, LF", () => {
    expect(m("any\twhere\r\nx\n==\r1", { x: 1 })).toBe(true);
  });
  it("line comments", () => {
    expect(m("any where // comment == 2\n x == 1 // trailing", { x: 1 })).toBe(true);
  });
  it("block comments nest", () => {
    expect(m("any where /* a /* b */ c */ x == 1", { x: 1 })).toBe(true);
    expect(m("any /* /* /* deep */ */ */ where x == 1", { x: 1 })).toBe(true);
  });
  it("unclosed nested block comment is an error", () => {
    expectErr("any where /* a /* b */ x == 1", "EQL_UNTERMINATED_COMMENT", "/*");
  });
  it("block comment inside string is string content", () => {
    expect(decodes('"/* x */"', "/* x */")).toBe(true);
    expect(decodes('"a // b"', "a // b")).toBe(true);
  });
});

describe("§2.2 keywords", () => {
  it("uppercase keywords are errors", () => {
    expectAnyErr("any where x == 1 AND y == 2");
    expectAnyErr("any WHERE x == 1");
    // `ANY where` is valid: ANY lexes as an identifier, i.e. a category named "ANY".
    expect(m("ANY where true", { event: { category: "ANY" } })).toBe(true);
    expect(m("ANY where true", { event: { category: "x" } })).toBe(false);
    expectAnyErr("any where x == 1 Or y == 2");
    expectAnyErr("any where NOT x == 1");
  });
  it("uppercase keyword as field name still parses (DESIGN.md)", () => {
    expect(m("any where And == 1", { And: 1 })).toBe(true);
  });
  it("runs and fork are identifiers", () => {
    expect(m("any where runs == 1 and fork == 2", { runs: 1, fork: 2 })).toBe(true);
  });
  it("a keyword field must be back-quoted", () => {
    expectAnyErr("any where sample == 1");
    expect(m("any where `sample` == 1", { sample: 1 })).toBe(true);
    expect(m("any where `where` == 1", { where: 1 })).toBe(true);
  });
  it("identifiers that start with a keyword stay identifiers", () => {
    expect(
      m("any where inx == 1 and index == 2 and notes == 3 and sequence_id == 4 and anyx == 5", {
        inx: 1,
        index: 2,
        notes: 3,
        sequence_id: 4,
        anyx: 5,
      }),
    ).toBe(true);
  });
});

describe("§2.3 identifiers", () => {
  it("@timestamp is an identifier", () => {
    expect(m("any where @timestamp == 5", { "@timestamp": 5 })).toBe(true);
  });
  it("@ only first; hyphen and leading digit not allowed", () => {
    expectAnyErr("any where a@b == 1");
    // `my-field` lexes as `my - field` (subtraction), not as one identifier
    expect(m("any where my-field == 1", { my: 3, field: 2 })).toBe(true);
    expect(m("any where my-field == 1", { "my-field": 1 })).toBe(false);
    expectAnyErr("any where 6x == 1");
  });
  it("back-quoted names", () => {
    expect(m("any where `my-field` == 1", { "my-field": 1 })).toBe(true);
    expect(m("any where `6x` == 1", { "6x": 1 })).toBe(true);
    expect(m("any where `a``b` == 1", { "a`b": 1 })).toBe(true);
    expect(m("any where `a``b` == 1", { ab: 1 })).toBe(false);
    expect(m("any where ```` == 1", { "`": 1 })).toBe(true);
  });
  it("quoted segments inside a qualified name", () => {
    expect(m("any where process.`my-field`.x == 1", { process: { "my-field": { x: 1 } } })).toBe(true);
    expect(m("any where `process`.`name` == 1", { process: { name: 1 } })).toBe(true);
  });
  it("back-quoted name with spaces and other characters", () => {
    expect(m("any where `a b:c` == 1", { "a b:c": 1 })).toBe(true);
  });
  it("? optional field, whitespace allowed after ?", () => {
    expect(m("any where ?user.id == 1", { user: { id: 1 } })).toBe(true);
    expect(m("any where ? user.id == 1", { user: { id: 1 } })).toBe(true);
    expect(m("any where ?\n  user.id == 1", { user: { id: 1 } })).toBe(true);
    expect(m("any where ?`user`.id == 1", { user: { id: 1 } })).toBe(true);
  });
  it("?\" and ?' are legacy raw strings, rejected", () => {
    expectErr('any where x == ?"abc"', "EQL_LEGACY_RAW_STRING", '?"');
    expectErr("any where x == ?'abc'", "EQL_LEGACY_RAW_STRING", "?'");
  });
  it("function names are case-insensitive", () => {
    expect(m('any where STARTSWITH(x, "a")', { x: "abc" })).toBe(true);
    expect(m('any where startswith(x, "a")', { x: "abc" })).toBe(true);
    expect(m('any where StartsWith~(x, "A")', { x: "abc" })).toBe(true);
  });
});

describe("§2.4 numbers", () => {
  it("1., .5, 1e3, 1E-2 are doubles", () => {
    expect(m("any where x / 2. == 2.5", { x: 5 })).toBe(true);
    expect(m("any where x / 2 == 2", { x: 5 })).toBe(true);
    expect(m("any where x * .5 == 2.5", { x: 5 })).toBe(true);
    expect(m("any where x == 1e3", { x: 1000 })).toBe(true);
    expect(m("any where x == 1E-2", { x: 0.01 })).toBe(true);
    expect(m("any where x == 1e+2", { x: 100 })).toBe(true);
    expect(m("any where x == .5e1", { x: 5 })).toBe(true);
    expect(m("any where x / 2e0 == 2.5", { x: 5 })).toBe(true);
  });
  it("-5 is unary minus folding to -5", () => {
    expect(m("any where x == -5", { x: -5 })).toBe(true);
    expect(m("any where x == - 5", { x: -5 })).toBe(true);
  });
  it("no hex literals", () => {
    expectAnyErr("any where x == 0x10");
  });
  it("large integers beyond 64-bit become doubles", () => {
    expect(m("any where x > 18446744073709551616", { x: 1e20 })).toBe(true);
  });
});

describe("§2.5 strings", () => {
  it("every escape", () => {
    expect(decodes('"a\\tb"', "a\tb")).toBe(true);
    expect(decodes('"a\\bb"', "a\bb")).toBe(true);
    expect(decodes('"a\\fb"', "a\fb")).toBe(true);
    expect(decodes('"a\\nb"', "a\nb")).toBe(true);
    expect(decodes('"a\\rb"', "a\rb")).toBe(true);
    expect(decodes('"a\\"b"', 'a"b')).toBe(true);
    expect(decodes('"a\\\'b"', "a'b")).toBe(true); // DESIGN.md: \' accepted
    expect(decodes('"a\\\\b"', "a\\b")).toBe(true);
  });
  it("\\u{...} escapes: 2..8 hex digits, any case", () => {
    expect(decodes('"\\u{41}"', "A")).toBe(true);
    expect(decodes('"\\u{1F600}"', "😀")).toBe(true);
    expect(decodes('"\\u{1f600}"', "😀")).toBe(true);
    expect(decodes('"\\u{0041}"', "A")).toBe(true);
    expect(decodes('"\\u{00000041}"', "A")).toBe(true);
    expect(decodes('"\\u{10FFFF}"', "\u{10FFFF}")).toBe(true);
    expect(decodes('"\\u{e9}"', "é")).toBe(true);
  });
  it("\\u{1} (one digit) is an error", () => {
    expectAnyErr('any where s == "\\u{1}"');
  });
  it("\\u{...} with 9 digits is an error", () => {
    expectAnyErr('any where s == "\\u{000000041}"');
  });
  it("\\u{} empty is an error", () => {
    expectAnyErr('any where s == "\\u{}"');
  });
  it("surrogates and > 10FFFF are errors", () => {
    expectAnyErr('any where s == "\\u{D800}"');
    expectAnyErr('any where s == "\\u{DFFF}"');
    expectAnyErr('any where s == "\\u{110000}"');
  });
  it("\\u0041 (no braces) is an invalid escape at the backslash", () => {
    expectErr('any where s == "\\u0041"', "EQL_INVALID_ESCAPE", "\\u");
  });
  it("other escapes are errors", () => {
    expectErr('any where s == "a\\wb"', "EQL_INVALID_ESCAPE", "\\w");
    expectErr('any where s == "a\\xb"', "EQL_INVALID_ESCAPE", "\\x");
    expectAnyErr('any where s == "a\\*"');
  });
  it("unescaped LF or CR in a string is an error", () => {
    expectErr('any where s == "a\nb"', "EQL_UNTERMINATED_STRING");
    expectErr('any where s == "a\rb"', "EQL_UNTERMINATED_STRING");
  });
  it("raw strings have no escapes", () => {
    expect(decodes('"""a\\b"""', "a\\b")).toBe(true);
    expect(decodes('"""a\\nb"""', "a\\nb")).toBe(true);
    expect(decodes('"""a"b"""', 'a"b')).toBe(true);
    expect(decodes('"""a""b"""', 'a""b')).toBe(true);
  });
  it("raw string quirk: up to two extra quotes are absorbed into the content", () => {
    expect(decodes('"""a""""', 'a"')).toBe(true);
    expect(decodes('"""a"""""', 'a""')).toBe(true);
    expect(decodes('"""""""', '"')).toBe(true);
    expect(decodes('""""""', "")).toBe(true);
  });
  it("raw string may not contain LF/CR", () => {
    expectAnyErr('any where s == """a\nb"""');
    expectAnyErr('any where s == """a\rb"""');
  });
  it('raw string ends at the first """', () => {
    // `"""a""" b"""` : string a, then identifier b, then unterminated/extra tokens
    expectAnyErr('any where s == """a""" b"""');
  });
  it("single-quoted strings are rejected", () => {
    expectErr("any where s == 'x'", "EQL_SINGLE_QUOTED_STRING", "'x'");
  });
  it("decoded string is what a wildcard sees", () => {
    expect(m('any where p like "C:\\\\Windows\\\\*"', { p: "C:\\Windows\\System32" })).toBe(true);
  });
  it("empty string", () => {
    expect(decodes('""', "")).toBe(true);
  });
});

describe("§2.6 punctuation", () => {
  it("lone = as equality is an error", () => {
    expectErr("any where x = 1", "EQL_ASSIGNMENT_AS_EQUALITY", "=");
  });
  it("no ! operator and no !: operator", () => {
    expectAnyErr("any where !x");
    expectAnyErr('any where x !: "a"');
  });
  it("parse returns an AST", () => {
    expect(parse("any where x == 1")).toBeTruthy();
    expect(compile("any where x == 1")).toBeTruthy();
  });
});
