/**
 * Lucene regular expressions (`regex`, `regex~`) as Elasticsearch runs them, without backtracking:
 * the pattern is parsed (`parse.ts`), compiled to an automaton over code points (`build.ts`, with
 * `~` and `&` determinized as Lucene does in `determinize.ts`) and matched by a lazily built DFA
 * (`lazy-dfa.ts`), so matching takes time linear in the value.
 */

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
  return (value) => dfa.matches(value);
}
