import { describe, expect, it } from "vitest";
import { m, runIds } from "./helpers.js";

describe("§5.1 null checks", () => {
  it("missing forms give a == null", () => {
    for (const e of [{ a: null }, {}, { a: [] }, { a: [null] }]) {
      expect(m("any where a == null", e), JSON.stringify(e)).toBe(true);
      expect(m("any where null == a", e), JSON.stringify(e)).toBe(true);
      expect(m("any where a != null", e), JSON.stringify(e)).toBe(false);
    }
  });
  it('{a:0} a == null no match; {a:""} a != null match', () => {
    expect(m("any where a == null", { a: 0 })).toBe(false);
    expect(m("any where a != null", { a: "" })).toBe(true);
    expect(m("any where a == null", { a: false })).toBe(false);
  });
  it("array with a non-null element is not null", () => {
    expect(m("any where a == null", { a: [null, 1] })).toBe(false);
  });
  it("isNull on a function uses the any-value rule", () => {
    expect(m('any where indexOf(x, "z") == null', { x: "abc" })).toBe(true);
    expect(m('any where indexOf(x, "z") == null', { x: "abz" })).toBe(false);
    expect(m('any where indexOf(x, "z") == null', { x: ["abz", "abc"] })).toBe(true);
    expect(m('any where indexOf(x, "z") != null', { x: "abz" })).toBe(true);
    expect(m('any where indexOf(x, "z") != null', { x: ["abz", "abc"] })).toBe(false);
  });
  it("?nonexistent == null matches every event; != null none", () => {
    const evs = [{ id: 1 }, { id: 2, a: 1 }];
    expect(runIds("any where ?nonexistent == null", evs)).toEqual([1, 2]);
    expect(runIds("any where ?nonexistent != null", evs)).toEqual([]);
  });
  it("?field present in some event is an ordinary field", () => {
    const evs = [{ id: 1 }, { id: 2, a: 1 }];
    expect(runIds("any where ?a == null", evs)).toEqual([1]);
    expect(runIds("any where ?a == 1", evs)).toEqual([2]);
    expect(runIds("any where ?a != 1", evs)).toEqual([1]);
  });
});

describe("§5.2 null in other operators", () => {
  it("functions of missing fields: predicates false, negation true", () => {
    expect(m('any where startsWith(x, "a")', {})).toBe(false);
    expect(m('any where not startsWith(x, "a")', {})).toBe(true);
    expect(m("any where length(x) > 0", {})).toBe(false);
    expect(m('any where x like "*"', {})).toBe(false);
    expect(m('any where x regex ".*"', {})).toBe(false);
    expect(m('any where x in ("a")', {})).toBe(false);
  });
});

describe("§5.3 constant folding keeps three values", () => {
  const evs = [{ id: 1, a: 1 }, { id: 2 }];
  const rows: [string, unknown[]][] = [
    ["any where null == null", [1, 2]],
    ["any where null != null", []],
    ["any where null == 1", []],
    ["any where not (null == 1)", [1, 2]],
    ["any where null < 1", []],
    ["any where not (null < 1)", []],
    ["any where ?nosuchfield", []],
    ['any where ?nosuchfield == "x"', []],
    ["any where null and false", []],
    ["any where not (null and false)", [1, 2]],
    ["any where null and true", []],
    ["any where not (null and true)", []],
    ["any where null or true", [1, 2]],
    ["any where null or false", []],
    ["any where not (null or false)", []],
    ["any where not null", []],
    ["any where false", []],
    ["any where true", [1, 2]],
  ];
  for (const [q, r] of rows) it(`${q} ⇒ ${JSON.stringify(r)}`, () => expect(runIds(q, evs)).toEqual(r));

  // DESIGN.md "Null checks": `a == b` with either side folding to null is a null check, so
  // `?nosuchfield == "x"` is `isNull("x")` (false) and its negation is true for every event. This
  // departs on purpose from the spec's "none" row.
  it('not (?nosuchfield == "x") ⇒ all (documented departure, DESIGN.md)', () => {
    expect(runIds('any where not (?nosuchfield == "x")', evs)).toEqual([1, 2]);
  });
  it('not (realfield == "x") on an event lacking it: match', () => {
    expect(runIds('any where not (a == "x")', evs)).toEqual([1, 2]);
  });
  it("folding mixed with a field: null or field", () => {
    expect(runIds("any where null or a == 1", evs)).toEqual([1]);
    expect(runIds("any where not (null and a == 1)", evs)).toEqual([2]);
  });
  it("?nosuchfield with a non-null literal comparison < folds to null", () => {
    expect(runIds("any where ?nosuchfield < 1", evs)).toEqual([]);
    expect(runIds("any where not (?nosuchfield < 1)", evs)).toEqual([]);
  });
  it("arithmetic with null folds to null", () => {
    expect(runIds("any where null + 1 == 1", evs)).toEqual([]);
    expect(runIds("any where not (null + 1 > 1)", evs)).toEqual([]);
  });
});
