import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type BudgetOwner, Charged, HEAP_OVERHEAD, StateBudget } from "../../src/engine/budget.js";

/** An entry that records its eviction in a shared log. */
class Item extends Charged {
  constructor(
    readonly name: string,
    readonly log: string[],
  ) {
    super();
  }
  evict(): void {
    this.log.push(this.name);
  }
}

describe("StateBudget", () => {
  it("keeps what it charges at or below maxBytes / overhead, HEAP_OVERHEAD by default", () => {
    const log: string[] = [];
    const budget = new StateBudget({ maxBytes: 300 });
    expect(budget.maxCharged).toBe(300 / HEAP_OVERHEAD);
    const o = budget.owner();
    const room = Math.floor(budget.maxCharged / 10);
    for (let i = 0; i < room; i++) o.charge(new Item(`${i}`, log), 10);
    expect(log).toEqual([]);
    o.charge(new Item("next", log), 10);
    expect(log).toEqual(["0"]);
    expect(budget.stats.bytes * HEAP_OVERHEAD).toBeLessThanOrEqual(300);
    expect(budget.stats.maxBytes).toBe(300);
    // The memory held per live byte is the caller's to give when V8 is set up otherwise.
    const loose = new StateBudget({ maxBytes: 300, overhead: 3 });
    expect(loose.maxCharged).toBe(100);
    expect(HEAP_OVERHEAD).toBeGreaterThan(1);
  });

  it("evicts the least recently charged entry across all owners, and counts it against its owner", () => {
    const budget = new StateBudget({ maxBytes: 100, overhead: 1 });
    const a = budget.owner();
    const b = budget.owner();
    const log: string[] = [];
    const items = ["a1", "b1", "a2", "b2"].map((n) => new Item(n, log));
    const [a1, b1, a2, b2] = items as [Item, Item, Item, Item];
    a.charge(a1, 30);
    b.charge(b1, 30);
    a.charge(a2, 30);
    expect(log).toEqual([]);
    b.charge(b2, 30); // 120 > 100: a1 goes
    expect(log).toEqual(["a1"]);
    expect(a.stats).toEqual({ entries: 1, bytes: 30, evicted: 1, evictedBytes: 30 });
    expect(b.stats).toEqual({ entries: 2, bytes: 60, evicted: 0, evictedBytes: 0 });
    expect(budget.stats).toMatchObject({ entries: 3, bytes: 90, evicted: 1, evictedBytes: 30, owners: 2 });
    // Charging again makes an entry the most recent: b1 moves behind b2, so a2 is next, then b2.
    b.charge(b1, 40);
    a.charge(new Item("a3", log), 50);
    expect(log).toEqual(["a1", "a2", "b2"]);
    expect(budget.stats.bytes).toBe(90);
    expect(a.stats.evicted + b.stats.evicted).toBe(budget.stats.evicted);
  });

  it("evicts an entry larger than the whole budget at once", () => {
    const budget = new StateBudget({ maxBytes: 10 });
    const o = budget.owner();
    const log: string[] = [];
    o.charge(new Item("big", log), 11);
    expect(log).toEqual(["big"]);
    expect(o.stats).toEqual({ entries: 0, bytes: 0, evicted: 1, evictedBytes: 11 });
  });

  it("uncharges released entries and resizes without changing the order", () => {
    const budget = new StateBudget({ maxBytes: 100, overhead: 1 });
    const o = budget.owner();
    const log: string[] = [];
    const x = new Item("x", log);
    const y = new Item("y", log);
    o.charge(x, 50);
    o.charge(y, 40);
    o.resize(x, 10);
    expect(o.stats.bytes).toBe(50);
    o.charge(new Item("z", log), 60); // 110: x is still the oldest
    expect(log).toEqual(["x"]);
    o.release(y);
    o.release(y);
    expect(o.stats).toMatchObject({ entries: 1, bytes: 60 });
    expect(budget.stats).toMatchObject({ entries: 1, bytes: 60 });
  });

  it("computes an event's size once", () => {
    let calls = 0;
    const budget = new StateBudget({
      sizeOf: () => {
        calls++;
        return 7;
      },
    });
    const e = { a: 1 };
    expect(budget.sizeOf(e)).toBe(7);
    expect(budget.sizeOf(e)).toBe(7);
    expect(calls).toBe(1);
  });

  it("evicts at a full budget without looking at the other entries", () => {
    const n = 5000;
    const budget = new StateBudget({ maxBytes: n, overhead: 1 });
    const owner = budget.owner();
    const log: string[] = [];
    let looks = 0;
    // Each entry counts how often its recency stamp or list link is read.
    const watched = (name: string) => {
      const item = new Item(name, log);
      for (const key of ["stamp", "nextCharged"] as const) {
        let v = item[key];
        Object.defineProperty(item, key, {
          get() {
            looks++;
            return v;
          },
          set(x) {
            v = x;
          },
        });
      }
      return item;
    };
    for (let i = 0; i < n; i++) owner.charge(watched(`old${i}`), 1);
    looks = 0;
    for (let i = 0; i < 1000; i++) owner.charge(new Item(`new${i}`, log), 1);
    expect(log).toEqual(Array.from({ length: 1000 }, (_, i) => `old${i}`));
    // A constant number of reads per eviction, not a scan of the 5000 entries charged.
    expect(looks).toBeLessThan(10 * 1000);
  });

  it("rejects a negative or NaN limit, and an overhead below 1 or not finite", () => {
    expect(() => new StateBudget({ maxBytes: -1 })).toThrow(RangeError);
    expect(() => new StateBudget({ maxBytes: Number.NaN })).toThrow(RangeError);
    for (const overhead of [0.5, 0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new StateBudget({ overhead })).toThrow(RangeError);
    }
  });

  it("restores entries into their stamp order among entries already charged", () => {
    // Any interleaving of two owners' charges, restored owner by owner into a fresh budget, gives
    // the same eviction order as the original budget.
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 30 }), (who) => {
        const original = new StateBudget({ maxBytes: Infinity });
        const owners = [original.owner(), original.owner()] as const;
        const log: string[] = [];
        const charged: Item[][] = [[], []];
        who.forEach((second, i) => {
          const item = new Item(`${i}`, log);
          owners[second ? 1 : 0].charge(item, 1);
          charged[second ? 1 : 0]?.push(item);
        });
        const fresh = new StateBudget({ maxBytes: who.length, overhead: 1 });
        const restoredLog: string[] = [];
        const restored: BudgetOwner[] = [fresh.owner(), fresh.owner()];
        for (const o of [1, 0]) {
          const items = charged[o] as Item[];
          restored[o]?.restore(
            items.map((it) => new Item(it.name, restoredLog)),
            items.map((it) => it.stamp),
            items.map((it) => it.bytes),
          );
        }
        expect(fresh.stats.entries).toBe(who.length);
        // Shrinking to nothing evicts in the original order.
        const big = new Item("big", restoredLog);
        restored[0]?.charge(big, who.length);
        expect(restoredLog).toEqual(who.map((_, i) => `${i}`));
      }),
    );
  });
});
