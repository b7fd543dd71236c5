/**
 * A rule set's sequences joined on the host: what one host's events give does not depend on which
 * events of other hosts the rule matched, only on their time (the set's clock follows every event).
 * Over random streams of two hosts, events a little out of time order, with and without lateness,
 * host a's alerts are the same when host b's events match the rules and when the same events (same
 * times) match none of them.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AlertDocument } from "../../src/rules/alert.js";
import { ruleFromObject } from "../../src/rules/from-object.js";
import { compileRules } from "../../src/rules/rule-set.js";
import { ruleObject } from "./helpers.js";

const QUERIES = [
  'sequence by host.name with maxspan=30s [process where process.name == "a"] [process where process.name == "b"]',
  'sequence by host.name with maxspan=20s [process where process.name == "a"] ![process where process.name == "c"]',
  'sequence by host.name with maxspan=40s [process where process.name == "b"] ![process where process.name == "a"] [process where process.name == "c"]',
  'sequence by host.name [process where process.name == "a"] [process where process.name == "c"] until [process where process.name == "b"]',
];

const rules = QUERIES.map((query, i) =>
  ruleFromObject(ruleObject({ rule_id: `seq-${i}`, name: `sequence ${i}`, query, index: ["*"] })),
);

const T0 = Date.UTC(2026, 10, 30, 9, 0, 0);
const event = fc.record({
  host: fc.constantFrom("a", "b"),
  name: fc.constantFrom("a", "b", "c"),
  step: fc.integer({ min: 0, max: 8_000 }),
  back: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 5_000 })),
});

/** Host a's alerts over the stream, in the order they come, by id. */
function hostAlerts(
  stream: readonly { host: string; name: string; t: number }[],
  options: Record<string, unknown>,
): string[] {
  const set = compileRules(rules, { window: false, now: T0 + 86_400_000, ...options });
  const out: AlertDocument[] = [];
  for (const e of stream) {
    out.push(
      ...set.push({
        "@timestamp": new Date(e.t).toISOString(),
        event: { category: ["process"] },
        host: { name: e.host },
        process: { name: e.name },
      }),
    );
  }
  out.push(...set.end());
  return out
    .filter((a) => a["kibana.alert.building_block_type"] === undefined && a["host.name"] === "a")
    .map((a) => a["kibana.alert.uuid"] as string);
}

describe("sequences joined on the host", () => {
  it("give one host the same alerts whichever events of another host matched", () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 80 }), fc.constantFrom(0, 3_000), (rows, lateness) => {
        let t = T0;
        const stream = rows.map((r) => {
          t += r.step;
          return { host: r.host, name: r.name, t: t - r.back };
        });
        // Host b's events at the same times, matching none of the rules.
        const quiet = stream.map((e) => (e.host === "b" ? { ...e, name: "z" } : e));
        // Without a limit: with one, the newest max_signals are chosen over both hosts together.
        const options = { lateness, maxSignals: Number.POSITIVE_INFINITY };
        expect(hostAlerts(quiet, options)).toEqual(hostAlerts(stream, options));
      }),
      { numRuns: 400 },
    );
  });
});
