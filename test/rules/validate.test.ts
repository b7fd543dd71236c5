/** validateRule: key checks, query errors, and each lint finding with its location. */
import { describe, expect, it } from "vitest";
import { ecsSchema } from "../../src/node/rules/ecs.js";
import { ruleFromText } from "../../src/rules/from-text.js";
import type { RuleIssue } from "../../src/rules/normalize.js";
import { compileSchema } from "../../src/rules/schema.js";
import { validateRule } from "../../src/rules/validate.js";
import { kubeletToml, ruleObject } from "./helpers.js";

const schema = compileSchema(ecsSchema());

function issues(query: string, withSchema = true): RuleIssue[] {
  return validateRule(ruleObject({ query }), withSchema ? { schema } : {});
}

function codes(query: string, withSchema = true): string[] {
  return issues(query, withSchema).map((i) => i.code);
}

describe("key checks", () => {
  it("accepts a good rule", () => {
    expect(validateRule(ruleObject({ query: 'process where process.name : "curl"' }), { schema })).toEqual(
      [],
    );
  });

  it("reports missing keys, wrong types and bad values with their key", () => {
    const found = validateRule({
      rule_id: 7,
      type: "eql",
      language: "eql",
      query: "any where true",
      risk_score: 150,
      severity: "urgent",
      from: "9 minutes ago",
      interval: "5 minutes",
      max_signals: 0,
    });
    expect(found.map((i) => [i.severity, i.code, i.key])).toEqual([
      ["error", "RULE_WRONG_TYPE", "rule_id"],
      ["error", "RULE_MISSING_KEY", "name"],
      ["error", "RULE_BAD_VALUE", "risk_score"],
      ["error", "RULE_BAD_VALUE", "severity"],
      ["error", "RULE_MISSING_KEY", "index"],
      ["error", "RULE_BAD_VALUE", "from"],
      ["error", "RULE_BAD_VALUE", "interval"],
      ["error", "RULE_BAD_VALUE", "max_signals"],
    ]);
  });

  it("accepts a data view instead of index patterns", () => {
    const rule = ruleObject({ index: undefined, data_view_id: "security-default", query: "any where true" });
    expect(validateRule(rule)).toEqual([]);
  });

  it("reports a query that does not parse, and non-EQL rules", () => {
    const [bad] = issues("process where (");
    expect([bad?.code, bad?.key, bad?.location?.column]).toEqual(["RULE_QUERY", "query", 16]);
    expect(validateRule({ type: "threshold" })[0]?.code).toBe("RULE_UNSUPPORTED_TYPE");
  });
});

describe("lint", () => {
  it("warns about wildcards in == and in", () => {
    const found = issues(
      'process where process.parent.name == "python*" or file.path in ("/tmp/*", "/etc/x")',
    );
    const wild = found.filter((i) => i.code === "LINT_WILDCARD_IN_EQUALITY");
    expect(wild.map((i) => [i.field, i.location?.column])).toEqual([
      ["process.parent.name", 15],
      ["file.path", 51],
    ]);
    expect(wild[0]?.message).toContain(":");
  });

  it("warns about case-sensitive matching on attacker-controlled fields", () => {
    const q =
      'process where process.name == "curl" and process.executable like "/tmp/*" and ' +
      'process.args in ("-enc") and startsWith(process.command_line, "powershell") and process.pid == 4';
    const found = codes(q).filter((c) => c === "LINT_CASE_SENSITIVE");
    expect(found).toHaveLength(4);
  });

  it("stays quiet for case-insensitive forms, letterless literals, exclusions and other fields", () => {
    const q =
      'process where process.name : "curl" and process.executable like~ "/tmp/*" and process.args in~ ("-enc") and ' +
      'process.args == "/12/34" and process.name != "bash" and not process.name in ("sh") and host.os.type == "linux"';
    expect(codes(q).filter((c) => c === "LINT_CASE_SENSITIVE")).toEqual([]);
  });

  it("warns about the shipped Kubelet rule's case-sensitive likes", () => {
    const found = validateRule(ruleFromText(kubeletToml), { schema });
    expect(found.map((i) => [i.code, i.field])).toEqual([
      ["LINT_CASE_SENSITIVE", "process.name"],
      ["LINT_CASE_SENSITIVE", "process.executable"],
      ["LINT_CASE_SENSITIVE", "process.args"],
    ]);
  });

  it("warns about a field compared with a value of a type it cannot hold", () => {
    const found = issues(
      'process where process.pid == "abc" or process.name < 5 or source.ip == "not-an-ip" or ' +
        'process.pid like "12*" or process.pid == "42" or source.ip == "10.0.0.1"',
    ).filter((i) => i.code === "LINT_FIELD_TYPE");
    expect(found.map((i) => i.field)).toEqual(["process.pid", "process.name", "source.ip", "process.pid"]);
    expect(found[1]?.message).toContain("ordered as text");
  });

  it("separates unknown fields under ECS namespaces from integration fields, and exempts ?fields", () => {
    const found = issues(
      'process where process.nmae == "x" and winlog.event_data.TargetUserName == "x" and ?process.bogus == "x" and ' +
        'process.Ext.token.integrity_level_name == "high" and labels.team == "x" and process.name.text == "x"',
    );
    expect(
      found
        .filter((i) => i.code.includes("FIELD") && !i.code.includes("TYPE"))
        .map((i) => [i.severity, i.code, i.field]),
    ).toEqual([
      ["warning", "LINT_UNKNOWN_FIELD", "process.nmae"],
      ["info", "LINT_NON_SCHEMA_FIELD", "winlog.event_data.TargetUserName"],
      ["info", "LINT_NON_SCHEMA_FIELD", "process.Ext.token.integrity_level_name"],
    ]);
  });

  it("accepts custom schemas next to ECS", () => {
    const custom = { "kubernetes.audit.verb": { type: "keyword" } };
    const q = 'any where kubernetes.audit.verb == "get"';
    expect(validateRule(ruleObject({ query: q }), { schema: [ecsSchema(), custom] })).toEqual([]);
    expect(codes(q)).toEqual(["LINT_NON_SCHEMA_FIELD"]);
  });

  it("checks sequence terms and join keys", () => {
    const q = 'sequence by process.entity_idd [process where process.name == "a*"] [network where true]';
    expect(codes(q)).toEqual(["LINT_UNKNOWN_FIELD", "LINT_WILDCARD_IN_EQUALITY", "LINT_CASE_SENSITIVE"]);
  });

  it("runs without a schema (no field checks)", () => {
    expect(codes('process where process.nmae == "x"', false)).toEqual([]);
  });
});
