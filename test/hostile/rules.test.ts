/** Hostile rule and exception input: coded errors, never a silent change of meaning. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  compileExceptions,
  type ExceptionItem,
  exceptionItemsFrom,
  exceptionProblems,
  RuleLoadError,
  ruleFromObject,
  ruleFromText,
  validateRule,
} from "../../src/index.js";
import { loadRules } from "../../src/node/index.js";
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

describe("exceptions that are not valid", () => {
  const event = { user: { name: "svc" }, process: { name: "curl" } };
  const item = (entry: Record<string, unknown>, id = "x"): ExceptionItem =>
    ({ item_id: id, entries: [entry] }) as unknown as ExceptionItem;

  it.each([
    ["an unknown type, excluded", { field: "user.name", type: "bogus", operator: "excluded", value: "a" }],
    [
      "a list no value list resolves, excluded",
      { field: "user.name", type: "list", operator: "excluded", list: { id: "nope" } },
    ],
    ["a bogus operator", { field: "user.name", type: "match", operator: "is", value: "svc" }],
    ["no operator", { field: "user.name", type: "match", value: "svc" }],
    ["a match without a value, excluded", { field: "user.name", type: "match", operator: "excluded" }],
  ])("%s never suppresses and is a coded error naming the item", (_, entry) => {
    expect(compileExceptions([item(entry)])(event)).toBeUndefined();
    expect(exceptionProblems([item(entry)])[0]).toMatch(/exception item "x": entries\[0\]/);
    let error: unknown;
    try {
      exceptionItemsFrom([item(entry)], { file: "r.exceptions.json" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RuleLoadError);
    expect((error as RuleLoadError).code).toBe("RULE_BAD_VALUE");
    expect((error as RuleLoadError).file).toBe("r.exceptions.json");
    expect((error as RuleLoadError).message).toContain('exception item "x"');
  });

  it("a list resolved by the run's value lists is valid", () => {
    const entry = { field: "user.name", type: "list", operator: "excluded", list: { id: "ok" } };
    const lists = { valueLists: { ok: ["root"] } };
    expect(exceptionProblems([item(entry)], lists)).toEqual([]);
    expect(compileExceptions([item(entry)], lists)(event)?.item_id).toBe("x");
  });

  it.each([[{ items: "x" }], [[1, 2, 3]], ["x"], [{ nope: 1 }], [null]])(
    "malformed input %j is an error",
    (doc) => {
      expect(() => exceptionItemsFrom(doc)).toThrow(RuleLoadError);
    },
  );

  it("validateRule reports a loaded rule's bad exceptions", () => {
    const rule = ruleFromObject(ruleObject());
    rule.exceptions.push(item({ field: "user.name", type: "match", operator: "nope", value: "a" }));
    const issues = validateRule(rule);
    expect(issues).toContainEqual(
      expect.objectContaining({ severity: "error", code: "RULE_BAD_VALUE", key: "exceptions" }),
    );
  });
});

describe("exceptions files beside a rule", () => {
  const toml = `[rule]
rule_id = "r1"
name = "r"
description = "d"
type = "eql"
language = "eql"
index = ["logs-*"]
query = 'process where true'
severity = "low"
risk_score = 1
`;
  const load = (exceptions: string) => {
    const dir = mkdtempSync(join(tmpdir(), "mini-eql-exc-"));
    writeFileSync(join(dir, "r.toml"), toml);
    writeFileSync(join(dir, "r.exceptions.json"), exceptions);
    try {
      return loadRules(dir, { collectErrors: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it("a JSON error is reported against the exceptions file", () => {
    const set = load("{ not json");
    expect(set.rules).toHaveLength(0);
    expect(set.errors[0]?.code).toBe("RULE_JSON_SYNTAX");
    expect(set.errors[0]?.file).toBe("r.exceptions.json");
  });

  it("an invalid item is reported against the exceptions file, naming the item", () => {
    const set = load(
      JSON.stringify({
        items: [{ item_id: "bad", entries: [{ field: "a", type: "wat", operator: "excluded" }] }],
      }),
    );
    expect(set.rules).toHaveLength(0);
    expect(set.errors[0]?.code).toBe("RULE_BAD_VALUE");
    expect(set.errors[0]?.file).toBe("r.exceptions.json");
    expect(set.errors[0]?.message).toContain('exception item "bad"');
    expect(load(JSON.stringify({ items: "x" })).errors[0]?.file).toBe("r.exceptions.json");
  });
});
