import { describe, expect, it } from "vitest";
import { compile } from "../../src/compile.js";
import { EqlDataError } from "../../src/errors.js";
import type { EqlEvent, SequenceHit, SequencesResult } from "../../src/types.js";

type Ev = { id: string; t: number | string; cat: string } & Record<string, unknown>;

const ev = (id: string, t: number | string, cat: string, extra: Record<string, unknown> = {}): Ev => ({
  id,
  t,
  cat,
  ...extra,
});

function toEvents(list: Ev[]): EqlEvent[] {
  return list.map(({ id, t, cat, ...rest }) => ({ id, "@timestamp": t, event: { category: cat }, ...rest }));
}

function seqs(query: string, list: Ev[], options: Record<string, unknown> = {}): string[][] {
  const r = compile(query, { size: 1000, ...options }).run(toEvents(list)) as SequencesResult;
  return r.sequences.map((s) => s.events.map((e) => (e.missing ? "-" : String(e._source.id))));
}

function keys(query: string, list: Ev[]): unknown[][] {
  const r = compile(query, { size: 1000 }).run(toEvents(list)) as SequencesResult;
  return r.sequences.map((s) => s.join_keys);
}

describe("worked examples", () => {
  it("1: most recent partial sequence wins per stage and key", () => {
    const rows: [string, string, string][] = [
      ["root", "a", "E1"],
      ["root", "a", "E2"],
      ["bee", "b", "E3"],
      ["root", "b", "E4"],
      ["root", "b", "E5"],
      ["bee", "a", "E6"],
      ["root", "a", "E7"],
      ["bee", "b", "E8"],
      ["root", "c", "E9"],
      ["bee", "c", "E10"],
      ["root", "c", "E11"],
    ];
    const events = rows.map(([user, p, id], i) => ev(id, i + 1, "process", { user, p }));
    const q = 'sequence by user [process where p=="a"] [process where p=="b"] [process where p=="c"]';
    expect(seqs(q, events)).toEqual([
      ["E2", "E4", "E9"],
      ["E6", "E8", "E10"],
    ]);
    expect(keys(q, events)).toEqual([["root"], ["bee"]]);
  });

  const seven = Array.from({ length: 7 }, (_, i) => ev(String(i + 1), i + 1, "process", { n: i + 1 }));
  it("2 and 3: chaining without keys", () => {
    expect(seqs("sequence [process where n <= 3] [process where true] [process where true]", seven)).toEqual([
      ["1", "2", "3"],
      ["2", "3", "4"],
      ["3", "4", "5"],
    ]);
    expect(seqs("sequence [process where true] [process where n <= 3] [process where true]", seven)).toEqual([
      ["1", "2", "3"],
      ["2", "3", "4"],
    ]);
  });

  it("4: keys line up by position across stages", () => {
    const r = compile("sequence [A where true] by pid [B where true] by ppid").run(
      toEvents([ev("E1", 1, "A", { pid: 5 }), ev("E2", 2, "B", { ppid: 5 })]),
    ) as SequencesResult;
    expect(r.sequences).toHaveLength(1);
    expect(r.sequences[0]?.join_keys).toEqual([5]);
  });

  it("5 and 6: mandatory keys must exist, optional keys may be null", () => {
    const list = [ev("E1", 1, "A", { user: "x" }), ev("E2", 2, "B"), ev("E3", 3, "B", { user: "x" })];
    expect(seqs("sequence by user [A where true] [B where true]", list)).toEqual([["E1", "E3"]]);
    const r = compile("sequence by ?user [A where true] [B where true]").run(
      toEvents([ev("E1", 1, "A"), ev("E2", 2, "B")]),
    ) as SequencesResult;
    expect(r.sequences.map((s) => s.join_keys)).toEqual([[null]]);
  });

  it("7: multi-valued keys expand", () => {
    const q = "sequence by tag [A where true] [B where true]";
    expect(keys(q, [ev("E1", 1, "A", { tag: ["x", "y"] }), ev("E2", 2, "B", { tag: ["y", "z"] })])).toEqual([
      ["y"],
    ]);
    expect(keys(q, [ev("E1", 1, "A", { tag: ["x", "y"] }), ev("E2", 2, "B", { tag: ["x", "y"] })])).toEqual([
      ["x"],
      ["y"],
    ]);
  });

  it("join keys are the values read when the first event arrived, even if it changed since", () => {
    const s = compile("sequence by user, pid [A where true] [B where true]").stream();
    const [first, second] = toEvents([
      ev("E1", 1, "A", { user: "x", pid: 5 }),
      ev("E2", 2, "B", { user: "x", pid: 5 }),
    ]);
    s.push(first as EqlEvent);
    (first as { user: unknown }).user = "changed";
    const out = [...(s.push(second as EqlEvent) as SequenceHit[]), ...(s.end() as SequenceHit[])];
    expect(out.map((h) => h.join_keys)).toEqual([["x", 5]]);
  });

  it("8 and 9: maxspan is inclusive and measured from the first event", () => {
    const q = "sequence with maxspan=2s [A where true] [B where true]";
    expect(seqs(q, [ev("1", 0, "A"), ev("2", 2000, "B")])).toEqual([["1", "2"]]);
    expect(seqs(q, [ev("1", 0, "A"), ev("2", 2001, "B")])).toEqual([]);
    const q3 = "sequence with maxspan=5s [A where true] [B where true] [C where true]";
    expect(seqs(q3, [ev("a", 0, "A"), ev("b", 4000, "B"), ev("c", 5500, "C")])).toEqual([]);
  });

  it("maxspan in every unit, at the limit", () => {
    for (const [span, ms] of [
      ["500ms", 500],
      ["3s", 3000],
      ["2m", 120000],
      ["1h", 3600000],
      ["1d", 86400000],
    ] as const) {
      const q = `sequence with maxspan=${span} [A where true] [B where true]`;
      expect(seqs(q, [ev("1", 0, "A"), ev("2", ms, "B")])).toEqual([["1", "2"]]);
      expect(seqs(q, [ev("1", 0, "A"), ev("2", ms + 1, "B")])).toEqual([]);
    }
  });

  it("maxspan compares nanoseconds when the input has them", () => {
    const q = "sequence with maxspan=1ms [A where true] [B where true]";
    const a = ev("1", "2024-01-01T00:00:00.000000100Z", "A");
    expect(seqs(q, [a, ev("2", "2024-01-01T00:00:00.001000100Z", "B")])).toEqual([["1", "2"]]);
    expect(seqs(q, [a, ev("2", "2024-01-01T00:00:00.001000101Z", "B")])).toEqual([]);
  });

  describe("10: until", () => {
    const q = "sequence by id2 [A where true] [B where true] until [C where true]";
    const k = { id2: 1 };
    it.each([
      [[ev("A", 1, "A", k), ev("B", 2, "B", k)], [["A", "B"]]],
      [[ev("A", 1, "A", k), ev("B", 2, "B", k), ev("C", 3, "C", k)], [["A", "B"]]],
      [[ev("A", 1, "A", k), ev("C", 2, "C", k), ev("B", 3, "B", k)], []],
      [[ev("A1", 1, "A", k), ev("C", 2, "C", k), ev("A2", 3, "A", k), ev("B", 4, "B", k)], [["A2", "B"]]],
      [[ev("A", 1, "A", k), ev("C", 2, "C", { id2: 2 }), ev("B", 3, "B", k)], [["A", "B"]]],
    ])("case %#", (list, expected) => {
      expect(seqs(q, list)).toEqual(expected);
    });
    it("between later stages too", () => {
      const q3 = "sequence by id2 [A where true] [B where true] [D where true] until [C where true]";
      expect(
        seqs(q3, [ev("a", 1, "A", k), ev("b", 2, "B", k), ev("c", 3, "C", k), ev("d", 4, "D", k)]),
      ).toEqual([]);
    });
    it("an event that is both until and a stage can only end a sequence", () => {
      const q2 = "sequence [A where true] [B where true] [B where true] until [B where x == 1]";
      expect(seqs(q2, [ev("a", 1, "A"), ev("b1", 2, "B", { x: 1 }), ev("b2", 3, "B")])).toEqual([]);
      const q3 = "sequence [A where true] [B where true] until [B where x == 1]";
      expect(seqs(q3, [ev("a", 1, "A"), ev("b1", 2, "B", { x: 1 })])).toEqual([["a", "b1"]]);
    });
  });

  it("11: equal timestamps are ordered by tiebreaker, then input position", () => {
    const q = "sequence [A where true] [B where true]";
    expect(seqs(q, [ev("1", 5, "A"), ev("2", 5, "B")])).toEqual([["1", "2"]]);
    expect(seqs(q, [ev("2", 5, "B"), ev("1", 5, "A")])).toEqual([]);
    const withTb = [ev("2", 5, "B", { seq: 2 }), ev("1", 5, "A", { seq: 1 })];
    expect(seqs(q, withTb, { tiebreakerField: "seq" })).toEqual([["1", "2"]]);
  });

  it("12: one filter used twice", () => {
    const four = Array.from({ length: 4 }, (_, i) => ev(String(i + 1), i + 1, "A", { n: i + 1 }));
    expect(seqs("sequence [A where n < 5] [A where n < 5]", four)).toEqual([
      ["1", "2"],
      ["2", "3"],
      ["3", "4"],
    ]);
  });

  it("13: runs repeats a term", () => {
    const list = [ev("a", 1, "A"), ev("b1", 2, "B"), ev("b2", 3, "B"), ev("c", 4, "C")];
    expect(seqs("sequence [A where true] [B where true] with runs=2 [C where true]", list)).toEqual(
      seqs("sequence [A where true] [B where true] [B where true] [C where true]", list),
    );
    expect(seqs("sequence [A where true] [B where true] with runs=2 [C where true]", list)).toEqual([
      ["a", "b1", "b2", "c"],
    ]);
  });

  it("runs with interleaved keys", () => {
    const list = [
      ev("x1", 1, "A", { k: "x" }),
      ev("y1", 2, "A", { k: "y" }),
      ev("x2", 3, "A", { k: "x" }),
      ev("y2", 4, "A", { k: "y" }),
      ev("x3", 5, "A", { k: "x" }),
    ];
    expect(seqs("sequence by k [A where true] with runs=3", list)).toEqual([["x1", "x2", "x3"]]);
  });
});

