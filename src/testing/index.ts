/**
 * Helpers for rule authors who unit-test rule text (exported as `mini-eql/testing`). This entry may
 * import Node modules: it is meant for test runners, not browsers.
 */
import { runRuleFixtures } from "../node/rules/fixtures.js";
import type { LoadOptions } from "../rules/from-object.js";

export { ecsSchema } from "../node/rules/ecs.js";
export { type RuleFixtureReport, runRuleFixtures } from "../node/rules/fixtures.js";
export { type ExplainNode, explainQuery, formatExplanation } from "../rules/explain.js";
export {
  checkFixtures,
  describeEvent,
  type RuleFixture,
  ruleVerdict,
  type Verdict,
} from "../rules/fixtures.js";
export { validateRule } from "../rules/validate.js";
export {
  assertRule,
  expectRuleNotToFire,
  expectRuleToFire,
  RuleAssertionError,
  type RuleLike,
  toLoadedRule,
} from "./assert.js";

/** Run every fixture file under `dir` and throw one error listing every failure (or return the count). */
export function expectFixturesToPass(dir: string, options: LoadOptions = {}): number {
  const reports = runRuleFixtures(dir, options);
  const problems: string[] = [];
  let passed = 0;
  for (const r of reports) {
    if (r.error) problems.push(`${r.file}: ${r.error}`);
    else if (r.empty) problems.push(`${r.file}: no fixtures (the "fixtures" list is empty)`);
    for (const e of r.errors) problems.push(`${r.file}: fixture ${e.id ?? `#${e.index}`}: ${e.error}`);
    for (const o of r.outcomes) {
      if (o.ok) passed++;
      else problems.push(`${r.file}: ${o.message}`);
    }
  }
  if (problems.length > 0)
    throw new Error(`${problems.length} rule fixture problem(s):\n${problems.join("\n")}`);
  return passed;
}
