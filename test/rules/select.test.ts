/** filterRules: which loaded rules run, by severity, tag, rule id and name. */
import { describe, expect, it } from "vitest";
import { filterRules } from "../../src/index.js";
import { ruleFromObject } from "../../src/rules/from-object.js";

const rule = (id: string, severity: string, tags: string[], name = `Rule ${id}`) =>
  ruleFromObject({
    rule_id: id,
    name,
    description: "test",
    type: "eql",
    language: "eql",
    query: "process where true",
    risk_score: 21,
    severity,
    tags,
    index: ["*"],
  });

const rules = [
  rule("a", "low", ["Tactic: Discovery"]),
  rule("b", "medium", ["Tactic: Execution", "OS: Linux"], "Curl to Kubelet"),
  rule("c", "high", ["Tactic: Discovery", "OS: Linux"]),
  rule("d", "critical", []),
];
const ids = (list: readonly { rule: { rule_id: string } }[]) => list.map((r) => r.rule.rule_id);

describe("filterRules", () => {
  it("keeps every rule without criteria", () => {
    expect(ids(filterRules(rules, {}))).toEqual(["a", "b", "c", "d"]);
  });

  it("minSeverity keeps that severity and higher", () => {
    expect(ids(filterRules(rules, { minSeverity: "medium" }))).toEqual(["b", "c", "d"]);
    expect(ids(filterRules(rules, { minSeverity: "critical" }))).toEqual(["d"]);
    expect(() => filterRules(rules, { minSeverity: "severe" as never })).toThrow(RangeError);
  });

  it("tags and rule ids match any of their entries, exactly", () => {
    expect(ids(filterRules(rules, { tags: ["Tactic: Discovery", "Tactic: Execution"] }))).toEqual([
      "a",
      "b",
      "c",
    ]);
    expect(ids(filterRules(rules, { tags: ["tactic: discovery"] }))).toEqual([]);
    expect(ids(filterRules(rules, { ruleIds: ["d", "b", "zz"] }))).toEqual(["b", "d"]);
  });

  it("the name matches as a substring in any case; criteria combine", () => {
    expect(ids(filterRules(rules, { name: "KUBELET" }))).toEqual(["b"]);
    expect(ids(filterRules(rules, { tags: ["OS: Linux"], minSeverity: "high" }))).toEqual(["c"]);
  });
});