describe("results", () => {
  it("come out in the order of their last event, with head and tail", () => {
    const list = [
      ev("A1", 1, "A", { k: "x" }),
      ev("A2", 2, "A", { k: "y" }),
      ev("B5", 5, "B", { k: "y" }),
      ev("B10", 10, "B", { k: "x" }),
    ];
    const q = "sequence by k [A where true] [B where true]";
    expect(seqs(q, list)).toEqual([
      ["A2", "B5"],
      ["A1", "B10"],
    ]);
    expect(seqs(`${q} | head 1`, list)).toEqual([["A2", "B5"]]);
    expect(seqs(`${q} | tail 1`, list)).toEqual([["A1", "B10"]]);
    expect(seqs(q, list, { size: 1 })).toEqual([["A1", "B10"]]);
  });

  it("one event can match several stages of different sequences", () => {
    const list = [ev("1", 1, "A"), ev("2", 2, "A"), ev("3", 3, "A")];
    expect(seqs("sequence [A where true] [A where true] [A where true]", list)).toEqual([["1", "2", "3"]]);
  });

  it("a sequence over an event without a timestamp is an error naming the event", () => {
    const events = toEvents([ev("1", 1, "A"), ev("2", 2, "B")]);
    delete (events[1] as Record<string, unknown>)["@timestamp"];
    const q = compile("sequence [A where true] [B where true]");
    expect(() => q.run(events)).toThrowError(EqlDataError);
    try {
      q.run(events);
    } catch (e) {
      expect((e as EqlDataError).code).toBe("EQL_MISSING_TIMESTAMP");
      expect((e as EqlDataError).eventIndex).toBe(1);
    }
    const multi = toEvents([ev("1", 1, "A")]);
    (multi[0] as Record<string, unknown>)["@timestamp"] = [1, 2];
    expect(() => q.run(multi)).toThrowError(expect.objectContaining({ code: "EQL_MULTIVALUED_TIMESTAMP" }));
  });

  it("events that match no stage need no timestamp", () => {
    const events = [...toEvents([ev("1", 1, "A"), ev("2", 2, "B")]), { event: { category: "Z" } }];
    expect(
      (compile("sequence [A where true] [B where true]").run(events) as SequencesResult).sequences,
    ).toHaveLength(1);
  });
});

