/**
 * Check a rule object's keys and types and fill Kibana's defaults. Loading and validation share this
 * pass, so a rule that loads is one `validateRule` finds no key errors in.
 */
import { closest } from "../suggest.js";
import { parseFrom, parseInterval } from "./duration.js";
import { knownRuleKeys } from "./keys.js";
import type { Rule, RuleThreat, Severity } from "./types.js";

/** One finding about a rule. */
export interface RuleIssue {
  readonly severity: "error" | "warning" | "info";
  readonly code: string;
  readonly message: string;
  /** The rule key it is about (`risk_score`, `query` ...). */
  readonly key?: string;
  /** For query findings: where in the query text (1-based line/column, 0-based offsets). */
  readonly location?: { line: number; column: number; start: number; end: number };
  /** For field findings: the field name. */
  readonly field?: string;
  /** A lint finding a `mini-eql: ignore` comment in the query silences (see `lintQuery`). */
  readonly silenced?: true;
}

/** Kibana's defaults for keys a detection-rules file may leave out. */
export const RULE_DEFAULTS = { from: "now-6m", interval: "5m", max_signals: 100 } as const;

const SEVERITIES: readonly Severity[] = ["low", "medium", "high", "critical"];

function typeName(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === "string");
}

function checkThreat(v: unknown, issues: RuleIssue[]): RuleThreat[] {
  if (v === undefined) return [];
  const bad = (message: string) =>
    issues.push({ severity: "error", code: "RULE_WRONG_TYPE", key: "threat", message });
  if (!Array.isArray(v)) {
    bad(`threat must be an array of tactic mappings, not ${typeName(v)}`);
    return [];
  }
  v.forEach((t, i) => {
    const tactic = (t as { tactic?: Record<string, unknown> } | null)?.tactic;
    if (typeof t !== "object" || t === null) bad(`threat[${i}] must be a table`);
    else if (typeof tactic !== "object" || tactic === null || typeof tactic.id !== "string")
      bad(`threat[${i}] needs a tactic with an id`);
  });
  return v as RuleThreat[];
}

/** Options of `normalizeRule`. */
export interface NormalizeOptions {
  /**
   * The object is the `[rule]` table of a detection-rules document: only the detection-rules
   * schema's keys are known, not those Kibana's API adds (`id`, `created_at` ...).
   */
  document?: boolean;
}

/**
 * A finding for every key of `input` that `known` lacks, with the closest known key when one is
 * near; `prefix` is put before the keys named in messages (`metadata.`).
 */
export function unknownKeyIssues(
  input: Record<string, unknown>,
  known: ReadonlySet<string>,
  prefix = "",
): RuleIssue[] {
  const issues: RuleIssue[] = [];
  for (const key of Object.keys(input)) {
    if (known.has(key) || input[key] === undefined) continue;
    const near = closest(key, known);
    issues.push({
      severity: "error",
      code: "RULE_UNKNOWN_KEY",
      key: `${prefix}${key}`,
      message: near
        ? `unknown key "${key}": did you mean "${near}"?`
        : `unknown key "${key}": Elastic's rule schema has no such key`,
    });
  }
  return issues;
}

/** Normalize a rule object (Kibana's snake_case shape); never throws. */
export function normalizeRule(
  input: Record<string, unknown>,
  options: NormalizeOptions = {},
): {
  rule: Rule;
  issues: RuleIssue[];
  defaulted: string[];
} {
  const issues: RuleIssue[] = unknownKeyIssues(input, knownRuleKeys(options.document !== true));
  const defaulted: string[] = [];
  const error = (code: string, key: string, message: string) =>
    issues.push({ severity: "error", code, key, message });

  for (const key of ["rule_id", "name", "query", "type", "language"]) {
    const v = input[key];
    if (v === undefined) error("RULE_MISSING_KEY", key, `missing required key "${key}"`);
    else if (typeof v !== "string")
      error("RULE_WRONG_TYPE", key, `${key} must be a string, not ${typeName(v)}`);
    else if (v.trim() === "") error("RULE_BAD_VALUE", key, `${key} must not be empty`);
  }
  // An EQL rule's query is EQL: a rule saying otherwise (`language = "kuery"`) would run as
  // something its author did not write.
  if (input.type === "eql" && typeof input.language === "string" && input.language.trim() !== "") {
    if (input.language !== "eql")
      error(
        "RULE_BAD_VALUE",
        "language",
        `an EQL rule's language must be "eql", not ${JSON.stringify(input.language)}`,
      );
  }
  for (const key of [
    "description",
    "timestamp_override",
    "event_category_override",
    "tiebreaker_field",
    "timestamp_field",
    "id",
  ]) {
    const v = input[key];
    if (v !== undefined && typeof v !== "string")
      error("RULE_WRONG_TYPE", key, `${key} must be a string, not ${typeName(v)}`);
  }

  const risk = input.risk_score;
  if (risk === undefined) error("RULE_MISSING_KEY", "risk_score", 'missing required key "risk_score"');
  else if (typeof risk !== "number" || !Number.isInteger(risk))
    error("RULE_WRONG_TYPE", "risk_score", `risk_score must be an integer, not ${typeName(risk)}`);
  else if (risk < 0 || risk > 100)
    error("RULE_BAD_VALUE", "risk_score", `risk_score must be between 0 and 100, not ${risk}`);

  const severity = input.severity;
  if (severity === undefined) error("RULE_MISSING_KEY", "severity", 'missing required key "severity"');
  else if (!SEVERITIES.includes(severity as Severity))
    error(
      "RULE_BAD_VALUE",
      "severity",
      `severity must be one of ${SEVERITIES.join(", ")}, not ${JSON.stringify(severity)}`,
    );

  const index = input.index;
  if (index !== undefined && !isStringArray(index))
    error("RULE_WRONG_TYPE", "index", `index must be an array of index patterns, not ${typeName(index)}`);
  if (input.data_view_id !== undefined && typeof input.data_view_id !== "string")
    error("RULE_WRONG_TYPE", "data_view_id", "data_view_id must be a string");
  if (index === undefined && input.data_view_id === undefined)
    error("RULE_MISSING_KEY", "index", 'missing "index" (or "data_view_id"): the rule searches no indices');

  const out: Record<string, unknown> = { ...input };
  for (const [key, def] of Object.entries(RULE_DEFAULTS)) {
    if (input[key] === undefined) {
      out[key] = def;
      defaulted.push(key);
    }
  }
  if (input.from !== undefined && parseFrom(input.from) === null)
    error(
      "RULE_BAD_VALUE",
      "from",
      `from must be date math like "now-9m", not ${JSON.stringify(input.from)}`,
    );
  if (input.interval !== undefined && parseInterval(input.interval) === null)
    error("RULE_BAD_VALUE", "interval", `interval must be like "5m", not ${JSON.stringify(input.interval)}`);
  const max = input.max_signals;
  if (max !== undefined && (typeof max !== "number" || !Number.isInteger(max) || max < 1))
    error(
      "RULE_BAD_VALUE",
      "max_signals",
      `max_signals must be a positive integer, not ${JSON.stringify(max)}`,
    );

  if (input.tags === undefined) {
    out.tags = [];
    defaulted.push("tags");
  } else if (!isStringArray(input.tags)) error("RULE_WRONG_TYPE", "tags", "tags must be an array of strings");
  if (input.threat === undefined) defaulted.push("threat");
  out.threat = checkThreat(input.threat, issues);
  if (input.version !== undefined && typeof input.version !== "number")
    error("RULE_WRONG_TYPE", "version", "version must be a number");

  return { rule: out as Rule, issues, defaulted };
}
