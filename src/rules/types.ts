/** The rule model: a detection rule as Kibana and Elastic's detection-rules repository describe it. */
import type { CompiledQuery, CompileOptions } from "../types.js";

/** Kibana's four alert severities. */
export type Severity = "low" | "medium" | "high" | "critical";

/** A MITRE ATT&CK technique or sub-technique reference. */
export interface ThreatTechnique {
  id: string;
  name: string;
  reference: string;
  subtechnique?: ThreatTechnique[];
}

/** One `[[rule.threat]]` entry: a tactic and the techniques the rule maps to under it. */
export interface RuleThreat {
  framework: string;
  tactic: { id: string; name: string; reference: string };
  technique?: ThreatTechnique[];
}

/**
 * A rule's parameters in Kibana's snake_case shape (the `[rule]` table of a detection-rules TOML
 * file, a rule object of Kibana's API or export). Keys the model does not name are kept as they were.
 */
export interface Rule {
  rule_id: string;
  name: string;
  /** Kibana's saved-object id; when absent a stable one is derived from `rule_id`. */
  id?: string;
  description?: string;
  type: string;
  language: string;
  query: string;
  /** Index patterns; an entry starting with `-` excludes. Absent when the rule uses a data view. */
  index?: string[];
  data_view_id?: string;
  severity: Severity;
  risk_score: number;
  /** Date-math start of the look-back window, `now-9m` (Kibana's default `now-6m`). */
  from: string;
  /** Run interval, `5m` (Kibana's default). */
  interval: string;
  /** Most alerts one run may create (Kibana's default 100). */
  max_signals: number;
  timestamp_override?: string;
  event_category_override?: string;
  tiebreaker_field?: string;
  /** The EQL request's `timestamp_field` (ordering and maxspan); `@timestamp` when absent. */
  timestamp_field?: string;
  tags: string[];
  threat: RuleThreat[];
  version?: number;
  /** Every other key of the rule object, unchanged (author, note, references, alert_suppression ...). */
  [key: string]: unknown;
}

/** Where a rule came from, for messages. */
export interface RuleOrigin {
  /** File name or other label given by the caller. */
  file?: string;
  format: "object" | "toml" | "json" | "ndjson";
  /** 1-based line of the rule in its file (the NDJSON line, or 1). */
  line?: number;
}

/** One exception entry in Kibana's shape. */
export interface ExceptionEntry {
  field: string;
  /** `match` (is), `match_any` (is one of), `exists`, `wildcard` (matches), `list`, `nested`. */
  type: "match" | "match_any" | "exists" | "wildcard" | "list" | "nested";
  /** `included` keeps the condition, `excluded` negates it (Kibana's "is not", "does not exist" ...). */
  operator?: "included" | "excluded";
  value?: unknown;
  /** For `nested`: entries tested on the same element of the array at `field`. */
  entries?: ExceptionEntry[];
  /** For `list`: the values of a value list, given inline. */
  list?: { id?: string; type?: string; values?: unknown[] };
}

/** An exception item: its entries are ANDed; the items of a list are ORed. */
export interface ExceptionItem {
  item_id?: string;
  name?: string;
  description?: string;
  /** Compare `wildcard` entries case-insensitively (Kibana does this for some OS types). */
  case_insensitive?: boolean;
  entries: ExceptionEntry[];
  [key: string]: unknown;
}

/** A rule compiled once at load, ready for the runner. */
export interface LoadedRule {
  readonly rule: Rule;
  readonly compiled: CompiledQuery;
  /** The options the query was compiled with (a rule set compiles it again with shared field reads). */
  readonly compileOptions?: CompileOptions;
  readonly origin: RuleOrigin;
  /** Exception items attached to the rule (kept beside it as data). */
  exceptions: ExceptionItem[];
  /** Keys that were absent and took Kibana's default (`interval`, `max_signals` ...). */
  readonly defaulted: readonly string[];
  /** Metadata of a detection-rules file (`[metadata]`), when there was one. */
  readonly metadata?: Record<string, unknown>;
  /** Any other top-level tables of the source document (`[[transform...]]` ...), unchanged. */
  readonly extra?: Record<string, unknown>;
}

/** A rule that was read but is not an EQL rule. */
export interface UnsupportedRule {
  readonly rule_id?: string;
  readonly name?: string;
  readonly type?: string;
  readonly language?: string;
  readonly origin: RuleOrigin;
}
