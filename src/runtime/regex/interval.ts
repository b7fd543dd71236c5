/** Lucene's numeric interval `<min-max>` (`Automata.makeDecimalInterval`) as a regex tree. */

import type { RegexNode } from "./parse.js";

const EMPTY_STRING: RegexNode = { k: "concat", items: [] };

function digits(from: number, to: number): RegexNode {
  return { k: "set", ranges: [[0x30 + from, 0x30 + to]] };
}

function concat(a: RegexNode, b: RegexNode): RegexNode {
  return { k: "concat", items: [a, b] };
}

/** Decimal strings of exactly `lo.length` digits between `lo` and `hi` (same width). */
function fixedWidth(lo: string, hi: string, at: number): RegexNode {
  if (lo.length === 0) return EMPTY_STRING;
  const a = Number(lo[0]);
  const b = Number(hi[0]);
  const restLo = lo.slice(1);
  const restHi = hi.slice(1);
  if (a === b) return concat(digits(a, a), fixedWidth(restLo, restHi, at));
  const tail = restLo.length;
  const zeros = "0".repeat(tail);
  const nines = "9".repeat(tail);
  const parts: RegexNode[] = [];
  // Below the first digit's full block, the full blocks in between, above the last digit's.
  const from = restLo === zeros ? a : a + 1;
  const to = restHi === nines ? b : b - 1;
  if (restLo !== zeros) parts.push(concat(digits(a, a), fixedWidth(restLo, nines, at)));
  if (from <= to)
    parts.push(concat(digits(from, to), { k: "repeat", e: digits(0, 9), min: tail, max: tail, at }));
  if (restHi !== nines) parts.push(concat(digits(b, b), fixedWidth(zeros, restHi, at)));
  return parts.length === 1 ? (parts[0] as RegexNode) : { k: "union", alts: parts };
}

/**
 * When both bounds were written with the same width (`digits > 0`), values must have exactly that
 * many digits, zero-padded; otherwise any number of leading zeros is accepted.
 */
export function decimalInterval(min: number, max: number, width: number, at: number): RegexNode {
  if (width > 0) return fixedWidth(String(min).padStart(width, "0"), String(max).padStart(width, "0"), at);
  const lo = String(min);
  const hi = String(max);
  const alts: RegexNode[] = [];
  for (let w = lo.length; w <= hi.length; w++) {
    const a = w === lo.length ? lo : `1${"0".repeat(w - 1)}`;
    const b = w === hi.length ? hi : "9".repeat(w);
    alts.push(fixedWidth(a, b, at));
  }
  const zeros: RegexNode = { k: "repeat", e: digits(0, 0), min: 0, max: Number.POSITIVE_INFINITY, at };
  return concat(zeros, alts.length === 1 ? (alts[0] as RegexNode) : { k: "union", alts });
}
