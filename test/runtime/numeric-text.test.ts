import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isJavaDecimal, isNumericText, numericScanStats } from "../../src/runtime/numeric-text.js";

// The regular expressions the scans replace: the same languages, to compare against.
const NUMERIC_TEXT = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;
const DECIMAL = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[fFdD]?$/;

const units = [
  ..."0123456789",
  "+",
  "-",
  ".",
  "e",
  "E",
  " ",
  "\t",
  "\n",
  "\u00a0",
  "\u2028",
  "\u3000",
  "\ufeff",
  "\u200b",
  "f",
  "F",
  "d",
  "D",
  "x",
  "a",
  "٣",
];
const text = fc.array(fc.constantFrom(...units), { maxLength: 12 }).map((a) => a.join(""));

describe("numeric text scans", () => {
  it("accept exactly what the regular expressions accept", () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(isNumericText(s), JSON.stringify(s)).toBe(NUMERIC_TEXT.test(s));
        expect(isJavaDecimal(s), JSON.stringify(s)).toBe(DECIMAL.test(s));
      }),
      { numRuns: 20_000 },
    );
  });

  it("agree on the edge cases", () => {
    for (const s of [
      "",
      " ",
      "+",
      "-",
      ".",
      "+.",
      "1.",
      ".5",
      "1e",
      "1e+",
      "1e5",
      "1.e5",
      ".e5",
      "1e5 ",
      " 1 ",
      "1d",
      "1e5f",
      "1 d",
      "1ee5",
      "--1",
      "1.2.3",
      "\u00a01\ufeff",
    ]) {
      expect(isNumericText(s), JSON.stringify(s)).toBe(NUMERIC_TEXT.test(s));
      expect(isJavaDecimal(s), JSON.stringify(s)).toBe(DECIMAL.test(s));
    }
  });

  it("examine a value once through: its length and a few re-reads at the boundaries at most", () => {
    const long = "9".repeat(80_000);
    for (const s of [
      `${long}x`,
      long,
      `${long}.${long}x`,
      ` ${long} x`,
      `${long}e${long}x`,
      `-${long}`,
      `${long}e`,
    ]) {
      for (const scan of [isNumericText, isJavaDecimal]) {
        const before = numericScanStats.examined;
        scan(s);
        const examined = numericScanStats.examined - before;
        expect(examined).toBeGreaterThan(0);
        expect(examined).toBeLessThanOrEqual(s.length + 4);
      }
    }
  });
});
