/** Hostile rule and exception input: coded errors, never a silent change of meaning. */
import { describe, expect, it } from "vitest";
import { RuleLoadError, ruleFromObject, ruleFromText, validateRule } from "../../src/index.js";
import { ruleObject } from "../rules/helpers.js";

describe("an EQL rule in another language", () => {
  it.each(["kuery", "lucene", "esql", "EQL"])("language %s is a coded error", (language) => {
    let error: unknown;
    try {
      ruleFromObject(ruleObject({ language }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RuleLoadError);
    expect((error as RuleLoadError).code).toBe("RULE_BAD_VALUE");
    expect((error as RuleLoadError).key).toBe("language");
    const issues = validateRule(ruleObject({ language }));
    expect(
      issues.some((i) => i.severity === "error" && i.code === "RULE_BAD_VALUE" && i.key === "language"),
    ).toBe(true);
  });

  it("points at the language key of a TOML file", () => {
    const toml = `[rule]
rule_id = "r1"
name = "r"
description = "d"
type = "eql"
language = "kuery"
index = ["logs-*"]
query = 'process where true'
severity = "low"
risk_score = 1
`;
    let error: unknown;
    try {
      ruleFromText(toml, { file: "r.toml" });
    } catch (e) {
      error = e;
    }
    expect((error as RuleLoadError).code).toBe("RULE_BAD_VALUE");
    expect((error as RuleLoadError).file).toBe("r.toml");
    expect((error as RuleLoadError).line).toBe(6);
  });

  it("eql itself still loads", () => {
    expect(ruleFromObject(ruleObject({ language: "eql" })).rule.language).toBe("eql");
  });
});
