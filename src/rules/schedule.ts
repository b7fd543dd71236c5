/**
 * Simulate Kibana's schedule: run a rule every `interval` over a time range, each run searching
 * `(runTime + from offset, runTime]`, carrying the de-duplication set from run to run, and report the
 * time no run ever covers (a gap, when the look-back is shorter than the interval).
 */

import { ownOptions } from "../options.js";
import type { AlertDocument } from "./alert.js";
import { parseFrom, parseInterval, toMillis } from "./duration.js";
import type { RuleRunReport } from "./rule-set.js";
import { type RunRulesOptions, runRules } from "./run.js";
import type { LoadedRule } from "./types.js";

/** Options of a simulation. */
export interface ScheduleOptions extends Omit<RunRulesOptions, "now" | "window"> {
  /** First run time. */
  start: Date | number | string;
  /** Last possible run time (inclusive). */
  end: Date | number | string;
}

/** One simulated run. */
export interface ScheduledRun {
  /** Run time, ISO. */
  readonly at: string;
  readonly alerts: AlertDocument[];
  readonly report: RuleRunReport;
}

/** A time range no run searched: (from, to]. */
export interface CoverageGap {
  readonly from: string;
  readonly to: string;
}

/** The result of a simulation. */
export interface ScheduleResult {
  readonly runs: ScheduledRun[];
  readonly alerts: AlertDocument[];
  /** Runs that hit `max_signals`. */
  readonly truncatedRuns: number;
  /** Ranges between the first window's start and the last run no window covered. */
  readonly gaps: CoverageGap[];
  readonly seen: Set<string>;
}

/** Run `rule` every `interval` from `start` to `end` over `events`, as Kibana's task manager would. */
export function simulateSchedule(
  rule: LoadedRule,
  events: Iterable<unknown>,
  given: ScheduleOptions,
): ScheduleResult {
  const options = ownOptions(given);
  const list = Array.isArray(events) ? events : [...events];
  const start = toMillis(options.start);
  const end = toMillis(options.end);
  const interval = parseInterval(rule.rule.interval) ?? 5 * 60_000;
  const lookBack = parseFrom(rule.rule.from) ?? 0;
  const seen = options.seen ?? new Set<string>();
  const runs: ScheduledRun[] = [];
  const alerts: AlertDocument[] = [];
  const gaps: CoverageGap[] = [];
  let covered = start - lookBack;
  for (let at = start; at <= end; at += interval) {
    const windowStart = at - lookBack;
    if (windowStart > covered) {
      gaps.push({ from: new Date(covered).toISOString(), to: new Date(windowStart).toISOString() });
    }
    covered = Math.max(covered, at);
    const { alerts: out, reports } = runRules([rule], list, { ...options, now: at, seen });
    const report = reports[0] as RuleRunReport;
    runs.push({ at: new Date(at).toISOString(), alerts: out, report });
    alerts.push(...out);
  }
  return { runs, alerts, truncatedRuns: runs.filter((r) => r.report.truncated).length, gaps, seen };
}
