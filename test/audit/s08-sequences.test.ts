import { describe, expect, it } from "vitest";
import { compile } from "../../src/index.js";
import type { SequencesResult } from "../../src/types.js";
import { runSeq, seqIds } from "./helpers.js";

const ev = (
  id: unknown,
  cat: string | string[],
  t: number | string,
  extra: Record<string, unknown> = {},
) => ({
  id,
  "@timestamp": t,
  event: { category: cat },
  ...extra,
});

describe("§8.3 worked examples", () => {
  it("1. state machine with overwrite", () => {
    const rows: [number, string, string][] = [
      [1, "root", "a"],
      [2, "root", "a"],
      [3, "bee", "b"],
      [4, "root", "b"],
      [5, "root", "b"],
      [6, "bee", "a"],
      [7, "root", "a"],
      [8, "bee", "b"],
      [9, "root", "c"],
      [10, "bee", "c"],
      [11, "root", "c"],
    ];
    const evs = rows.map(([t, user, p]) => ev(`E${t}`, "process", t, { user, p }));
    const q = 'sequence by user [process where p=="a"] [process where p=="b"] [process where p=="c"]';
    expect(runSeq(q, evs)).toEqual([
      { keys: ["root"], ids: ["E2", "E4", "E9"] },
      { keys: ["bee"], ids: ["E6", "E8", "E10"] },
    ]);
  });
  const seven = Array.from({ length: 7 }, (_, i) => ev(i + 1, "process", i + 1, { n: i + 1 }));
  it("2. chaining without keys", () => {
    const q = "sequence [process where n <= 3] [process where true] [process where true]";
    expect(seqIds(q, seven)).toEqual([
      [1, 2, 3],
      [2, 3, 4],
      [3, 4, 5],
    ]);
    expect(runSeq(q, seven)[0]?.keys).toEqual([]);
  });
  it("3. middle filter", () => {
    const q = "sequence [process where true] [process where n <= 3] [process where true]";
    expect(seqIds(q, seven)).toEqual([
      [1, 2, 3],
      [2, 3, 4],
    ]);
  });
  it("4. keys line up by position", () => {
    const evs = [ev("E1", "A", 1, { pid: 5 }), ev("E2", "B", 2, { ppid: 5 })];
    expect(runSeq("sequence [A where true] by pid [B where true] by ppid", evs)).toEqual([
      { keys: [5], ids: ["E1", "E2"] },
    ]);
  });
  it("5. mandatory key missing", () => {
    const evs = [ev("E1", "A", 1, { user: "x" }), ev("E2", "B", 2), ev("E3", "B", 3, { user: "x" })];
    expect(seqIds("sequence by user [A where true] [B where true]", evs)).toEqual([["E1", "E3"]]);
  });
  it("5b. mandatory key null/[] is missing too", () => {
    const evs = [ev("E1", "A", 1, { user: null }), ev("E2", "B", 2, { user: [] })];
    expect(seqIds("sequence by user [A where true] [B where true]", evs)).toEqual([]);
  });
  it("6. optional key", () => {
    const evs = [ev("E1", "A", 1), ev("E2", "B", 2)];
    expect(runSeq("sequence by ?user [A where true] [B where true]", evs)).toEqual([
      { keys: [null], ids: ["E1", "E2"] },
    ]);
  });
  it("6b. optional key: null does not join a non-null", () => {
    const evs = [ev("E1", "A", 1), ev("E2", "B", 2, { user: "x" })];
    expect(seqIds("sequence by ?user [A where true] [B where true]", evs)).toEqual([]);
  });
  it("7. multi-valued key", () => {
    const evs = [ev("E1", "A", 1, { tag: ["x", "y"] }), ev("E2", "B", 2, { tag: ["y", "z"] })];
    expect(runSeq("sequence by tag [A where true] [B where true]", evs)).toEqual([
      { keys: ["y"], ids: ["E1", "E2"] },
    ]);
  });
  it("7b. both [x,y] → two sequences", () => {
    const evs = [ev("E1", "A", 1, { tag: ["x", "y"] }), ev("E2", "B", 2, { tag: ["x", "y"] })];
    const r = runSeq("sequence by tag [A where true] [B where true]", evs);
    expect(r).toHaveLength(2);
    expect(r.map((s) => s.keys).sort()).toEqual([["x"], ["y"]]);
    for (const s of r) expect(s.ids).toEqual(["E1", "E2"]);
  });
  it("7c. cartesian product of two keys", () => {
    const evs = [ev("E1", "A", 1, { u: "a", tags: ["x", "y"] }), ev("E2", "B", 2, { u: "a", tags: "y" })];
    expect(runSeq("sequence by u, tags [A where true] [B where true]", evs)).toEqual([
      { keys: ["a", "y"], ids: ["E1", "E2"] },
    ]);
  });
  it("8. maxspan inclusive", () => {
    const q = "sequence with maxspan=2s [A where true] [B where true]";
    expect(seqIds(q, [ev(1, "A", 0), ev(2, "B", 2000)])).toEqual([[1, 2]]);
    expect(seqIds(q, [ev(1, "A", 0), ev(2, "B", 2001)])).toEqual([]);
  });
  it("9. maxspan from the first event", () => {
    const q = "sequence with maxspan=5s [A where true] [B where true] [C where true]";
    expect(seqIds(q, [ev(1, "A", 0), ev(2, "B", 4000), ev(3, "C", 5500)])).toEqual([]);
    expect(seqIds(q, [ev(1, "A", 0), ev(2, "B", 4000), ev(3, "C", 5000)])).toEqual([[1, 2, 3]]);
  });
  describe("10. until", () => {
    const q = "sequence by id2 [A where true] [B where true] until [C where true]";
    const k = { id2: 1 };
    it("A, B", () => expect(seqIds(q, [ev("A", "A", 1, k), ev("B", "B", 2, k)])).toEqual([["A", "B"]]));
    it("A, B, C", () =>
      expect(seqIds(q, [ev("A", "A", 1, k), ev("B", "B", 2, k), ev("C", "C", 3, k)])).toEqual([["A", "B"]]));
    it("A, C, B", () =>
      expect(seqIds(q, [ev("A", "A", 1, k), ev("C", "C", 2, k), ev("B", "B", 3, k)])).toEqual([]));
    it("A1, C, A2, B", () =>
      expect(
        seqIds(q, [ev("A1", "A", 1, k), ev("C", "C", 2, k), ev("A2", "A", 3, k), ev("B", "B", 4, k)]),
      ).toEqual([["A2", "B"]]));
    it("A, C (other id), B", () =>
      expect(seqIds(q, [ev("A", "A", 1, k), ev("C", "C", 2, { id2: 2 }), ev("B", "B", 3, k)])).toEqual([
        ["A", "B"],
      ]));
    it("until event at the same ordinal as last event (inclusive bound)", () => {
      // an event that is both A and C: it kills its own partial sequence (until is inclusive)
      const evs = [ev("AC", ["A", "C"], 1, k), ev("B", "B", 2, k)];
      expect(seqIds(q, evs)).toEqual([]);
    });
    it("an until+stage event can be the final event", () => {
      const evs = [ev("A", "A", 1, k), ev("BC", ["B", "C"], 2, k)];
      expect(seqIds(q, evs)).toEqual([["A", "BC"]]);
    });
  });
  describe("11. equal timestamps", () => {
    const q = "sequence [A where true] [B where true]";
    it("input order decides", () => {
      expect(seqIds(q, [ev("E1", "A", 5), ev("E2", "B", 5)])).toEqual([["E1", "E2"]]);
      expect(seqIds(q, [ev("E2", "B", 5), ev("E1", "A", 5)])).toEqual([]);
    });
    it("tiebreaker orders them whatever the input order", () => {
      const evs = [
        ev("E2", "B", 5, { event: { category: "B", sequence: 2 } }),
        ev("E1", "A", 5, { event: { category: "A", sequence: 1 } }),
      ];
      expect(seqIds(q, evs, { tiebreakerField: "event.sequence" })).toEqual([["E1", "E2"]]);
    });
  });
  it("12. same filter twice", () => {
    const evs = Array.from({ length: 4 }, (_, i) => ev(i + 1, "A", i + 1, { n: i + 1 }));
    expect(seqIds("sequence [A where n < 5] [A where n < 5]", evs)).toEqual([
      [1, 2],
      [2, 3],
      [3, 4],
    ]);
  });
  it("13. runs = writing the term twice", () => {
    const evs = [
      ev(1, "A", 1),
      ev(2, "B", 2),
      ev(3, "B", 3),
      ev(4, "C", 4),
      ev(5, "B", 5),
      ev(6, "A", 6),
      ev(7, "B", 7),
      ev(8, "B", 8),
      ev(9, "C", 9),
    ];
    const a = seqIds("sequence [A where true] [B where true] with runs=2 [C where true]", evs);
    const b = seqIds("sequence [A where true] [B where true] [B where true] [C where true]", evs);
    expect(a).toEqual(b);
    expect(a).toEqual([
      [1, 2, 3, 4],
      [6, 7, 8, 9],
    ]);
  });
  it("runs with keys on the term", () => {
    const evs = [
      ev(1, "A", 1, { u: 1 }),
      ev(2, "B", 2, { u: 1 }),
      ev(3, "B", 3, { u: 2 }),
      ev(4, "B", 4, { u: 1 }),
    ];
    expect(seqIds("sequence [A where true] by u [B where true] by u with runs=2", evs)).toEqual([[1, 2, 4]]);
  });
});

