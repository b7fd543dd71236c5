/** Pure judging of a result against a case's expectations, as Elasticsearch's QA harness does it. */
import type { EventsResult, SequencesResult } from "../../types.js";
import type { ExpectedIds } from "./types.js";

/** The id a missing-event placeholder contributes. */
export const MISSING_EVENT_ID = -1;

/** Render a join key or id as the harness does: `null` → "null", numbers decimal, booleans "true"/"false". */
export function renderKey(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean")
    return String(value);
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value);
}

function isSequences(result: EventsResult | SequencesResult): result is SequencesResult {
  return Array.isArray((result as SequencesResult).sequences);
}

/** Ids of a result: each event's `idField` value; sequences/samples flattened, placeholders as -1. */
export function collectIds(result: EventsResult | SequencesResult, idField: string): unknown[] {
  const hits = isSequences(result) ? result.sequences.flatMap((s) => s.events) : result.events;
  return hits.map((hit) => (hit.missing ? MISSING_EVENT_ID : (hit._source[idField] ?? null)));
}

/** Join keys of all sequences/samples of a result, flattened and rendered; none for event queries. */
export function collectJoinKeys(result: EventsResult | SequencesResult): string[] {
  return isSequences(result) ? result.sequences.flatMap((s) => s.join_keys.map(renderKey)) : [];
}

/** Whether an expectation is a list of alternative lists. */
export function isListOfLists(expected: ExpectedIds): expected is unknown[][] {
  return expected.length > 0 && expected.every((e) => Array.isArray(e));
}

function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((v, i) => renderKey(v) === renderKey(b[i]));
}

/** Whether returned ids match: exactly and in order, or any one alternative of a list of lists. */
export function idsMatch(actual: readonly unknown[], expected: ExpectedIds): boolean {
  return isListOfLists(expected) ? expected.some((alt) => sameList(actual, alt)) : sameList(actual, expected);
}

/** Whether join keys match; an empty expectation is not checked. */
export function joinKeysMatch(actual: readonly string[], expected: readonly string[]): boolean {
  return expected.length === 0 || sameList(actual, expected);
}

/** The verdict on one result: `undefined` when it passes, else a short reason. */
export function judge(
  ids: readonly unknown[],
  joinKeys: readonly string[],
  expectedIds: ExpectedIds,
  expectedJoinKeys: readonly string[],
): string | undefined {
  if (!idsMatch(ids, expectedIds)) return "ids differ";
  if (!joinKeysMatch(joinKeys, expectedJoinKeys)) return "join keys differ";
  return undefined;
}
