import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileLuceneRegex, DEFAULT_LIMITS } from "../../../src/runtime/regex/index.js";
import { parseLuceneRegex, type RegexNode } from "../../../src/runtime/regex/parse.js";
import { MAX_CP, type Ranges } from "../../../src/runtime/regex/ranges.js";
import { oracleMatches } from "./oracle.js";

// ---------- the translation to a JavaScript RegExp the engine replaced, as a reference ----------

function hex(cp: number): string {
  if ((cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a)) {
    return String.fromCharCode(cp);
  }
  return `\\u{${cp.toString(16)}}`;
}

function emitSet(r: Ranges): string {
  if (r.length === 0) return "(?!)";
  const [lo, hi] = r[0] as readonly [number, number];
  if (r.length === 1 && lo === hi) return hex(lo);
  if (r.length === 1 && lo === 0 && hi === MAX_CP) return "[^]";
  return `[${r.map(([a, b]) => (a === b ? hex(a) : `${hex(a)}-${hex(b)}`)).join("")}]`;
}

/** Decimal strings of exactly `lo.length` digits between `lo` and `hi`. */
function fixedWidthRange(lo: string, hi: string): string {
  if (lo.length === 0) return "";
  const a = Number(lo[0]);
  const b = Number(hi[0]);
  const restLo = lo.slice(1);
  const restHi = hi.slice(1);
  if (a === b) return `${a}${fixedWidthRange(restLo, restHi)}`;
  const tail = restLo.length;
  const zeros = "0".repeat(tail);
  const nines = "9".repeat(tail);
  const any = tail > 0 ? `[0-9]{${tail}}` : "";
  const parts: string[] = [];
  const from = restLo === zeros ? a : a + 1;
  const to = restHi === nines ? b : b - 1;
  if (restLo !== zeros) parts.push(`${a}${fixedWidthRange(restLo, nines)}`);
  if (from <= to) parts.push(`${from === to ? from : `[${from}-${to}]`}${any}`);
  if (restHi !== nines) parts.push(`${b}${fixedWidthRange(zeros, restHi)}`);
  return parts.length === 1 ? (parts[0] as string) : `(?:${parts.join("|")})`;
}

function emitInterval(min: number, max: number, digits: number): string {
  if (digits > 0)
    return fixedWidthRange(String(min).padStart(digits, "0"), String(max).padStart(digits, "0"));
  const lo = String(min);
  const hi = String(max);
  const parts: string[] = [];
  for (let w = lo.length; w <= hi.length; w++) {
    parts.push(
      fixedWidthRange(w === lo.length ? lo : `1${"0".repeat(w - 1)}`, w === hi.length ? hi : "9".repeat(w)),
    );
  }
  return `0*(?:${parts.join("|")})`;
}

function emit(n: RegexNode): string {
  switch (n.k) {
    case "set":
      return emitSet(n.ranges);
    case "empty":
      return "(?!)";
    case "anystr":
      return "[^]*";
    case "interval":
      return emitInterval(n.min, n.max, n.digits);
    case "union":
      return `(?:${n.alts.map(emit).join("|")})`;
    case "concat":
      return n.items.map(emit).join("");
    case "inter":
    case "compl":
      throw new Error("no JavaScript equivalent");
    case "repeat": {
      if (n.min > n.max) return "(?!)";
      const inner = `(?:${emit(n.e)})`;
      if (n.max === Number.POSITIVE_INFINITY) return `${inner}{${n.min},}`;
      return `${inner}{${n.min},${n.max}}`;
    }
  }
}

/** The old engine: an anchored JavaScript RegExp over code points. */
function referenceMatcher(pattern: string, insensitive: boolean): (value: string) => boolean {
  const re = new RegExp(`^(?:${emit(parseLuceneRegex(pattern, insensitive))})$`, "su");
  return (value) => re.test(value);
}

// ---------- random patterns and values ----------

