/**
 * Rule fixtures: events kept beside a rule with the verdict the rule must give them (`alert`,
 * `no-alert`, or `suppressed` by the rule's exceptions), each labelled with why. Checking runs the
 * rule as the runner would (index patterns, exceptions, max_signals) without the look-back window,
 * and a failure explains itself: index, the query's condition tree, and the exception that matched.
 */
import type { EqlEvent } from "../types.js";
import { unwrapHit } from "./envelope.js";
import { compileExceptions } from "./exceptions.js";
import { explainQuery, formatExplanation } from "./explain.js";
import { ruleCompileOptions } from "./from-object.js";
import { compileIndexPatterns, eventIndex } from "./index-pattern.js";
import type { RuleRunReport } from "./rule-set.js";
import { runRules } from "./run.js";
import type { LoadedRule } from "./types.js";

/** What a rule does with some events. */
export type Verdict = "alert" | "no-alert" | "suppressed";

/** One fixture: an event (or the events of a sequence) and the expected verdict. */
export interface RuleFixture {
  id?: string;
  /** Why the verdict is what it is. */
  label: string;
  expect: Verdict;
  event?: EqlEvent;
  events?: EqlEvent[];
}

/** A fixture file: the rule file it belongs to and its fixtures. */
export interface FixtureFile {
  rule?: string;
  description?: string;
  fixtures: RuleFixture[];
}

/** The rule's verdict on events, with the run report. */
export interface RuleVerdict {
  /** `error` when the rule could not run (its report carries the error). */
  readonly verdict: Verdict | "error";
  readonly report: RuleRunReport;
  readonly alerts: number;
}

/** The outcome of one fixture. */
export interface FixtureOutcome {
  readonly fixture: RuleFixture;
  readonly ok: boolean;
  readonly actual: Verdict | "error";
  /** For a failure: what was expected, what happened and why. */
  readonly message?: string;
}

/** Run the rule over `events` (no look-back window) and say whether it alerts. */
export function ruleVerdict(loaded: LoadedRule, events: readonly EqlEvent[]): RuleVerdict {
  const { alerts, reports } = runRules([loaded], events, { now: 0, window: false });
  const report = reports[0] as RuleRunReport;
  const verdict = report.error
    ? "error"
    : alerts.length > 0
      ? "alert"
      : report.suppressed > 0
        ? "suppressed"
        : "no-alert";
  return { verdict, report, alerts: alerts.length };
}

/** Why the rule treats one event as it does: index, condition tree, exception. */
export function describeEvent(loaded: LoadedRule, hit: EqlEvent): string {
  const lines: string[] = [];
  const event = unwrapHit(hit) as EqlEvent;
  const index = eventIndex(event);
  if (index !== undefined && !compileIndexPatterns(loaded.rule.index)(index)) {
    lines.push(`index ${index} is not searched by the rule (index: ${JSON.stringify(loaded.rule.index)})`);
  }
  const tree = explainQuery(loaded.compiled.statement, event, ruleCompileOptions(loaded.rule));
  lines.push(formatExplanation(tree));
  const item = compileExceptions(loaded.exceptions)(event);
  if (item)
    lines.push(`suppressed by exception item ${JSON.stringify(item.name ?? item.item_id ?? "(unnamed)")}`);
  return lines.join("\n");
}

/** Check fixtures against a loaded rule. */
export function checkFixtures(loaded: LoadedRule, fixtures: readonly RuleFixture[]): FixtureOutcome[] {
  return fixtures.map((fixture) => {
    const events = fixture.events ?? (fixture.event ? [fixture.event] : []);
    const { verdict, report } = ruleVerdict(loaded, events);
    if (verdict === fixture.expect) return { fixture, ok: true, actual: verdict };
    const head = `${fixture.id ?? "fixture"}: expected ${fixture.expect}, got ${verdict} (${fixture.label})`;
    const body =
      verdict === "error"
        ? (report.error?.message ?? "")
        : events.map((e, i) => `event ${i + 1}:\n${indent(describeEvent(loaded, e))}`).join("\n");
    return { fixture, ok: false, actual: verdict, message: `${head}\n${indent(body)}` };
  });
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");
}

/** Read a fixture file's parsed JSON; throws a TypeError naming what is wrong. */
export function parseFixtureFile(doc: unknown): FixtureFile {
  const fixtures = (doc as { fixtures?: unknown } | null)?.fixtures;
  if (!Array.isArray(fixtures)) throw new TypeError("a fixture file needs a fixtures array");
  fixtures.forEach((f, i) => {
    const x = f as Partial<RuleFixture> | null;
    if (typeof x !== "object" || x === null) throw new TypeError(`fixtures[${i}] must be an object`);
    if (x.expect !== "alert" && x.expect !== "no-alert" && x.expect !== "suppressed")
      throw new TypeError(`fixtures[${i}].expect must be alert, no-alert or suppressed`);
    if (typeof x.label !== "string" || x.label === "") throw new TypeError(`fixtures[${i}] needs a label`);
    if (x.event === undefined && !Array.isArray(x.events))
      throw new TypeError(`fixtures[${i}] needs event or events`);
  });
  return doc as FixtureFile;
}
