/** Loading rules from objects, TOML, JSON and Kibana's NDJSON export, with errors that point into the file. */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseToml, stringify } from "smol-toml";
import { describe, expect, it } from "vitest";
import { loadRules } from "../../src/node/rules/load.js";
import { RuleLoadError } from "../../src/rules/errors.js";
import { ruleFromObject, rulesFromObjects } from "../../src/rules/from-object.js";
import { ruleFromText, rulesFromText } from "../../src/rules/from-text.js";
import { ruleToDocument, ruleToToml } from "../../src/rules/to-document.js";
import { kubeletToml, ruleObject } from "./helpers.js";

/** 1-based line and column of the first occurrence of `needle` in `text`. */
function lineCol(text: string, needle: string, from = 0): { line: number; column: number } {
  const at = text.indexOf(needle, from);
  expect(at).toBeGreaterThanOrEqual(0);
  const before = text.slice(0, at);
  const line = before.split("\n").length;
  return { line, column: at - before.lastIndexOf("\n") };
}

function loadError(fn: () => unknown): RuleLoadError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(RuleLoadError);
    return e as RuleLoadError;
  }
  throw new Error("expected a RuleLoadError");
}

const TOML_HEAD = `[metadata]
creation_date = "2026/01/01"

[rule]
rule_id = "r-1"
name = "Test"
type = "eql"
language = "eql"
index = ["logs-*"]
risk_score = 21
severity = "low"
`;

describe("loading from an object", () => {
  it("fills Kibana's defaults and compiles once", () => {
    const r = ruleFromObject(ruleObject({ from: undefined }));
    expect(r.rule.interval).toBe("5m");
    expect(r.rule.max_signals).toBe(100);
    expect(r.rule.from).toBe("now-6m");
    expect(r.defaulted).toEqual(["from", "interval", "max_signals"]);
    expect(r.compiled.kind).toBe("event");
  });

  it("accepts a detection-rules document and keeps unknown keys and tables", () => {
    const doc = parseToml(kubeletToml) as Record<string, unknown>;
    const withExtra = {
      ...doc,
      transform: { osquery: [{ label: "x", query: "SELECT 1" }] },
      rule: { ...(doc.rule as object), alert_suppression: { group_by: ["host.name"] } },
    };
    const r = ruleFromObject(withExtra);
    expect(r.rule.name).toBe("Potential Direct Kubelet Access via Process Arguments");
    expect(r.rule.from).toBe("now-9m");
    expect(r.rule.timestamp_override).toBe("event.ingested");
    expect(r.rule.alert_suppression).toEqual({ group_by: ["host.name"] });
    expect(r.metadata?.maturity).toBe("production");
    expect(r.extra?.transform).toBeDefined();
    expect(r.rule.threat.map((t) => t.tactic.id)).toEqual(["TA0008", "TA0007", "TA0002"]);
    expect(r.rule.threat[2]?.technique?.[0]?.subtechnique?.[0]?.id).toBe("T1059.004");
  });

  it("passes event_category_override to the compiler", () => {
    const r = ruleFromObject(
      ruleObject({ query: 'process where process.name == "curl"', event_category_override: "event.type" }),
    );
    expect(r.compiled.matches({ event: { type: "process" }, process: { name: "curl" } })).toBe(true);
    expect(r.compiled.matches({ event: { category: "process" }, process: { name: "curl" } })).toBe(false);
  });

  it("reports other rule types as unsupported instead of dropping them", () => {
    const set = rulesFromObjects([
      ruleObject(),
      { rule_id: "q", name: "KQL", type: "query", language: "kuery" },
    ]);
    expect(set.rules).toHaveLength(1);
    expect(set.unsupported).toEqual([
      { rule_id: "q", name: "KQL", type: "query", language: "kuery", origin: { format: "object" } },
    ]);
    expect(loadError(() => ruleFromObject({ rule_id: "m", type: "machine_learning" })).key).toBe("type");
  });

  it("names the key of a missing or mistyped value", () => {
    expect(loadError(() => ruleFromObject(ruleObject({ risk_score: 101 }))).key).toBe("risk_score");
    expect(loadError(() => ruleFromObject(ruleObject({ severity: "urgent" }))).code).toBe("RULE_BAD_VALUE");
    expect(loadError(() => ruleFromObject(ruleObject({ name: undefined }))).code).toBe("RULE_MISSING_KEY");
    expect(loadError(() => ruleFromObject(ruleObject({ from: "9m" }))).key).toBe("from");
  });
});

