/** Choosing which loaded rules run: by severity, tag, rule id or name. */
import type { LoadedRule, Severity } from "./types.js";

/** Kibana's severities, lowest first. */
export const SEVERITIES: readonly Severity[] = ["low", "medium", "high", "critical"];

/**
 * Which rules to keep. Every criterion given must hold (they combine with "and"); a list is met by
 * any one of its entries. An empty filter keeps every rule.
 */
export interface RuleFilter {
  /** Keep rules of this severity or higher (`low` < `medium` < `high` < `critical`). */
  readonly minSeverity?: Severity;
  /** Keep rules carrying at least one of these tags, compared exactly (`"Tactic: Discovery"`). */
  readonly tags?: readonly string[];
  /** Keep rules whose `rule_id` is one of these. */
  readonly ruleIds?: readonly string[];
  /** Keep rules whose name contains this text, ignoring case. */
  readonly name?: string;
}

/**
 * The rules `filter` keeps, in their order. A rule with a severity outside Kibana's four does not
 * pass a `minSeverity`.
 *
 * @throws RangeError when `minSeverity` is not one of Kibana's four severities.
 */
export function filterRules<T extends LoadedRule>(rules: readonly T[], filter: RuleFilter): T[] {
  const min = filter.minSeverity === undefined ? -1 : SEVERITIES.indexOf(filter.minSeverity);
  if (filter.minSeverity !== undefined && min < 0) {
    throw new RangeError(
      `minSeverity must be one of ${SEVERITIES.join(", ")}, not ${String(filter.minSeverity)}`,
    );
  }
  const tags = filter.tags && filter.tags.length > 0 ? new Set(filter.tags) : null;
  const ids = filter.ruleIds && filter.ruleIds.length > 0 ? new Set(filter.ruleIds) : null;
  const name = filter.name === undefined ? null : filter.name.toLowerCase();
  return rules.filter(({ rule }) => {
    if (min >= 0 && SEVERITIES.indexOf(rule.severity) < min) return false;
    if (tags && !(Array.isArray(rule.tags) && rule.tags.some((t) => tags.has(t)))) return false;
    if (ids && !ids.has(rule.rule_id)) return false;
    if (name !== null && !String(rule.name).toLowerCase().includes(name)) return false;
    return true;
  });
}