describe("missing events", () => {
  const n = (id: string, t: number) => ev(id, t, "T", { tag: "normal" });
  const m = (id: string, t: number) => ev(id, t, "T", { tag: "missing" });
  const N = '[T where tag == "normal"]';
  const M = '![T where tag == "missing"]';

  it("middle stage", () => {
    const list = [n("n1", 1), n("n2", 2), m("m3", 3), n("n4", 4)];
    expect(seqs(`sequence with maxspan=1s ${N} ${M} ${N}`, list)).toEqual([["n1", "-", "n2"]]);
    expect(seqs(`sequence with maxspan=1s ${N} ![T where tag == "none"] ${N}`, list)).toEqual([
      ["n1", "-", "n2"],
      ["n2", "-", "n4"],
    ]);
  });

  it("trailing stage", () => {
    const list = [n("n1", 1), n("n2", 2), m("m3", 3), n("n4", 4)];
    expect(seqs(`sequence with maxspan=1s ${N} ${M}`, list)).toEqual([["n4", "-"]]);
  });

  it("leading, and leading with trailing", () => {
    const min = 60000;
    const base = Date.UTC(2022, 4, 4, 12, 0, 0);
    const list = [
      m("x", base),
      n("a", base + 10 * min + 1),
      m("y", base + 20 * min + 1),
      n("b", base + 21 * min + 1),
      n("c", base + 29 * min + 1),
      n("d", base + 31 * min + 1),
    ];
    expect(seqs(`sequence with maxspan=3m ${M} ${N}`, list)).toEqual([
      ["-", "a"],
      ["-", "c"],
      ["-", "d"],
    ]);
    expect(seqs(`sequence with maxspan=19m ${M} ${N} ${M}`, list).map((s) => s[1])).toEqual([
      "a",
      "b",
      "c",
      "d",
    ]);
    expect(seqs(`sequence with maxspan=21m ${M} ${N} ${M}`, list).map((s) => s[1])).toEqual(["b", "c", "d"]);
  });

  it("a rejected candidate consumes its partial sequences", () => {
    const list = [n("N1", 1), n("N2", 2), m("M", 3), n("N4", 4), n("N5", 5), m("M6", 6)];
    expect(seqs(`sequence with maxspan=1s ${N} ${N} ${M} ${N}`, list)).toEqual([["N2", "N4", "-", "N5"]]);
  });

  it("runs on a missing term gives one placeholder per run", () => {
    const list = [n("n1", 1), n("n2", 2)];
    expect(seqs(`sequence with maxspan=1s ${N} ${M} with runs=2 ${N}`, list)).toEqual([
      ["n1", "-", "-", "n2"],
    ]);
  });
});

