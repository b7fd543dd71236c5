/**
 * A sequence in a rule set does not evaluate the filters no partial sequence needs for an event
 * that only lets time pass, unless the rule set must know whether the event matched some rule
 * (`stats().matched`) and no other rule did.
 */
import { describe, expect, it } from "vitest";
import { stageEvaluation } from "../../src/engine/sequence.js";
import { compileRules } from "../../src/rules/rule-set.js";
import { countingFunction, testRule } from "../helpers/rules.js";

function setUp() {
  const tick = countingFunction();
  const options = { compile: { functions: [tick.def] } };
  const rules = [
    testRule(
      "seq",
      "sequence by k with maxspan=1m [process where x == 1] [network where tick(x)]",
      {},
      options,
    ),
    testRule("net", "network where k == 1", {}, options),
  ];
  return { rules, calls: tick.calls };
}

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const events = [
  // No partial sequence waits: the second rule matches, so the sequence's filter is not needed.
  { "@timestamp": at(1), event: { category: "network" }, k: 1, x: 1 },
  // Nothing else matches: the filter is evaluated to count the event as matched.
  { "@timestamp": at(2), event: { category: "network" }, k: 2, x: 1 },
  // A partial sequence for k = 1, then the event that completes it (the filter is needed).
  { "@timestamp": at(3), event: { category: "process" }, k: 1, x: 1 },
  { "@timestamp": at(4), event: { category: "network" }, k: 1, x: 1 },
  // Matches no term of either rule.
  { "@timestamp": at(5), event: { category: "file" }, k: 1, x: 1 },
];

function run(lazy: boolean) {
  const { rules, calls } = setUp();
  stageEvaluation.lazy = lazy;
  try {
    const set = compileRules(rules, { window: false, now: Date.parse(at(60)) });
    const alerts = [...set.pushBatch(events), ...set.end()];
    return { alerts, stats: set.stats(), reports: set.reports(), calls: calls() };
  } finally {
    stageEvaluation.lazy = true;
  }
}

describe("a filter nothing waits for", () => {
  it("is evaluated only when no other rule tells that the event matched", () => {
    const lazy = run(true);
    expect(lazy.calls).toBe(2);
    // Two events of the event rule; the sequence's shell and its two building blocks.
    expect(lazy.alerts).toHaveLength(5);
    expect(lazy.stats.matched).toBe(4);
    expect(lazy.reports.map((r) => r.matched)).toEqual([1, 2]);
  });

  it("leaves every answer and count as evaluating every filter of every event gives", () => {
    const lazy = run(true);
    const eager = run(false);
    expect(eager.calls).toBe(3);
    expect(lazy.alerts).toEqual(eager.alerts);
    expect(lazy.stats).toEqual(eager.stats);
    expect(lazy.reports).toEqual(eager.reports);
  });
});
