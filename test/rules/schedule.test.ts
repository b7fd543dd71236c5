/** simulateSchedule: runs every interval, overlapping windows de-duplicate, short look-backs leave gaps. */
import { describe, expect, it } from "vitest";
import { ruleFromObject } from "../../src/rules/from-object.js";
import { simulateSchedule } from "../../src/rules/schedule.js";
import { curlEvent, ruleObject } from "./helpers.js";

const events = ["10:01:00", "10:04:00", "10:07:30", "10:12:00", "10:13:30"].map((t) =>
  curlEvent(`2026-05-04T${t}Z`),
);

describe("schedule simulation", () => {
  it("covers everything once with Kibana's overlapping look-back (from now-9m, every 5m)", () => {
    const rule = ruleFromObject(ruleObject({ from: "now-9m" }));
    const sim = simulateSchedule(rule, events, {
      start: "2026-05-04T10:05:00Z",
      end: "2026-05-04T10:20:00Z",
    });
    expect(sim.runs.map((r) => r.at)).toEqual([
      "2026-05-04T10:05:00.000Z",
      "2026-05-04T10:10:00.000Z",
      "2026-05-04T10:15:00.000Z",
      "2026-05-04T10:20:00.000Z",
    ]);
    expect(sim.runs.map((r) => r.alerts.length)).toEqual([2, 1, 2, 0]);
    // The second run saw 10:04 again (its window starts 10:01) but did not alert twice.
    expect(sim.runs[1]?.report.duplicates).toBe(1);
    expect(sim.alerts).toHaveLength(5);
    expect(sim.gaps).toEqual([]);
  });

  it("reports the time no run covers when the look-back is shorter than the interval", () => {
    const rule = ruleFromObject(ruleObject({ from: "now-3m", interval: "5m" }));
    const sim = simulateSchedule(rule, events, {
      start: "2026-05-04T10:05:00Z",
      end: "2026-05-04T10:15:00Z",
    });
    expect(sim.gaps).toEqual([
      { from: "2026-05-04T10:05:00.000Z", to: "2026-05-04T10:07:00.000Z" },
      { from: "2026-05-04T10:10:00.000Z", to: "2026-05-04T10:12:00.000Z" },
    ]);
    // 10:04 (first window), 10:07:30 and 10:13:30 alert; 10:12:00 falls in a gap; 10:01 is before the first window.
    expect(sim.alerts.map((a) => a["kibana.alert.original_time"])).toEqual([
      "2026-05-04T10:04:00Z",
      "2026-05-04T10:07:30Z",
      "2026-05-04T10:13:30Z",
    ]);
  });

  it("counts runs that hit max_signals", () => {
    const rule = ruleFromObject(ruleObject({ from: "now-10m", max_signals: 1 }));
    const sim = simulateSchedule(rule, events, {
      start: "2026-05-04T10:10:00Z",
      end: "2026-05-04T10:15:00Z",
    });
    expect(sim.truncatedRuns).toBe(2);
    expect(sim.runs.map((r) => r.report.dropped)).toEqual([2, 2]);
  });
});
