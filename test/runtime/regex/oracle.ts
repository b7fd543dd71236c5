/**
 * A slow, obviously correct reading of a parsed Lucene pattern, straight from the definitions of
 * the operators over sets of strings (no automaton): the reference the engine is checked against.
 * Exponential in places; only for short values.
 */

import type { RegexNode } from "../../../src/runtime/regex/parse.js";

/** Whether the whole of `value` is in the language of `tree`. */
export function oracleMatches(tree: RegexNode, value: string): boolean {
  const cps = [...value].map((c) => c.codePointAt(0) as number);
  const memo = new Map<RegexNode, Map<number, boolean>>();
  const inLang = (n: RegexNode, i: number, j: number): boolean => {
    let byNode = memo.get(n);
    if (!byNode) {
      byNode = new Map();
      memo.set(n, byNode);
    }
    const key = i * 1000 + j;
    let r = byNode.get(key);
    if (r === undefined) {
      r = compute(n, i, j);
      byNode.set(key, r);
    }
    return r;
  };
  // Whether value[i..j) splits into consecutive pieces in the languages of `items`.
  const split = (items: readonly RegexNode[], i: number, j: number): boolean => {
    let at = new Set([i]);
    for (const item of items) {
      const next = new Set<number>();
      for (const p of at) for (let q = p; q <= j; q++) if (inLang(item, p, q)) next.add(q);
      at = next;
    }
    return at.has(j);
  };
  const compute = (n: RegexNode, i: number, j: number): boolean => {
    switch (n.k) {
      case "set": {
        if (j !== i + 1) return false;
        const c = cps[i] as number;
        return n.ranges.some(([lo, hi]) => lo <= c && c <= hi);
      }
      case "empty":
        return false;
      case "anystr":
        return true;
      case "concat":
        return split(n.items, i, j);
      case "union":
        return n.alts.some((a) => inLang(a, i, j));
      case "inter":
        return n.ops.every((o) => inLang(o, i, j));
      case "compl":
        return !inLang(n.e, i, j);
      case "repeat": {
        if (n.min > n.max) return false;
        // (position, pieces so far), pieces counted up to min once max is unbounded.
        const cap = n.max === Number.POSITIVE_INFINITY ? n.min : n.max;
        const seen = new Set<string>();
        const work: [number, number][] = [[i, 0]];
        while (work.length > 0) {
          const [p, c] = work.pop() as [number, number];
          const key = `${p}:${c}`;
          if (seen.has(key)) continue;
          seen.add(key);
          if (p === j && c >= n.min) return true;
          if (c >= n.max) continue;
          for (let q = p; q <= j; q++) if (inLang(n.e, p, q)) work.push([q, Math.min(c + 1, cap)]);
        }
        return false;
      }
      case "interval": {
        const s = String.fromCodePoint(...cps.slice(i, j));
        if (!/^[0-9]+$/.test(s)) return false;
        if (n.digits > 0 && s.length !== n.digits) return false;
        const v = Number(s);
        return v >= n.min && v <= n.max;
      }
    }
  };
  return inLang(tree, 0, cps.length);
}
