/** Alerts are built for any event a rule matches, whatever else it carries, or their loss is reported. */
import { describe, expect, it } from "vitest";
import { ruleFromObject } from "../../src/rules/from-object.js";
import { compileRules } from "../../src/rules/rule-set.js";

const rule = (query: string) =>
  ruleFromObject({
    rule_id: "r-hostile",
    name: "hostile",
    description: "test",
    type: "eql",
    language: "eql",
    query,
    risk_score: 21,
    severity: "low",
    index: ["*"],
  });

const now = Date.parse("2026-05-04T10:05:00Z");
const proc = (extra: Record<string, unknown>) => ({
  "@timestamp": "2026-05-04T10:01:00Z",
  event: { category: ["process"] },
  process: { name: "curl" },
  ...extra,
});

function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

function runOne(event: Record<string, unknown>) {
  const set = compileRules([rule('process where process.name == "curl"')], { now });
  const alerts = [...set.push(event), ...set.end()];
  return { alerts, report: set.reports()[0] };
}

describe("alert building on hostile events", () => {
  it("a field nested 5,000 levels deep is cut at the depth limit, marked and counted", () => {
    const { alerts, report } = runOne(proc({ a: nested(5000), b: { c: nested(3000) } }));
    expect(alerts).toHaveLength(1);
    expect(report).toMatchObject({ matched: 1, alerts: 1, unbuilt: 0 });
    expect(report?.replaced).toBe(2);
    const text = JSON.stringify(alerts[0]);
    expect(text).toContain('"[too deep]"');
    expect(alerts[0]?.process).toEqual({ name: "curl" });
  });

  it("a value nested within the limit is kept exactly", () => {
    const { alerts, report } = runOne(proc({ a: nested(200) }));
    expect(alerts[0]?.a).toEqual(nested(200));
    expect(report?.replaced).toBe(0);
  });

  it("BigInt values become their exact decimal text", () => {
    const { alerts, report } = runOne(proc({ n: 12345678901234567890n, user: { id: [1n] } }));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.n).toBe("12345678901234567890");
    expect(alerts[0]?.user).toEqual({ id: ["1"] });
    expect(report?.replaced).toBe(0);
    expect(() => JSON.stringify(alerts)).not.toThrow();
  });

  it("a cycle is replaced by a marker and counted", () => {
    const self: Record<string, unknown> = { x: 1 };
    self.self = self;
    const list: unknown[] = [];
    list.push(list);
    const { alerts, report } = runOne(proc({ self, list }));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.self).toEqual({ x: 1, self: "[cycle]" });
    expect(alerts[0]?.list).toEqual(["[cycle]"]);
    expect(report?.replaced).toBe(2);
    expect(() => JSON.stringify(alerts)).not.toThrow();
  });

  it("a value seen twice without a cycle is copied twice, not marked", () => {
    const shared = { k: "v" };
    const { alerts, report } = runOne(proc({ one: shared, two: shared }));
    expect(alerts[0]?.one).toEqual({ k: "v" });
    expect(alerts[0]?.two).toEqual({ k: "v" });
    expect(report?.replaced).toBe(0);
  });

  it("a sequence whose events are deep, cyclic and BigInt still alerts", () => {
    const set = compileRules(
      [
        rule(
          'sequence by host.id [process where process.name == "curl"] [process where process.name == "curl"]',
        ),
      ],
      { now },
    );
    const self: Record<string, unknown> = {};
    self.self = self;
    set.push(proc({ host: { id: "h" }, a: nested(4000), self }));
    set.push({ ...proc({ host: { id: "h" }, n: 5n }), "@timestamp": "2026-05-04T10:02:00Z" });
    const alerts = set.end();
    expect(alerts).toHaveLength(3);
    expect(set.reports()[0]).toMatchObject({ matched: 1, alerts: 3, unbuilt: 0 });
    expect(() => JSON.stringify(alerts)).not.toThrow();
  });

  it("an event whose alert cannot be built is counted as unbuilt, never lost silently", () => {
    const event = proc({});
    Object.defineProperty(event, "boom", {
      enumerable: true,
      get() {
        throw new Error("no");
      },
    });
    const { alerts, report } = runOne(event);
    expect(alerts).toHaveLength(0);
    expect(report).toMatchObject({ matched: 1, alerts: 0, unbuilt: 1 });
  });
});
