/** The text report of a conformance run. */
import { isListOfLists } from "./compare.js";
import type { KnownEntry, RatchetDecision } from "./known.js";
import type { CaseOutcome } from "./types.js";

const json = (v: unknown) => JSON.stringify(v);

function firstLine(text: string): string {
  const i = text.indexOf("\n");
  return i < 0 ? text : text.slice(0, i);
}

/** One failure, on one or two lines. */
export function formatFailure(o: CaseOutcome, known: boolean): string[] {
  const tag = known ? "known" : "UNEXPECTED";
  const head = `  FAIL [${tag}] ${o.name}`;
  const expected = isListOfLists(o.expected)
    ? `expected one of ${o.expected.map(json).join(" | ")}`
    : `expected ${json(o.expected)}`;
  if (o.error !== null) return [head, `      ${expected}, error ${firstLine(o.error)}`];
  let line = `      ${expected}, actual ${json(o.actual)}`;
  if (o.mismatch === "join keys differ") {
    line += `; join keys expected ${json(o.expectedJoinKeys)}, actual ${json(o.actualJoinKeys)}`;
  }
  return [head, line];
}

const entry = (e: KnownEntry) => `  ${e.suite} / ${e.file} / ${e.name}`;

/** The whole report; its last line is always `N passed, N failed` over all files. */
export function formatReport(
  suite: string,
  outcomes: readonly CaseOutcome[],
  decision: RatchetDecision,
): string[] {
  const lines: string[] = [];
  const unexpected = new Set(decision.unexpected);
  const files = [...new Set(outcomes.map((o) => o.file))];
  for (const file of files) {
    const mine = outcomes.filter((o) => o.file === file);
    const failed = mine.filter((o) => o.status === "failed");
    lines.push(`${file}: ${mine.length - failed.length} passed, ${failed.length} failed`);
    for (const o of failed) lines.push(...formatFailure(o, !unexpected.has(o)));
  }
  lines.push(
    `known failures (${suite}): ${decision.known.length} known (listed), ${decision.unexpected.length} unexpected`,
  );
  if (decision.fixed.length > 0) {
    lines.push(`${decision.fixed.length} listed case(s) now pass; remove them from the known-failures list:`);
    lines.push(...decision.fixed.map(entry));
  }
  if (decision.stale.length > 0) {
    lines.push(`${decision.stale.length} listed case(s) do not exist in the suite; remove them:`);
    lines.push(...decision.stale.map(entry));
  }
  const failed = outcomes.filter((o) => o.status === "failed").length;
  lines.push(`${outcomes.length - failed} passed, ${failed} failed`);
  return lines;
}
