import { describe, expect, it } from "vitest";
import { compile } from "../../src/index.js";
import type { SequencesResult } from "../../src/types.js";
import { runSeq } from "./helpers.js";

const rows: [number, string, string | null][] = [
  [1, "alert_1", "win10"],
  [2, "alert_1", "win10"],
  [3, "alert_2", "win10"],
  [4, "alert_1", "win10"],
  [5, "alert_1", "fedora"],
  [6, "alert_2", "redhat"],
  [7, "alert_1", "redhat"],
  [8, "alert_1", null],
  [9, "alert_2", null],
];
const events = rows.map(([id, type, os]) => ({ id, event: { category: type }, os }));

describe("§9 samples", () => {
  it("sample-multi example", () => {
    expect(runSeq("sample by os [alert_1 where true] [alert_2 where true]", events)).toEqual([
      { keys: ["redhat"], ids: [7, 6] },
      { keys: ["win10"], ids: [1, 3] },
    ]);
  });
  it("max_samples_per_key 2", () => {
    expect(
      runSeq("sample by os [alert_1 where true] [alert_2 where true]", events, undefined, {
        maxSamplesPerKey: 2,
      }),
    ).toEqual([
      { keys: ["redhat"], ids: [7, 6] },
      { keys: ["win10"], ids: [1, 3] },
      { keys: ["win10"], ids: [2, 3] },
    ]);
  });
  it("no timestamp needed", () => {
    expect(() => compile("sample by os [alert_1 where true] [alert_2 where true]").run(events)).not.toThrow();
  });
  it("optional key allows null, null key sorts first", () => {
    expect(runSeq("sample by ?os [alert_1 where true] [alert_2 where true]", events)).toEqual([
      { keys: [null], ids: [8, 9] },
      { keys: ["redhat"], ids: [7, 6] },
      { keys: ["win10"], ids: [1, 3] },
    ]);
  });
  it("no event picked twice within one sample", () => {
    const evs = [{ id: 1, event: { category: "A" }, k: 1 }];
    expect(runSeq("sample by k [A where true] [A where true]", evs)).toEqual([]);
    const evs2 = [
      { id: 1, event: { category: "A" }, k: 1 },
      { id: 2, event: { category: "A" }, k: 1 },
    ];
    expect(runSeq("sample by k [A where true] [A where true]", evs2)).toEqual([{ keys: [1], ids: [1, 2] }]);
  });
  it("ignores time order", () => {
    const evs = [
      { id: 1, "@timestamp": 10, event: { category: "A" }, k: 1 },
      { id: 2, "@timestamp": 1, event: { category: "B" }, k: 1 },
    ];
    expect(runSeq("sample by k [B where true] [A where true]", evs)).toEqual([{ keys: [1], ids: [2, 1] }]);
    expect(runSeq("sample by k [A where true] [B where true]", evs)).toEqual([{ keys: [1], ids: [1, 2] }]);
  });
  it("keys ordered: numbers numerically, strings by code point", () => {
    const mk = (k: unknown, i: number) => [
      { id: `a${i}`, event: { category: "A" }, k },
      { id: `b${i}`, event: { category: "B" }, k },
    ];
    const evs = [...mk(10, 0), ...mk(9, 1), ...mk(100, 2)];
    expect(runSeq("sample by k [A where true] [B where true]", evs).map((s) => s.keys)).toEqual([
      [9],
      [10],
      [100],
    ]);
    const evs2 = [...mk("b", 0), ...mk("B", 1), ...mk("a", 2)];
    expect(runSeq("sample by k [A where true] [B where true]", evs2).map((s) => s.keys)).toEqual([
      ["B"],
      ["a"],
      ["b"],
    ]);
  });
  it("size limits the number of samples", () => {
    const evs = [];
    for (let i = 0; i < 15; i++)
      evs.push(
        { id: `a${i}`, event: { category: "A" }, k: i },
        { id: `b${i}`, event: { category: "B" }, k: i },
      );
    const r = runSeq("sample by k [A where true] [B where true]", evs);
    expect(r).toHaveLength(10);
    expect(r.map((s) => s.keys[0])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(runSeq("sample by k [A where true] [B where true]", evs, undefined, { size: 3 })).toHaveLength(3);
  });
  it("filter-level keys combine with sample keys", () => {
    const evs = [
      { id: 1, event: { category: "A" }, h: "x", a: 1 },
      { id: 2, event: { category: "B" }, h: "x", b: 1 },
      { id: 3, event: { category: "B" }, h: "x", b: 2 },
    ];
    expect(runSeq("sample by h [A where true] by a [B where true] by b", evs)).toEqual([
      { keys: ["x", 1], ids: [1, 2] },
    ]);
  });
  it("multi-valued key: event takes part for each value", () => {
    const evs = [
      { id: 1, event: { category: "A" }, k: ["x", "y"] },
      { id: 2, event: { category: "B" }, k: "y" },
    ];
    expect(runSeq("sample by k [A where true] [B where true]", evs)).toEqual([{ keys: ["y"], ids: [1, 2] }]);
  });
  it("only first F + M - 1 candidates per filter are considered", () => {
    // F = 2, M = 1 → first 2 candidates per filter. Filter A: e1, e2 (e3 dropped).
    const evs = [
      { id: 1, event: { category: "A" }, k: 1, n: 1 },
      { id: 2, event: { category: "A" }, k: 1, n: 2 },
      { id: 3, event: { category: "A" }, k: 1, n: 3 },
      { id: 4, event: { category: "B" }, k: 1 },
    ];
    expect(runSeq("sample by k [A where true] [B where true]", evs)).toEqual([{ keys: [1], ids: [1, 4] }]);
  });
  it("result shape has join_keys", () => {
    const r = compile("sample by os [alert_1 where true] [alert_2 where true]").run(
      events,
    ) as SequencesResult;
    expect(r.sequences[0]?.join_keys).toEqual(["redhat"]);
  });
  it("maxSamplesPerKey must be ≥ 1", () => {
    expect(() =>
      compile("sample by os [alert_1 where true] [alert_2 where true]").run(events, { maxSamplesPerKey: 0 }),
    ).toThrow();
  });
});
