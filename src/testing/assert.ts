/**
 * Assertions for rule unit tests. They work with any test runner (they throw an Error with a message
 * that explains the verdict: the index check, the query's condition tree with true/false per branch
 * and leaf, and the exception item that suppressed an alert).
 */
import { describeEvent, ruleVerdict } from "../rules/fixtures.js";
import { ruleFromObject } from "../rules/from-object.js";
import { ruleFromText } from "../rules/from-text.js";
import type { LoadedRule } from "../rules/types.js";
import type { EqlEvent } from "../types.js";

/**
 * A rule as a test gives it: a loaded rule, a rule object (Kibana's shape or a detection-rules
 * document), rule text (TOML or JSON, recognised by a `[rule]` table or a leading `{`), or a bare EQL
 * query, which becomes a minimal rule searching every index.
 */
export type RuleLike = LoadedRule | Record<string, unknown> | string;

/** Thrown when a rule does not do what the test expects. */
export class RuleAssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RuleAssertionError";
  }
}

/** Turn what a test gives into a loaded rule. */
export function toLoadedRule(rule: RuleLike): LoadedRule {
  if (typeof rule === "string") {
    const t = rule.trimStart();
    if (t.startsWith("{") || /^\s*\[rule\]\s*$/m.test(rule)) return ruleFromText(rule);
    return ruleFromObject({
      rule_id: "test-rule",
      name: "Test rule",
      type: "eql",
      language: "eql",
      query: rule,
      risk_score: 50,
      severity: "medium",
      index: ["*"],
    });
  }
  if ("compiled" in rule && "rule" in rule) return rule as LoadedRule;
  return ruleFromObject(rule);
}

function list(events: EqlEvent | readonly EqlEvent[]): EqlEvent[] {
  return Array.isArray(events) ? [...events] : [events as EqlEvent];
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => `    ${l}`)
    .join("\n");
}

function fail(loaded: LoadedRule, headline: string, events: readonly EqlEvent[]): never {
  const parts = events.map(
    (e, i) => `  event ${i + 1}${describeId(e)}:\n${indent(describeEvent(loaded, e))}`,
  );
  throw new RuleAssertionError(`${headline}\n${parts.join("\n")}`);
}

function describeId(e: EqlEvent): string {
  const ev = e.event as { id?: unknown } | undefined;
  const id = (typeof ev === "object" && ev !== null ? ev.id : undefined) ?? e["event.id"] ?? e._id;
  return typeof id === "string" ? ` (${id})` : "";
}

function isEventRule(loaded: LoadedRule): boolean {
  return loaded.compiled.kind === "event";
}

/**
 * Assert the rule alerts: for an event rule on every event given, for a sequence rule on the events
 * together. The message explains each event that did not alert.
 */
export function expectRuleToFire(rule: RuleLike, events: EqlEvent | readonly EqlEvent[]): void {
  const loaded = toLoadedRule(rule);
  const all = list(events);
  const name = loaded.rule.name;
  if (isEventRule(loaded)) {
    const silent = all.filter((e) => ruleVerdict(loaded, [e]).verdict !== "alert");
    if (silent.length > 0)
      fail(
        loaded,
        `expected rule "${name}" to fire on ${silent.length} of ${all.length} event(s), it did not:`,
        silent,
      );
    return;
  }
  const v = ruleVerdict(loaded, all);
  if (v.verdict === "error")
    throw new RuleAssertionError(`rule "${name}" could not run: ${v.report.error?.message}`);
  if (v.verdict !== "alert")
    fail(
      loaded,
      `expected rule "${name}" to fire on the sequence of ${all.length} event(s), got ${v.verdict}:`,
      all,
    );
}

/** Assert the rule creates no alert (for an event rule, on none of the events). */
export function expectRuleNotToFire(rule: RuleLike, events: EqlEvent | readonly EqlEvent[]): void {
  const loaded = toLoadedRule(rule);
  const all = list(events);
  const name = loaded.rule.name;
  if (isEventRule(loaded)) {
    const fired = all.filter((e) => ruleVerdict(loaded, [e]).verdict === "alert");
    if (fired.length > 0)
      fail(
        loaded,
        `expected rule "${name}" not to fire, it fired on ${fired.length} of ${all.length} event(s):`,
        fired,
      );
    return;
  }
  const v = ruleVerdict(loaded, all);
  if (v.verdict === "error")
    throw new RuleAssertionError(`rule "${name}" could not run: ${v.report.error?.message}`);
  if (v.verdict === "alert")
    fail(loaded, `expected rule "${name}" not to fire on the sequence, it did:`, all);
}

/** Both assertions at once: the rule fires on `fires` and not on `doesNotFire`. */
export function assertRule(
  rule: RuleLike,
  cases: { fires?: readonly EqlEvent[]; doesNotFire?: readonly EqlEvent[] },
): void {
  const loaded = toLoadedRule(rule);
  if (cases.fires && cases.fires.length > 0) expectRuleToFire(loaded, cases.fires);
  if (cases.doesNotFire && cases.doesNotFire.length > 0) expectRuleNotToFire(loaded, cases.doesNotFire);
}
