/** Turn a loaded rule back into a detection-rules document (and TOML), leaving out filled-in defaults. */
import { stringify } from "smol-toml";
import type { LoadedRule } from "./types.js";

/** The `{ metadata, rule, ... }` document a detection-rules TOML file holds for this rule. */
export function ruleToDocument(loaded: LoadedRule): Record<string, unknown> {
  const rule: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(loaded.rule)) if (!loaded.defaulted.includes(k)) rule[k] = v;
  return { ...(loaded.metadata ? { metadata: loaded.metadata } : {}), rule, ...(loaded.extra ?? {}) };
}

/** Render the rule as detection-rules TOML (smol-toml's layout, not the repository's formatter). */
export function ruleToToml(loaded: LoadedRule): string {
  return stringify(ruleToDocument(loaded));
}
