/** Rules and functions that tests build in code. */
import type { FunctionDef } from "../../src/functions/types.js";
import { type LoadOptions, ruleFromObject } from "../../src/rules/from-object.js";
import type { LoadedRule } from "../../src/rules/types.js";

/**
 * A rule object for tests: `Rule <id>`, severity medium, index `logs-*`, every minute over the last
 * two; `extra` adds or replaces keys.
 */
export function testRule(
  rule_id: string,
  query: string,
  extra: Record<string, unknown> = {},
  options?: LoadOptions,
): LoadedRule {
  return ruleFromObject(
    {
      rule_id,
      name: `Rule ${rule_id}`,
      description: "Written by the test.",
      type: "eql",
      language: "eql",
      query,
      index: ["logs-*"],
      risk_score: 50,
      severity: "medium",
      interval: "1m",
      from: "now-2m",
      ...extra,
    },
    options,
  );
}

/** A boolean function `name(x)` that is always true and counts its calls. */
export function countingFunction(name = "tick"): { def: FunctionDef; calls(): number; reset(): void } {
  let calls = 0;
  const def: FunctionDef = {
    name,
    params: [{ name: "x", type: "any" }],
    returns: "boolean",
    hasInsensitiveVariant: false,
    create: () => () => {
      calls++;
      return true;
    },
  };
  return {
    def,
    calls: () => calls,
    reset: () => {
      calls = 0;
    },
  };
}