describe("samples", () => {
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
  const events = rows.map(([id, type, os]) => ({ id, event: { category: type }, ...(os ? { os } : {}) }));
  const ids = (r: SequencesResult) => r.sequences.map((s: SequenceHit) => s.events.map((e) => e._source.id));

  it("pick distinct events per key, in key order", () => {
    const q = compile("sample by os [alert_1 where true] [alert_2 where true]");
    const r = q.run(events) as SequencesResult;
    expect(ids(r)).toEqual([
      [7, 6],
      [1, 3],
    ]);
    expect(r.sequences.map((s) => s.join_keys)).toEqual([["redhat"], ["win10"]]);
    expect(ids(q.run(events, { maxSamplesPerKey: 2 }) as SequencesResult)).toEqual([
      [7, 6],
      [1, 3],
      [2, 3],
    ]);
  });

  it("optional keys admit null and sort it first", () => {
    const q = compile("sample by ?os [alert_1 where true] [alert_2 where true]");
    const r = q.run(events) as SequencesResult;
    expect(r.sequences.map((s) => s.join_keys)).toEqual([[null], ["redhat"], ["win10"]]);
  });

  it("need no timestamps", () => {
    const r = compile("sample by os [alert_1 where true] [alert_2 where true]").run(events, { size: 1 });
    expect(ids(r as SequencesResult)).toEqual([[7, 6]]);
  });
});
