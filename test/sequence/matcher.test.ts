import { describe, expect, it } from "vitest";
import { buildPlan } from "../../src/compile/plan.js";
import { StateBudget } from "../../src/engine/budget.js";
import { SequenceMatcher } from "../../src/engine/sequence.js";
import { parseMapping } from "../../src/mapping.js";
import { parse } from "../../src/parse.js";
import type { EqlEvent } from "../../src/types.js";
import { e } from "./helpers.js";

function planOf(query: string) {
  const statement = parse(query);
  const env = {
    source: query,
    mapping: parseMapping(undefined),
    knownFields: null,
    functions: [],
    timestampField: "@timestamp",
    warnings: [],
  };
  const plan = buildPlan(statement, env, "event.category").sequence;
  if (!plan) throw new Error("not a sequence");
  return plan;
}

const ev = (id: number, t: number, cat: string, k: number): EqlEvent => e(id, t, cat, { k });
const ord = (t: number, index: number) => ({ timestamp: { millis: t, nanos: 0 }, tiebreaker: null, index });

/** Push events through a matcher, returning the ids of each completed sequence. */
function run(m: SequenceMatcher, events: EqlEvent[], from = 0): (number | null)[][] {
  const out: (number | null)[][] = [];
  events.forEach((e, i) => {
    const hits = m.evaluate(e);
    if (!hits) return;
    for (const c of m.push(e, ord(e["@timestamp"] as number, from + i), hits)) {
      out.push(c.events.map((x) => (x === null ? null : (x.id as number))));
    }
  });
  return out;
}

describe("SequenceMatcher", () => {
  const query = "sequence by k with maxspan=10ms [A where true] [B where true] ![C where true]";
  const events = [ev(1, 1, "A", 1), ev(2, 2, "A", 2), ev(3, 3, "B", 1), ev(4, 4, "C", 2), ev(5, 5, "B", 2)];

  it("snapshots and restores on its own, with a budget", () => {
    const plan = planOf(query);
    const ids = (m: SequenceMatcher, ms: number) =>
      m.advanceTo(ms).map((c) => c.events.map((x) => (x === null ? null : (x.id as number))));
    const whole = new SequenceMatcher(plan);
    const expected = [...run(whole, events), ...ids(whole, 20)];
    expect(expected).toEqual([
      [1, 3, null],
      [2, 5, null],
    ]);
    const first = new SequenceMatcher(plan, { budget: new StateBudget() });
    const got = run(first, events.slice(0, 3));
    expect(first.waiting).toBe(true);
    const snap = JSON.parse(JSON.stringify(first.snapshot()));
    expect(snap).toMatchObject({ version: 1, kind: "matcher" });
    const budget = new StateBudget();
    const second = new SequenceMatcher(plan, { budget, restore: snap });
    expect(second.stats).toEqual(first.stats);
    expect(second.waiting).toBe(true);
    expect(budget.stats.bytes).toBe(first.owner.stats.bytes);
    got.push(...run(second, events.slice(3), 3), ...ids(second, 20));
    expect(got).toEqual(expected);
    expect(second.stats).toEqual(whole.stats);
  });

  it("refuses a snapshot of another shape", () => {
    const snap = new SequenceMatcher(planOf(query)).snapshot();
    const other = planOf("sequence by k with maxspan=10ms [A where true] [B where true]");
    expect(() => new SequenceMatcher(other, { restore: snap })).toThrow(RangeError);
  });
});
