/** Turn a loaded rule back into a detection-rules document (and TOML), leaving out filled-in defaults. */
import { stringify } from "smol-toml";
import { KIBANA_RULE_KEYS } from "./keys.js";
import type { LoadedRule } from "./types.js";

const KIBANA_ONLY: ReadonlySet<string> = new Set(KIBANA_RULE_KEYS);

/**
 * The `{ metadata, rule, ... }` document a detection-rules TOML file holds for this rule. The keys
 * Kibana's API adds to a rule object (`id`, `created_at`, `execution_summary` ...) are left out: the
 * detection-rules schema has no place for them, and the loader would reject them in `[rule]`.
 */
export function ruleToDocument(loaded: LoadedRule): Record<string, unknown> {
  const rule: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(loaded.rule))
    if (!loaded.defaulted.includes(k) && !KIBANA_ONLY.has(k)) rule[k] = v;
  return { ...(loaded.metadata ? { metadata: loaded.metadata } : {}), rule, ...(loaded.extra ?? {}) };
}

/** Render the rule as detection-rules TOML (smol-toml's layout, not the repository's formatter). */
export function ruleToToml(loaded: LoadedRule): string {
  return stringify(ruleToDocument(loaded));
}
