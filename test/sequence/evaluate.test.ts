import { describe, expect, it } from "vitest";
import { compile } from "../../src/compile.js";
import { stageEvaluation } from "../../src/engine/sequence.js";
import type { EqlEvent, SequenceHit, SequencesResult } from "../../src/types.js";
import { countingFunction } from "../helpers/rules.js";
import { idsOf } from "./helpers.js";

/** A query whose A filter counts its calls (three stages by `runs`, one filter). */
function counted() {
  const tick = countingFunction();
  const compiled = compile(
    "sequence by k [A where tick(x)] with runs=3 [B where true] until [C where true]",
    {
      functions: [tick.def],
      size: 100,
    },
  );
  return { compiled, calls: tick.calls };
}

const events: EqlEvent[] = [];
for (let i = 0; i < 40; i++) {
  events.push({ id: i, "@timestamp": i, event: { category: ["A", "B", "C", "D"][i % 4] }, k: i % 3, x: 1 });
}
const aEvents = events.filter((e) => (e.event as { category: string }).category === "A").length;

describe("stage filters are evaluated once per event", () => {
  it("in a stream", () => {
    const { compiled, calls } = counted();
    const s = compiled.stream();
    for (const e of events) s.push(e);
    s.end();
    expect(calls()).toBe(aEvents);
  });

  it("in a batch run", () => {
    const { compiled, calls } = counted();
    compiled.run(events);
    expect(calls()).toBe(aEvents);
  });

  it("when the caller evaluates and pushes the hits", () => {
    const { compiled, calls } = counted();
    const s = compiled.stream();
    const out: SequenceHit[] = [];
    for (const e of events) out.push(...(s.pushEvaluated(e, s.evaluate(e)) as SequenceHit[]));
    out.push(...(s.end() as SequenceHit[]));
    expect(calls()).toBe(aEvents);
    const batch = (counted().compiled.run(events) as SequencesResult).sequences.map(idsOf);
    expect(out.map(idsOf)).toEqual(batch);
  });

  it("with one hit per distinct filter (runs share one; until has its own), null for none", () => {
    stageEvaluation.lazy = false;
    try {
      const s = counted().compiled.stream();
      expect(s.evaluate(events[0] as EqlEvent)).toEqual([true, false, false]);
      expect(s.evaluate(events[2] as EqlEvent)).toEqual([false, false, true]);
      expect(s.evaluate(events[3] as EqlEvent)).toBeNull();
      expect(s.evaluate(null as unknown as EqlEvent)).toBeNull();
    } finally {
      stageEvaluation.lazy = true;
    }
  });

  it("lazily: a later stage's filter and until's are left for when a partial sequence could use them", () => {
    const s = counted().compiled.stream();
    // The first stage matched: nothing waits for B or for until, so neither is evaluated.
    expect(s.evaluate(events[0] as EqlEvent)).toEqual([true, undefined, undefined]);
    // No filter evaluated at once matched: the others are, until one does (whether the event
    // takes part at all is exact).
    expect(s.evaluate(events[2] as EqlEvent)).toEqual([false, false, true]);
    expect(s.evaluate(events[3] as EqlEvent)).toBeNull();
    // Once a partial sequence is held, until is evaluated too; B only once one waits for B (after
    // three A events of a key).
    s.push(events[0] as EqlEvent);
    expect(s.evaluate(events[4] as EqlEvent)).toEqual([true, undefined, false]);
    s.push(events[12] as EqlEvent);
    s.push(events[24] as EqlEvent);
    expect(s.evaluate(events[4] as EqlEvent)).toEqual([true, false, false]);
  });

  it("lazily: a later stage no partial sequence waits for is not evaluated, in a stream and a batch", () => {
    const tick = countingFunction();
    const query = "sequence by k [A where x == 1] [B where tick(x)]";
    // B events before any A and with an A of another key: B's filter only once an A is held, and
    // on A events (already taking part through the first stage) not at all.
    const input: EqlEvent[] = [
      { id: 0, "@timestamp": 0, event: { category: "B" }, k: 1, x: 1 },
      { id: 1, "@timestamp": 1, event: { category: "A" }, k: 1, x: 1 },
      { id: 2, "@timestamp": 2, event: { category: "A" }, k: 2, x: 1 },
      { id: 3, "@timestamp": 3, event: { category: "B" }, k: 1, x: 1 },
      { id: 4, "@timestamp": 4, event: { category: "B" }, k: 2, x: 1 },
    ];
    const compiled = compile(query, { functions: [tick.def], size: 100 });
    const s = compiled.stream();
    const out: SequenceHit[] = [];
    for (const e of input) out.push(...(s.push(e) as SequenceHit[]));
    expect(out.map(idsOf)).toEqual([
      [1, 3],
      [2, 4],
    ]);
    // Event 0 needs B's filter to know it takes part (no other filter matched); events 3 and 4
    // reach B while partials wait there.
    expect(tick.calls()).toBe(3);
    tick.reset();
    expect((compiled.run(input) as SequencesResult).sequences.map(idsOf)).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(tick.calls()).toBe(3);
  });

  it("lazily: terms the caller says cannot match are not evaluated, and count as not matching", () => {
    const { compiled, calls } = counted();
    const s = compiled.stream();
    // Terms: 0 is A (three stages by runs), 1 is B, 2 is until.
    expect(s.evaluate(events[0] as EqlEvent, 0b110)).toBeNull();
    expect(calls()).toBe(0);
    expect(s.evaluate(events[0] as EqlEvent, 0b101)).toEqual([true, false, undefined]);
    expect(calls()).toBe(1);
    stageEvaluation.lazy = false;
    try {
      // Eagerly every filter is evaluated, whatever the caller says.
      const eager = counted();
      expect(eager.compiled.stream().evaluate(events[0] as EqlEvent, 0)).toEqual([true, false, false]);
      expect(eager.calls()).toBe(1);
    } finally {
      stageEvaluation.lazy = true;
    }
  });

  it("an event matching only a stage no partial waits for still takes part in time", () => {
    const query = "sequence by k [A where x == 1] [B where true]";
    // B at 10 with nothing held: it moves the late-event edge, so A at 5 is late after it.
    const s = compile(query).stream();
    expect(s.push({ id: 0, "@timestamp": 10, event: { category: "B" }, k: 1 })).toEqual([]);
    expect(() => s.push({ id: 1, "@timestamp": 5, event: { category: "A" }, k: 1, x: 1 })).toThrowError(
      expect.objectContaining({ code: "EQL_LATE_EVENT" }),
    );
    // Without a timestamp it is an error in a batch, as any event a term matches.
    expect(() =>
      compile(query).run([
        { id: 0, "@timestamp": 1, event: { category: "A" }, k: 2, x: 0 },
        { id: 1, event: { category: "B" }, k: 1 },
      ]),
    ).toThrowError(expect.objectContaining({ code: "EQL_MISSING_TIMESTAMP", eventIndex: 1 }));
  });

  it("without throwing on a hostile event", () => {
    const s = compile("sequence by k [A where true] [B where x == 1]").stream();
    const hostile = {
      "@timestamp": 1,
      event: { category: "B" },
      get x(): number {
        throw new Error("no");
      },
      get k(): number {
        throw new Error("no");
      },
    };
    expect(s.evaluate(hostile)).toBeNull();
    expect(
      s.push({
        "@timestamp": 0,
        event: { category: "A" },
        get k(): number {
          throw new Error("no");
        },
      }),
    ).toEqual([]);
  });
});