describe("§8.1 keys", () => {
  it('key comparison is type-aware: "1" ≠ 1', () => {
    const evs = [ev(1, "A", 1, { u: "1" }), ev(2, "B", 2, { u: 1 })];
    expect(seqIds("sequence by u [A where true] [B where true]", evs)).toEqual([]);
  });
  it("key comparison is case-sensitive", () => {
    const evs = [ev(1, "A", 1, { u: "x" }), ev(2, "B", 2, { u: "X" })];
    expect(seqIds("sequence by u [A where true] [B where true]", evs)).toEqual([]);
  });
  it("until term keys: sequence keys + its own", () => {
    const q = "sequence by u [A where true] by a [B where true] by b until [C where true] by c";
    const evs = [ev(1, "A", 1, { u: 1, a: 7 }), ev(2, "C", 2, { u: 1, c: 8 }), ev(3, "B", 3, { u: 1, b: 7 })];
    expect(seqIds(q, evs)).toEqual([[1, 3]]);
    const evs2 = [
      ev(1, "A", 1, { u: 1, a: 7 }),
      ev(2, "C", 2, { u: 1, c: 7 }),
      ev(3, "B", 3, { u: 1, b: 7 }),
    ];
    expect(seqIds(q, evs2)).toEqual([]);
  });
  it("until event with a missing mandatory key has no effect", () => {
    const q = "sequence by u [A where true] [B where true] until [C where true]";
    expect(seqIds(q, [ev(1, "A", 1, { u: 1 }), ev(2, "C", 2), ev(3, "B", 3, { u: 1 })])).toEqual([[1, 3]]);
  });
});

