import { describe, expect, it } from "vitest";
import { compile } from "../../src/compile.js";
import type { FunctionDef } from "../../src/functions/types.js";
import type { EqlEvent, SequenceHit, SequencesResult } from "../../src/types.js";
import { idsOf } from "./helpers.js";

/** A query whose A filter counts its calls (three stages by `runs`, one filter). */
function counted() {
  let calls = 0;
  const tick: FunctionDef = {
    name: "tick",
    params: [{ name: "x", type: "any" }],
    returns: "boolean",
    hasInsensitiveVariant: false,
    create: () => () => {
      calls++;
      return true;
    },
  };
  const compiled = compile(
    "sequence by k [A where tick(x)] with runs=3 [B where true] until [C where true]",
    {
      functions: [tick],
      size: 100,
    },
  );
  return { compiled, calls: () => calls };
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
    const s = counted().compiled.stream();
    expect(s.evaluate(events[0] as EqlEvent)).toEqual([true, false, false]);
    expect(s.evaluate(events[2] as EqlEvent)).toEqual([false, false, true]);
    expect(s.evaluate(events[3] as EqlEvent)).toBeNull();
    expect(s.evaluate(null as unknown as EqlEvent)).toBeNull();
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
