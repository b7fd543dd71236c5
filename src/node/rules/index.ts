/** File-system side of the rules layer: directory loading, the ECS schema, fixture files. */
export { ecsMapping, ecsSchema, ecsVersion } from "./ecs.js";
export { type FixtureError, type RuleFixtureReport, runRuleFixtures } from "./fixtures.js";
export {
  type DirLoadOptions,
  listRuleFiles,
  loadRuleFile,
  loadRules,
  readExceptionsBeside,
  ruleBase,
} from "./load.js";
