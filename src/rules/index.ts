/** The rules layer: rule model, loading from objects and text, validation, exceptions and the runner. */
export {
  type AlertContext,
  type AlertDocument,
  buildEventAlert,
  buildSequenceAlerts,
  eventKey,
  flatten,
  ruleUuidOf,
} from "./alert.js";
export { CASE_CONTROLLED_FIELDS, isCaseControlled } from "./case-fields.js";
export {
  type CheckQueryOptions,
  checkQuery,
  earlierSyntaxError,
  isLexicalError,
  type QueryCheck,
} from "./check-query.js";
export { parseFrom, parseInterval } from "./duration.js";
export { type RuleErrorCode, RuleErrorCodes, type RuleErrorInit, RuleLoadError } from "./errors.js";
export {
  compileExceptions,
  type ExceptionMatcher,
  type ExceptionOptions,
  type ExceptionSourceOptions,
  exceptionItemsFrom,
  exceptionProblems,
} from "./exceptions.js";
export {
  alertEvent,
  describeMatch,
  type ExplainedResult,
  type ExplainMatch,
  type ExplainNode,
  explainAlert,
  explainQuery,
  explainResult,
  formatExplanation,
} from "./explain.js";
export {
  checkFixtures,
  describeEvent,
  type FixtureFile,
  type FixtureOutcome,
  parseFixtureFile,
  type RuleFixture,
  type RuleVerdict,
  ruleVerdict,
  type Verdict,
} from "./fixtures.js";
export {
  isEqlRule,
  isLoadedRule,
  type LoadOptions,
  type RuleSet,
  ruleCompileOptions,
  ruleFromObject,
  rulesFromObjects,
  splitDocument,
} from "./from-object.js";
export {
  detectFormat,
  type RuleFormat,
  ruleFromText,
  rulesFromText,
  type TextLoadOptions,
} from "./from-text.js";
export { sha256Hex, uuidFromName } from "./hash.js";
export { compileIndexPatterns, eventIndex, type IndexMatcher } from "./index-pattern.js";
export {
  enabledLintCodes,
  findingRank,
  IGNORE_DIRECTIVE,
  LINT_TABLE,
  type LintCode,
  type LintCodeInfo,
  LintCodes,
  lintCodeInfo,
  lintStatement,
  nearestLintCode,
} from "./lint.js";
export { type IgnoreDirectives, ignoreDirectives, lintQuery } from "./lint-ignore.js";
export { normalizeRule, RULE_DEFAULTS, type RuleIssue } from "./normalize.js";
export { buildReason } from "./reason.js";
export {
  type CompiledRuleSet,
  compileRules,
  type RestoreOptions,
  type RuleRunReport,
  type RuleSetOptions,
  type RuleSetStats,
  windowTime,
} from "./rule-set.js";
export {
  type EventRunnerState,
  type KeptState,
  type ReportState,
  RULE_SET_SNAPSHOT_FORMAT,
  RULE_SET_SNAPSHOT_VERSION,
  type RuleSetCounters,
  type RuleSetSnapshot,
  type RuleState,
  type RunnerState,
  type StoredStream,
  type StreamRunnerState,
} from "./rule-set-snapshot.js";
export { type RunRulesOptions, type RunRulesResult, runRules } from "./run.js";
export {
  type CoverageGap,
  type ScheduledRun,
  type ScheduleOptions,
  type ScheduleResult,
  simulateSchedule,
} from "./schedule.js";
export {
  type CompiledSchema,
  compileSchema,
  type FieldSchema,
  NUMERIC_TYPES,
  type SchemaField,
  STRING_TYPES,
} from "./schema.js";
export { filterRules, type RuleFilter, SEVERITIES } from "./select.js";
export { ruleToDocument, ruleToToml } from "./to-document.js";
export type * from "./types.js";
export { type ValidateOptions, validateRule } from "./validate.js";
