/**
 * Lucene regular expressions (`regex`, `regex~`) as Elasticsearch runs them, without backtracking:
 * the pattern is parsed (`parse.ts`), compiled to an automaton over code points (`build.ts`, with
 * `~` and `&` determinized as Lucene does in `determinize.ts`) and matched by a lazily built DFA
 * (`lazy-dfa.ts`), so matching takes time linear in the value. Code points every match contains
 * (`requiredCodePoints`) are looked for first, so most values that cannot match never reach the
 * automaton.
 */

import type { Nfa } from "./automaton.js";
import { buildNfa } from "./build.js";
import { LazyDfa } from "./lazy-dfa.js";
import { Budget, DEFAULT_LIMITS, type RegexLimits } from "./limits.js";
import { parseLuceneRegex } from "./parse.js";

export { LuceneRegexError } from "./error.js";
export { DEFAULT_LIMITS, type RegexLimits } from "./limits.js";

/**
 * Compile a Lucene regular expression (`regex`, or `regex~` with `insensitive`) into a whole-value
 * matcher over code points. Throws `LuceneRegexError` for a pattern Lucene rejects or one past the
 * limits (`limits` exists for tests; callers keep the defaults).
 */
export function compileLuceneRegex(
  pattern: string,
  insensitive: boolean,
  limits: RegexLimits = DEFAULT_LIMITS,
): (value: string) => boolean {
  const nfa = buildNfa(parseLuceneRegex(pattern, insensitive), new Budget(limits));
  const dfa = new LazyDfa(nfa, limits.maxDfaStates);
  const required = requiredCodePoints(nfa).map((cp) => String.fromCodePoint(cp));
  if (required.length === 0) return (value) => dfa.matches(value);
  // A value without one of them cannot match: a native search rejects it before the automaton runs.
  return (value) => {
    for (let i = 0; i < required.length; i++) if (!value.includes(required[i] as string)) return false;
    return dfa.matches(value);
  };
}

/** Code points tried as required, and kept, at most (each try walks the automaton once). */
const MAX_TRIED = 64;
const MAX_REQUIRED = 4;

/**
 * Code points every value the automaton accepts contains: `c` is required when the accepting state
 * cannot be reached from the start without a transition on `c` alone (a transition on a wider range
 * could take another code point). Only code points some transition takes alone are tried.
 */
export function requiredCodePoints(nfa: Nfa): number[] {
  const tried = new Set<number>();
  for (const list of nfa.edges) {
    for (let i = 0; i < list.length && tried.size < MAX_TRIED; i += 3) {
      if (list[i] === list[i + 1]) tried.add(list[i] as number);
    }
  }
  const out: number[] = [];
  const seen = new Uint8Array(nfa.size);
  for (const c of tried) {
    if (!acceptsWithout(nfa, c, seen)) out.push(c);
    if (out.length === MAX_REQUIRED) break;
  }
  return out;
}

/** Whether the accepting state is reachable without a transition on `c` alone. */
function acceptsWithout(nfa: Nfa, c: number, seen: Uint8Array): boolean {
  seen.fill(0);
  const stack = [nfa.start];
  seen[nfa.start] = 1;
  while (stack.length > 0) {
    const s = stack.pop() as number;
    if (s === nfa.accept) return true;
    for (const t of nfa.eps[s] as number[]) {
      if (seen[t] === 1) continue;
      seen[t] = 1;
      stack.push(t);
    }
    const edges = nfa.edges[s] as number[];
    for (let i = 0; i < edges.length; i += 3) {
      if (edges[i] === c && edges[i + 1] === c) continue;
      const t = edges[i + 2] as number;
      if (seen[t] === 1) continue;
      seen[t] = 1;
      stack.push(t);
    }
  }
  return false;
}
