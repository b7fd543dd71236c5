import { describe, expect, it } from "vitest";
import { compile } from "../../src/index.js";
import { expectAnyErr, expectErr, m, runIds } from "./helpers.js";

describe("§3.1 grammar shapes", () => {
  it("category may be a string literal or raw string", () => {
    const e = { event: { category: "my-cat" } };
    expect(m('"my-cat" where true', e)).toBe(true);
    expect(m('"""my-cat""" where true', e)).toBe(true);
  });
  it("sequence with by before with", () => {
    expect(compile("sequence by u with maxspan=1s [A where true] [B where true]").kind).toBe("sequence");
    expect(compile("sequence with maxspan=1s [A where true] [B where true]").kind).toBe("sequence");
  });
  it("sample", () => {
    expect(compile("sample by u [A where true] [B where true]").kind).toBe("sample");
  });
  it("pipes with several arguments parse (head takes exactly one)", () => {
    expectErr("any where true | head 1, 2", "EQL_INVALID_PIPE_ARGUMENT");
  });
  it("function with no arguments parses then fails arity", () => {
    expectAnyErr("any where length()");
  });
});

describe("§3.2 precedence", () => {
  it("a + b in (1) is a type error (predicate binds tighter than +)", () => {
    expectAnyErr("any where a + b in (1)");
  });
  it("a + b in (1) == 2: the arithmetic sees a boolean operand (type mismatch at the predicate)", () => {
    expectErr("any where a + b in (1) == 2", "EQL_TYPE_MISMATCH", "b in");
    expectErr("any where -x in (1) == false", "EQL_TYPE_MISMATCH", "x in");
  });
  it("(a + b) in (3) is fine", () => {
    expect(m("any where (a + b) in (3)", { a: 1, b: 2 })).toBe(true);
  });
  it("-x in (1) parses as -(x in (1)) and fails the type check", () => {
    expectAnyErr("any where -x in (1)");
  });
  it("(-x) in (-1) works", () => {
    expect(m("any where (-x) in (-1)", { x: 1 })).toBe(true);
  });
  it("not x == 1 means not (x == 1)", () => {
    expect(m("any where not x == 1", { x: 2 })).toBe(true);
    expect(m("any where not x == 1", { x: 1 })).toBe(false);
    expect(m("any where not x == 1", {})).toBe(true);
  });
  it("not a and b means (not a) and b", () => {
    expect(m("any where not a == 1 and b == 1", { a: 2, b: 1 })).toBe(true);
    expect(m("any where not a == 1 and b == 1", { a: 2, b: 2 })).toBe(false);
    // if it were not (a and b), this would be true
    expect(m("any where not a == 1 and b == 1", { a: 1, b: 2 })).toBe(false);
  });
  it("and binds tighter than or", () => {
    expect(m("any where a == 1 or b == 1 and c == 1", { a: 1, b: 0, c: 0 })).toBe(true);
    expect(m("any where (a == 1 or b == 1) and c == 1", { a: 1, b: 0, c: 0 })).toBe(false);
  });
  it("* binds tighter than +, left associative -, /", () => {
    expect(m("any where x + 2 * 3 == 7", { x: 1 })).toBe(true);
    expect(m("any where x - 2 - 3 == 5", { x: 10 })).toBe(true);
    expect(m("any where x / 2 / 5 == 1", { x: 10 })).toBe(true);
    expect(m("any where x % 4 * 2 == 6", { x: 7 })).toBe(true);
    expect(m("any where -x * 2 == -6", { x: 3 })).toBe(true);
    expect(m("any where x - -2 == 5", { x: 3 })).toBe(true);
    expect(m("any where x + +2 == 5", { x: 3 })).toBe(true);
  });
  it("a < b < c is a syntax error at the second operator", () => {
    expectErr("any where a < 1 < 2", "EQL_CHAINED_COMPARISON", "< 2");
  });
  it("(a < b) == true is accepted (DESIGN.md)", () => {
    expect(m("any where (a < 2) == true", { a: 1 })).toBe(true);
  });
  it("predicate on a function result", () => {
    expect(m("any where length(s) in (3)", { s: "abc" })).toBe(true);
    expect(m('any where concat(s, "x") : "ABCX"', { s: "abc" })).toBe(true);
  });
  it("not in binds to the primary before it", () => {
    expect(m("any where x not in (1, 2)", { x: 3 })).toBe(true);
    expect(m("any where x not in (1, 2)", { x: 2 })).toBe(false);
  });
  it("right side of : / like / regex must be a literal", () => {
    expectAnyErr("any where x : y");
    expectAnyErr("any where x like y");
    expectAnyErr("any where x regex y");
    expectAnyErr('any where x like concat("a", "*")');
  });
  it("like list of literals", () => {
    expect(m('any where x like ("a*", "b")', { x: "b" })).toBe(true);
  });
});