describe("loading TOML text", () => {
  it("reads the shipped detection-rules file unchanged", () => {
    const set = rulesFromText(kubeletToml, { file: "k.toml" });
    expect(set.rules).toHaveLength(1);
    expect(set.rules[0]?.origin).toEqual({ format: "toml", line: 1, file: "k.toml" });
    expect(set.rules[0]?.defaulted).toEqual(["interval", "max_signals"]);
  });

  it("points a query syntax error at the line and column inside a ''' string", () => {
    const bad = kubeletToml.replace('event.type == "start"', 'event.type = "start"');
    const e = loadError(() => rulesFromText(bad, { file: "rules/k.toml" }));
    expect(e.code).toBe("RULE_QUERY");
    expect(e.file).toBe("rules/k.toml");
    expect(e.key).toBe("rule.query");
    expect(e.queryError?.code).toBe("EQL_ASSIGNMENT_AS_EQUALITY");
    expect({ line: e.line, column: e.column }).toEqual(lineCol(bad, '= "start"'));
    expect(e.message).toContain(`rules/k.toml:${e.line}:${e.column}`);
    expect(e.caret?.trim()).toBe("^");
  });

  it("maps through escapes and a line-ending backslash in a basic string", () => {
    const text = `${TOML_HEAD}query = """\\
    process where process.name : \\"curl\\" and
  process.args : \\"C:\\\\\\\\Temp\\\\\\\\*\\" and )
"""
`;
    expect((parseToml(text) as { rule: { query: string } }).rule.query).toContain('"C:\\\\Temp\\\\*"');
    const e = loadError(() => rulesFromText(text, { file: "b.toml" }));
    expect(e.queryError?.code).toBe("EQL_UNEXPECTED_TOKEN");
    expect({ line: e.line, column: e.column }).toEqual(lineCol(text, ")\n"));
    // An escape EQL rejects is underlined where it is written in the TOML file.
    const bad = text.replace("Temp\\\\\\\\*", "Temp\\\\*");
    const e2 = loadError(() => rulesFromText(bad, { file: "b.toml" }));
    expect(e2.queryError?.code).toBe("EQL_INVALID_ESCAPE");
    expect({ line: e2.line, column: e2.column }).toEqual(lineCol(bad, "\\\\*"));
  });

  it("maps a single-line basic string with escapes", () => {
    const text = `${TOML_HEAD}query = "process where process.name == \\"cu\\u0072l\\" or and"\n`;
    const e = loadError(() => rulesFromText(text, { file: "c.toml" }));
    expect({ line: e.line, column: e.column }).toEqual(lineCol(text, 'and"\n'));
  });

  it("points a missing key at its table and a mistyped key at its line", () => {
    const missing = kubeletToml.replace("risk_score = 73\n", "");
    const e1 = loadError(() => rulesFromText(missing, { file: "k.toml" }));
    expect([e1.code, e1.key, e1.line]).toEqual([
      "RULE_MISSING_KEY",
      "rule.risk_score",
      lineCol(missing, "[rule]").line,
    ]);
    const typed = kubeletToml.replace("risk_score = 73", 'risk_score = "high"');
    const e2 = loadError(() => rulesFromText(typed, { file: "k.toml" }));
    expect([e2.code, e2.key, e2.line, e2.column]).toEqual([
      "RULE_WRONG_TYPE",
      "rule.risk_score",
      lineCol(typed, "risk_score").line,
      1,
    ]);
  });

  it("reports TOML syntax errors with their position", () => {
    const text = `${TOML_HEAD}severity = "high"\nquery = "any where true"\n`;
    const e = loadError(() => rulesFromText(text, { file: "d.toml" }));
    expect([e.code, e.file, e.line]).toEqual([
      "RULE_TOML_SYNTAX",
      "d.toml",
      lineCol(text, 'severity = "high"').line,
    ]);
  });

  it("round-trips the detection-rules keys through smol-toml", () => {
    const first = ruleFromText(kubeletToml);
    const rendered = ruleToToml(first);
    expect(rendered).not.toContain("max_signals");
    const second = ruleFromText(rendered);
    expect(second.rule).toEqual(first.rule);
    expect(second.metadata).toEqual(first.metadata);
    expect(ruleToDocument(second)).toEqual(parseToml(kubeletToml));
    // The other direction: our object rendered with stringify loads to the same rule.
    const third = ruleFromText(stringify({ rule: ruleToDocument(first).rule, metadata: first.metadata }));
    expect(third.rule).toEqual(first.rule);
  });
});

