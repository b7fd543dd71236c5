/** Options are read from their own properties only: a polluted Object.prototype changes nothing. */
import { describe, expect, it } from "vitest";
import {
  compile,
  compileRules,
  type EventsResult,
  explainQuery,
  ruleFromObject,
  rulesFromObjects,
  runRules,
  StateBudget,
} from "../../src/index.js";
import { curlEvent, ruleObject } from "../rules/helpers.js";

const PLANTED: Record<string, unknown> = {
  filter: () => false,
  size: 0,
  resultPosition: "nowhere",
  tiebreakerField: "nope",
  timestampField: "nope",
  eventCategoryField: "nope",
  functions: "not a list",
  maxSamplesPerKey: 0,
  presentFields: new Set<string>(),
  maxBytes: 1,
  maxTimeJump: -1,
  collectErrors: true,
  exceptions: "x",
  lateness: -5,
  presearch: "bogus",
  window: "bogus",
  memoryBudget: 1,
  maxSignals: 0,
};

function polluted<T>(f: () => T): T {
  const proto = Object.prototype as Record<string, unknown>;
  const added: string[] = [];
  try {
    for (const [k, v] of Object.entries(PLANTED)) {
      if (Object.hasOwn(proto, k)) continue;
      Object.defineProperty(proto, k, { value: v, configurable: true, writable: true, enumerable: false });
      added.push(k);
    }
    return f();
  } finally {
    for (const k of added) delete proto[k];
  }
}

const ev = { "@timestamp": 1, event: { category: "process" }, process: { name: "x" } };

describe("a polluted Object.prototype", () => {
  it("does not reach compile, run or stream options", () => {
    polluted(() => {
      const q = compile('process where process.name == "x"');
      expect(q.matches(ev)).toBe(true);
      expect((q.run([ev]) as EventsResult).events).toHaveLength(1);
      expect((q.run([ev], {}) as EventsResult).events).toHaveLength(1);
      expect(q.stream({}).push(ev)).toHaveLength(1);
      expect(compile('process where process.name == "x"', {}).matches(ev)).toBe(true);
      const seq = compile('sequence [process where process.name == "x"] [process where true]');
      expect(() => seq.stream()).not.toThrow();
      expect(() => new StateBudget({})).not.toThrow();
      expect(explainQuery('process where process.name == "x"', ev).result).toBe(true);
    });
  });

  it("does not reach rule loading, rule sets or runRules", () => {
    polluted(() => {
      const rule = ruleFromObject(ruleObject());
      expect(rulesFromObjects([ruleObject()]).rules).toHaveLength(1);
      const now = "2026-05-04T10:30:00.000Z";
      const events = [curlEvent("2026-05-04T10:25:00Z")];
      expect(runRules([rule], events, { now }).alerts).toHaveLength(1);
      const set = compileRules([rule], { now });
      set.pushBatch(events);
      expect(set.end()).toHaveLength(1);
    });
  });
});
