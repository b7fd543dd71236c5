/**
 * `ignore_above` of a keyword field: Elasticsearch does not index a longer string, so no query sees
 * it. An attacker who pads a value past it (ECS sets 1,024 on most keyword fields) hides it from
 * `==`, `:` and `like`, and makes `not field : ...` true; with a mapping the engine must agree.
 */
import { describe, expect, it } from "vitest";
import { compile, compileRules, ruleFromObject } from "../../src/index.js";

const mapping = {
  properties: {
    event: { properties: { category: { type: "keyword" } } },
    process: {
      properties: {
        command_line: { type: "keyword", ignore_above: 16 },
        name: { type: "keyword" },
        args: { type: "keyword", ignore_above: 8 },
      },
    },
  },
};
const long = `curl ${"x".repeat(20)}`;
const event = {
  event: { category: "process" },
  process: { command_line: long, name: "curl", args: ["curl", long] },
};
const dotted = { "event.category": "process", "process.command_line": long, "process.name": "curl" };

describe("ignore_above with a mapping", () => {
  it("a longer value is missing to every operator, nested or dotted", () => {
    for (const e of [event, dotted]) {
      expect(compile('process where process.command_line : "curl*"', { mapping }).matches(e)).toBe(false);
      expect(compile("process where process.command_line == null", { mapping }).matches(e)).toBe(true);
      expect(compile('process where not process.command_line : "curl*"', { mapping }).matches(e)).toBe(true);
      expect(compile('process where process.name == "curl"', { mapping }).matches(e)).toBe(true);
    }
  });

  it("applies to each element of an array on its own", () => {
    expect(compile('process where process.args == "curl"', { mapping }).matches(event)).toBe(true);
    expect(compile('process where process.args : "*xxxx*"', { mapping }).matches(event)).toBe(false);
  });

  it("counts UTF-16 units, as Java does, and leaves values at the limit alone", () => {
    const at = { event: { category: "process" }, process: { command_line: "a".repeat(16) } };
    expect(compile('process where process.command_line : "a*"', { mapping }).matches(at)).toBe(true);
    const astral = { event: { category: "process" }, process: { command_line: "😀".repeat(9) } };
    expect(compile('process where process.command_line : "*"', { mapping }).matches(astral)).toBe(false);
  });

  it("without a mapping, or without the setting, the value is read", () => {
    expect(compile('process where process.command_line : "curl*"').matches(event)).toBe(true);
    expect(compile('process where process.name : "c*"', { mapping }).matches(event)).toBe(true);
  });

  it("holds in a rule set too (the shared field table)", () => {
    const rule = ruleFromObject(
      {
        rule_id: "r",
        name: "r",
        description: "r",
        type: "eql",
        language: "eql",
        risk_score: 1,
        severity: "low",
        index: ["logs-*"],
        query: 'process where process.command_line : "curl*"',
      },
      { compile: { mapping } },
    );
    const set = compileRules([rule], { window: false, now: 0 });
    set.push(event);
    set.end();
    expect(set.reports()[0]?.matched).toBe(0);
  });
});

describe("the ECS mapping", () => {
  it("carries ignore_above: a process name padded past 1,024 characters is not seen", async () => {
    const { ecsMapping } = await import("../../src/node/rules/ecs.js");
    const ecs = ecsMapping();
    const q = compile('process where process.name : "curl*"', { mapping: ecs, allowUnknownFields: true });
    const padded = (n: number) => ({
      event: { category: ["process"] },
      process: { name: `curl${" ".repeat(n)}` },
    });
    expect(q.matches(padded(1020))).toBe(true);
    expect(q.matches(padded(1021))).toBe(false);
  });
});

describe("lint with a schema that has ignore_above", () => {
  it("warns where a literal or pattern is longer than any value the field can match", async () => {
    const { compileSchema, lintStatement, parse } = await import("../../src/index.js");
    const schema = compileSchema({ "process.name": { type: "keyword", ignore_above: 8 } });
    const codes = (q: string) => lintStatement(parse(q), schema).map((i) => i.code);
    expect(codes('process where process.name == "abcdefghi"')).toContain("LINT_PAST_IGNORE_ABOVE");
    expect(codes('process where process.name in ("a", "abcdefghi")')).toContain("LINT_PAST_IGNORE_ABOVE");
    expect(codes('process where process.name : "abcd*efghi"')).toContain("LINT_PAST_IGNORE_ABOVE");
    // Within the limit (a `*` matches nothing at the shortest), nothing to say.
    expect(codes('process where process.name : "abcd****"')).not.toContain("LINT_PAST_IGNORE_ABOVE");
    expect(codes('process where process.name == "abcdefgh"')).not.toContain("LINT_PAST_IGNORE_ABOVE");
  });
});

describe("the explanation", () => {
  it("says when a value is past ignore_above", async () => {
    const { explainQuery, formatExplanation } = await import("../../src/index.js");
    const text = formatExplanation(
      explainQuery('process where process.command_line : "curl*"', event, { mapping }),
    );
    expect(text).toContain('[false] process.command_line : ("curl*")');
    expect(text).toContain("process.command_line holds a value of 25 characters, past its ignore_above 16");
    const plain = formatExplanation(explainQuery('process where process.name == "curl"', event, { mapping }));
    expect(plain).not.toContain("ignore_above");
  });
});
