import { describe, expect, it } from "vitest";
import { compile } from "../../src/index.js";
import { m, runIds, seqIds } from "./helpers.js";

describe("§12 options", () => {
  it("timestampField", () => {
    const evs = [
      { id: 1, ts: 2 },
      { id: 2, ts: 1 },
    ];
    expect(runIds("any where true", evs, { timestampField: "ts" })).toEqual([2, 1]);
  });
  it("timestampField for sequences", () => {
    const evs = [
      { id: 1, ts: 0, event: { category: "A" } },
      { id: 2, ts: 2000, event: { category: "B" } },
    ];
    expect(
      seqIds("sequence with maxspan=2s [A where true] [B where true]", evs, { timestampField: "ts" }),
    ).toEqual([[1, 2]]);
  });
  it("size and resultPosition at compile time", () => {
    const evs = Array.from({ length: 5 }, (_, i) => ({ id: i, "@timestamp": i }));
    expect(runIds("any where true", evs, { size: 2 })).toEqual([3, 4]);
    expect(runIds("any where true", evs, { size: 2, resultPosition: "head" })).toEqual([0, 1]);
    expect(runIds("any where true", evs, { size: 2 }, { size: 3 })).toEqual([2, 3, 4]);
  });
  it("size caps head/tail pipes", () => {
    const evs = Array.from({ length: 5 }, (_, i) => ({ id: i, "@timestamp": i }));
    expect(runIds("any where true | head 4", evs, { size: 2 })).toEqual([0, 1]);
  });
  it("invalid size rejected", () => {
    expect(() => compile("any where true", { size: -1 })).toThrow();
    expect(() => compile("any where true", { size: 1.5 })).toThrow();
  });
  it("case sensitivity summary", () => {
    const e = { event: { category: "process" }, s: "Abc" };
    expect(m('process where s == "abc"', e)).toBe(false);
    expect(m('process where s != "abc"', e)).toBe(true);
    expect(m('process where s in ("abc")', e)).toBe(false);
    expect(m('process where s like "abc"', e)).toBe(false);
    expect(m('process where s regex "abc"', e)).toBe(false);
    expect(m('process where s > "a"', e)).toBe(false);
    expect(m('process where s : "abc"', e)).toBe(true);
    expect(m('process where s in~ ("abc")', e)).toBe(true);
    expect(m('process where s like~ "abc"', e)).toBe(true);
    expect(m('process where s regex~ "abc"', e)).toBe(true);
    expect(m("PROCESS where true", e)).toBe(false);
    expect(m('process where S == "Abc"', e)).toBe(false);
  });
});

describe("§12 option validation", () => {
  const evs = Array.from({ length: 15 }, (_, i) => ({ id: i + 1, "@timestamp": i + 1 }));
  it('resultPosition other than "head"/"tail" is an error (run option)', () => {
    expect(() => compile("any where true").run(evs, { resultPosition: "middle" as never })).toThrow();
  });
  it('resultPosition other than "head"/"tail" is an error (compile option)', () => {
    expect(() => compile("any where true", { resultPosition: "HEAD" as never }).run(evs)).toThrow();
  });
  it("maxSamplesPerKey must be an integer ≥ 1", () => {
    const q = compile("sample by k [A where true] [B where true]");
    expect(() => q.run([], { maxSamplesPerKey: 0 })).toThrow();
    expect(() => q.run([], { maxSamplesPerKey: 1.5 })).toThrow();
  });
  it("sample size 0 → nothing", () => {
    const evs2 = [
      { id: 1, k: 1, event: { category: "A" } },
      { id: 2, k: 1, event: { category: "B" } },
    ];
    expect(seqIds("sample by k [A where true] [B where true]", evs2, undefined, { size: 0 })).toEqual([]);
  });
  it("filter option restricts the events (§12 [R], §8.5)", () => {
    expect(runIds("any where true", evs, { filter: (e: { id: number }) => e.id > 13 } as never)).toEqual([
      14, 15,
    ]);
  });
});

describe("§1.5 timestamps in sequences (more)", () => {
  it("sub-millisecond ISO timestamps order events", () => {
    const evs = [
      { id: 1, "@timestamp": 1, event: { category: "A" } },
      { id: 2, "@timestamp": 2, event: { category: "B" } },
      { id: 3, "@timestamp": "1970-01-01T00:00:00.0015Z", event: { category: "A" } },
    ];
    expect(seqIds("sequence [A where true] [B where true]", evs)).toEqual([[3, 2]]);
  });
  it("nanosecond maxspan precision (DESIGN.md)", () => {
    const q = "sequence with maxspan=1ms [A where true] [B where true]";
    const mk = (b: string) => [
      { id: 1, "@timestamp": "2020-01-01T00:00:00.000000000Z", event: { category: "A" } },
      { id: 2, "@timestamp": b, event: { category: "B" } },
    ];
    expect(seqIds(q, mk("2020-01-01T00:00:00.001000000Z"))).toEqual([[1, 2]]);
    expect(seqIds(q, mk("2020-01-01T00:00:00.001000001Z"))).toEqual([]);
  });
  it("timezone offsets", () => {
    const evs = [
      { id: 1, "@timestamp": "1970-01-01T00:00:00.001+01:00", event: { category: "A" } },
      { id: 2, "@timestamp": "1970-01-01T00:00:00.000Z", event: { category: "B" } },
    ];
    expect(seqIds("sequence [A where true] [B where true]", evs)).toEqual([[1, 2]]);
  });
  it("unparseable timestamp in a sequence is an error", () => {
    const evs = [
      { id: 1, "@timestamp": "not a date", event: { category: "A" } },
      { id: 2, "@timestamp": 2, event: { category: "B" } },
    ];
    expect(() => compile("sequence [A where true] [B where true]").run(evs)).toThrow();
  });
});

describe("filter hides events from every part of a sequence", () => {
  const ev = (id: number, t: number, cat: string, extra: Record<string, unknown> = {}) => ({
    id,
    "@timestamp": t,
    event: { category: cat },
    ...extra,
  });
  const ids = (r: unknown) =>
    (r as { sequences: { events: { missing?: true; _source: { id?: number } }[] }[] }).sequences.map((s) =>
      s.events.map((e) => (e.missing ? -1 : e._source.id)),
    );
  it("stages, until and missing-event lookups", () => {
    const evs = [ev(1, 1, "A"), ev(2, 2, "C", { hidden: true }), ev(3, 3, "B")];
    const visible = (e: { hidden?: boolean }) => e.hidden !== true;
    expect(ids(compile("sequence [A where true] [B where true] until [C where true]").run(evs))).toEqual([]);
    expect(
      ids(
        compile("sequence [A where true] [B where true] until [C where true]", { filter: visible }).run(evs),
      ),
    ).toEqual([[1, 3]]);
    const missing = "sequence with maxspan=1s [A where true] ![C where true] [B where true]";
    expect(ids(compile(missing).run(evs))).toEqual([]);
    expect(ids(compile(missing).run(evs, { filter: visible }))).toEqual([[1, -1, 3]]);
    // Filtered-out events need no timestamp.
    const noTime = [...evs, { id: 4, hidden: true, event: { category: "A" } }];
    expect(ids(compile(missing, { filter: visible }).run(noTime))).toEqual([[1, -1, 3]]);
  });
  it("a throwing filter excludes the event", () => {
    const q = compile("any where true", {
      filter: () => {
        throw new Error("boom");
      },
    });
    expect(q.matches({ a: 1 })).toBe(false);
  });
});
