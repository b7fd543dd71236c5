/**
 * Run loaded rules over a batch of events as one scheduled Kibana execution would: each rule sees the
 * events of its indices inside its look-back window, exceptions suppress alerts, at most `max_signals`
 * alerts are created (the most recent, as Elasticsearch's default `tail`), and alerts already created
 * (by uuid, in a seen-set the caller carries across runs) are not created again. A batch is one
 * compiled rule set fed the events and ended.
 */

import { ownOptions } from "../options.js";
import type { AlertDocument } from "./alert.js";
import { compileRules, type RuleRunReport, type RuleSetOptions } from "./rule-set.js";
import type { LoadedRule } from "./types.js";

/** Options of one execution. */
export interface RunRulesOptions extends Omit<RuleSetOptions, "lateness" | "now"> {
  /** The execution time: the window ends here and alerts are stamped with it. */
  now: Date | number | string;
}

/** The result of one execution. */
export interface RunRulesResult {
  readonly alerts: AlertDocument[];
  readonly reports: RuleRunReport[];
  /** The seen-set (the one passed in, or a new one). */
  readonly seen: Set<string>;
}

/**
 * Run rules over events at time `now`. Event rules give one alert per event; sequence rules give a
 * shell alert and a building-block alert per event. The batch is judged as a whole (its events may
 * come in any order). Never throws on event data; a rule whose query cannot run reports its error
 * and the others still run.
 */
export function runRules(
  rules: readonly LoadedRule[],
  events: Iterable<unknown>,
  given: RunRulesOptions,
): RunRulesResult {
  const options = ownOptions(given);
  const seen = options.seen ?? new Set<string>();
  const set = compileRules(rules, { ...options, seen, lateness: Number.POSITIVE_INFINITY });
  // Without a limit on alerts (`maxSignals: Infinity`) they come as the events are pushed.
  const alerts = set.pushBatch(events);
  for (const a of set.end()) alerts.push(a);
  return { alerts, reports: [...set.reports()], seen };
}
