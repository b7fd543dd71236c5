import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compile.js";
import type { EqlEvent, EventHit, SequenceHit, SequencesResult } from "../../src/types.js";
import { e, idsOf } from "./helpers.js";

const sorted = (list: number[][]) => list.map((x) => JSON.stringify(x)).sort();

function streamAll(query: string, events: EqlEvent[], options = {}): SequenceHit[] {
  const s = compile(query).stream(options);
  const out: SequenceHit[] = [];
  for (const ev of events) out.push(...(s.push(ev) as SequenceHit[]));
  out.push(...(s.end() as SequenceHit[]));
  return out;
}

describe("streams", () => {
  it("emit a sequence as soon as its last event arrives", () => {
    const s = compile("sequence by k [A where true] [B where true]").stream();
    expect(s.push(e(1, 1, "A", { k: 1 }))).toEqual([]);
    const out = s.push(e(2, 2, "B", { k: 1 })) as SequenceHit[];
    expect(out.map(idsOf)).toEqual([[1, 2]]);
    expect(s.stats.emitted).toBe(1);
  });

  it("hold a sequence with a trailing missing stage until maxspan has passed", () => {
    const s = compile("sequence with maxspan=10ms [A where true] ![B where true]").stream();
    expect(s.push(e(1, 0, "A"))).toEqual([]);
    expect(s.push(e(2, 10, "C"))).toEqual([]);
    expect((s.push(e(3, 11, "C")) as SequenceHit[]).map(idsOf)).toEqual([[1, -1]]);
  });

  it("emit event-query matches immediately", () => {
    const s = compile("A where x == 1").stream();
    expect((s.push(e(1, 1, "A", { x: 1 })) as EventHit[]).map((h) => h._source.id)).toEqual([1]);
    expect(s.push(e(2, 2, "A", { x: 2 }))).toEqual([]);
  });

  it("reject out-of-order events by default, with the event's position", () => {
    const s = compile("sequence [A where true] [B where true]").stream();
    s.push(e(1, 10, "A"));
    expect(() => s.push(e(2, 5, "B"))).toThrowError(
      expect.objectContaining({ code: "EQL_LATE_EVENT", eventIndex: 1 }),
    );
  });

  it("re-order events within the lateness window", () => {
    const events = [e(1, 10, "A"), e(2, 5, "A"), e(3, 20, "B")];
    const out = streamAll("sequence [A where true] [B where true]", events, { lateness: 10 });
    expect(out.map(idsOf)).toEqual([[1, 3]]);
  });

  it("count late events when asked to drop them", () => {
    const s = compile("sequence [A where true] [B where true]").stream({ onLate: "drop" });
    s.push(e(1, 10, "A"));
    s.push(e(2, 11, "A"));
    expect(s.push(e(3, 5, "B"))).toEqual([]);
    expect(s.stats.lateDropped).toBe(1);
  });

  it("release trailing-missing candidates in the order their windows close, each exactly when it closes", () => {
    // Candidates complete in the order k=1, k=2, k=3, but their windows (first + 10 ms) close at 13, 11, 15.
    const query = "sequence by k with maxspan=10ms [A where true] [B where true] ![C where true]";
    const starts = [e(1, 1, "A", { k: 2 }), e(2, 3, "A", { k: 1 }), e(3, 5, "A", { k: 3 })];
    const ends = [e(4, 6, "B", { k: 1 }), e(5, 7, "B", { k: 2 }), e(6, 8, "B", { k: 3 })];
    const two = compile(query).stream();
    const out: number[][] = [];
    const feed = (ev: EqlEvent) => out.push(...(two.push(ev) as SequenceHit[]).map(idsOf));
    for (const ev of [...starts, ...ends]) feed(ev);
    expect(two.stats.pendingSequences).toBe(3);
    feed(e(7, 11, "D"));
    expect(out).toEqual([]);
    feed(e(8, 12, "D"));
    expect(out).toEqual([[1, 5, -1]]);
    feed(e(9, 13, "C", { k: 1 }));
    feed(e(10, 14, "D"));
    expect(out).toEqual([[1, 5, -1]]);
    expect(two.stats.rejectedByMissing).toBe(1);
    expect(two.advanceTo(15)).toEqual([]);
    expect(two.waiting).toBe(true);
    expect((two.advanceTo(16) as SequenceHit[]).map(idsOf)).toEqual([[3, 6, -1]]);
    expect(two.waiting).toBe(false);
    expect(two.stats).toMatchObject({ pendingSequences: 0, emitted: 2, rejectedByMissing: 1 });
    // Released together, they come out in the order their windows closed.
    const three = compile(query).stream();
    for (const ev of [...starts, ...ends]) three.push(ev);
    expect((three.advanceTo(20) as SequenceHit[]).map(idsOf)).toEqual([
      [1, 5, -1],
      [2, 4, -1],
      [3, 6, -1],
    ]);
  });

  it("advance only by time with advanceTo: a buffered event is released when the window passes", () => {
    const s = compile("sequence [A where true] [B where true]").stream({ lateness: 5 });
    s.push(e(1, 10, "A"));
    s.push(e(2, 11, "B"));
    expect(s.waiting).toBe(true);
    expect(s.stats.buffered).toBe(2);
    expect(s.advanceTo(15)).toEqual([]);
    expect((s.advanceTo(17) as SequenceHit[]).map(idsOf)).toEqual([[1, 2]]);
    expect(s.waiting).toBe(false);
    expect(s.stats.eventsIn).toBe(2);
  });

  it("expire partial sequences once maxspan has passed", () => {
    const s = compile("sequence by k with maxspan=1s [A where true] [B where true]").stream();
    // One partial sequence per 10 ms; maxspan keeps ~100 alive, and sweeps run every ~1024 events.
    for (let i = 0; i < 5000; i++) s.push(e(i, i * 10, "A", { k: i }));
    expect(s.stats.expired).toBeGreaterThan(3800);
    expect(s.stats.openSequences).toBeLessThanOrEqual(1024 + 101);
    expect(s.stats.expired + s.stats.openSequences).toBe(5000);
  });

  it("work as an async iterable", async () => {
    async function* source() {
      yield e(1, 1, "A");
      yield e(2, 2, "B");
    }
    const out: unknown[] = [];
    for await (const hit of compile("sequence [A where true] [B where true]").runAsync(source()))
      out.push(hit);
    expect((out as SequenceHit[]).map(idsOf)).toEqual([[1, 2]]);
  });
});

