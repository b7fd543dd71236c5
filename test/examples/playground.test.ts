/**
 * The rule playground's logic in Node (the page itself is tested in Chromium under test/browser):
 * findings placed at their line and column in the rule and events editors, the run's alert rows and
 * sequence groups, explanations, fixtures, escaping, and the shareable link's round trip.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  display,
  explainEvent,
  fixtureFileFor,
  isBareQuery,
  queryFindings,
  readEvents,
  readExceptions,
  readRules,
  runFixtures,
  runOnce,
  visible,
} from "../../examples/browser/playground.js";
import { decodeCase, encodeCase } from "../../examples/browser/share.js";

const RULE = "rules/linux/lateral_movement_direct_kubelet_access_via_process_args";
const toml = readFileSync(`${RULE}.toml`, "utf8");
const eventsText = readFileSync("examples/kubelet-events.ndjson", "utf8");

/** The text a finding underlines. */
function underlined(text: string, f: { start: number; end: number }): string {
  return text.slice(f.start, f.end);
}

describe("rule editor", () => {
  it("tells a bare query from a TOML or JSON rule", () => {
    expect(isBareQuery('process where process.name == "curl"')).toBe(true);
    expect(isBareQuery("  sequence by host.id with maxspan=1m\n  [process where true]")).toBe(true);
    expect(isBareQuery("// a comment\nany where true")).toBe(true);
    expect(isBareQuery(toml)).toBe(false);
    expect(isBareQuery('name = "x"\nquery = "any where true"')).toBe(false);
    expect(isBareQuery('{"query": "any where true"}')).toBe(false);
  });

  it("reports a syntax error before a lexical one, as mini-eql check does", () => {
    const q = "process where process.name = \"x\" and a : 'y'";
    const { findings } = readRules(q);
    expect(findings.map((f) => [f.code, underlined(q, f)])).toEqual([
      ["EQL_ASSIGNMENT_AS_EQUALITY", "="],
      ["EQL_SINGLE_QUOTED_STRING", "'y'"],
    ]);
  });

  it("places a query error of a bare query at its column, with code and hint", () => {
    const text = 'process where process.name = "curl"';
    const { rules, findings } = readRules(text);
    expect(rules).toEqual([]);
    expect(findings).toEqual([
      expect.objectContaining({
        severity: "error",
        code: "EQL_ASSIGNMENT_AS_EQUALITY",
        line: 1,
        column: 28,
        hint: "use ==",
      }),
    ]);
    expect(underlined(text, findings[0]!)).toBe("=");
  });

  it("keeps the lint's wildcard finding instead of the compiler's, as check does", () => {
    const { rules, findings } = readRules('process where process.name == "cu*"');
    expect(rules).toHaveLength(1);
    expect(findings.map((f) => f.code)).toEqual(["LINT_WILDCARD_IN_EQUALITY", "LINT_CASE_SENSITIVE"]);
  });

  it("leaves out the findings a mini-eql: ignore comment silences, as check does", () => {
    const q = 'process where process.name == "cu*" // mini-eql: ignore LINT_CASE_SENSITIVE';
    expect(readRules(q).findings.map((f) => f.code)).toEqual(["LINT_WILDCARD_IN_EQUALITY"]);
    expect(queryFindings(q).map((f) => f.code)).toEqual(["LINT_WILDCARD_IN_EQUALITY"]);
  });

  it("maps the query's findings into a TOML rule file, through its multi-line string", () => {
    const broken = toml.replace('host.os.type == "linux"', 'host.os.type = "linux"');
    const error = readRules(broken).findings[0]!;
    expect(error).toMatchObject({ code: "EQL_ASSIGNMENT_AS_EQUALITY", line: 84, column: 28 });
    expect(error.message).toBe("rule.query: `=` is not an operator; compare with `==`");
    expect(underlined(broken, error)).toBe("=");
    const lint = readRules(toml).findings;
    expect(lint.map((f) => [f.line, f.column, f.code])).toEqual([
      [87, 3, "LINT_CASE_SENSITIVE"],
      [89, 3, "LINT_CASE_SENSITIVE"],
      [91, 1, "LINT_CASE_SENSITIVE"],
    ]);
    expect(underlined(toml, lint[0]!)).toMatch(/^process\.name like \("curl"/);
  });

  it("maps findings into Kibana JSON and NDJSON rules, through JSON escapes", () => {
    const rule = {
      rule_id: "r1",
      name: "Shell",
      type: "eql",
      language: "eql",
      index: ["logs-*"],
      severity: "low",
      risk_score: 21,
      query: 'process where\n  process.name like "bash"',
    };
    const json = JSON.stringify(rule, null, 2);
    const f = readRules(json).findings[0]!;
    expect(f.code).toBe("LINT_CASE_SENSITIVE");
    expect(underlined(json, f)).toBe('process.name like \\"bash\\"');
    const ndjson = `${JSON.stringify({ ...rule, rule_id: "r0", query: "any where true" })}\n${JSON.stringify({ ...rule, query: "any where a = 1" })}\n`;
    const read = readRules(ndjson);
    expect(read.rules).toHaveLength(1);
    expect(read.findings[0]).toMatchObject({ line: 2, code: "EQL_ASSIGNMENT_AS_EQUALITY" });
    expect(underlined(ndjson, read.findings[0]!)).toBe("=");
  });

  it("reports TOML syntax, missing keys and other rule types without the word undefined", () => {
    const bad = readRules('[rule]\nname = "x\n');
    expect(bad.findings[0]).toMatchObject({ severity: "error", code: "RULE_TOML_SYNTAX", line: 2 });
    const missing = readRules('[rule]\nname = "x"\ntype = "eql"\nlanguage = "eql"\n');
    expect(missing.findings[0]?.severity).toBe("error");
    const other = readRules('{"rule_id": "x", "name": "Q", "type": "query"}');
    expect(other.findings[0]?.message).toContain('not type "query"');
    const none = readRules('{"rule_id": "x"}');
    expect(none.findings.map((f) => f.message).join(" ")).not.toContain("undefined");
  });
});

describe("events editor", () => {
  it("reads NDJSON and points at a bad line", () => {
    const text = '{"a":1}\n\n{"b":\n{"c":3}\n[1]\n';
    const { events, offsets, findings } = readEvents(text);
    expect(events).toEqual([{ a: 1 }, { c: 3 }]);
    expect(offsets).toEqual([0, 15]);
    expect(findings.map((f) => [f.line, f.code])).toEqual([
      [3, "EVENTS_JSON_SYNTAX"],
      [5, "EVENTS_NOT_OBJECT"],
    ]);
  });

  it("reads a JSON array, with each event's offset", () => {
    const text = '[\n  {"a": 1},\n  2,\n  {"b": {"c": [1, "}"]}}\n]';
    const { events, offsets, findings } = readEvents(text);
    expect(events).toEqual([{ a: 1 }, { b: { c: [1, "}"] } }]);
    expect(offsets.map((o) => text.slice(o, o + 5))).toEqual(['{"a":', '{"b":']);
    expect(findings).toEqual([expect.objectContaining({ line: 3, code: "EVENTS_NOT_OBJECT" })]);
    expect(readEvents("[1,").findings[0]?.code).toBe("EVENTS_JSON_SYNTAX");
  });
});

describe("results", () => {
  const exceptions = readExceptions(readFileSync(`${RULE}.exceptions.json`, "utf8")).items;
  const { rules } = readRules(toml, exceptions);
  const { events } = readEvents(eventsText);

  it("gives the example's three alerts with their time, host and the query's values", () => {
    const { alerts, sequences } = runOnce(rules, events);
    expect(sequences).toEqual([]);
    expect(alerts.map((a) => [a.time, a.severity, a.host, a.event])).toEqual([
      ["2026-11-20T09:00:00.000Z", "high", "node-a", 0],
      ["2026-11-20T09:02:00.000Z", "high", "node-b", 3],
      ["2026-11-20T09:03:00.000Z", "high", "node-c", 4],
    ]);
    expect(alerts[0]?.values).toContainEqual({
      field: "process.args",
      value: ["curl", "-sk", "https://10.0.4.17:10250/pods"],
    });
  });

  it("groups a sequence's events under it, in order", () => {
    const seq = readRules(
      'sequence by host.name\n  [process where process.name == "curl"]\n  [process where process.name == "kubectl"]',
    );
    const { alerts, sequences } = runOnce(seq.rules, events);
    expect(alerts).toEqual([]);
    expect(sequences).toHaveLength(1);
    expect(sequences[0]?.rows.map((r) => [r.event, r.host])).toEqual([
      [0, "node-a"],
      [1, "node-a"],
    ]);
  });

  it("explains an event: the deciding clause and which array element matched which pattern", () => {
    const [x] = explainEvent(rules, events[0]!);
    expect(x?.tree.result).toBe(true);
    const leaves = JSON.stringify(x?.tree);
    expect(leaves).toContain(
      'process.args[2] \\"https://10.0.4.17:10250/pods\\" matched \\"http*:10250/*\\"',
    );
    const [no] = explainEvent(rules, events[1]!);
    expect(no?.tree.result).toBe(false);
  });

  it("runs the rule's fixtures and writes the events as a fixture file", () => {
    const { rows, error } = runFixtures(rules[0], readFileSync(`${RULE}.fixtures.json`, "utf8"));
    expect(error).toBeUndefined();
    expect(rows.length).toBeGreaterThan(20);
    expect(rows.every((r) => r.ok)).toBe(true);
    expect(rows.some((r) => r.expect === "suppressed")).toBe(true);
    const file = JSON.parse(fixtureFileFor(rules[0], events));
    expect(file.fixtures.map((f: { expect: string }) => f.expect)).toEqual([
      "alert",
      "no-alert",
      "no-alert",
      "alert",
      "alert",
      "no-alert",
      "no-alert",
      "no-alert",
    ]);
    // A fixture file written by the playground runs green against the same rule.
    expect(runFixtures(rules[0], JSON.stringify(file)).rows.every((r) => r.ok)).toBe(true);
    expect(runFixtures(rules[0], '{"fixtures": [{}]}').error).toContain("fixtures[0]");
  });
});

describe("display", () => {
  it("escapes control, separator and bidirectional characters", () => {
    expect(visible("a\u202eb\u0007c\nd")).toBe("a\\u202eb\\u0007c\\nd");
    expect(visible("a\nb", false)).toBe("a\nb");
    expect(display(undefined)).toBe("");
    expect(display(null)).toBe("");
    expect(display(Number.NaN)).toBe("null");
    expect(display({ a: ["x\u2028"] })).toBe('{"a":["x\\u2028"]}');
  });
});

describe("shareable link", () => {
  it("round-trips a case through the fragment, compressed", async () => {
    const c = { rule: toml, events: eventsText, exceptions: "", fixtures: "{}\u202e" };
    const fragment = await encodeCase(c);
    expect(fragment).toMatch(/^c1\.[A-Za-z0-9_-]+$/);
    expect(fragment.length).toBeLessThan((toml.length + eventsText.length) / 2);
    expect(await decodeCase(fragment)).toEqual(c);
    await expect(decodeCase("c1.AAAA")).rejects.toThrow("damaged");
    await expect(decodeCase("x")).rejects.toThrow("not made by this playground");
  });
});
