import { describe, expect, it } from "vitest";
import { compile } from "../../src/index.js";
import { m, runEvents, runIds } from "./helpers.js";

describe("§7.1 category filter", () => {
  it("array category matches any element", () => {
    expect(m("process where true", { event: { category: ["process", "network"] } })).toBe(true);
    expect(m("network where true", { event: { category: ["process", "network"] } })).toBe(true);
  });
  it("case-sensitive; no category → no match", () => {
    expect(m("process where true", { event: { category: ["Process"] } })).toBe(false);
    expect(m("process where true", {})).toBe(false);
    expect(m("process where true", { event: { category: null } })).toBe(false);
  });
  it("dotted key category", () => {
    expect(m("process where true", { "event.category": "process" })).toBe(true);
  });
  it("string categories", () => {
    expect(m('"my-cat" where true', { event: { category: "my-cat" } })).toBe(true);
    expect(m('"""my cat""" where true', { event: { category: "my cat" } })).toBe(true);
    expect(m('"6x" where true', { event: { category: "6x" } })).toBe(true);
    expect(m('"sample" where true', { event: { category: "sample" } })).toBe(true);
  });
  it("category wildcards are literal", () => {
    expect(m('"proc*" where true', { event: { category: "process" } })).toBe(false);
  });
  it("any applies no category test", () => {
    expect(m("any where true", {})).toBe(true);
    expect(m("any where true", { event: { category: "x" } })).toBe(true);
  });
  it("cat where cond", () => {
    expect(m("process where x == 1", { event: { category: "process" }, x: 1 })).toBe(true);
    expect(m("process where x == 1", { event: { category: "process" }, x: 2 })).toBe(false);
  });
  it("not in the condition does not negate the category", () => {
    expect(m("process where not (x == 1)", { event: { category: "file" }, x: 2 })).toBe(false);
  });
  it("eventCategoryField option", () => {
    expect(m("process where true", { type: ["process"] }, { eventCategoryField: "type" })).toBe(true);
    expect(m("process where true", { event: { category: "process" } }, { eventCategoryField: "type" })).toBe(
      false,
    );
  });
  it("results return the original object", () => {
    const e = { id: 1, event: { category: "process" } };
    const [src] = runEvents("process where true", [e]);
    expect(src).toBe(e);
  });
});

describe("§7.2 ordering and limits", () => {
  const evs = Array.from({ length: 15 }, (_, i) => ({ id: i + 1, "@timestamp": i + 1 }));
  const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
  it("defaults: tail 10 → M6..M15", () => {
    expect(runIds("any where true", evs)).toEqual(range(6, 15));
  });
  it("resultPosition head → M1..M10", () => {
    expect(runIds("any where true", evs, undefined, { resultPosition: "head" })).toEqual(range(1, 10));
    expect(runIds("any where true", evs, { resultPosition: "head" })).toEqual(range(1, 10));
  });
  it("| head 3 → M1..M3", () => {
    expect(runIds("any where true | head 3", evs)).toEqual([1, 2, 3]);
  });
  it("| tail 3 → M13..M15", () => {
    expect(runIds("any where true | tail 3", evs)).toEqual([13, 14, 15]);
  });
  it("| head 50 → M1..M10", () => {
    expect(runIds("any where true | head 50", evs)).toEqual(range(1, 10));
  });
  it("size 0 → nothing", () => {
    expect(runIds("any where true", evs, undefined, { size: 0 })).toEqual([]);
    expect(runIds("any where true", evs, { size: 0 })).toEqual([]);
  });
  it("output always ascending even when input is shuffled", () => {
    const shuffled = [...evs].reverse();
    expect(runIds("any where true", shuffled)).toEqual(range(6, 15));
    expect(runIds("any where true | tail 3", shuffled)).toEqual([13, 14, 15]);
  });
  it("pipe ignores resultPosition", () => {
    expect(runIds("any where true | tail 3", evs, undefined, { resultPosition: "head" })).toEqual([
      13, 14, 15,
    ]);
  });
  it("invalid size is rejected", () => {
    expect(() => compile("any where true").run(evs, { size: -1 })).toThrow();
  });
  it("events without a timestamp sort last (DESIGN.md)", () => {
    const e = [{ id: 1 }, { id: 2, "@timestamp": 5 }, { id: 3, "@timestamp": 1 }];
    expect(runIds("any where true", e)).toEqual([3, 2, 1]);
  });
  it("size caps tail when the match set is smaller than size", () => {
    expect(runIds("any where id > 12", evs)).toEqual([13, 14, 15]);
  });
});