const ATOMS = [
  "a",
  "b",
  "c",
  "A",
  ".",
  "\\d",
  "\\w",
  "\\s",
  "\\D",
  "\\W",
  "[ab]",
  "[^a]",
  "[a-c]",
  "[\\d.]",
  "@",
  "#",
  '"ab"',
  "()",
  "<1-12>",
  "<01-10>",
  "<7-3>",
  "😀",
  "[😀-😂]",
  "\\.",
  "^",
  "$",
];
const QUANTIFIERS = ["*", "+", "?", "{2}", "{1,3}", "{0,2}", "{2,}", "{3,1}", "{0}"];
const VALUE_UNITS = ["a", "b", "c", "A", "B", "0", "1", "2", " ", ".", "😀", "😁", "\n", "^", "\ud83d"];

/** Patterns built from the grammar; `withOperators` adds `&` and `~`. */
function patterns(withOperators: boolean): fc.Arbitrary<string> {
  const { node } = fc.letrec<{ node: string }>((tie) => {
    const branches = [
      fc.constantFrom(...ATOMS),
      tie("node").map((x) => `(${x})`),
      fc.tuple(tie("node"), tie("node")).map(([a, b]) => a + b),
      fc.tuple(tie("node"), tie("node")).map(([a, b]) => `${a}|${b}`),
      fc.tuple(tie("node"), fc.constantFrom(...QUANTIFIERS)).map(([x, q]) => `(${x})${q}`),
    ];
    if (withOperators) {
      branches.push(
        fc.tuple(tie("node"), tie("node")).map(([a, b]) => `(${a}&${b})`),
        tie("node").map((x) => `~(${x})`),
      );
    }
    return { node: fc.oneof({ maxDepth: 4, depthIdentifier: "pattern" }, ...branches) };
  });
  return node;
}

const values = (maxLength: number) =>
  fc.array(
    fc.array(fc.constantFrom(...VALUE_UNITS), { maxLength }).map((u) => u.join("")),
    { minLength: 1, maxLength: 8 },
  );

function parses(pattern: string): boolean {
  try {
    parseLuceneRegex(pattern, false);
    return true;
  } catch {
    return false;
  }
}

describe("the automaton engine, on random patterns", () => {
  it("agrees with the JavaScript RegExp translation it replaced (patterns without & and ~)", () => {
    fc.assert(
      fc.property(patterns(false), fc.boolean(), values(6), (pattern, insensitive, vs) => {
        fc.pre(parses(pattern));
        const ours = compileLuceneRegex(pattern, insensitive);
        const theirs = referenceMatcher(pattern, insensitive);
        for (const v of vs) expect(ours(v), `${pattern} on ${JSON.stringify(v)}`).toBe(theirs(v));
      }),
      { numRuns: 1500 },
    );
  });

  it("agrees with the set definitions of every operator, & and ~ included", () => {
    fc.assert(
      fc.property(patterns(true), fc.boolean(), values(5), (pattern, insensitive, vs) => {
        fc.pre(parses(pattern));
        const ours = compileLuceneRegex(pattern, insensitive);
        const tree = parseLuceneRegex(pattern, insensitive);
        for (const v of vs)
          expect(ours(v), `${pattern} on ${JSON.stringify(v)}`).toBe(oracleMatches(tree, v));
      }),
      { numRuns: 600 },
    );
  });

  it("gives the same answers when the DFA cache is capped and it falls back to simulation", () => {
    const tiny = [2, 3, 5].map((maxDfaStates) => ({ ...DEFAULT_LIMITS, maxDfaStates }));
    fc.assert(
      fc.property(patterns(true), fc.boolean(), values(12), (pattern, insensitive, vs) => {
        fc.pre(parses(pattern));
        const full = compileLuceneRegex(pattern, insensitive);
        const capped = tiny.map((limits) => compileLuceneRegex(pattern, insensitive, limits));
        for (const v of vs) {
          const want = full(v);
          for (const m of capped) expect(m(v), `${pattern} on ${JSON.stringify(v)}`).toBe(want);
        }
      }),
      { numRuns: 800 },
    );
  });
});
