/** Rules over one prepared batch: the category pre-filter must not change what a query matches. */
import { describe, expect, it } from "vitest";
import { ruleFromObject } from "../../src/rules/from-object.js";
import { runRules } from "../../src/rules/run.js";

const rule = (query: string, extra: Record<string, unknown> = {}) =>
  ruleFromObject({
    rule_id: `r-${query.length}-${JSON.stringify(extra).length}`,
    name: query,
    description: "test",
    type: "eql",
    language: "eql",
    query,
    risk_score: 21,
    severity: "low",
    index: ["logs-*"],
    ...extra,
  });

const events = [
  { id: 1, "@timestamp": "2026-05-04T10:00:00Z", event: { category: ["process"] } },
  { id: 2, "@timestamp": "2026-05-04T10:00:01Z", event: { category: ["process", "network"] } },
  { id: 3, "@timestamp": "2026-05-04T10:00:02Z" },
  { id: 4, "@timestamp": "2026-05-04T10:00:03Z", "event.category": "network" },
  { id: 5, "@timestamp": "2026-05-04T10:00:04Z", kind: "network" },
];

const idsOf = (alerts: Record<string, unknown>[]) => alerts.map((a) => a.id);

describe("category pre-filter", () => {
  it("keeps events whose category field holds the query's category, in any shape", () => {
    const { alerts, reports } = runRules([rule("network where true")], events, { now: 0, window: false });
    expect(idsOf(alerts)).toEqual([2, 4]);
    // Only events of the category are searched.
    expect(reports[0]?.searched).toBe(2);
  });
  it("does not filter `any where` rules", () => {
    const { alerts } = runRules([rule("any where true")], events, { now: 0, window: false });
    expect(idsOf(alerts)).toEqual([1, 2, 3, 4, 5]);
  });
  it("uses the rule's event_category_override", () => {
    const r = rule("network where true", { event_category_override: "kind" });
    const { alerts } = runRules([r], events, { now: 0, window: false });
    expect(idsOf(alerts)).toEqual([5]);
  });
  it("gives each of many rules the same answer as running it alone", () => {
    const rules = ["process where true", "network where id > 1", "any where id == 3"].map((q) => rule(q));
    const together = runRules(rules, events, { now: 0, window: false }).alerts;
    const alone = rules.flatMap((r) => runRules([r], events, { now: 0, window: false }).alerts);
    expect(idsOf(together)).toEqual(idsOf(alone));
  });
});

describe("timestamps", () => {
  it("order a sequence rule by timestamp_field, and window it by timestamp_override", () => {
    const seq = rule("sequence [process where true] [network where true]", {
      timestamp_field: "t",
      timestamp_override: "event.ingested",
      from: "now-1m",
    });
    const evs = [
      { id: 1, t: 2, "@timestamp": 1, event: { category: "network", ingested: 59_000 } },
      { id: 2, t: 1, "@timestamp": 2, event: { category: "process", ingested: 59_500 } },
      { id: 3, t: 3, "@timestamp": 3, event: { category: "network", ingested: 1_000 } },
    ];
    const { alerts } = runRules([seq], evs, { now: 60_000 });
    // Ordered by t: 2 (process) then 1 (network); event 3 is outside the window by event.ingested.
    const blocks = alerts.filter((a) => a["kibana.alert.building_block_type"] === "default");
    expect(blocks.map((a) => a.id)).toEqual([2, 1]);
  });
});
