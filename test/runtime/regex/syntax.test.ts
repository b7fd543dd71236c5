import { describe, expect, it } from "vitest";
import { compileLuceneRegex, LuceneRegexError } from "../../../src/runtime/regex/index.js";

const re = (value: string, pattern: string) => compileLuceneRegex(pattern, false)(value);
const reI = (value: string, pattern: string) => compileLuceneRegex(pattern, true)(value);

describe("Lucene regex (§4.6)", () => {
  const h = "srv-01.corp";

  it("matches the §4.6 examples", () => {
    expect(re(h, "srv-[0-9]+\\.corp")).toBe(true);
    expect(re(h, "srv")).toBe(false);
    expect(re(h, "SRV.*")).toBe(false);
    expect(reI(h, "SRV.*")).toBe(true);
    expect(re(h, "x.*|.*corp")).toBe(true);
    expect(re(h, "^srv.*")).toBe(false);
  });

  it("anchors the whole value", () => {
    expect(re("xabcx", "abc")).toBe(false);
    expect(re("xabcx", ".*abc.*")).toBe(true);
  });

  it("treats ^ and $ as literal characters", () => {
    expect(re("^srv", "^srv")).toBe(true);
    expect(re("a$", "a$")).toBe(true);
    expect(re("a", "a$")).toBe(false);
  });

  it("lets . match newlines and astral characters", () => {
    expect(re("a\nb", "a.b")).toBe(true);
    expect(re("a😀b", "a.b")).toBe(true);
  });

  it("supports repeats and bounds", () => {
    expect(re("aaa", "a{3}")).toBe(true);
    expect(re("aa", "a{3}")).toBe(false);
    expect(re("aaaa", "a{3,}")).toBe(true);
    expect(re("aaaa", "a{2,3}")).toBe(false);
    expect(re("", "a?")).toBe(true);
    expect(re("aaa", "a**")).toBe(true);
    expect(re("a", "a{3,2}")).toBe(false);
    expect(re("abab", "(ab)+")).toBe(true);
  });

  it("reads character classes Lucene's way", () => {
    expect(re("b", "[a-c]")).toBe(true);
    expect(re("d", "[^a-c]")).toBe(true);
    expect(re("b", "[^a-c]")).toBe(false);
    expect(re("]", "[\\]]")).toBe(true);
    expect(re("-", "[\\-]")).toBe(true);
    expect(re(".", "[.]")).toBe(true);
    expect(re("x", "[.]")).toBe(false);
    expect(re("5", "[\\d]")).toBe(true);
    expect(re("a", "[^\\d]")).toBe(true);
  });

  it("supports predefined classes with Lucene's narrow definitions", () => {
    expect(re("123", "\\d+")).toBe(true);
    expect(re("abc", "\\D+")).toBe(true);
    expect(re(" \t\n\r", "\\s+")).toBe(true);
    expect(re("\u00a0", "\\s")).toBe(false);
    expect(re("a_Z9", "\\w+")).toBe(true);
    expect(re("é", "\\w")).toBe(false);
    expect(re("é", "\\W")).toBe(true);
    expect(re("x", "\\S")).toBe(true);
  });

  it("supports quoted literal runs and escapes", () => {
    expect(re("a.b*c", '"a.b*c"')).toBe(true);
    expect(re("axbc", '"a.b*c"')).toBe(false);
    expect(re("a*b", "a\\*b")).toBe(true);
    expect(re("a\\b", "a\\\\b")).toBe(true);
    expect(re('say "hi"', 'say \\"hi\\"')).toBe(true);
    expect(re("x", '""x')).toBe(true);
  });

  it("supports # (nothing) and @ (anything)", () => {
    expect(re("", "#")).toBe(false);
    expect(re("a", "#")).toBe(false);
    expect(re("a", "a|#")).toBe(true);
    expect(re("anything at all", "@")).toBe(true);
    expect(re("", "@")).toBe(true);
    expect(re("abc-def", "abc@")).toBe(true);
  });

  it("supports the empty group and an empty pattern", () => {
    expect(re("ab", "a()b")).toBe(true);
    expect(re("", "")).toBe(true);
    expect(re("a", "")).toBe(false);
  });

  it("treats an operator where an expression must start as a literal (Lucene quirk)", () => {
    expect(re("*a", "*a")).toBe(true);
    expect(re("|a", "|a")).toBe(true);
    expect(re("a", "a||b")).toBe(true);
    expect(re("|b", "a||b")).toBe(true);
    expect(re("{", "{")).toBe(true);
  });

  it("supports numeric intervals", () => {
    expect(re("foo5", "foo<1-100>")).toBe(true);
    expect(re("foo100", "foo<1-100>")).toBe(true);
    expect(re("foo101", "foo<1-100>")).toBe(false);
    expect(re("foo0", "foo<1-100>")).toBe(false);
    // Different widths: any number of leading zeros.
    expect(re("foo007", "foo<1-100>")).toBe(true);
    expect(re("foo00100", "foo<1-100>")).toBe(true);
    // Same width: values must be zero-padded to that width.
    expect(re("foo01", "foo<01-10>")).toBe(true);
    expect(re("foo1", "foo<01-10>")).toBe(false);
    expect(re("foo10", "foo<01-10>")).toBe(true);
    expect(re("foo001", "foo<01-10>")).toBe(false);
    // Reversed bounds are swapped.
    expect(re("7", "<9-5>")).toBe(true);
    expect(re("0", "<0-0>")).toBe(true);
  });

  it("checks intervals exhaustively against arithmetic", () => {
    for (const [lo, hi] of [
      [0, 10],
      [3, 47],
      [19, 301],
      [99, 1000],
      [5, 129],
    ] as const) {
      const loose = compileLuceneRegex(`<${lo}-${hi}>`, false);
      for (let n = 0; n <= 1100; n++) {
        expect(loose(String(n))).toBe(n >= lo && n <= hi);
        expect(loose(`00${n}`)).toBe(n >= lo && n <= hi);
      }
    }
    const fixed = compileLuceneRegex("<007-120>", false);
    for (let n = 0; n <= 200; n++) {
      expect(fixed(String(n).padStart(3, "0"))).toBe(n >= 7 && n <= 120);
    }
    expect(fixed("7")).toBe(false);
    const digit = compileLuceneRegex("<0-9>", false);
    expect(digit("0")).toBe(true);
    expect(digit("9")).toBe(true);
    expect(digit("00")).toBe(false);
  });

  it("folds literals for regex~ but not ranges or classes", () => {
    expect(reI("ABC", "abc")).toBe(true);
    expect(reI("ABC", '"abc"')).toBe(true);
    expect(reI("A", "[a]")).toBe(true);
    expect(reI("A", "[a-c]")).toBe(false);
    expect(reI("A", "[^a]")).toBe(false);
    expect(reI("A1", "\\w\\d")).toBe(true);
  });

  it("folds case beyond ASCII for regex~, as Lucene 10.2 and later do", () => {
    expect(reI("É", "é")).toBe(true);
    expect(reI("ÉTÉ", '"été"')).toBe(true);
    expect(re("É", "é")).toBe(false);
    // Every member of a simple case folding class, not only upper and lower case.
    expect(reI("\u212a", "k")).toBe(true); // KELVIN SIGN
    expect(reI("\u017f", "S")).toBe(true); // LONG S
    expect(reI("ς", "Σ")).toBe(true);
    expect(reI("ẞ", "ß")).toBe(true);
    expect(reI("ß", "SS")).toBe(false);
    // Java's one-way mappings of the Turkish i's.
    expect(reI("i", "İ")).toBe(true);
    expect(reI("İ", "i")).toBe(false);
    expect(reI("I", "ı")).toBe(true);
    expect(reI("ı", "I")).toBe(false);
    expect(reI("Á", "[á]")).toBe(true);
    expect(reI("Á", "[à-â]")).toBe(false);
  });

  it("supports top-level intersection and complement", () => {
    expect(re("abc", "a.*&.*c")).toBe(true);
    expect(re("abd", "a.*&.*c")).toBe(false);
    expect(re("abc", "~(abc)")).toBe(false);
    expect(re("abd", "~(abc)")).toBe(true);
    expect(re("", "~(abc)")).toBe(true);
    expect(re("adc", "a~(b)")).toBe(true); // a, then anything but "b"
    expect(re("ab", "a~(b)")).toBe(false);
    expect(re("ax", "x|a~b")).toBe(true);
    expect(re("ab", "x|a~b")).toBe(false);
    expect(re("a", "~~a")).toBe(true);
    expect(re("ab", "(a.*&.b)|zz")).toBe(true);
    expect(re("zz", "(a.*&.b)|zz")).toBe(true);
    expect(re("ac", "(a.*&.b)|zz")).toBe(false);
    expect(re("ab", "a(~c)?")).toBe(true);
    expect(re("a", "a(~c)?")).toBe(true);
    expect(re("ac", "a(~c)?")).toBe(false);
    expect(re("xyz", "~(x.*)&.*z")).toBe(false);
    expect(re("yz", "~(x.*)&.*z")).toBe(true);
  });

  it("rejects what Lucene rejects", () => {
    for (const bad of [
      "a|",
      "(a",
      "a)",
      "[a",
      "[]",
      "[a-]",
      "[z-a]",
      '"abc',
      "a{",
      "a{x}",
      "a{2",
      "<1-2",
      "<12>",
      "<-5>",
      "<1-2-3>",
      "<a-b>",
      "\\n",
      "\\t",
      "a\\",
      "a&",
      "~",
    ]) {
      expect(() => compileLuceneRegex(bad, false), bad).toThrow(LuceneRegexError);
    }
  });

  it("accepts backslash before non-letters and digits", () => {
    expect(re("1", "\\1")).toBe(true);
    expect(re(".", "\\.")).toBe(true);
    expect(re("é", "\\é")).toBe(true);
  });

  it("joins a list of patterns with | (§4.6 list form)", () => {
    expect(re(h, ["x.*", ".*corp"].join("|"))).toBe(true);
    expect(re(h, ["x.*", "y.*"].join("|"))).toBe(false);
  });
});
