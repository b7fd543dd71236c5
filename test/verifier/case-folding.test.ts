/**
 * Case folding of `:`, `like~` and `in~` against Lucene's case-insensitive automata
 * (`Automata.makeCaseInsensitiveChar` / `CaseFolding.expand`), which Elasticsearch uses for
 * case-insensitive term and wildcard queries on keyword fields: a pattern character matches itself,
 * its Java upper and lower case, and its other simple case foldings. `caseVariants` (the `regex~`
 * folding) is that set; every operator must agree with it, and so must a rule set's shared,
 * pre-folded field values.
 */
import { describe, expect, it } from "vitest";
import { compile, compileShared } from "../../src/compile.js";
import { parse } from "../../src/parse.js";
import { FieldTable } from "../../src/runtime/field-table.js";
import { caseVariants } from "../../src/runtime/regex/fold.js";

const KELVIN = "\u212a";
const LETTERS: readonly [string, string][] = [
  ["Kelvin sign K", KELVIN],
  ["dotless ı", "ı"],
  ["dotted İ", "İ"],
  ["final sigma ς", "ς"],
  ["sharp s ß", "ß"],
  ["long s ſ", "ſ"],
];
/** Every letter that any of them can be confused with. */
const POOL = ["k", "K", KELVIN, "i", "I", "ı", "İ", "ς", "σ", "Σ", "ß", "ẞ", "s", "S", "ſ"];

/** What Lucene lets pattern character `p` match (as text, for one-code-point strings). */
function lucene(p: string, v: string): boolean {
  if ([...v].length !== 1) return false;
  return caseVariants(p.codePointAt(0) as number).includes(v.codePointAt(0) as number);
}

/** Queries whose pattern is `p`, each with the field value that puts `v` where `p` is matched. */
const QUERIES = (p: string): [string, (v: string) => string][] => [
  [`any where f : "${p}"`, (v) => v],
  [`any where f : "${p}*"`, (v) => `${v}zz`],
  [`any where f like~ "${p}"`, (v) => v],
  [`any where f like~ "*?${p}"`, (v) => `zz${v}`],
  [`any where f in~ ("${p}", "other")`, (v) => v],
];

describe.each(LETTERS)("%s", (_name, letter) => {
  it.each(POOL.map((v) => [v] as const))(`matches %s exactly when Lucene does`, (value) => {
    const expected = lucene(letter, value);
    for (const [q, at] of QUERIES(letter)) {
      expect(compile(q).matches({ f: at(value) }), `${q} on ${at(value)}`).toBe(expected);
    }
    // The reverse direction: the letter as the value, each pool entry as the pattern.
    const reverse = lucene(value, letter);
    expect(compile(`any where f : "${value}"`).matches({ f: letter }), `"${value}" on ${letter}`).toBe(
      reverse,
    );
  });
});

describe("one character never matches two", () => {
  it("ß is not ss, in either direction", () => {
    expect(compile('any where f : "ß"').matches({ f: "ss" })).toBe(false);
    expect(compile('any where f : "ss"').matches({ f: "ß" })).toBe(false);
    expect(compile('any where f in~ ("SS")').matches({ f: "ẞ" })).toBe(false);
  });
});

describe("the expansions themselves (Lucene's CaseFolding)", () => {
  const variants = (s: string) =>
    caseVariants(s.codePointAt(0) as number)
      .map((c) => String.fromCodePoint(c))
      .sort();
  it("lists each letter's variants", () => {
    expect(variants(KELVIN)).toEqual(["K", "k", KELVIN].sort());
    expect(variants("k")).toEqual(["K", "k", KELVIN].sort());
    expect(variants("ı")).toEqual(["I", "ı"].sort());
    expect(variants("İ")).toEqual(["i", "İ"].sort());
    expect(variants("i")).toEqual(["I", "i"]);
    expect(variants("ς")).toEqual(["Σ", "ς", "σ"].sort());
    expect(variants("ß")).toEqual(["ß", "ẞ"].sort());
    expect(variants("ſ")).toEqual(["S", "s", "ſ"].sort());
  });
});

describe("a rule set's shared, pre-folded field values agree", () => {
  it.each(LETTERS)("%s", (_name, letter) => {
    const table = new FieldTable();
    const compiled = QUERIES(letter).map(([q, at]) => [compileShared(parse(q), {}, table), at] as const);
    for (const value of POOL) {
      for (const [c, at] of compiled) {
        table.next();
        const event = { f: at(value) };
        expect(c.matches(event), `${c.statement.source} on ${at(value)}`).toBe(lucene(letter, value));
      }
    }
  });
});