describe("batch and stream agree", () => {
  const queries = [
    "sequence by k [A where true] [B where true]",
    "sequence by k with maxspan=5ms [A where true] [B where x > 1] [C where true]",
    "sequence by k [A where true] [B where true] until [C where true]",
    "sequence by k, ?j [A where true] [B where true] with runs=2",
    "sequence by k with maxspan=4ms [A where true] ![C where true] [B where true]",
    "sequence with maxspan=3ms ![C where true] [A where true] ![B where true]",
    "sequence with maxspan=6ms [A where true] [B where true] ![C where x == 2]",
    "sequence [A where x < 3] by k [A where true] by j",
  ];
  const event = fc.record({
    dt: fc.integer({ min: 0, max: 3 }),
    cat: fc.constantFrom("A", "B", "C", "D"),
    k: fc.oneof(fc.constantFrom(1, 2, 3), fc.constant([1, 2]), fc.constant(undefined)),
    j: fc.option(fc.constantFrom("p", "q"), { nil: undefined }),
    x: fc.integer({ min: 0, max: 3 }),
  });

  it.each(queries)("%s", (query) => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), (rows) => {
        let t = 0;
        const events = rows.map((r, i) => {
          t += r.dt;
          const ev: EqlEvent = { id: i, "@timestamp": t, event: { category: r.cat }, x: r.x };
          if (r.k !== undefined) ev.k = r.k;
          if (r.j !== undefined) ev.j = r.j;
          return ev;
        });
        const batch = (compile(query, { size: 100000 }).run(events) as SequencesResult).sequences.map(idsOf);
        const stream = streamAll(query, events).map(idsOf);
        expect(sorted(stream)).toEqual(sorted(batch));
      }),
      { numRuns: 150 },
    );
  });
});
