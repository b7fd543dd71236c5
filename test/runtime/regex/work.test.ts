/**
 * Matching takes work linear in the value, counted (`matchWork`) rather than timed: on the patterns
 * a backtracking engine takes exponential or cubic time on, with values that fail only at their end.
 */
import { describe, expect, it } from "vitest";
import { compileLuceneRegex, DEFAULT_LIMITS, type RegexLimits } from "../../../src/runtime/regex/index.js";
import { matchWork } from "../../../src/runtime/regex/lazy-dfa.js";

/** The work one match of `value` costs a newly compiled `pattern`, its DFA states built as it goes. */
function work(pattern: string, value: string, limits: RegexLimits) {
  const m = compileLuceneRegex(pattern, false, limits);
  const units = matchWork.units;
  const simulated = matchWork.simulated;
  expect(m(value), `${pattern} on ${value.length} characters`).toBe(false);
  return { units: matchWork.units - units, simulated: matchWork.simulated - simulated };
}

interface Case {
  readonly pattern: string;
  readonly value: (n: number) => string;
  /** Work per character allowed, and once per match (building DFA states). */
  readonly perChar: number;
  readonly fixed: number;
  readonly limits: RegexLimits;
  /** Whether the match has to finish by simulating the automaton. */
  readonly fallback: boolean;
}

const dfa = (pattern: string, value: (n: number) => string): Case => ({
  pattern,
  value,
  perChar: 2,
  fixed: 200,
  limits: DEFAULT_LIMITS,
  fallback: false,
});

// Each value holds the code points every match has (else it is rejected before the automaton runs,
// see below) and fails only at its end.
const cases: Case[] = [
  dfa("(a+)+b", (n) => `${"a".repeat(n)}ba`),
  dfa("(a|aa)*c", (n) => `${"a".repeat(n)}ca`),
  dfa("(a*)*b", (n) => `${"a".repeat(n)}ba`),
  dfa(".*.*.*=.*;", (n) => `${"x".repeat(n)}=;x`),
  {
    // Every window of 15 characters is a DFA state of its own: 2^15 of them, far past a cap of 16.
    pattern: "(a|b)*a(a|b){14}",
    value: (n) => "ab".repeat(n / 2),
    perChar: 64,
    fixed: 2000,
    limits: { ...DEFAULT_LIMITS, maxDfaStates: 16 },
    fallback: true,
  },
];

describe("the work of a match", () => {
  for (const c of cases) {
    it(`is linear in the value for ${c.pattern}${c.fallback ? " past the DFA state cap" : ""}`, () => {
      // Small values first: a blow-up shows there, before the large ones would take long.
      for (const n of [8, 16, 32, 64, 1000, 10_000]) {
        const one = work(c.pattern, c.value(n), c.limits);
        const two = work(c.pattern, c.value(2 * n), c.limits);
        expect(one.units, `${n} characters`).toBeLessThanOrEqual(c.perChar * n + c.fixed);
        expect(two.units, `${2 * n} characters`).toBeLessThanOrEqual(c.perChar * 2 * n + c.fixed);
        // Once the per-character work outweighs the building of states, twice the value is twice the work.
        if (n >= 1000) expect(two.units / one.units, `${n} characters`).toBeLessThanOrEqual(2.2);
        // Short values reach few states; from 64 characters on, most of the value is simulated.
        if (!c.fallback) expect(one.simulated).toBe(0);
        else if (n >= 64) expect(one.simulated).toBeGreaterThan(n / 2);
      }
    });
  }
});

describe("a value without a code point every match has", () => {
  it("is rejected before the automaton runs", () => {
    const tunnel = ".*[0-9]{1,3}\\.[0-9]{1,3}:[0-9]{1,5}.*";
    const m = compileLuceneRegex(tunnel, false);
    const run = (value: string) => {
      const units = matchWork.units;
      const matched = m(value);
      return { matched, units: matchWork.units - units };
    };
    // No ":" (or no "."): no automaton work at all.
    expect(run(`ssh -L ${"8".repeat(1000)} host`)).toEqual({ matched: false, units: 0 });
    expect(run("nc 10:20")).toEqual({ matched: false, units: 0 });
    // Both there: the automaton decides.
    expect(run("ssh -L 10.0:8080 host").matched).toBe(true);
    const near = run(`x${".:".repeat(50)}`);
    expect(near.matched).toBe(false);
    expect(near.units).toBeGreaterThan(0);
    // Alternatives with nothing in common, a class, or a complement: nothing is required.
    for (const [pattern, value] of [
      ["ab|cd", "cd"],
      ["[:.]+", ":"],
      ["~(:)", ""],
    ] as const) {
      expect(compileLuceneRegex(pattern, false)(value), pattern).toBe(true);
    }
  });
});
