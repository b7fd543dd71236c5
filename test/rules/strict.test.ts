/**
 * The loader is strict: unknown keys, a missing `[rule]` table, every missing key, duplicate
 * `rule_id`s, events among rules and folders without rules are errors with a code and a position,
 * all of them in one pass; an unknown event category is a lint warning.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "../../src/index.js";
import { ecsSchema } from "../../src/node/rules/ecs.js";
import { loadRules } from "../../src/node/rules/load.js";
import { RuleLoadError } from "../../src/rules/errors.js";
import { ruleFromObject, rulesFromObjects } from "../../src/rules/from-object.js";
import { rulesFromText } from "../../src/rules/from-text.js";
import { DETECTION_RULES_KEYS, KIBANA_RULE_KEYS, METADATA_KEYS } from "../../src/rules/keys.js";
import { lintStatement } from "../../src/rules/lint.js";
import { compileSchema } from "../../src/rules/schema.js";
import { ruleToToml } from "../../src/rules/to-document.js";
import { validateRule } from "../../src/rules/validate.js";
import { closest, editDistance } from "../../src/suggest.js";
import { curlEvent, kubeletToml, ruleObject } from "./helpers.js";

const RULE = `[metadata]
creation_date = "2026/01/01"

[rule]
rule_id = "r-1"
name = "Test"
type = "eql"
language = "eql"
index = ["logs-*"]
risk_score = 21
severity = "low"
query = "process where process.pid == 1"
`;

function errorsOf(text: string, file = "r.toml") {
  return rulesFromText(text, { file, collectErrors: true }).errors.map((e) => [
    e.code,
    e.key ?? null,
    e.line ?? null,
    e.column ?? null,
  ]);
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "mini-eql-strict-"));
}

describe("suggestions", () => {
  it("counts a swap of neighbours as one edit", () => {
    expect(editDistance("form", "from")).toBe(1);
    expect(editDistance("proces", "process")).toBe(1);
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
  });

  it("suggests only a close name", () => {
    expect(closest("form", DETECTION_RULES_KEYS)).toBe("from");
    expect(closest("risk-score", DETECTION_RULES_KEYS)).toBe("risk_score");
    expect(closest("Rules", ["metadata", "rule"])).toBe("rule");
    expect(closest("colour", DETECTION_RULES_KEYS)).toBeUndefined();
  });
});

describe("a missing [rule] table", () => {
  it("is an error at the near table, suggesting [rule]", () => {
    const text = RULE.replace("[rule]", "[rules]");
    expect(errorsOf(text)).toEqual([["RULE_MISSING_TABLE", "rule", 4, 1]]);
    const [e] = rulesFromText(text, { file: "r.toml", collectErrors: true }).errors;
    expect(e?.reason).toBe("no [rule] table: did you mean [rule] instead of [rules]?");
    expect(e?.sourceLine).toBe("[rules]");
  });

  it("names the tables found when none is near, and an empty file has none", () => {
    const [e] = rulesFromText('[metadata]\nmaturity = "production"\n\n[detection]\nx = 1\n', {
      file: "r.toml",
      collectErrors: true,
    }).errors;
    expect([e?.code, e?.line]).toEqual(["RULE_MISSING_TABLE", 1]);
    expect(e?.reason).toContain("found [metadata], [detection]");
    expect(errorsOf("", "empty.toml")).toEqual([["RULE_MISSING_TABLE", "rule", 1, 1]]);
  });

  it("leaves a rule whose keys sit at the top of the file alone", () => {
    const flat = RULE.replace('[metadata]\ncreation_date = "2026/01/01"\n\n[rule]\n', "");
    expect(rulesFromText(flat, { file: "flat.toml" }).rules).toHaveLength(1);
  });
});

describe("unknown keys", () => {
  it("are errors at the key, with the closest known key", () => {
    const text = RULE.replace('severity = "low"', 'severity = "low"\nform = "now-9m"\nxyzzy = 1');
    const set = rulesFromText(text, { file: "r.toml", collectErrors: true });
    expect(set.rules).toEqual([]);
    expect(set.errors.map((e) => [e.code, e.key, e.line, e.reason])).toEqual([
      ["RULE_UNKNOWN_KEY", "rule.form", 12, 'unknown key "form": did you mean "from"?'],
      ["RULE_UNKNOWN_KEY", "rule.xyzzy", 13, `unknown key "xyzzy": Elastic's rule schema has no such key`],
    ]);
  });

  it("cover [metadata] and the top-level tables", () => {
    const text = RULE.replace(
      'creation_date = "2026/01/01"',
      'creation_date = "2026/01/01"\nmaturiy = "x"',
    ).concat("\n[transfrom]\nx = 1\n");
    expect(errorsOf(text)).toEqual([
      ["RULE_UNKNOWN_KEY", "metadata.maturiy", 3, 1],
      ["RULE_UNKNOWN_KEY", "transfrom", 15, 1],
    ]);
  });

  it("do not include any key of Elastic's schemas, nor Kibana's in a rule object", () => {
    const rule = Object.fromEntries(DETECTION_RULES_KEYS.map((k) => [k, ruleObject()[k] ?? null]));
    const doc = { metadata: Object.fromEntries(METADATA_KEYS.map((k) => [k, "x"])), rule, transform: {} };
    const keyIssues = (x: Record<string, unknown>) =>
      validateRule(x).filter((i) => i.code === "RULE_UNKNOWN_KEY");
    expect(keyIssues(doc)).toEqual([]);
    const kibana = { ...ruleObject(), ...Object.fromEntries(KIBANA_RULE_KEYS.map((k) => [k, "x"])) };
    expect(keyIssues(kibana)).toEqual([]);
    expect(
      ruleFromObject(ruleObject({ created_at: "2026-01-01T00:00:00Z", enabled: true })).rule.enabled,
    ).toBe(true);
    // Kibana's own keys are not detection-rules keys.
    expect(keyIssues({ rule: { ...ruleObject(), created_at: "x" } }).map((i) => i.key)).toEqual([
      "created_at",
    ]);
  });

  it("leave Kibana's own keys out of a rule written back as TOML, which then loads", () => {
    const loaded = ruleFromObject(
      ruleObject({ id: "so-1", created_at: "2026-01-01T00:00:00Z", immutable: false }),
    );
    const toml = ruleToToml(loaded);
    expect(toml).not.toContain("created_at");
    expect(rulesFromText(toml, { file: "back.toml", collectErrors: true }).errors).toEqual([]);
  });

  it("leave the shipped rule alone", () => {
    expect(rulesFromText(kubeletToml, { file: "k.toml", collectErrors: true }).errors).toEqual([]);
  });
});

describe("every mistake of a rule in one pass", () => {
  it("reports every missing required key, each at the [rule] header", () => {
    const text = RULE.replace('rule_id = "r-1"\n', "")
      .replace("risk_score = 21\n", "")
      .replace('severity = "low"\n', "")
      .replace('index = ["logs-*"]\n', "");
    expect(errorsOf(text)).toEqual([
      ["RULE_MISSING_KEY", "rule.rule_id", 4, 1],
      ["RULE_MISSING_KEY", "rule.risk_score", 4, 1],
      ["RULE_MISSING_KEY", "rule.severity", 4, 1],
      ["RULE_MISSING_KEY", "rule.index", 4, 1],
    ]);
  });

  it("reports key errors and the query's error together, in file order", () => {
    const text = RULE.replace('severity = "low"', 'severity = "urgent"\nform = "now-9m"').replace(
      "process.pid == 1",
      "process.pid ==",
    );
    expect(errorsOf(text).map((e) => [e[0], e[1], e[2]])).toEqual([
      ["RULE_BAD_VALUE", "rule.severity", 11],
      ["RULE_UNKNOWN_KEY", "rule.form", 12],
      ["RULE_QUERY", "rule.query", 13],
    ]);
  });

  it("compiles the query without a compile option that is wrong", () => {
    const text = RULE.replace('severity = "low"', 'severity = "low"\nevent_category_override = 5').replace(
      "process.pid == 1",
      "process.pid ==",
    );
    expect(errorsOf(text).map((e) => [e[0], e[1]])).toEqual([
      ["RULE_WRONG_TYPE", "rule.event_category_override"],
      ["RULE_QUERY", "rule.query"],
    ]);
  });

  it("throws one error naming the others when errors are not collected", () => {
    let thrown: unknown;
    try {
      ruleFromObject(ruleObject({ risk_score: undefined, severity: undefined, fom: "now-1m" }));
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(RuleLoadError);
    const e = thrown as RuleLoadError;
    expect([e.key, ...(e.more ?? []).map((m) => m.key)]).toEqual(["fom", "risk_score", "severity"]);
    expect(e.message).toContain('did you mean "from"?');
    expect(e.message).toContain('missing required key "severity"');
  });

  it('type = "eql" with another language is an error', () => {
    expect(errorsOf(RULE.replace('language = "eql"', 'language = "kuery"'))).toEqual([
      ["RULE_BAD_VALUE", "rule.language", 8, 1],
    ]);
  });
});

describe("duplicate rule_ids", () => {
  it("are an error at the second rule, naming where the first is", () => {
    const lines = [ruleObject({ rule_id: "a" }), ruleObject({ rule_id: "b" }), ruleObject({ rule_id: "a" })];
    const set = rulesFromText(lines.map((l) => JSON.stringify(l)).join("\n"), {
      file: "x.ndjson",
      collectErrors: true,
    });
    expect(set.rules.map((r) => r.rule.rule_id)).toEqual(["a", "b"]);
    expect(set.errors.map((e) => [e.code, e.line, e.reason])).toEqual([
      ["RULE_DUPLICATE_ID", 3, 'rule_id "a" is already used by the rule at x.ndjson:1'],
    ]);
    expect(rulesFromObjects([ruleObject(), ruleObject()], { collectErrors: true }).errors[0]?.code).toBe(
      "RULE_DUPLICATE_ID",
    );
  });

  it("are found across the files of a directory; a broken copy does not shut the good rule out", () => {
    const dir = tempDir();
    mkdirSync(join(dir, "sub"));
    writeFileSync(join(dir, "a.toml"), RULE);
    writeFileSync(join(dir, "sub/b.toml"), RULE);
    writeFileSync(join(dir, "0-broken.toml"), RULE.replace("process.pid == 1", "process.pid =="));
    const set = loadRules(dir, { collectErrors: true });
    expect(set.rules.map((r) => r.origin.file)).toEqual(["a.toml"]);
    expect(set.errors.map((e) => [e.code, e.file, e.reason])).toEqual([
      ["RULE_QUERY", "0-broken.toml", expect.any(String)],
      ["RULE_DUPLICATE_ID", join("sub", "b.toml"), 'rule_id "r-1" is already used by the rule at a.toml:5'],
    ]);
  });

  it("are found across calls that share one map", () => {
    const ruleIds = new Map<string, string>();
    rulesFromText(RULE, { file: "one.toml", ruleIds });
    const again = rulesFromText(RULE, { file: "two.toml", ruleIds, collectErrors: true });
    expect(again.errors.map((e) => e.reason)).toEqual([
      'rule_id "r-1" is already used by the rule at one.toml:5',
    ]);
  });
});

describe("events among rules", () => {
  it("give one error per NDJSON file, at the first event, counting the others", () => {
    const events = [1, 2, 3].map((s) => JSON.stringify(curlEvent(`2026-11-20T09:00:0${s}Z`)));
    const text = [JSON.stringify(ruleObject()), ...events].join("\n");
    const set = rulesFromText(text, { file: "mixed.ndjson", collectErrors: true });
    expect(set.rules).toHaveLength(1);
    expect(set.unsupported).toEqual([]);
    expect(set.errors.map((e) => [e.code, e.line, e.column])).toEqual([["RULE_EVENT_NOT_RULE", 2, 1]]);
    expect(set.errors[0]?.reason).toBe(
      "this looks like an event, not a rule: it has @timestamp or event and no query, rule_id or type (and so do 2 more lines of this file; events do not go among rules)",
    );
  });

  it("are errors in JSON and as objects, and a single one is not counted twice", () => {
    const one = rulesFromText(JSON.stringify(curlEvent("2026-11-20T09:00:00Z")), {
      file: "e.json",
      collectErrors: true,
    });
    expect(one.errors.map((e) => [e.code, e.reason.includes("more")])).toEqual([
      ["RULE_EVENT_NOT_RULE", false],
    ]);
    const array = rulesFromText(
      JSON.stringify([curlEvent("2026-11-20T09:00:00Z"), { event: { kind: "x" } }]),
      {
        file: "e.json",
        collectErrors: true,
      },
    );
    expect(
      array.errors.map((e) =>
        e.reason.endsWith("(and so does 1 more object of this file; events do not go among rules)"),
      ),
    ).toEqual([true]);
    expect(() => ruleFromObject(curlEvent("2026-11-20T09:00:00Z"))).toThrow(/looks like an event/);
  });

  it("leave objects that are neither rules nor events as unsupported", () => {
    const set = rulesFromObjects([{ hello: "world" }], { collectErrors: true });
    expect([set.errors.length, set.unsupported.length]).toEqual([0, 1]);
  });
});

describe("folders without rules", () => {
  it("are an error naming the folder", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "notes.md"), "no rules\n");
    expect(() => loadRules(dir)).toThrow(RuleLoadError);
    const set = loadRules(dir, { collectErrors: true });
    expect(set.errors.map((e) => [e.code, e.file])).toEqual([["RULE_NO_RULES", dir]]);
    writeFileSync(
      join(dir, "kql.json"),
      JSON.stringify({ rule_id: "k", name: "K", type: "query", language: "kuery" }),
    );
    expect(loadRules(dir, { collectErrors: true }).errors[0]?.reason).toBe(
      'no EQL rule: found 1 object of other kinds (1 with type "query"); only EQL rules run',
    );
  });

  it("are not reported when an error already says why", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "bad.toml"), RULE.replace("process.pid == 1", "process.pid =="));
    expect(loadRules(dir, { collectErrors: true }).errors.map((e) => e.code)).toEqual(["RULE_QUERY"]);
  });
});

describe("unknown event categories", () => {
  const schema = compileSchema(ecsSchema());
  const lint = (q: string, categoryField?: string) =>
    lintStatement(parse(q), schema, categoryField ? { categoryField } : {}).map((i) => [
      i.code,
      i.location?.column,
      i.message,
    ]);

  it("are a warning at the category, suggesting the ECS one", () => {
    expect(lint("proces where true")).toEqual([
      [
        "LINT_UNKNOWN_CATEGORY",
        1,
        'unknown event category "proces" (not among the schema\'s event.category values): did you mean process?',
      ],
    ]);
    expect(lint('sequence [process where true] ["netwrok" where true]').map((f) => f[1])).toEqual([32]);
    expect(lint("widget where true")[0]?.[2]).toMatch(/values are api, authentication, .*, web$/);
  });

  it("accept every ECS category, any, and categories without a schema", () => {
    for (const c of ["process", "network", "file", "registry", "iam", "authentication", "library", "driver"])
      expect(lint(`${c} where true`)).toEqual([]);
    expect(lint("any where true")).toEqual([]);
    expect(lintStatement(parse("proces where true"))).toEqual([]);
  });

  it("follow event_category_override: a rule's categories are read from its field", () => {
    expect(lint("info where true", "event.type")).toEqual([]);
    expect(lint("proces where true", "event.type")[0]?.[2]).toContain("event.type");
    expect(lint("proces where true", "custom.category")).toEqual([]);
    const rule = ruleObject({ query: "info where true", event_category_override: "event.type" });
    expect(validateRule(rule, { schema }).map((i) => i.code)).toEqual([]);
    expect(validateRule(ruleObject({ query: "info where true" }), { schema }).map((i) => i.code)).toEqual([
      "LINT_UNKNOWN_CATEGORY",
    ]);
  });
});
