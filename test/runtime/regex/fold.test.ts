import { describe, expect, it } from "vitest";
import { caseVariants } from "../../../src/runtime/regex/fold.js";

const TURKISH_I = [0x130, 0x131];

/** The code point of a one-character string, or -1. */
function single(s: string): number {
  const cp = s.codePointAt(0) as number;
  return s.length === (cp > 0xffff ? 2 : 1) ? cp : -1;
}

/** Every code point with a case mapping, as the scan in fold.ts sees them. */
function cased(): number[] {
  const out: number[] = [];
  for (let cp = 0; cp <= 0x1ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const s = String.fromCodePoint(cp);
    if (s.toUpperCase() !== s || s.toLowerCase() !== s) out.push(cp);
  }
  return out;
}

describe("regex~ case variants", () => {
  it("gives ASCII letters both cases and leaves other ASCII alone", () => {
    expect(caseVariants(0x61)).toEqual([0x41, 0x61]);
    expect(caseVariants(0x5a)).toEqual([0x5a, 0x7a]);
    expect(caseVariants(0x31)).toEqual([0x31]);
    expect(caseVariants(0x5f)).toEqual([0x5f]);
    expect(caseVariants(0x40)).toEqual([0x40]);
  });

  it("knows every non-ASCII code point whose case mapping is an ASCII letter", () => {
    // The ASCII fast path hard-codes KELVIN SIGN and LONG S; the Turkish i's are one-way.
    const found: number[] = [];
    for (const cp of cased()) {
      if (cp < 0x80) continue;
      const s = String.fromCodePoint(cp);
      for (const m of [single(s.toUpperCase()), single(s.toLowerCase())]) {
        if (m >= 0 && m < 0x80) found.push(cp);
      }
    }
    expect(found.sort((a, b) => a - b)).toEqual([0x131, 0x17f, 0x212a]);
    expect(caseVariants(0x6b)).toEqual([0x4b, 0x6b, 0x212a]);
    expect(caseVariants(0x212a)).toEqual([0x4b, 0x6b, 0x212a]);
    expect(caseVariants(0x53)).toEqual([0x53, 0x73, 0x17f]);
  });

  it("groups only what JavaScript's Unicode case folding (/iu) treats as equal, symmetrically", () => {
    for (const cp of cased()) {
      const variants = caseVariants(cp);
      expect(variants).toContain(cp);
      if (TURKISH_I.includes(cp)) continue;
      const re = new RegExp(`^${String.fromCodePoint(cp).replace(/[\\^$.*+?()[\]{}|]/g, "\\$&")}$`, "iu");
      for (const v of variants) {
        expect(re.test(String.fromCodePoint(v)), `${cp.toString(16)} ~ ${v.toString(16)}`).toBe(true);
        // Symmetric: v's variants are the same group.
        expect(caseVariants(v)).toEqual(variants);
      }
    }
  });

  it("covers the classes with more than two members and the one-way Turkish i's", () => {
    expect(caseVariants(0x3c3)).toEqual([0x3a3, 0x3c2, 0x3c3]); // Σ ς σ
    expect(caseVariants(0x1c5)).toEqual([0x1c4, 0x1c5, 0x1c6]); // Ǆ ǅ ǆ
    expect(caseVariants(0x3b8)).toEqual([0x398, 0x3b8, 0x3d1, 0x3f4]); // Θ θ ϑ ϴ
    expect(caseVariants(0x390)).toEqual([0x390, 0x1fd3]); // ΐ ΐ: no single-character upper case
    expect(caseVariants(0x130)).toEqual([0x69, 0x130]);
    expect(caseVariants(0x131)).toEqual([0x49, 0x131]);
    expect(caseVariants(0x69)).toEqual([0x49, 0x69]);
    expect(caseVariants(0x4e00)).toEqual([0x4e00]);
    expect(caseVariants(0x1f600)).toEqual([0x1f600]);
  });
});
