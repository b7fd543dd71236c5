/**
 * The keys a rule may have, in one place: the loader flags any other key (`RULE_UNKNOWN_KEY`) with
 * the closest known one. Elastic's detection-rules tooling rejects unknown keys ("Unknown field"), so
 * a typo such as `form = "now-9m"` cannot silently fall back to a default. Keys mini-eql does not use
 * (author, note, alert_suppression ...) are known all the same.
 */

/**
 * The `[rule]` keys of an EQL rule in Elastic's detection-rules schema (its BaseRuleData,
 * QueryRuleData and EQLRuleData).
 */
export const DETECTION_RULES_KEYS: readonly string[] = [
  // BaseRuleData
  "actions",
  "author",
  "building_block_type",
  "description",
  "enabled",
  "exceptions_list",
  "false_positives",
  "filters",
  "from",
  "interval",
  "investigation_fields",
  "license",
  "max_signals",
  "meta",
  "name",
  "note",
  "references",
  "related_integrations",
  "required_fields",
  "response_actions",
  "revision",
  "risk_score",
  "risk_score_mapping",
  "rule_id",
  "rule_name_override",
  "setup",
  "severity",
  "severity_mapping",
  "tags",
  "threat",
  "threat_mappings",
  "throttle",
  "timeline_id",
  "timeline_title",
  "timestamp_override",
  "to",
  "type",
  "version",
  // QueryRuleData
  "alert_suppression",
  "data_view_id",
  "index",
  "language",
  "query",
  // EQLRuleData
  "event_category_override",
  "tiebreaker_field",
  "timestamp_field",
];

/** Keys Kibana's rule API adds to a rule object (its responses and its export NDJSON). */
export const KIBANA_RULE_KEYS: readonly string[] = [
  "alias_purpose",
  "alias_target_id",
  "created_at",
  "created_by",
  "execution_summary",
  "id",
  "immutable",
  "namespace",
  "outcome",
  "output_index",
  "rule_source",
  "timestamp_override_fallback_disabled",
  "updated_at",
  "updated_by",
];

const DOCUMENT_RULE_KEYS: ReadonlySet<string> = new Set(DETECTION_RULES_KEYS);
const KIBANA_OBJECT_KEYS: ReadonlySet<string> = new Set([...DETECTION_RULES_KEYS, ...KIBANA_RULE_KEYS]);

/** The top-level tables of a detection-rules file. */
export const DOCUMENT_TABLES: readonly string[] = ["metadata", "rule", "transform"];

/** The `[metadata]` keys of Elastic's detection-rules schema (its RuleMeta). */
export const METADATA_KEYS: readonly string[] = [
  "bypass_bbr_timing",
  "comments",
  "creation_date",
  "deprecation_date",
  "extended",
  "integration",
  "maturity",
  "min_stack_comments",
  "min_stack_version",
  "os_type_list",
  "promotion",
  "query_schema_validation",
  "related_endpoint_rules",
  "updated_date",
];

/** The keys a rule's own object may have: a `[rule]` table, or (`kibana`) a Kibana rule object. */
export function knownRuleKeys(kibana: boolean): ReadonlySet<string> {
  return kibana ? KIBANA_OBJECT_KEYS : DOCUMENT_RULE_KEYS;
}
