import { describe, expect, it } from "vitest";
import { compareCodePoints, foldCase } from "../../src/runtime/text.js";

describe("compareCodePoints", () => {
  it("orders by code point, not UTF-16 unit", () => {
    // U+FF61 is one unit above the surrogates; U+1F600 is two surrogate units.
    expect(compareCodePoints("\uff61", "😀")).toBeLessThan(0);
    expect("\uff61" < "😀").toBe(false);
    expect(compareCodePoints("😀", "\uff61")).toBeGreaterThan(0);
  });
  it("orders upper case before lower case and prefixes first", () => {
    expect(compareCodePoints("System Idle Process", "System")).toBeGreaterThan(0);
    expect(compareCodePoints("System Idle Process", "system idle process")).toBeLessThan(0);
    expect(compareCodePoints("abc", "abc")).toBe(0);
    expect(compareCodePoints("", "a")).toBeLessThan(0);
  });
});

describe("foldCase", () => {
  it("lower-cases ASCII", () => {
    expect(foldCase("CMD.Exe")).toBe("cmd.exe");
  });
  it("uses simple one-to-one mappings and keeps the length", () => {
    expect(foldCase("ß")).toBe("ß");
    expect(foldCase("İ")).toBe("İ"); // one-way in Lucene: see hasOneWayFold
    expect(foldCase("ı")).toBe("ı");
    expect(foldCase("ſ")).toBe("s");
    expect(foldCase("\u212a")).toBe("k"); // Kelvin sign
    expect(foldCase("ΣΑΣ")).toBe("σασ"); // no final-sigma context rule
    for (const s of ["İstanbul", "ﬀ", "😀A", "ǅ"]) expect(foldCase(s).length).toBe(s.length);
  });
});
