import { describe, expect, it } from "vitest";
import { compileLuceneRegex } from "../../../src/runtime/regex/index.js";
import { parseLuceneRegex } from "../../../src/runtime/regex/parse.js";
import { oracleMatches } from "./oracle.js";

const re = (value: string, pattern: string) => compileLuceneRegex(pattern, false)(value);

/** Every string over `alphabet` up to `maxLength` characters. */
function strings(alphabet: readonly string[], maxLength: number): string[] {
  const out = [""];
  let layer = [""];
  for (let n = 1; n <= maxLength; n++) {
    layer = layer.flatMap((s) => alphabet.map((c) => s + c));
    out.push(...layer);
  }
  return out;
}

/** The engine and the set-definition oracle agree on every short string. */
function agreesWithOracle(pattern: string, alphabet = ["a", "b", "c"], maxLength = 4, insensitive = false) {
  const matcher = compileLuceneRegex(pattern, insensitive);
  const tree = parseLuceneRegex(pattern, insensitive);
  for (const s of strings(alphabet, maxLength)) {
    expect(matcher(s), `${pattern} on ${JSON.stringify(s)}`).toBe(oracleMatches(tree, s));
  }
}

describe("complement ~ anywhere", () => {
  it("at the start, middle and end of a sequence", () => {
    expect(re("xbc", "~(a)bc")).toBe(true);
    expect(re("abc", "~(a)bc")).toBe(false);
    expect(re("bc", "~(a)bc")).toBe(true); // the empty string is not "a"
    expect(re("adc", "a~(b)c")).toBe(true);
    expect(re("abc", "a~(b)c")).toBe(false);
    expect(re("abbc", "a~(b)c")).toBe(true);
    expect(re("abx", "ab~(c)")).toBe(true);
    expect(re("abc", "ab~(c)")).toBe(false);
    for (const p of ["~(a)bc", "a~(b)c", "ab~(c)", "a~bc", "~(ab)c", "a~(.*b.*)c"]) agreesWithOracle(p);
  });

  it("binds to one character without parentheses", () => {
    // a~bc is a, anything but "b", then c.
    expect(re("axyc", "a~bc")).toBe(true);
    expect(re("abc", "a~bc")).toBe(false);
  });

  it("under repeats and optionals", () => {
    // Strings made of pieces that are not "a": everything except "a" itself.
    expect(re("a", "(~a)*")).toBe(false);
    expect(re("aa", "(~a)*")).toBe(true);
    expect(re("", "(~a)*")).toBe(true);
    expect(re("xz", "x(~y)?z")).toBe(true);
    expect(re("xyz", "x(~y)?z")).toBe(false);
    for (const p of ["(~a)*", "(~a)+", "(~(ab)){2}", "(~(a|b)){0,2}", "a(~b)?c", "(b~(a)){1,2}"]) {
      agreesWithOracle(p);
    }
  });

  it("in alternatives and nested", () => {
    expect(re("a", "~~a")).toBe(true);
    expect(re("b", "~~a")).toBe(false);
    expect(re("y", "x|~(y)|z")).toBe(false);
    expect(re("yy", "x|~(y)|z")).toBe(true);
    for (const p of ["x|~(a)|z", "~(~(a|b))", "~(a~(b))", "(~(a)|b)c", "~(a|bc*)"])
      agreesWithOracle(p, ["a", "b", "c", "x"]);
  });

  it("of the empty language, any string and the empty string", () => {
    expect(re("", "~#")).toBe(true);
    expect(re("anything", "~#")).toBe(true);
    expect(re("", "~@")).toBe(false);
    expect(re("x", "~@")).toBe(false);
    expect(re("", "~()")).toBe(false);
    expect(re("x", "~()")).toBe(true);
    for (const p of ["~#", "~@", "~()", "a~#", "a~@|b", "(~())*"]) agreesWithOracle(p);
  });

  it("reads code points, astral characters included", () => {
    expect(re("😀", "~(😀)")).toBe(false);
    expect(re("😀😀", "~(😀)")).toBe(true);
    expect(re("\ud83d", "~(😀)")).toBe(true); // a lone surrogate is a code point of its own
    agreesWithOracle("~(😀.)", ["😀", "a", "\ud83d"], 3);
  });

  it("follows regex~ case folding inside the operand", () => {
    const m = compileLuceneRegex("~(abc)", true);
    expect(m("ABC")).toBe(false);
    expect(m("abd")).toBe(true);
    agreesWithOracle("~(ab)c", ["a", "A", "b", "C", "c"], 3, true);
  });
});

describe("intersection & anywhere", () => {
  it("at the top and inside a sequence", () => {
    expect(re("axb", "a.*&.*b")).toBe(true);
    expect(re("xab", "x(a.*&.*b)")).toBe(true);
    expect(re("xaby", "x(a.*&.*b)y")).toBe(true);
    expect(re("xacy", "x(a.*&.*b)y")).toBe(false);
    // An empty intersection matches nothing, wherever it is.
    expect(re("c", "(a&b)c")).toBe(false);
    for (const p of ["a.*&.*b", "c(a.*&.*b)", "(a.*&.*b)c", "c(a.*&.*b)c", "(a&b)c", ".*a.*&.*b.*&.*c.*"]) {
      agreesWithOracle(p);
    }
  });

  it("under repeats, in alternatives and with complement", () => {
    expect(re("abab", "(a.&.b)+")).toBe(true);
    expect(re("abac", "(a.&.b)+")).toBe(false);
    expect(re("yz", "~(x.*)&.*z")).toBe(true);
    expect(re("xyz", "~(x.*)&.*z")).toBe(false);
    for (const p of [
      "(a.&.b)+",
      "(a.*&.*b)*",
      "((a|b)*&.*b.*){2}",
      "c|(a.*&~(.*b.*))",
      "~(a.*)&~(.*b)",
      "~(.*(ab|ba).*)&.*c.*",
    ]) {
      agreesWithOracle(p);
    }
  });
});

describe("numeric intervals, @ and # in context", () => {
  it("places an interval anywhere", () => {
    expect(re("x42y", "x<1-100>y")).toBe(true);
    expect(re("x420y", "x<1-100>y")).toBe(false);
    // Same-width bounds: one digit per piece; different widths: leading zeros allowed.
    expect(re("123", "(<1-3>)+")).toBe(true);
    expect(re("0102", "(<1-3>)+")).toBe(false);
    expect(re("0102", "(<1-10>)+")).toBe(true);
    expect(re("77", "<1-100>&.*7")).toBe(true);
    expect(re("78", "<1-100>&.*7")).toBe(false);
    expect(re("11", "~(<1-10>)")).toBe(true);
    expect(re("010", "~(<1-10>)")).toBe(false);
    for (const p of ["x<1-12>", "(<1-12>)+", "<05-10>|x", "~(<0-12>)", "<1-20>&.*1.*", "<7-3>"]) {
      agreesWithOracle(p, ["0", "1", "2", "5", "x"], 4);
    }
  });

  it("places @ and # anywhere", () => {
    expect(re("ab", "a#*b")).toBe(true);
    expect(re("ab", "a#b")).toBe(false);
    expect(re("xay", "@a@")).toBe(true);
    expect(re("xy", "@a@")).toBe(false);
    for (const p of ["a@b", "@a@", "#|a", "a#*", "(#)+|b", "@&a.", "(a@)?b"]) agreesWithOracle(p);
  });
});
