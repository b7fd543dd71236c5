import { describe, expect, it } from "vitest";
import { compile } from "../../src/compile.js";
import type { EqlEvent, SequenceHit, SequencesResult } from "../../src/types.js";
import { e, idsOf } from "./helpers.js";

const at = (id: number, iso: string, cat: string, k: number): EqlEvent => e(id, iso, cat, { k });
const PAIR = "sequence by k [A where true] [B where true]";

describe("time jumps in sequence streams", () => {
  it("set an event from 2099 aside instead of letting it make every later event late", () => {
    const s = compile(PAIR).stream();
    const events = [
      at(1, "2024-05-01T10:00:00Z", "A", 1),
      at(2, "2099-01-01T00:00:00Z", "A", 2),
      at(3, "2024-05-01T10:00:01Z", "B", 1),
      at(4, "2099-01-01T00:00:01Z", "B", 2),
    ];
    const out: SequenceHit[] = [];
    for (const ev of events) out.push(...(s.push(ev) as SequenceHit[]));
    expect(out.map(idsOf)).toEqual([[1, 3]]);
    expect(s.stats).toMatchObject({ futureSetAside: 2, futureHeld: 2, lateDropped: 0 });
    expect(s.waiting).toBe(true);
    // At the end the events set aside are matched in time order, as a batch run would.
    out.push(...(s.end() as SequenceHit[]));
    expect(out.map(idsOf)).toEqual([
      [1, 3],
      [2, 4],
    ]);
    const batch = (compile(PAIR).run(events) as SequencesResult).sequences.map(idsOf);
    expect(batch).toEqual(out.map(idsOf));
  });

  it("do not move the clock for an unrelated event from the future either", () => {
    const s = compile("sequence with maxspan=1s [A where true] ![B where true]").stream();
    s.push(at(1, "2024-05-01T10:00:00Z", "A", 1));
    expect(s.push(at(2, "2099-01-01T00:00:00Z", "C", 1))).toEqual([]);
    expect(s.stats.futureSetAside).toBe(1);
    expect(s.stats.futureHeld).toBe(0);
    // The candidate still waits: the clock stayed in 2024.
    expect(s.stats.pendingSequences).toBe(1);
    expect((s.push(at(3, "2024-05-01T10:00:02Z", "C", 1)) as SequenceHit[]).map(idsOf)).toEqual([[1, -1]]);
  });

  it("release a held event once the clock reaches it, and measure jumps from the injected clock", () => {
    let now = 1000;
    const s = compile(PAIR).stream({ maxTimeJump: 100, now: () => now });
    s.push({ id: 1, "@timestamp": 1000, event: { category: "A" }, k: 1 });
    s.push({ id: 2, "@timestamp": 1500, event: { category: "B" }, k: 1 });
    expect(s.stats).toMatchObject({ futureSetAside: 1, futureHeld: 1 });
    // Time moves in steps the guard accepts; the held B joins in its place.
    const out: SequenceHit[] = [];
    for (let t = 1100; t <= 1500; t += 100) {
      now = t;
      out.push(...(s.advanceTo(t) as SequenceHit[]));
    }
    expect(out.map(idsOf)).toEqual([[1, 2]]);
    expect(s.stats.futureHeld).toBe(0);
    expect(s.waiting).toBe(false);
  });

  it("accept any jump with maxTimeJump Infinity (the old behaviour)", () => {
    const s = compile(PAIR).stream({ maxTimeJump: Number.POSITIVE_INFINITY, onLate: "drop" });
    s.push(at(1, "2024-05-01T10:00:00Z", "A", 1));
    s.push(at(2, "2099-01-01T00:00:00Z", "A", 2));
    s.push(at(3, "2024-05-01T10:00:01Z", "B", 1));
    expect(s.stats).toMatchObject({ futureSetAside: 0, lateDropped: 1 });
  });
});
