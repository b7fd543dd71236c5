import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { EventFilter } from "../../src/compile/query.js";
import { FilterSet } from "../../src/engine/filter.js";

/** A set of `n` filters where filter f matches events whose `bits` has bit f. */
function setOf(n: number): FilterSet {
  const set = new FilterSet();
  for (let f = 0; f < n; f++) set.add(((e: { bits: number[] }) => e.bits.includes(f)) as EventFilter);
  return set;
}

describe("FilterSet", () => {
  it("reports exactly the filters an event matched, with few and with many filters", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 24 }), fc.array(fc.nat(23)), (n, bits) => {
        const hits = setOf(n).evaluate({ bits });
        const want = Array.from({ length: n }, (_, f) => bits.includes(f));
        expect(hits).toEqual(want.some((b) => b) ? want : null);
      }),
    );
  });

  it("shares one read-only hits array between events with the same hits", () => {
    const set = setOf(3);
    const a = set.evaluate({ bits: [1] });
    expect(set.evaluate({ bits: [1] })).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
  });

  it("adds a filter once, and a throwing filter is a miss", () => {
    const set = new FilterSet();
    const f: EventFilter = () => true;
    expect(set.add(f)).toBe(0);
    expect(set.add(f)).toBe(0);
    set.add(() => {
      throw new Error("no");
    });
    expect(set.evaluate({})).toEqual([true, false]);
  });
});