describe("§8.2 rules", () => {
  it("maxspan units: 1d = 86 400 000 ms", () => {
    const q = "sequence with maxspan=1d [A where true] [B where true]";
    expect(seqIds(q, [ev(1, "A", 0), ev(2, "B", 86_400_000)])).toEqual([[1, 2]]);
    expect(seqIds(q, [ev(1, "A", 0), ev(2, "B", 86_400_001)])).toEqual([]);
  });
  it("maxspan ms, m, h", () => {
    expect(
      seqIds("sequence with maxspan=10ms [A where true] [B where true]", [ev(1, "A", 0), ev(2, "B", 10)]),
    ).toEqual([[1, 2]]);
    expect(
      seqIds("sequence with maxspan=10ms [A where true] [B where true]", [ev(1, "A", 0), ev(2, "B", 11)]),
    ).toEqual([]);
    expect(
      seqIds("sequence with maxspan=1m [A where true] [B where true]", [ev(1, "A", 0), ev(2, "B", 60_000)]),
    ).toEqual([[1, 2]]);
    expect(
      seqIds("sequence with maxspan=1h [A where true] [B where true]", [
        ev(1, "A", 0),
        ev(2, "B", 3_600_001),
      ]),
    ).toEqual([]);
  });
  it("maxspan discards the sequence but a later start can still match", () => {
    const q = "sequence with maxspan=5ms [A where true] [B where true]";
    expect(seqIds(q, [ev(1, "A", 0), ev(2, "A", 8), ev(3, "B", 10)])).toEqual([[2, 3]]);
  });
  it("an event cannot be used twice in one sequence (strict ordering)", () => {
    const evs = [ev(1, ["A", "B"], 1)];
    expect(seqIds("sequence [A where true] [B where true]", evs)).toEqual([]);
  });
  it("ISO timestamps and digit strings", () => {
    const evs = [ev(1, "A", "2020-01-01T00:00:00Z"), ev(2, "B", "2020-01-01T00:00:01Z")];
    expect(seqIds("sequence with maxspan=1s [A where true] [B where true]", evs)).toEqual([[1, 2]]);
    expect(seqIds("sequence with maxspan=999ms [A where true] [B where true]", evs)).toEqual([]);
    const evs2 = [ev(1, "A", "1"), ev(2, "B", "2")];
    expect(seqIds("sequence with maxspan=1ms [A where true] [B where true]", evs2)).toEqual([[1, 2]]);
  });
});

