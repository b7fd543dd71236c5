/**
 * The benchmark's hand-written predicate must agree with the fixture verdicts, or the comparison is void.
 * It also checks the fixture set itself.
 */
import { describe, expect, it } from "vitest";
import { kubeletBaseline } from "../../bench/baseline.mjs";
import { fixtures, negatives, positives } from "./fixtures.js";

describe("hand-written Kubelet baseline predicate", () => {
  it("has unique fixture ids and both kinds of fixture", () => {
    expect(new Set(fixtures.map((f) => f.id)).size).toBe(fixtures.length);
    // Distinct timestamps, so the expected `run` order does not depend on tie-breaking.
    expect(new Set(fixtures.map((f) => Date.parse(String(f.event["@timestamp"])))).size).toBe(
      fixtures.length,
    );
    expect(positives.every((f) => f.expected)).toBe(true);
    expect(negatives.every((f) => !f.expected)).toBe(true);
  });

  it.each(fixtures.map((f) => [f.id, f] as const))("%s", (_id, f) => {
    expect(kubeletBaseline(f.event), f.label).toBe(f.expected);
  });
});
