/** Hostile or machine-generated query text: coded errors instead of crashes, long chains in flat stack. */
import { describe, expect, it } from "vitest";
import type { EventQuery } from "../../src/ast/nodes.js";
import { printExpr } from "../../src/ast/print.js";
import { compile } from "../../src/compile.js";
import { EqlError } from "../../src/errors.js";
import { parse } from "../../src/parse.js";
import { explainQuery, LintCodes, lintStatement, validateRule } from "../../src/rules/index.js";

describe("deep nesting", () => {
  it.each([
    ["parentheses", `any where ${"(".repeat(20000)}true${")".repeat(20000)}`],
    ["not", `any where ${"not ".repeat(20000)}true`],
    ["function calls", `any where ${"length(".repeat(5000)}x${")".repeat(5000)} > 1`],
  ])("%s give EQL_TOO_DEEP", (_, q) => {
    let error: unknown;
    try {
      compile(q);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EqlError);
    expect((error as EqlError).code).toBe("EQL_TOO_DEEP");
    expect((error as EqlError).line).toBe(1);
  });

  it("give EQL_TOO_DEEP wherever on the stack the parser runs out", () => {
    // chevrotain's own bookkeeping can fail in place of the overflow, at some stack depths only.
    const q = `any where ${"length(".repeat(5000)}x${")".repeat(5000)} > 1`;
    const at = (depth: number): unknown => (depth === 0 ? compile(q) : at(depth - 1));
    const codes = new Set<string>();
    for (let depth = 0; depth < 48; depth++) {
      try {
        at(depth);
      } catch (e) {
        codes.add(e instanceof EqlError ? e.code : String(e));
      }
    }
    expect([...codes]).toEqual(["EQL_TOO_DEEP"]);
  });

  it("moderate nesting still works", () => {
    expect(compile(`any where ${"(".repeat(100)}x == 1${")".repeat(100)}`).matches({ x: 1 })).toBe(true);
    expect(compile(`any where ${"not ".repeat(101)}x == 1`).matches({ x: 1 })).toBe(false);
  });
});

describe("long chains of one connective", () => {
  const ors = `any where ${Array.from({ length: 20000 }, (_, i) => `x == ${i}`).join(" or ")}`;
  it("compile and evaluate without deep recursion", () => {
    const q = compile(ors);
    expect(q.matches({ x: 19999 })).toBe(true);
    expect(q.matches({ x: 0 })).toBe(true);
    expect(q.matches({ x: -1 })).toBe(false);
    expect(q.matches({})).toBe(false);
  });
  it("keep three-valued logic with constant nulls among the operands", () => {
    // null or x == 1: true when x == 1, otherwise null (no match); its negation never matches.
    expect(compile("any where null or x == 1 or y == 2").matches({ x: 1 })).toBe(true);
    expect(compile("any where null or x == 1 or y == 2").matches({ x: 3 })).toBe(false);
    expect(compile("any where not (null or x == 1 or y == 2)").matches({ x: 3 })).toBe(false);
    expect(compile("any where not (null and x == 1 and y == 2)").matches({ x: 3 })).toBe(true);
    expect(compile("any where true and x == 1 and true").matches({ x: 1 })).toBe(true);
    expect(compile("any where false or null or false").matches({})).toBe(false);
  });
});

describe("hostile events", () => {
  it("read nested arrays up to a depth and ignore deeper ones without failing", () => {
    let deep: unknown = "x";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const q = compile('any where a == "x"');
    expect(q.matches({ a: deep as unknown[] })).toBe(false);
    expect(q.matches({ a: [[["x"]]] })).toBe(true);
    let mid: unknown = { b: "x" };
    for (let i = 0; i < 100_000; i++) mid = [mid];
    expect(compile('any where a.b == "x"').matches({ a: mid as unknown[] })).toBe(false);
    expect(compile('any where a.b == "x"').matches({ a: [[{ b: "x" }]] })).toBe(true);
  });
});

describe("long chains of one connective in the rule tools", () => {
  const chain = (n: number, op: "or" | "and") =>
    `process where ${Array.from({ length: n }, (_, i) => `process.name == "p${i}"`).join(` ${op} `)}`;
  const rule = (query: string) => ({
    rule_id: "r",
    name: "n",
    description: "d",
    type: "eql",
    language: "eql",
    query,
    index: ["logs-*"],
    risk_score: 1,
    severity: "low",
  });

  it("lintStatement and validateRule walk 20000 alternatives without deep recursion", () => {
    const q = chain(20000, "or");
    const lint = lintStatement(parse(q));
    expect(lint.filter((i) => i.code === LintCodes.CASE_SENSITIVE)).toHaveLength(20000);
    expect(lint[0]?.location?.column).toBe(15);
    const issues = validateRule(rule(q));
    expect(issues.filter((i) => i.severity === "error")).toEqual([]);
    expect(validateRule(rule(chain(8000, "and"))).filter((i) => i.severity === "error")).toEqual([]);
  }, 60_000); // tens of thousands of alternatives: slow on a busy machine, a limit not a measure

  it("explainQuery explains 8000 alternatives", () => {
    const node = explainQuery(chain(8000, "or"), {
      event: { category: "process" },
      process: { name: "p7999" },
    });
    expect(node.result).toBe(true);
    const condition = node.children?.[1];
    expect(condition?.text).toBe("or");
    expect(condition?.children).toHaveLength(8000);
    expect(condition?.children?.[7999]?.result).toBe(true);
  }, 60_000); // tens of thousands of alternatives: slow on a busy machine, a limit not a measure

  it("printing a chain needs no deep recursion, and flat it parses back to the same tree", () => {
    const s = parse("any where a == 1 or b == 2 or (c == 3 or d == 4) or not (e == 5 and f == 6 and g == 7)");
    const printed = printExpr((s.query as EventQuery).condition, true);
    expect(printed).toBe(
      "((a == 1) or (b == 2) or ((c == 3) or (d == 4)) or (not ((e == 5) and (f == 6) and (g == 7))))",
    );
    expect(printExpr((parse(`any where ${printed}`).query as EventQuery).condition)).toBe(
      printExpr((s.query as EventQuery).condition),
    );
    const long = (parse(chain(20000, "or")).query as EventQuery).condition;
    expect(printExpr(long).startsWith("(".repeat(19999))).toBe(true);
  });
});