describe("§8.4 result order and limits", () => {
  it("sorted by last event", () => {
    const evs = [
      ev("A1", "A", 1, { k: "x" }),
      ev("A2", "A", 2, { k: "y" }),
      ev("B5", "B", 5, { k: "y" }),
      ev("B10", "B", 10, { k: "x" }),
    ];
    expect(seqIds("sequence by k [A where true] [B where true]", evs)).toEqual([
      ["A2", "B5"],
      ["A1", "B10"],
    ]);
  });
  it("tail default, head, size", () => {
    const evs: ReturnType<typeof ev>[] = [];
    for (let i = 0; i < 12; i++) evs.push(ev(`A${i}`, "A", 2 * i), ev(`B${i}`, "B", 2 * i + 1));
    const q = "sequence [A where true] [B where true]";
    const all = seqIds(q, evs, undefined, { size: 100 });
    expect(all).toHaveLength(12);
    expect(seqIds(q, evs)).toEqual(all.slice(2));
    expect(seqIds(q, evs, undefined, { resultPosition: "head" })).toEqual(all.slice(0, 10));
    expect(seqIds(q, evs, undefined, { size: 3 })).toEqual(all.slice(9));
    expect(seqIds(`${q} | head 50`, evs)).toEqual(all.slice(0, 10));
  });
});

