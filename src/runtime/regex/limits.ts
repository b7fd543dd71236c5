/** Bounds on the work and memory one pattern may take; `grammar/DESIGN.md` lists the defaults. */

import { LuceneRegexError } from "./error.js";

/** The knobs; tests lower them to reach the fallbacks with small patterns. */
export interface RegexLimits {
  /**
   * Lucene's `determinizeWorkLimit` (Elasticsearch's `max_determinized_states`, 10,000 by default)
   * for the subset constructions `~` and `&` need at compile time. As in Lucene, the effort spent is
   * the total size of the state sets visited and may reach ten times this number.
   */
  readonly determinizeWorkLimit: number;
  /** Most automaton states a pattern may compile to (counted repeats copy their operand). */
  readonly maxNfaStates: number;
  /** Most states the matcher caches per pattern; past that it simulates the automaton instead. */
  readonly maxDfaStates: number;
}

/** The limits every compiled pattern gets. */
export const DEFAULT_LIMITS: RegexLimits = {
  determinizeWorkLimit: 10_000,
  maxNfaStates: 100_000,
  maxDfaStates: 10_000,
};

/** Spending on one compilation, shared by every sub-automaton it builds. */
export class Budget {
  private states = 0;
  private effort = 0;

  constructor(readonly limits: RegexLimits) {}

  /** Count one more automaton state; `at` is where the pattern asked for it. */
  state(at: number): void {
    if (++this.states > this.limits.maxNfaStates) {
      throw new LuceneRegexError(
        at,
        `pattern too large: it needs more than ${this.limits.maxNfaStates} automaton states`,
      );
    }
  }

  /** Count determinization effort for the operator at `at` (`~` or `&`), as Lucene does. */
  work(amount: number, at: number, operator: string): void {
    this.effort += amount;
    if (this.effort >= this.limits.determinizeWorkLimit * 10) {
      throw new LuceneRegexError(
        at,
        `${operator} is too complex to determinize: it would need more than ` +
          `${this.limits.determinizeWorkLimit} effort (determinizeWorkLimit)`,
      );
    }
  }
}
