import { describe, expect, it } from "vitest";
import { compile } from "../../src/index.js";
import { m, runIds, seqIds } from "./helpers.js";

describe("§1.2 field paths", () => {
  it("nested object and literal dotted key are the same field", () => {
    expect(m('any where process.name == "x"', { process: { name: "x" } })).toBe(true);
    expect(m('any where process.name == "x"', { "process.name": "x" })).toBe(true);
  });
  it("mixtures of nesting and dotted keys", () => {
    expect(m('any where process.parent.name == "y"', { process: { "parent.name": "y" } })).toBe(true);
    expect(m('any where process.parent.name == "y"', { "process.parent": { name: "y" } })).toBe(true);
    expect(m('any where process.parent.name == "y"', { "process.parent.name": "y" })).toBe(true);
    expect(m('any where process.parent.name == "y"', { process: { parent: { name: "z" } } })).toBe(false);
  });
  it("mixture where both splits exist collects all values", () => {
    const e = { process: { "parent.name": "y", parent: { name: "z" } } };
    expect(m('any where process.parent.name == "y"', e)).toBe(true);
    expect(m('any where process.parent.name == "z"', e)).toBe(true);
  });
  it("an array in the middle of a path is mapped over", () => {
    const e = { a: [{ b: 1 }, { b: 2 }] };
    expect(m("any where a.b == 1", e)).toBe(true);
    expect(m("any where a.b == 2", e)).toBe(true);
    expect(m("any where a.b == 3", e)).toBe(false);
    expect(m("any where a.b != 1", e)).toBe(false);
  });
  it("arrays at several levels mid-path are flattened", () => {
    const e = { a: [{ b: [{ c: 1 }, { c: [2, [3]] }] }, { b: { c: 4 } }] };
    for (const v of [1, 2, 3, 4]) expect(m(`any where a.b.c == ${v}`, e)).toBe(true);
    expect(m("any where a.b.c == 5", e)).toBe(false);
  });
  it("array mid-path mixed with dotted keys", () => {
    const e = { a: [{ "b.c": 1 }, { b: { c: 2 } }] };
    expect(m("any where a.b.c == 1", e)).toBe(true);
    expect(m("any where a.b.c == 2", e)).toBe(true);
  });
  it("field[0] is a parse error", () => {
    expect(() => compile("any where a[0] == 1")).toThrow();
  });
  it("back-quoted segment with a dot names the same field as the dotted path", () => {
    expect(m('any where `a.b` == "x"', { a: { b: "x" } })).toBe(true);
    expect(m('any where `a.b` == "x"', { "a.b": "x" })).toBe(true);
  });
});

describe("§1.3 value lists", () => {
  it("nested arrays are flattened", () => {
    expect(m("any where x == 3", { x: [1, [2, [3]]] })).toBe(true);
  });
  it("null elements are dropped; missing forms", () => {
    for (const e of [{}, { x: null }, { x: [] }, { x: [null] }, { x: [null, [null]] }]) {
      expect(m("any where x == null", e), JSON.stringify(e)).toBe(true);
      expect(m("any where x != null", e), JSON.stringify(e)).toBe(false);
    }
    expect(m("any where x == 1", { x: [null, 1] })).toBe(true);
    expect(m("any where x != null", { x: [null, 1] })).toBe(true);
  });
  it("a path ending on an object is missing", () => {
    expect(m("any where x == null", { x: { y: 1 } })).toBe(true);
    expect(m('any where x != "a"', { x: { y: 1 } })).toBe(true);
  });
  it("spec example: process.args value list and missing pid", () => {
    const e = { process: { args: ["curl", "https://10.0.0.1:10250/pods"] } };
    expect(m('any where process.args == "https://10.0.0.1:10250/pods"', e)).toBe(true);
    expect(m("any where process.pid == null", e)).toBe(true);
  });
});

describe("§1.4 scalar types", () => {
  it("JSON 4.0 is an integer in the event", () => {
    expect(m("any where x / 3 == 1", { x: 4.0 })).toBe(true);
  });
  it("literal 4.0 is a double: division is floating", () => {
    expect(m("any where 4.0 / x > 1.3", { x: 3 })).toBe(true);
    expect(m("any where 4 / x == 1", { x: 3 })).toBe(true);
    expect(m("any where 4e0 / x > 1.3", { x: 3 })).toBe(true);
    expect(m("any where x / .5 == 6", { x: 3 })).toBe(true);
  });
});

describe("§1.5 timestamps and ordering", () => {
  it("event results are sorted by timestamp ascending", () => {
    const evs = [
      { id: 1, "@timestamp": 30 },
      { id: 2, "@timestamp": 10 },
      { id: 3, "@timestamp": 20 },
    ];
    expect(runIds("any where true", evs)).toEqual([2, 3, 1]);
  });
  it("digit strings are epoch millis, ISO strings parse", () => {
    const evs = [
      { id: 1, "@timestamp": "1970-01-01T00:00:00.003Z" },
      { id: 2, "@timestamp": "2" },
      { id: 3, "@timestamp": 1 },
    ];
    expect(runIds("any where true", evs)).toEqual([3, 2, 1]);
  });
  it("digit string vs number compared numerically, not as text", () => {
    const evs = [
      { id: 1, "@timestamp": "10" },
      { id: 2, "@timestamp": "9" },
    ];
    expect(runIds("any where true", evs)).toEqual([2, 1]);
  });
  it("ties broken by tiebreaker, then input order", () => {
    const evs = [
      { id: 1, "@timestamp": 5, seq: 2 },
      { id: 2, "@timestamp": 5, seq: 1 },
      { id: 3, "@timestamp": 5 },
      { id: 4, "@timestamp": 5, seq: 1 },
    ];
    expect(runIds("any where true", evs, { tiebreakerField: "seq" })).toEqual([2, 4, 1, 3]);
    expect(runIds("any where true", evs)).toEqual([1, 2, 3, 4]);
  });
  it("missing tiebreaker sorts after every non-null one in sequences", () => {
    const evs = [
      { id: 1, "@timestamp": 5, event: { category: "B" } },
      { id: 2, "@timestamp": 5, seq: 9, event: { category: "A" } },
    ];
    expect(seqIds("sequence [A where true] [B where true]", evs, { tiebreakerField: "seq" })).toEqual([
      [2, 1],
    ]);
  });
  it("missing timestamp in a sequence is an error", () => {
    const evs = [
      { id: 1, event: { category: "A" } },
      { id: 2, "@timestamp": 2, event: { category: "B" } },
    ];
    expect(() => compile("sequence [A where true] [B where true]").run(evs)).toThrow();
  });
  it("multi-valued timestamp in a sequence is an error", () => {
    const evs = [
      { id: 1, "@timestamp": [1, 2], event: { category: "A" } },
      { id: 2, "@timestamp": 3, event: { category: "B" } },
    ];
    expect(() => compile("sequence [A where true] [B where true]").run(evs)).toThrow();
  });
  it("multi-valued tiebreaker in a sequence is an error", () => {
    const evs = [
      { id: 1, "@timestamp": 1, seq: [1, 2], event: { category: "A" } },
      { id: 2, "@timestamp": 3, seq: 1, event: { category: "B" } },
    ];
    expect(() =>
      compile("sequence [A where true] [B where true]", { tiebreakerField: "seq" }).run(evs),
    ).toThrow();
  });
});
