import { describe, expect, it } from "vitest";
import { parse } from "../../src/parse.js";
import { cond, condition, stmt } from "./helpers.js";

describe("precedence (spec §3.2)", () => {
  it("binds predicate suffixes to the primary before them, tighter than arithmetic", () => {
    expect(cond("a + b in (3)")).toBe("(a + (b in (3)))");
    expect(cond("-x in (1)")).toBe("(-(x in (1)))");
    expect(cond('a * b : "x"')).toBe('(a * (b : ("x")))');
    expect(cond("(a + b) in (3)")).toBe("((a + b) in (3))");
  });
  it("puts unary minus above * / % and those above + -", () => {
    expect(cond("a + b * -c == 1")).toBe("((a + (b * (-c))) == 1)");
    expect(cond("a - b - c == 1")).toBe("(((a - b) - c) == 1)");
    expect(cond("a / b % c * d == 1")).toBe("((((a / b) % c) * d) == 1)");
    expect(cond("a * b + c / d == 1")).toBe("(((a * b) + (c / d)) == 1)");
  });
  it("puts comparison below arithmetic", () => {
    expect(cond("a + 1 >= b * 2")).toBe("((a + 1) >= (b * 2))");
  });
  it("puts not below comparison and above and", () => {
    expect(cond("not a == 1")).toBe("(not (a == 1))");
    expect(cond("not a and b")).toBe("((not a) and b)");
    expect(cond("not not a")).toBe("(not (not a))");
    expect(cond("a and not b or c")).toBe("((a and (not b)) or c)");
  });
  it("nests a long chain of mixed operators, read flat, by the same rules", () => {
    expect(cond("a or not b + 1 == c and d")).toBe("(a or ((not ((b + 1) == c)) and d))");
    expect(cond("a == b or c + d * e > f and not g")).toBe("((a == b) or (((c + (d * e)) > f) and (not g)))");
    expect(cond("not -a * 2 < b or c")).toBe("((not (((-a) * 2) < b)) or c)");
    expect(cond("a < b and b < c")).toBe("((a < b) and (b < c))");
  });
  it("refuses not after an operator other than and / or, and chained comparisons, where the levels did", () => {
    for (const [text, code, column] of [
      ["process where a == not b", "EQL_UNEXPECTED_TOKEN", 20],
      ["process where a + not b", "EQL_UNEXPECTED_TOKEN", 19],
      ["process where a < b + c < d", "EQL_CHAINED_COMPARISON", 25],
      ["process where not a == b == c", "EQL_CHAINED_COMPARISON", 26],
    ] as const) {
      expect(() => parse(text)).toThrow(expect.objectContaining({ code, column }));
    }
  });
  it("puts and above or, both left-associative", () => {
    expect(cond("a or b and c")).toBe("(a or (b and c))");
    expect(cond("a and b and c")).toBe("((a and b) and c)");
    expect(cond("a or b or c")).toBe("((a or b) or c)");
    expect(cond("(a or b) and c")).toBe("((a or b) and c)");
  });
});

describe("expressions", () => {
  it("parses every comparison operator", () => {
    for (const op of ["==", "!=", "<", "<=", ">", ">="]) {
      expect(condition(`a ${op} 1`)).toMatchObject({ kind: "compare", op });
    }
  });
  it("parses in, not in, in~ and not in~ with expression elements", () => {
    expect(condition('x not in~ ("a", y, 1 + 2)')).toMatchObject({
      kind: "in",
      negated: true,
      insensitive: true,
      list: [{ kind: "literal" }, { kind: "field" }, { kind: "arith" }],
    });
    expect(cond('x not in ("a")')).toBe('(x not in ("a"))');
  });
  it("parses :, like, like~, regex and regex~ with one literal or a list", () => {
    expect(condition('x : "a*"')).toMatchObject({ kind: "match", op: ":", insensitive: true });
    expect(condition('x like "a*"')).toMatchObject({ kind: "match", op: "like", insensitive: false });
    expect(condition('x like~ ("a", "b")')).toMatchObject({
      op: "like",
      insensitive: true,
      patterns: [{}, {}],
    });
    expect(condition('x regex ".*"')).toMatchObject({ op: "regex", insensitive: false });
    expect(condition('x regex~ (".*")')).toMatchObject({ op: "regex", insensitive: true });
    expect(condition("x : 5")).toMatchObject({ patterns: [{ type: "integer", value: 5 }] });
    expect(condition("x : null")).toMatchObject({ patterns: [{ type: "null" }] });
  });
  it("requires literals on the right of the matching operators", () => {
    expect(() => parse("process where x : y")).toThrow(
      expect.objectContaining({ code: "EQL_UNEXPECTED_TOKEN" }),
    );
    expect(() => parse('process where x like ("a", y)')).toThrow(
      expect.objectContaining({ code: "EQL_UNEXPECTED_TOKEN", column: 28 }),
    );
    expect(() => parse("process where x : -1")).toThrow(
      expect.objectContaining({ code: "EQL_UNEXPECTED_TOKEN" }),
    );
  });
  it("parses function calls, with ~ and without arguments", () => {
    expect(condition('startsWith~(process.name, "cmd")')).toMatchObject({
      kind: "call",
      name: "startsWith",
      insensitive: true,
      args: [{ kind: "field" }, { kind: "literal" }],
      nameSpan: { start: 14, end: 25 },
    });
    expect(condition("f()")).toMatchObject({ kind: "call", name: "f", insensitive: false, args: [] });
    expect(cond("length(concat(a, b)) > 3")).toBe("(length(concat(a, b)) > 3)");
  });
  it("parses literals", () => {
    expect(condition("x == true or y == false or z == null")).toMatchObject({
      left: { left: { right: { type: "boolean", value: true } }, right: { right: { value: false } } },
      right: { right: { type: "null", value: null } },
    });
  });
  it("parses qualified, quoted and optional field names", () => {
    expect(condition("?process.parent.`name`")).toMatchObject({
      kind: "field",
      path: ["process", "parent", "name"],
      name: "process.parent.name",
      optional: true,
      span: { start: 14, end: 36 },
    });
    expect(condition("a")).toMatchObject({ kind: "field", path: ["a"], optional: false });
  });
  it("records spans that cover the source of each node", () => {
    const text = "process where (a or b) and c";
    const c = parse(text).query;
    expect(c.kind === "event" && text.slice(c.condition.span.start, c.condition.span.end)).toBe(
      "(a or b) and c",
    );
    expect(c.span).toMatchObject({ start: 0, end: text.length, line: 1, column: 1 });
  });
  it("tracks lines and columns across line breaks", () => {
    const q = parse("process where\n  a == 1 and\n    b == 2").query;
    expect(q.kind === "event" && q.condition.kind === "and" && q.condition.right.span).toMatchObject({
      line: 3,
      column: 5,
    });
  });
});

