import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IndexedHeap } from "../../src/engine/heap.js";

interface Item {
  heapIndex: number;
  v: number;
}

describe("IndexedHeap", () => {
  it("pops in order after any pushes and removals of arbitrary items", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (values, removals) => {
          const heap = new IndexedHeap<Item>((a, b) => a.v < b.v);
          const items = values.map((v) => ({ heapIndex: -1, v }));
          for (const it of items) heap.push(it);
          const removed = new Set<Item>();
          for (const r of removals) {
            if (items.length === 0) break;
            const it = items[r % items.length] as Item;
            heap.remove(it);
            removed.add(it);
            expect(it.heapIndex).toBe(-1);
          }
          const left = items.filter((it) => !removed.has(it)).map((it) => it.v);
          expect(heap.size).toBe(left.length);
          const out: number[] = [];
          for (let it = heap.pop(); it !== undefined; it = heap.pop()) out.push(it.v);
          expect(out).toEqual(left.sort((a, b) => a - b));
        },
      ),
    );
  });
});
