import { describe, expect, it } from "vitest";
import { compile } from "../../src/compile.js";
import { HEAP_OVERHEAD, StateBudget } from "../../src/engine/budget.js";
import type { QueryStream } from "../../src/engine/stream.js";
import type { EqlEvent, SequenceHit } from "../../src/types.js";
import { e, idsOf } from "./helpers.js";

const hits = (s: QueryStream<unknown>, ev: EqlEvent) => (s.push(ev) as SequenceHit[]).map(idsOf);

const PAIR = "sequence by k [A where true] [B where true]";

/** A budget whose entries may be charged `bytes` together. */
const room = (bytes: number) => new StateBudget({ maxBytes: bytes * HEAP_OVERHEAD });

/** What one partial sequence of PAIR (one small event, a one-digit key) is charged. */
function partialBytes(): number {
  const probe = compile(PAIR).stream({ budget: new StateBudget({ maxBytes: Number.POSITIVE_INFINITY }) });
  probe.push(e(0, 0, "A", { k: 0 }));
  expect(probe.stats.stateEntries).toBe(1);
  return probe.stats.stateBytes;
}

/** Whether `target` can be reached from `root` through properties, array elements, and map and set entries. */
function reaches(root: unknown, target: object): boolean {
  const seen = new Set<unknown>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === target) return true;
    if (typeof v !== "object" || v === null || seen.has(v)) continue;
    seen.add(v);
    if (v instanceof Map) for (const [k, x] of v) stack.push(k, x);
    else if (v instanceof Set) for (const x of v) stack.push(x);
    else for (const k of Reflect.ownKeys(v)) stack.push((v as Record<PropertyKey, unknown>)[k]);
  }
  return false;
}