describe("event queries", () => {
  it("accepts an identifier, a string or any as the category", () => {
    expect(parse("process where true").query).toMatchObject({
      category: "process",
      categorySpan: { start: 0, end: 7 },
    });
    expect(parse('"process" where true').query).toMatchObject({ category: "process" });
    expect(parse("any where true").query).toMatchObject({ kind: "event", category: null });
  });
  it("parses head and tail pipes", () => {
    expect(parse("any where true | head 5 | tail 2").pipes).toMatchObject([
      { kind: "pipe", name: "head", count: 5 },
      { kind: "pipe", name: "tail", count: 2 },
    ]);
    expect(parse("any where true | head 0").pipes).toMatchObject([{ count: 0 }]);
    expect(parse("any where true | tail 2 + 3").pipes).toMatchObject([{ count: 5 }]);
  });
});

describe("sequences", () => {
  it("parses keys, maxspan, terms, runs and until", () => {
    const s = parse(
      "sequence by host.id, user.name with maxspan=30s [process where true] by a, b [file where true] by c, d with runs=3 until [process where x] by e, f",
    ).query;
    expect(s).toMatchObject({
      kind: "sequence",
      by: [{ name: "host.id" }, { name: "user.name" }],
      maxspan: { value: 30, unit: "s", millis: 30_000 },
      terms: [
        { kind: "term", by: [{ name: "a" }, { name: "b" }], missing: false, filter: { category: "process" } },
        { by: [{ name: "c" }, { name: "d" }], runs: 3 },
      ],
      until: { by: [{ name: "e" }, { name: "f" }], missing: false },
    });
    expect(s.kind === "sequence" && s.terms[0]!.runs).toBeUndefined();
  });
  it("computes maxspan in milliseconds for every unit", () => {
    const millis = (m: string) => {
      const q = parse(`sequence with maxspan=${m} [a where true] [b where true]`).query;
      return q.kind === "sequence" ? q.maxspan?.millis : undefined;
    };
    expect([millis("5ms"), millis("2s"), millis("3m"), millis("1h"), millis("1d"), millis("2 h")]).toEqual([
      5, 2000, 180_000, 3_600_000, 86_400_000, 7_200_000,
    ]);
  });
  it("parses missing-event terms", () => {
    expect(parse("sequence with maxspan=1m [a where true] ![b where true]").query).toMatchObject({
      terms: [{ missing: false }, { missing: true }],
    });
  });
  it("accepts a single term repeated with runs", () => {
    expect(parse("sequence [a where true] with runs=2").query).toMatchObject({ terms: [{ runs: 2 }] });
  });
  it("accepts a key expression followed by a term (array-index lookahead)", () => {
    expect(parse("sequence by x [a where true] [b where true]").query).toMatchObject({ by: [{ name: "x" }] });
  });
  it("spans the whole sequence and each term including its keys and runs", () => {
    const text = "sequence [a where true] by x with runs=2 [b where true] by y";
    const q = parse(text).query;
    expect(q.kind === "sequence" && text.slice(q.terms[0]!.span.start, q.terms[0]!.span.end)).toBe(
      "[a where true] by x with runs=2",
    );
    expect(q.span).toMatchObject({ start: 0, end: text.length });
  });
});

describe("samples", () => {
  it("parses keys and terms", () => {
    expect(parse("sample by host [a where true] by x [b where true] by y").query).toMatchObject({
      kind: "sample",
      by: [{ name: "host" }],
      terms: [{ by: [{ name: "x" }] }, { by: [{ name: "y" }] }],
    });
  });
});

describe("printing round trip", () => {
  it("prints a statement that parses back to the same text", () => {
    const text =
      'sequence by `a b` with maxspan=5m [process where x == -1 and y : ("a", "b")] with runs=2 ![file where f~(-x) in (1.5, "q\\n")] until ["my cat" where ?z] | head 3';
    const once = stmt(text);
    expect(stmt(once)).toBe(once);
    expect(once).toContain('"my cat" where ?z');
  });
});
