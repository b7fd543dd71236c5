import { describe, expect, it } from "vitest";
import { estimateEventSize, MAX_NODES } from "../../src/engine/size.js";

describe("estimateEventSize", () => {
  it("grows with string lengths, fields and array elements", () => {
    const small = estimateEventSize({ a: "x" });
    expect(estimateEventSize({ a: "x".repeat(1000) })).toBe(small + 999);
    expect(estimateEventSize({ a: "x", b: "y" })).toBeGreaterThan(small);
    expect(estimateEventSize({ a: ["x", "y"] })).toBeGreaterThan(small);
  });

  it("visits a bounded number of values", () => {
    const wide = { list: Array.from({ length: 100_000 }, (_, i) => `value ${i}`) };
    const narrow = { list: Array.from({ length: MAX_NODES }, (_, i) => `value ${i}`) };
    // Every slot is counted, but only the first strings are visited.
    expect(estimateEventSize(wide)).toBeLessThan(estimateEventSize(narrow) + 8 * 100_000);
  });

  it("never throws on a hostile object", () => {
    const hostile = {
      ok: "x",
      get bad(): string {
        throw new Error("no");
      },
    };
    expect(estimateEventSize(hostile)).toBeGreaterThan(0);
  });
});