describe("state budget in streams", () => {
  it("lets go of what it evicts: an evicted event is no longer reachable from the budget", () => {
    const per = partialBytes();
    const budget = room(2 * per);
    const s = compile(PAIR).stream({ budget });
    const events = Array.from({ length: 5 }, (_, i) => e(i, i, "A", { k: i }));
    for (const ev of events) s.push(ev);
    expect(s.stats.evicted).toBe(3);
    // The budget's entries lead to the matcher, its maps and everything it holds.
    expect(events.map((ev) => reaches(budget, ev))).toEqual([false, false, false, true, true]);
    expect(hits(s, e(5, 5, "B", { k: 4 }))).toEqual([[4, 5]]);
    expect(reaches(budget, events[4] as EqlEvent)).toBe(false);
  });

  it("charges a partial sequence for each event it holds and for its key", () => {
    const q = "sequence by k [A where true] [B where true] [C where true]";
    const budget = new StateBudget({ maxBytes: Number.POSITIVE_INFINITY, sizeOf: () => 1000 });
    const s = compile(q).stream({ budget });
    s.push(e(0, 0, "A", { k: "x" }));
    const one = s.stats.stateBytes;
    expect(one).toBeGreaterThan(1000);
    s.push(e(1, 1, "A", { k: "x".repeat(101) }));
    // A hundred more characters of key: at least two bytes each.
    expect(s.stats.stateBytes - one).toBeGreaterThanOrEqual(one + 200);
    const two = s.stats.stateBytes;
    s.push(e(2, 2, "B", { k: "x" }));
    // The same entry now holds a second event.
    expect(s.stats.stateEntries).toBe(2);
    expect(s.stats.stateBytes - two).toBeGreaterThanOrEqual(1000);
    expect(hits(s, e(3, 3, "C", { k: "x" }))).toEqual([[0, 2, 3]]);
    expect(s.stats.stateBytes).toBe(two - one);
  });

  it("evicts the least recently advanced partial sequences first and counts them", () => {
    const per = partialBytes();
    const s = compile(PAIR).stream({ budget: room(2 * per) });
    for (let i = 0; i < 5; i++) s.push(e(i, i, "A", { k: i }));
    expect(s.stats).toMatchObject({
      openSequences: 2,
      droppedByCap: 3,
      stateEntries: 2,
      stateBytes: 2 * per,
      evicted: 3,
      evictedBytes: 3 * per,
    });
    expect(hits(s, e(10, 10, "B", { k: 0 }))).toEqual([]);
    expect(hits(s, e(11, 11, "B", { k: 4 }))).toEqual([[4, 11]]);
    expect(hits(s, e(12, 12, "B", { k: 3 }))).toEqual([[3, 12]]);
    expect(s.stats.stateEntries).toBe(0);
  });

  it("keeps a partial sequence that advanced recently over an older untouched one", () => {
    const q = "sequence by k [A where true] [B where true] [C where true]";
    const probe = compile(q).stream({ budget: new StateBudget({ maxBytes: Number.POSITIVE_INFINITY }) });
    probe.push(e(0, 0, "A", { k: 0 }));
    probe.push(e(1, 1, "A", { k: 1 }));
    probe.push(e(2, 2, "B", { k: 0 }));
    // Room for what the probe holds (k=0 at stage 2, k=1 at stage 1) and nothing more.
    const s = compile(q).stream({ budget: room(probe.stats.stateBytes) });
    s.push(e(0, 0, "A", { k: 0 }));
    s.push(e(1, 1, "A", { k: 1 }));
    s.push(e(2, 2, "B", { k: 0 }));
    s.push(e(3, 3, "D", {}));
    expect(s.stats.evicted).toBe(0);
    s.push(e(4, 4, "A", { k: 2 })); // k=1 is the least recently charged
    expect(s.stats.droppedByCap).toBe(1);
    expect(hits(s, e(5, 5, "B", { k: 1 }))).toEqual([]);
    expect(hits(s, e(6, 6, "C", { k: 0 }))).toEqual([[0, 2, 6]]);
  });

  it("is shared by streams: one stream's new state evicts another's old state", () => {
    const per = partialBytes();
    const budget = room(4 * per);
    const first = compile(PAIR).stream({ budget });
    const second = compile(PAIR).stream({ budget });
    first.push(e(1, 1, "A", { k: 1 }));
    first.push(e(2, 2, "A", { k: 2 }));
    second.push(e(3, 3, "A", { k: 3 }));
    second.push(e(4, 4, "A", { k: 4 }));
    expect(budget.stats.evicted).toBe(0);
    second.push(e(5, 5, "A", { k: 5 }));
    expect(first.stats).toMatchObject({ openSequences: 1, droppedByCap: 1, evicted: 1, evictedBytes: per });
    expect(second.stats).toMatchObject({ openSequences: 3, droppedByCap: 0, evicted: 0 });
    expect(budget.stats).toMatchObject({
      entries: 4,
      bytes: 4 * per,
      evicted: 1,
      evictedBytes: per,
      owners: 2,
    });
    expect(hits(first, e(6, 6, "B", { k: 1 }))).toEqual([]);
    expect(hits(first, e(7, 7, "B", { k: 2 }))).toEqual([[2, 7]]);
    expect(budget.stats.entries).toBe(3);
  });

  it("comes back in the same order across streams when their snapshots are restored into one budget", () => {
    const per = partialBytes();
    const budget = room(4 * per);
    const a = compile(PAIR).stream({ budget });
    const b = compile(PAIR).stream({ budget });
    a.push(e(1, 1, "A", { k: 1 }));
    b.push(e(2, 2, "A", { k: 2 }));
    a.push(e(3, 3, "A", { k: 3 }));
    b.push(e(4, 4, "A", { k: 4 }));
    const [snapA, snapB] = [a.snapshot(), b.snapshot()].map((x) => JSON.parse(JSON.stringify(x)));
    const fresh = room(4 * per);
    // Restored in the other order: the budget merges them by when each entry was charged.
    const b2 = compile(PAIR).stream({ budget: fresh, restore: snapB });
    const a2 = compile(PAIR).stream({ budget: fresh, restore: snapA });
    expect(fresh.stats).toMatchObject({ entries: 4, bytes: 4 * per });
    b2.push(e(5, 5, "A", { k: 5 }));
    expect([a2.stats.droppedByCap, b2.stats.droppedByCap]).toEqual([1, 0]);
    b2.push(e(6, 6, "A", { k: 6 }));
    expect([a2.stats.droppedByCap, b2.stats.droppedByCap]).toEqual([1, 1]);
    b2.push(e(7, 7, "A", { k: 7 }));
    expect([a2.stats.droppedByCap, b2.stats.droppedByCap]).toEqual([2, 1]);
    expect(hits(a2, e(8, 8, "B", { k: 3 }))).toEqual([]);
    expect(hits(b2, e(9, 9, "B", { k: 4 }))).toEqual([[4, 9]]);
  });

  it("charges missing-stage times, waiting candidates and buffered events, and releases them", () => {
    const budget = new StateBudget({ maxBytes: Number.POSITIVE_INFINITY });
    const s = compile("sequence by k with maxspan=10ms [A where true] ![C where true]").stream({
      budget,
      lateness: 5,
    });
    s.push(e(1, 0, "A", { k: 1 }));
    expect(s.stats).toMatchObject({ buffered: 1, stateEntries: 1 });
    s.push(e(2, 6, "C", { k: 2 }));
    // A released to the matcher (a waiting candidate), C buffered.
    expect(s.stats).toMatchObject({ buffered: 1, pendingSequences: 1, stateEntries: 2 });
    s.push(e(3, 12, "D", {}));
    expect(s.stats).toMatchObject({ buffered: 0, pendingSequences: 1, stateEntries: 2 });
    expect(s.stats.stateBytes).toBe(budget.stats.bytes);
    const out = [...(s.push(e(4, 16, "D", {})) as SequenceHit[]), ...(s.end() as SequenceHit[])];
    expect(out.map(idsOf)).toEqual([[1, -1]]);
    // The times list for k=2 stays until a sweep finds it expired.
    expect(s.stats.pendingSequences).toBe(0);
    expect(s.stats.stateEntries).toBe(1);
  });

  it("bounds missing-stage times and waiting candidates, which a partial-sequence cap did not see", () => {
    const budget = new StateBudget({ maxBytes: 20_000 });
    const s = compile("sequence by k with maxspan=1h [A where true] ![C where true]").stream({ budget });
    for (let i = 0; i < 2000; i++) {
      s.push(e(i, i, "C", { k: `c${i}` }));
      s.push(e(i, i, "A", { k: `a${i}` }));
    }
    expect(s.stats.openSequences).toBe(0);
    expect(s.stats.stateBytes).toBeLessThanOrEqual(20_000);
    expect(s.stats.evicted).toBeGreaterThan(3000);
    expect(s.stats.droppedByCap).toBeGreaterThan(1000);
    expect(s.stats.evicted).toBe(budget.stats.evicted);
  });

  it("charges sample candidates and evicts whole keys", () => {
    const q = "sample by k [A where true] [B where true]";
    const budget = new StateBudget({ maxBytes: 3000 });
    const s = compile(q).stream({ budget });
    for (let i = 0; i < 100; i++) s.push(e(i, i, "A", { k: i }));
    expect(s.stats.stateBytes).toBeLessThanOrEqual(3000);
    expect(s.stats.evicted).toBeGreaterThan(0);
    const kept = s.stats.stateEntries;
    expect(kept + s.stats.evicted).toBe(100);
    s.push(e(100, 100, "B", { k: 99 }));
    s.push(e(101, 101, "B", { k: 0 }));
    expect((s.end() as SequenceHit[]).map(idsOf)).toEqual([[99, 100]]);
  });
});