describe("§8.6 missing events", () => {
  const T = (tag: string) => `[T where tag=="${tag}"]`;
  const tev = (id: string, t: number, tag: string) => ev(id, "T", t, { tag });
  const base = [
    tev("n1", 1, "normal"),
    tev("n2", 2, "normal"),
    tev("m3", 3, "missing"),
    tev("n4", 4, "normal"),
  ];
  it("middle missing stage rejects [n2,-,n4]", () => {
    expect(seqIds(`sequence with maxspan=1s ${T("normal")} !${T("missing")} ${T("normal")}`, base)).toEqual([
      ["n1", "-", "n2"],
    ]);
  });
  it("nonexisting missing event", () => {
    const q = `sequence with maxspan=1s ${T("normal")} !${T("nonexisting")} ${T("normal")}`;
    expect(seqIds(q, base)).toEqual([
      ["n1", "-", "n2"],
      ["n2", "-", "n4"],
    ]);
    expect(seqIds(`${q} | tail 1`, base)).toEqual([["n2", "-", "n4"]]);
  });
  it("trailing missing stage", () => {
    expect(seqIds(`sequence with maxspan=1s ${T("normal")} !${T("missing")}`, base)).toEqual([["n4", "-"]]);
  });
  it("placeholder shape", () => {
    const res = compile(`sequence with maxspan=1s ${T("normal")} !${T("missing")}`).run(
      base,
    ) as SequencesResult;
    const ph = res.sequences[0]?.events[1];
    expect(ph).toEqual({ _index: "", _id: "", _source: {}, missing: true });
  });
  const ts = (hms: string) => Date.parse(`2024-01-01T${hms}Z`);
  const lead = [
    tev("x", ts("12:00:00.000"), "missing"),
    tev("a", ts("12:10:00.001"), "normal"),
    tev("y", ts("12:20:00.001"), "missing"),
    tev("b", ts("12:21:00.001"), "normal"),
    tev("c", ts("12:29:00.001"), "normal"),
    tev("d", ts("12:31:00.001"), "normal"),
  ];
  it("leading missing, maxspan=3m", () => {
    expect(seqIds(`sequence with maxspan=3m !${T("missing")} ${T("normal")}`, lead)).toEqual([
      ["-", "a"],
      ["-", "c"],
      ["-", "d"],
    ]);
  });
  it("leading and trailing, maxspan=19m: all accepted", () => {
    expect(
      seqIds(`sequence with maxspan=19m !${T("missing")} ${T("normal")} !${T("missing")}`, lead),
    ).toEqual([
      ["-", "a", "-"],
      ["-", "b", "-"],
      ["-", "c", "-"],
      ["-", "d", "-"],
    ]);
  });
  it("leading and trailing, maxspan=21m: a rejected", () => {
    expect(
      seqIds(`sequence with maxspan=21m !${T("missing")} ${T("normal")} !${T("missing")}`, lead),
    ).toEqual([
      ["-", "b", "-"],
      ["-", "c", "-"],
      ["-", "d", "-"],
    ]);
  });
  it("consumed semantics", () => {
    const evs = [
      tev("N1", 1, "normal"),
      tev("N2", 2, "normal"),
      tev("M", 3, "missing"),
      tev("N4", 4, "normal"),
      tev("N5", 5, "normal"),
      tev("M6", 6, "missing"),
    ];
    const q = `sequence with maxspan=1s ${T("normal")} ${T("normal")} !${T("missing")} ${T("normal")}`;
    expect(seqIds(q, evs)).toEqual([["N2", "N4", "-", "N5"]]);
  });
  it("runs on a missing term produces two placeholders", () => {
    const q = `sequence with maxspan=1s ${T("normal")} !${T("nonexisting")} with runs=2 ${T("normal")}`;
    expect(seqIds(q, base.slice(0, 2))).toEqual([["n1", "-", "-", "n2"]]);
  });
  it("missing stage lookups respect keys", () => {
    const evs = [
      ev("n1", "T", 1, { tag: "normal", u: 1 }),
      ev("m", "T", 2, { tag: "missing", u: 2 }),
      ev("n3", "T", 3, { tag: "normal", u: 1 }),
    ];
    expect(
      seqIds(`sequence by u with maxspan=1s ${T("normal")} !${T("missing")} ${T("normal")}`, evs),
    ).toEqual([["n1", "-", "n3"]]);
  });
  it("missing event sharing the millisecond of a neighbour is ignored", () => {
    const evs = [tev("n1", 1, "normal"), tev("m", 1, "missing"), tev("n2", 2, "normal")];
    expect(seqIds(`sequence with maxspan=1s ${T("normal")} !${T("missing")} ${T("normal")}`, evs)).toEqual([
      ["n1", "-", "n2"],
    ]);
  });
  it("trailing: equality with maxspan counts as within (rejects)", () => {
    const evs = [tev("n", 0, "normal"), tev("m", 1000, "missing")];
    expect(seqIds(`sequence with maxspan=1s ${T("normal")} !${T("missing")}`, evs)).toEqual([]);
    const evs2 = [tev("n", 0, "normal"), tev("m", 1001, "missing")];
    expect(seqIds(`sequence with maxspan=1s ${T("normal")} !${T("missing")}`, evs2)).toEqual([["n", "-"]]);
  });
});