describe("§3.3 static errors", () => {
  it("join", () => {
    expectErr("join [A where true] [B where true]", "EQL_JOIN_UNSUPPORTED", "join");
  });
  it("lineage: child of / descendant of / event of", () => {
    expectErr("process where child of [process where true]", "EQL_LINEAGE_UNSUPPORTED", "child");
    expectErr("process where descendant of [process where true]", "EQL_LINEAGE_UNSUPPORTED", "descendant");
    expectErr("process where event of [process where true]", "EQL_LINEAGE_UNSUPPORTED", "event");
  });
  it("array index", () => {
    expectErr("any where a[0] == 1", "EQL_ARRAY_INDEX", "[0]");
    expectErr("any where a.b[12] == 1", "EQL_ARRAY_INDEX", "[12]");
  });
  it("head/tail arguments", () => {
    expect(() => compile("any where true | head 0")).not.toThrow();
    expect(() => compile("any where true | tail 0")).not.toThrow();
    expectErr("any where true | head -1", "EQL_INVALID_PIPE_ARGUMENT");
    expectErr("any where true | head 1.5", "EQL_INVALID_PIPE_ARGUMENT");
    expectErr("any where true | head", "EQL_INVALID_PIPE_ARGUMENT");
    expectErr("any where true | tail x", "EQL_INVALID_PIPE_ARGUMENT");
    expectErr('any where true | head "3"', "EQL_INVALID_PIPE_ARGUMENT");
  });
  it("head argument folding to an integer >= 0 is accepted", () => {
    expect(runIds("any where true | head 1 + 1", [{ id: 1 }, { id: 2 }, { id: 3 }])).toEqual([1, 2]);
  });
  it("unsupported pipes", () => {
    for (const p of ["count", "filter", "sort", "unique", "unique_count"]) {
      expectErr(`any where true | ${p} x`, "EQL_UNSUPPORTED_PIPE", p);
    }
  });
  it("unknown pipe", () => {
    expectErr("any where true | foo", "EQL_UNKNOWN_PIPE", "foo");
  });
  it("pipes on samples are rejected", () => {
    expectErr("sample by u [A where true] [B where true] | head 1", "EQL_PIPE_ON_SAMPLE");
  });
  it("maxspan: decimal, zero, missing unit, bad unit", () => {
    expectErr("sequence with maxspan=1.5h [A where true] [B where true]", "EQL_INVALID_MAXSPAN");
    expectErr("sequence with maxspan=0s [A where true] [B where true]", "EQL_INVALID_MAXSPAN");
    expectErr("sequence with maxspan=10 [A where true] [B where true]", "EQL_INVALID_MAXSPAN");
    expectErr("sequence with maxspan=10M [A where true] [B where true]", "EQL_INVALID_MAXSPAN");
    expectErr("sequence with maxspan=10w [A where true] [B where true]", "EQL_INVALID_MAXSPAN");
    expectErr("sequence with maxspan=10H [A where true] [B where true]", "EQL_INVALID_MAXSPAN");
    for (const u of ["ms", "s", "m", "h", "d"]) {
      expect(() => compile(`sequence with maxspan=2${u} [A where true] [B where true]`)).not.toThrow();
    }
  });
  it("maxspan with whitespace between number and unit (DESIGN.md)", () => {
    expect(() => compile("sequence with maxspan=2 s [A where true] [B where true]")).not.toThrow();
  });
  it("keys after with", () => {
    expectErr("sequence with maxspan=1m by x [A where true] [B where true]", "EQL_KEYS_AFTER_WITH");
  });
  it("inconsistent number of join keys", () => {
    expectErr("sequence [A where true] by a [B where true]", "EQL_JOIN_KEY_COUNT");
    expectErr("sequence by u [A where true] by a [B where true]", "EQL_JOIN_KEY_COUNT");
    expectErr("sequence by u [A where true] [B where true] until [C where true] by z", "EQL_JOIN_KEY_COUNT");
    expectErr("sample by u [A where true] by a [B where true]", "EQL_JOIN_KEY_COUNT");
    expect(() =>
      compile("sequence [A where true] by a [B where true] by b until [C where true] by c"),
    ).not.toThrow();
  });
  it("join key must be a field", () => {
    expectErr("sequence by length(u) [A where true] [B where true]", "EQL_UNSUPPORTED_JOIN_KEY");
    expectErr("sequence [A where true] by a + 1 [B where true] by b", "EQL_UNSUPPORTED_JOIN_KEY");
    expect(() => compile("sequence by ?u [A where true] [B where true]")).not.toThrow();
  });
  it("with <name>=N other than runs", () => {
    expectErr("sequence [A where true] with foo=2 [B where true]", "EQL_UNKNOWN_TERM_OPTION");
  });
  it("runs bounds", () => {
    expectErr("sequence [A where true] with runs=0 [B where true]", "EQL_INVALID_RUNS");
    expectErr("sequence [A where true] with runs=101 [B where true]", "EQL_INVALID_RUNS");
    expect(() => compile("sequence [A where true] with runs=100 [B where true]")).not.toThrow();
    expect(() => compile("sequence [A where true] with runs=1 [B where true]")).not.toThrow();
  });
  it("missing events need maxspan and a positive term", () => {
    expectErr("sequence [A where true] ![B where true]", "EQL_MISSING_EVENTS_NEED_MAXSPAN", "![");
    expectErr("sequence with maxspan=1m ![A where true] ![B where true]", "EQL_NO_POSITIVE_TERM");
    expect(() => compile("sequence with maxspan=1m [A where true] ![B where true]")).not.toThrow();
  });
  it("sequence needs at least 2 stages after runs expansion", () => {
    expectErr("sequence [A where true]", "EQL_SEQUENCE_TOO_SHORT");
    expect(() => compile("sequence [A where true] with runs=2")).not.toThrow();
  });
  it("sample: at least one key, 2..5 filters", () => {
    expectErr("sample [A where true] [B where true]", "EQL_SAMPLE_NEEDS_KEYS");
    expectErr("sample by u [A where true]", "EQL_SAMPLE_TERMS");
    expectErr(
      "sample by u [A where true] [B where true] [C where true] [D where true] [E where true] [F where true]",
      "EQL_SAMPLE_TERMS",
    );
    expect(() =>
      compile("sample by u [A where true] [B where true] [C where true] [D where true] [E where true]"),
    ).not.toThrow();
    expect(() => compile("sample [A where true] by a [B where true] by b")).not.toThrow();
  });
  it("sample: maxspan, runs, until are rejected", () => {
    expectAnyErr("sample by u with maxspan=1m [A where true] [B where true]");
    expectAnyErr("sample by u [A where true] with runs=2 [B where true]");
    expectAnyErr("sample by u [A where true] [B where true] until [C where true]");
    expectAnyErr("sample by u [A where true] ![B where true]");
  });
  it("until ![...] rejected (DESIGN.md)", () => {
    expectErr(
      "sequence with maxspan=1m [A where true] [B where true] until ![C where true]",
      "EQL_MISSING_UNTIL",
    );
  });
  it("condition must be boolean", () => {
    expectAnyErr("process where 1");
    expectAnyErr('process where "x"');
    expectAnyErr("process where length(x)");
    expectAnyErr("process where x + 1");
  });
  it("boolean field alone is allowed and means == true", () => {
    expect(m("any where b", { b: true })).toBe(true);
    expect(m("any where b", { b: false })).toBe(false);
    expect(m("any where b", {})).toBe(false);
    expect(m("any where not b", { b: false })).toBe(true);
  });
  it("field compared against field is an error; literal on the left is fine", () => {
    expectErr("any where a == b", "EQL_FIELD_COMPARISON");
    expectErr("any where a < b", "EQL_FIELD_COMPARISON");
    expect(m("any where 5 < x", { x: 6 })).toBe(true);
    expect(m("any where 5 < x", { x: 4 })).toBe(false);
    expect(m('any where "a" == x', { x: "a" })).toBe(true);
  });
  it("field inside a function compared with a field is an error", () => {
    expectAnyErr("any where length(a) == b");
  });
  it("type errors on string operators with a number literal", () => {
    expectAnyErr("any where x : 5");
    expectAnyErr('any where length(x) : "3"');
    expectAnyErr("any where x like 5");
    expectAnyErr("any where x like~ 5");
    expectAnyErr("any where x regex 5");
    expectAnyErr("any where x regex~ 5");
  });
  it("in~ with a number literal is a type error (§3.3)", () => {
    expectAnyErr("any where x in~ (5)");
  });
  it("in~ on a numeric operand expression is a type error (§3.3)", () => {
    expectAnyErr('any where length(x) in~ ("3")');
  });
  it("cidrMatch needs string literal CIDRs", () => {
    expectAnyErr("any where cidrMatch(ip, 5)");
    expectAnyErr("any where cidrMatch(ip, c)");
    expectAnyErr('any where cidrMatch(ip, "not a cidr")');
  });
  it("number() needs a string", () => {
    expectAnyErr("any where number(5) == 5");
  });
  it("unknown function, ~ on a function without a variant", () => {
    expectErr("any where nosuchfn(x)", "EQL_UNKNOWN_FUNCTION", "nosuchfn");
    expectErr("any where length~(x) == 1", "EQL_NO_INSENSITIVE_VARIANT");
    expectErr('any where concat~(x, "a") == "b"', "EQL_NO_INSENSITIVE_VARIANT");
  });
  it("functions ES does not have are errors", () => {
    for (const f of [
      "arrayContains(a, 1)",
      "arrayCount(a, 1)",
      "arraySearch(a, 1)",
      'match(a, "x")',
      'matchLite(a, "x")',
      'wildcard(a, "x")',
      "safe(a)",
    ]) {
      expectErr(`any where ${f}`, "EQL_UNKNOWN_FUNCTION");
    }
  });
  it("positions: error on line 2", () => {
    const e = expectErr("any where\n  x = 1", "EQL_ASSIGNMENT_AS_EQUALITY");
    expect(e.line).toBe(2);
    expect(e.column).toBe(5);
  });
  it("?field never raises unknown-field", () => {
    expect(runIds("any where ?nope == null", [{ id: 1 }])).toEqual([1]);
  });
});
