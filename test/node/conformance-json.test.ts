import { describe, expect, it } from "vitest";
import { parseJsonExact, stripCommentLines, toPlainNumbers } from "../../src/node/conformance/json.js";

describe("parseJsonExact", () => {
  it("keeps every digit of integers longer than 15 digits", () => {
    const v = parseJsonExact('{"timestamp": 131485996512345678, "neg": -131485996512345679}') as Record<
      string,
      unknown
    >;
    expect(v.timestamp).toBe(131485996512345678n);
    expect(v.neg).toBe(-131485996512345679n);
  });

  it("leaves short integers, decimals, exponents and strings alone", () => {
    const text =
      '[123456789012345, 1234567890123456.5, 1e300, "1314859965123456789", {"a": "x\\"1234567890123456789"}]';
    expect(parseJsonExact(text)).toEqual([
      123456789012345,
      1234567890123456.5,
      1e300,
      "1314859965123456789",
      { a: 'x"1234567890123456789' },
    ]);
  });

  it("reports invalid JSON like JSON.parse", () => {
    expect(() => parseJsonExact("[1,")).toThrow(SyntaxError);
  });
});

describe("stripCommentLines", () => {
  it("drops whole comment lines, also indented ones, and keeps the rest", () => {
    const text = '[\n //// test2\n {"url": "http://x//y"},\n   // note\n 1\n]';
    expect(JSON.parse(stripCommentLines(text, "//"))).toEqual([{ url: "http://x//y" }, 1]);
  });
});

describe("toPlainNumbers", () => {
  it("turns nested bigints into numbers", () => {
    expect(toPlainNumbers({ a: [1n, { b: 2n }], c: "3" })).toEqual({ a: [1, { b: 2 }], c: "3" });
  });
});
