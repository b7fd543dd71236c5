import { describe, expect, it } from "vitest";
import { skipTo } from "../../../src/runtime/regex/skip.js";

describe("skipping to the next character that leaves a state", () => {
  it("finds one character with indexOf semantics", () => {
    const skip = skipTo([[0x2e, 0x2e]]);
    expect(skip("abc.def.", 0)).toBe(3);
    expect(skip("abc.def.", 4)).toBe(7);
    expect(skip("abcdef", 0)).toBe(6);
  });

  it("finds a class of BMP characters", () => {
    const skip = skipTo([
      [0x30, 0x39],
      [0xe9, 0xe9],
    ]);
    expect(skip("ab😀c7", 0)).toBe(5);
    expect(skip("xé", 0)).toBe(1);
    expect(skip("xyz", 1)).toBe(3);
  });

  it("finds astral characters and lone surrogates as whole code points", () => {
    const astral = skipTo([[0x1f600, 0x1f64f]]);
    expect(astral("ab😀", 0)).toBe(2);
    expect(astral("😀", 0)).toBe(0);
    expect(astral("a\ud83dx😁", 0)).toBe(3);
    const lone = skipTo([[0xd800, 0xdfff]]);
    expect(lone("ab\ud83dc", 0)).toBe(2);
    expect(lone("ab😀c", 0)).toBe(5); // the pair is one code point, outside the class
  });
});