describe("loading JSON and NDJSON", () => {
  it("reads a single Kibana rule object and points query errors into the JSON", () => {
    const good = JSON.stringify(ruleObject(), null, 2);
    expect(ruleFromText(good, { file: "r.json" }).rule.rule_id).toBe(ruleObject().rule_id);
    const text = JSON.stringify(
      ruleObject({ query: 'process where\n  process.name == "cu\\"rl" and )' }),
      null,
      2,
    );
    const e = loadError(() => rulesFromText(text, { file: "r.json" }));
    expect([e.code, e.key]).toEqual(["RULE_QUERY", "query"]);
    expect({ line: e.line, column: e.column }).toEqual(lineCol(text, ')"'));
  });

  it("reads Kibana's export: rules, exception lists and items, and skips the summary", () => {
    const rule = ruleObject({
      exceptions_list: [{ id: "x", list_id: "l-1", namespace_type: "single", type: "detection" }],
    });
    const lines = [
      JSON.stringify(rule),
      JSON.stringify({ rule_id: "kql", name: "KQL", type: "query", language: "kuery", query: "x:1" }),
      JSON.stringify({ list_id: "l-1", name: "Exceptions", type: "detection" }),
      JSON.stringify({
        item_id: "i-1",
        list_id: "l-1",
        type: "simple",
        entries: [{ field: "user.name", type: "match", operator: "included", value: "svc" }],
      }),
      JSON.stringify({ exported_count: 4, exported_rules_count: 2, missing_rules: [] }),
    ];
    const set = rulesFromText(`${lines.join("\n")}\n`, { file: "export.ndjson" });
    expect(set.rules).toHaveLength(1);
    expect(set.rules[0]?.exceptions.map((i) => i.item_id)).toEqual(["i-1"]);
    expect(set.unsupported.map((u) => [u.rule_id, u.origin.line])).toEqual([["kql", 2]]);
    expect(set.errors).toEqual([]);
  });

  it("collects every bad rule with its line, and loads the good ones", () => {
    const lines = [
      JSON.stringify(ruleObject({ rule_id: "a" })),
      JSON.stringify(ruleObject({ rule_id: "b", query: "process where (" })),
      "{not json",
      JSON.stringify(ruleObject({ rule_id: "c", severity: "urgent" })),
      JSON.stringify(ruleObject({ rule_id: "d" })),
    ];
    const text = lines.join("\n");
    expect(() => rulesFromText(text, { file: "e.ndjson" })).toThrow(RuleLoadError);
    const set = rulesFromText(text, { file: "e.ndjson", collectErrors: true });
    expect(set.rules.map((r) => r.rule.rule_id)).toEqual(["a", "d"]);
    expect(set.errors.map((e) => [e.code, e.line, e.key ?? null])).toEqual([
      ["RULE_QUERY", 2, "query"],
      ["RULE_JSON_SYNTAX", 3, null],
      ["RULE_BAD_VALUE", 4, "severity"],
    ]);
    expect(set.errors[1]?.file).toBe("e.ndjson");
  });
});

describe("loading a directory", () => {
  it("loads every rule file, attaches exceptions, skips companions and collects errors", () => {
    const dir = mkdtempSync(join(tmpdir(), "mini-eql-rules-"));
    mkdirSync(join(dir, "linux"));
    writeFileSync(join(dir, "linux/kubelet.toml"), kubeletToml);
    writeFileSync(
      join(dir, "linux/kubelet.exceptions.json"),
      JSON.stringify([
        {
          item_id: "e",
          entries: [{ field: "user.name", operator: "included", type: "match", value: "svc" }],
        },
      ]),
    );
    writeFileSync(join(dir, "linux/kubelet.fixtures.json"), JSON.stringify({ fixtures: [] }));
    writeFileSync(join(dir, "one.json"), JSON.stringify(ruleObject({ rule_id: "one" })));
    writeFileSync(join(dir, "bad.toml"), kubeletToml.replace("process where", "process wher"));
    writeFileSync(
      join(dir, "export.ndjson"),
      `${JSON.stringify(ruleObject({ rule_id: "nd" }))}\n{"exported_count":1}\n`,
    );

    expect(() => loadRules(dir)).toThrow(RuleLoadError);
    const set = loadRules(dir, { collectErrors: true });
    expect(set.rules.map((r) => r.rule.rule_id).sort()).toEqual(
      ["6aa52f86-18f1-4a5a-a0ac-e2b5db8af589", "nd", "one"].sort(),
    );
    const kubelet = set.rules.find((r) => r.origin.file === join("linux", "kubelet.toml"));
    expect(kubelet?.exceptions).toHaveLength(1);
    expect(set.errors.map((e) => [e.file, e.key, e.line])).toEqual([
      ["bad.toml", "rule.query", lineCol(kubeletToml, "process where").line],
    ]);
  });
});
