/**
 * `check --rules` and `run --rules` over rule files with mistakes: each mistake is a finding with its
 * code and file:line:col, every one of them in one run, and errors make both commands exit 1 (`run`
 * still runs the rules that load).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  cli,
  ensureBuilt,
  KUBELET_EVENTS,
  ndjson,
  processEvent,
  RULES,
  tempDir,
  testRuleToml,
} from "./helpers.js";

beforeAll(ensureBuilt, 180_000);

/** Write files into a fresh directory; returns it. */
function ruleDir(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** The `file:line:col: severity: message [CODE]` head lines of check's output. */
function heads(stdout: string): string[] {
  return stdout.split("\n").filter((l) => /^\S.*: (error|warning|info): /.test(l));
}

/** 1-based line of the first line of `text` that starts with `prefix`. */
function lineOf(text: string, prefix: string): number {
  return text.split("\n").findIndex((l) => l.startsWith(prefix)) + 1;
}

/** A query the lint has nothing to say about. */
const Q = "process where process.pid == 1";

describe.concurrent("check --rules: mistakes in rule files", { timeout: 60_000 }, () => {
  it("a [rules] table instead of [rule]: the table is missing, [rule] suggested at [rules]", async () => {
    const text = testRuleToml("t", Q).replace("[rule]", '[metadata]\nmaturity = "production"\n\n[rules]');
    const dir = ruleDir({ "t.toml": text });
    const r = await cli(["check", "--rules", dir]);
    expect(r.status).toBe(1);
    expect(heads(r.stdout)).toEqual([
      `${join(dir, "t.toml")}:${lineOf(text, "[rules]")}:1: error: rule: no [rule] table: did you mean [rule] instead of [rules]? [RULE_MISSING_TABLE]`,
    ]);
    expect(r.stdout).toContain("  [rules]\n  ^\n");
  });

  it("an unknown key: named, with the closest known key suggested", async () => {
    const text = testRuleToml("t", Q).replace('from = "now-10m"', 'form = "now-10m"');
    const dir = ruleDir({ "t.toml": text });
    const r = await cli(["check", "--rules", dir]);
    expect(r.status).toBe(1);
    expect(heads(r.stdout)).toEqual([
      `${join(dir, "t.toml")}:${lineOf(text, "form")}:1: error: rule.form: unknown key "form": did you mean "from"? [RULE_UNKNOWN_KEY]`,
    ]);
  });

  it("keys of Elastic's schema that mini-eql does not use are not flagged", async () => {
    const extra = [
      'author = ["Elastic"]',
      'license = "Elastic License v2"',
      'note = "n"',
      'setup = "s"',
      'building_block_type = "default"',
      'timestamp_override = "event.ingested"',
      "version = 3",
      'references = ["https://example.com"]',
      "[rule.investigation_fields]",
      'field_names = ["host.name"]',
      "[rule.alert_suppression]",
      'group_by = ["host.name"]',
      'missing_fields_strategy = "suppress"',
      "[[transform.osquery]]",
      'label = "x"',
      'query = "SELECT 1"',
    ].join("\n");
    const meta =
      '[metadata]\ncreation_date = "2026/01/01"\nupdated_date = "2026/01/02"\nmaturity = "production"\nintegration = ["endpoint"]\nmin_stack_version = "8.14.0"\n\n';
    const dir = ruleDir({ "t.toml": meta + testRuleToml("t", Q, extra) });
    const r = await cli(["check", "--rules", dir, "--no-schema"]);
    expect(r.stdout).toBe("");
    expect(r.status).toBe(0);
  });

  it("every missing required key at once, each at the [rule] header", async () => {
    const text = testRuleToml("t", Q)
      .replace('rule_id = "t"\n', "")
      .replace('index = ["logs-*"]\n', "")
      .replace('severity = "high"\n', "")
      .replace("risk_score = 70\n", "");
    const dir = ruleDir({ "t.toml": text });
    const r = await cli(["check", "--rules", dir]);
    expect(r.status).toBe(1);
    const at = `${join(dir, "t.toml")}:1:1: error:`;
    expect(heads(r.stdout)).toEqual([
      `${at} rule.rule_id: missing required key "rule_id" [RULE_MISSING_KEY]`,
      `${at} rule.risk_score: missing required key "risk_score" [RULE_MISSING_KEY]`,
      `${at} rule.severity: missing required key "severity" [RULE_MISSING_KEY]`,
      `${at} rule.index: missing "index" (or "data_view_id"): the rule searches no indices [RULE_MISSING_KEY]`,
    ]);
    expect(r.stderr).toContain("check: 4 errors, 0 warnings, 0 notes in 1 rule\n");
  });

  it("two rules with one rule_id: an error at the second, naming the first file:line", async () => {
    const dir = ruleDir({
      "a.toml": testRuleToml("same", Q),
      "sub/b.toml": testRuleToml("same", "process where process.pid == 2"),
    });
    const other = ruleDir({ "c.toml": testRuleToml("same", Q) });
    const r = await cli(["check", "--rules", dir, "--rules", other]);
    expect(r.status).toBe(1);
    expect(heads(r.stdout)).toEqual([
      `${join(dir, "sub/b.toml")}:2:1: error: rule.rule_id: rule_id "same" is already used by the rule at ${join(dir, "a.toml")}:2 [RULE_DUPLICATE_ID]`,
      `${join(other, "c.toml")}:2:1: error: rule.rule_id: rule_id "same" is already used by the rule at ${join(dir, "a.toml")}:2 [RULE_DUPLICATE_ID]`,
    ]);
  });

  it("a rules folder without rules is an error naming it", async () => {
    const dir = ruleDir({ "README.md": "no rules here\n" });
    const r = await cli(["check", "--rules", dir]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      `${dir}: error: no rule file (detection-rules TOML, Kibana rule JSON, or an .ndjson rule export) in this directory [RULE_NO_RULES]`,
    );
    const kql = ruleDir({
      "k.json": JSON.stringify({ rule_id: "k", name: "K", type: "query", language: "kuery", query: "x:1" }),
    });
    const k = await cli(["check", "--rules", kql]);
    expect(k.status).toBe(1);
    expect(k.stdout).toContain(
      `${kql}: error: no EQL rule: found 1 object of other kinds (1 with type "query"); only EQL rules run [RULE_NO_RULES]`,
    );
    expect(k.stdout).toContain(
      `${join(kql, "k.json")}:1: info: K is not checked: only EQL rules are, not type "query" [RULE_UNSUPPORTED_TYPE]`,
    );
  });

  it("event NDJSON in a rules folder: one error for the file, counting its events", async () => {
    const events = [1, 2, 3].map((s) => JSON.stringify(processEvent(s))).join("\n");
    const dir = ruleDir({ "r.toml": testRuleToml("r", Q), "events.ndjson": `${events}\n` });
    const r = await cli(["check", "--rules", dir]);
    expect(r.status).toBe(1);
    expect(heads(r.stdout)).toEqual([
      `${join(dir, "events.ndjson")}:1:1: error: this looks like an event, not a rule: it has @timestamp or event and no query, rule_id or type (and so do 2 more lines of this file; events do not go among rules) [RULE_EVENT_NOT_RULE]`,
    ]);
    expect(r.stderr).toContain("in 2 rules\n");
  });

  it("an unknown event category: a warning suggesting the ECS one; not with --no-schema", async () => {
    const text = testRuleToml("t", "sequence [proces where true] [netwrok where true] [any where true]");
    const dir = ruleDir({ "t.toml": text });
    const r = await cli(["check", "--rules", dir]);
    expect(r.status).toBe(0);
    const line = lineOf(text, "sequence");
    expect(heads(r.stdout)).toEqual([
      `${join(dir, "t.toml")}:${line}:11: warning: unknown event category "proces" (not among the schema's event.category values): did you mean process? [LINT_UNKNOWN_CATEGORY]`,
      `${join(dir, "t.toml")}:${line}:31: warning: unknown event category "netwrok" (not among the schema's event.category values): did you mean network? [LINT_UNKNOWN_CATEGORY]`,
    ]);
    const plain = await cli(["check", "--rules", dir, "--no-schema"]);
    expect(plain.stdout).toBe("");
    const query = await cli(["check", "proces where true"]);
    expect(query.stdout).toContain("[LINT_UNKNOWN_CATEGORY]");
  });

  it('type = "eql" with another language is an error', async () => {
    const text = testRuleToml("t", Q).replace('language = "eql"', 'language = "kuery"');
    const dir = ruleDir({ "t.toml": text });
    const r = await cli(["check", "--rules", dir]);
    expect(r.status).toBe(1);
    expect(heads(r.stdout)).toEqual([
      `${join(dir, "t.toml")}:${lineOf(text, "language")}:1: error: rule.language: an EQL rule's language must be "eql", not "kuery" [RULE_BAD_VALUE]`,
    ]);
  });

  it("a file with several mistakes: all of them in one run, in file order", async () => {
    const text = [
      "[metadata]",
      'maturiy = "production"',
      "",
      "[rule]",
      'name = "Several"',
      'description = "d"',
      'type = "eql"',
      'language = "eql"',
      'index = ["logs-*"]',
      'severity = "urgent"',
      "risk_score = 70",
      'form = "now-9m"',
      "query = '''",
      'process where process.name == "curl" and',
      "'''",
      "",
    ].join("\n");
    const dir = ruleDir({
      "several.toml": text,
      "dup1.toml": testRuleToml("d", Q),
      "dup2.toml": testRuleToml("d", Q),
    });
    const r = await cli(["check", "--rules", dir]);
    expect(r.status).toBe(1);
    const f = join(dir, "several.toml");
    expect(heads(r.stdout)).toEqual([
      `${join(dir, "dup2.toml")}:2:1: error: rule.rule_id: rule_id "d" is already used by the rule at ${join(dir, "dup1.toml")}:2 [RULE_DUPLICATE_ID]`,
      `${f}:2:1: error: metadata.maturiy: unknown key "maturiy": did you mean "maturity"? [RULE_UNKNOWN_KEY]`,
      `${f}:4:1: error: rule.rule_id: missing required key "rule_id" [RULE_MISSING_KEY]`,
      `${f}:10:1: error: rule.severity: severity must be one of low, medium, high, critical, not "urgent" [RULE_BAD_VALUE]`,
      `${f}:12:1: error: rule.form: unknown key "form": did you mean "from"? [RULE_UNKNOWN_KEY]`,
      // The end of the query is the line break before its closing quotes.
      `${f}:15:1: error: rule.query: unexpected end of input: expected an expression but found end of input [EQL_UNEXPECTED_END]`,
    ]);
    expect(r.stderr).toContain("check: 6 errors, 0 warnings, 0 notes in 3 rules\n");
  });

  it("a rule that fails on its keys still has its query linted, with its category field", async () => {
    const text = testRuleToml("t", "proces where process.pid == 1").replace(
      "risk_score = 70",
      "risk_scor = 70",
    );
    const rule = {
      rule_id: "n",
      name: "N",
      description: "d",
      type: "eql",
      language: "eql",
      index: ["logs-*"],
      risk_score: 1,
      severity: "urgent",
      event_category_override: "event.type",
      query: "info where true",
    };
    const lines = [
      JSON.stringify(rule),
      JSON.stringify({ ...rule, rule_id: "m", query: "infoo where true" }),
    ];
    const dir = ruleDir({ "t.toml": text, "o.ndjson": `${lines.join("\n")}\n` });
    const r = await cli(["check", "--rules", dir]);
    expect(r.status).toBe(1);
    const t = join(dir, "t.toml");
    const o = join(dir, "o.ndjson");
    const col = (line: string, needle: string) => line.indexOf(needle) + 1;
    const severity =
      'severity: severity must be one of low, medium, high, critical, not "urgent" [RULE_BAD_VALUE]';
    expect(heads(r.stdout)).toEqual([
      `${o}:1:${col(lines[0] as string, '"severity"')}: error: ${severity}`,
      `${o}:2:${col(lines[1] as string, '"severity"')}: error: ${severity}`,
      `${t}:1:1: error: rule.risk_score: missing required key "risk_score" [RULE_MISSING_KEY]`,
      `${t}:${lineOf(text, "risk_scor")}:1: error: rule.risk_scor: unknown key "risk_scor": did you mean "risk_score"? [RULE_UNKNOWN_KEY]`,
      `${o}:2:${col(lines[1] as string, "infoo")}: warning: unknown event category "infoo" (not among the schema's event.type values): did you mean info? [LINT_UNKNOWN_CATEGORY]`,
      `${t}:${lineOf(text, "proces")}:1: warning: unknown event category "proces" (not among the schema's event.category values): did you mean process? [LINT_UNKNOWN_CATEGORY]`,
    ]);
    expect(r.stderr).toContain("check: 4 errors, 2 warnings, 0 notes in 3 rules\n");
  });

  it("the shipped rule loads with no finding but its case-sensitivity notes", async () => {
    const r = await cli(["check", "--rules", RULES, "--enable", "LINT_CASE_SENSITIVE"]);
    expect(r.status).toBe(0);
    const codes = new Set(heads(r.stdout).map((h) => /\[([A-Z_]+)\]$/.exec(h)?.[1]));
    expect([...codes]).toEqual(["LINT_CASE_SENSITIVE"]);
  });
});

describe.concurrent("run --rules: mistakes in rule files", { timeout: 60_000 }, () => {
  it("runs the rules that load, reports the others and exits 1", async () => {
    const events = [1, 2].map((s) => JSON.stringify(processEvent(s, { process: { pid: 1 } }))).join("\n");
    const dir = ruleDir({
      "good.toml": testRuleToml("good", Q),
      "z-copy.toml": testRuleToml("good", Q).replace('name = "Rule good"', 'name = "Copy"'),
      "typo.toml": testRuleToml("typo", Q).replace("risk_score", "risk_scor"),
      "events.ndjson": `${events}\n`,
    });
    const r = await cli(["run", "--rules", dir, "--no-window"], { input: events });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /z-copy\.toml:2:1: error: rule\.rule_id: rule_id "good" is already used by the rule at .*good\.toml:2 \[RULE_DUPLICATE_ID\]/,
    );
    expect(r.stderr).toMatch(
      /typo\.toml:\d+:1: error: rule\.risk_scor: unknown key "risk_scor": did you mean "risk_score"\? \[RULE_UNKNOWN_KEY\]/,
    );
    expect(r.stderr).toMatch(/events\.ndjson:1:1: error: this looks like an event, not a rule/);
    expect(r.stderr).toContain("rules: 1 loaded, 3 failed to load");
    const alerts = ndjson(r.stdout);
    expect(alerts).toHaveLength(2);
    expect(alerts.every((a) => a["kibana.alert.rule.rule_id"] === "good")).toBe(true);
  });

  it("a folder without rules: the error names it, nothing runs, status 1", async () => {
    const dir = ruleDir({ "notes.txt": "x\n" });
    const r = await cli(["run", "--rules", dir, "--no-window", KUBELET_EVENTS]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${dir}: error: no rule file`);
    expect(r.stderr).toContain("[RULE_NO_RULES]");
    expect(r.stderr).toContain(`run: no rule loaded from ${dir}; nothing to run`);
    expect(r.stdout).toBe("");
  });
});
