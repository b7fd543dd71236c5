/**
 * chevrotain checks the token set and the grammar (ambiguities, left recursion, unreachable patterns)
 * each time the lexer and parser are built: close to half of their construction, paid at every start,
 * for checks that only a change to tokens.ts or parser.ts can make fail. The published build defines
 * `__MINI_EQL_GRAMMAR_CHECKS__` as false (tsup.config.ts); the tests run the sources, where it is not
 * defined, so every test run builds the lexer and parser with the checks on.
 */
declare const __MINI_EQL_GRAMMAR_CHECKS__: boolean | undefined;

/** Whether the lexer and parser validate their definitions when built (off in the published build). */
export const grammarChecks: boolean =
  typeof __MINI_EQL_GRAMMAR_CHECKS__ === "undefined" ? true : __MINI_EQL_GRAMMAR_CHECKS__;
