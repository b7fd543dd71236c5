import { describe, expect, it } from "vitest";
import { compileLuceneRegex, DEFAULT_LIMITS, LuceneRegexError } from "../../../src/runtime/regex/index.js";

function rejection(pattern: string, limits = DEFAULT_LIMITS): LuceneRegexError {
  try {
    compileLuceneRegex(pattern, false, limits);
  } catch (e) {
    if (e instanceof LuceneRegexError) return e;
    throw e;
  }
  throw new Error(`expected ${pattern} to be rejected`);
}

/** A value of `n` characters from `alphabet`, the same every run. */
function pseudoRandom(n: number, alphabet: string, seed: number): string {
  let x = seed;
  let out = "";
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out += alphabet[x % alphabet.length];
  }
  return out;
}

describe("the determinize work limit (Lucene's TooComplexToDeterminizeException)", () => {
  it("rejects a complement whose operand needs too many DFA states, at the ~", () => {
    // The 16th character from the end is an a: 2^16 DFA states.
    const e = rejection("x~((a|b)*a(a|b){15})");
    expect(e.offset).toBe(1);
    expect(e.message).toMatch(/complement \(~\) is too complex to determinize/);
    expect(e.message).toMatch(/10000/);
  });

  it("rejects an intersection whose operands need too many DFA states, at its start", () => {
    const e = rejection("x(.*a.{14}&.*b.{14})");
    expect(e.offset).toBe(2);
    expect(e.message).toMatch(/intersection \(&\) is too complex to determinize/);
  });

  it("accepts the same shapes when they are small, and matches them", () => {
    const m = compileLuceneRegex("~((a|b)*a(a|b){3})", false);
    expect(m("abbb")).toBe(false);
    expect(m("bbbb")).toBe(true);
    expect(m("babbb")).toBe(false);
    expect(m("bbabb")).toBe(true);
  });

  it("follows the configured limit", () => {
    const pattern = "~((a|b)*a(a|b){3})";
    expect(() =>
      compileLuceneRegex(pattern, false, { ...DEFAULT_LIMITS, determinizeWorkLimit: 100 }),
    ).not.toThrow();
    const e = rejection(pattern, { ...DEFAULT_LIMITS, determinizeWorkLimit: 2 });
    expect(e.message).toMatch(/more than 2 effort/);
  });

  it("does not determinize patterns without ~ or &, however large their DFA", () => {
    // Lucene would refuse to determinize this; the lazy DFA never builds what no value reaches.
    const m = compileLuceneRegex("(a|b)*a(a|b){30}", false);
    expect(m(`a${"b".repeat(30)}`)).toBe(true);
    expect(m(`b${"b".repeat(30)}`)).toBe(false);
  });
});

describe("the automaton size limit", () => {
  it("rejects a counted repeat that copies its operand too often, at the repeat", () => {
    const e = rejection("ab{200000}");
    expect(e.offset).toBe(2);
    expect(e.message).toMatch(/pattern too large/);
    // The outermost repeat is blamed: each inner one alone is fine.
    expect(rejection("(a{1000}){1000}").offset).toBe(9);
    expect(rejection("<1-5>{40000}").offset).toBe(5);
  });

  it("accepts large counts below it", () => {
    const m = compileLuceneRegex(".{1,5000}x", false);
    expect(m(`${"y".repeat(4999)}x`)).toBe(true);
    expect(m(`${"y".repeat(5001)}x`)).toBe(false);
  });
});

describe("the DFA cache cap", () => {
  it("falls back to simulation past the default cap with the same answers", () => {
    // The 15th character from the end is an a: 2^15 DFA states, more than the cache holds, and a
    // long random value visits most of them.
    const m = compileLuceneRegex("(a|b)*a(a|b){14}", false);
    for (let seed = 1; seed <= 6; seed++) {
      const v = pseudoRandom(50_000 + seed, "ab", seed);
      expect(m(v), `seed ${seed}`).toBe(v[v.length - 15] === "a");
    }
  });

  it("gives identical answers with a cache of two states (dead and start)", () => {
    const tiny = { ...DEFAULT_LIMITS, maxDfaStates: 2 };
    for (const pattern of [
      ".*[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}.*",
      "(a|b)*a(a|b){4}",
      "~(.*ab.*)&.*c",
      ".*\\.(exe|dll)",
      "@",
      "#",
    ]) {
      const full = compileLuceneRegex(pattern, false);
      const capped = compileLuceneRegex(pattern, false, tiny);
      for (let seed = 1; seed <= 20; seed++) {
        const v = pseudoRandom(seed * 7, "ab.c1e0xd", seed);
        expect(capped(v), `${pattern} on ${v}`).toBe(full(v));
      }
      for (const v of ["1.2.3.4", "x 10.0.0.1 y", "a.exe", "b.dll", "aabbb", "babab", ""]) {
        expect(capped(v), `${pattern} on ${v}`).toBe(full(v));
      }
    }
  });
});
