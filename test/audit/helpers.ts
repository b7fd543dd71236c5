import { expect } from "vitest";
import { compile, EqlError } from "../../src/index.js";
import type { CompileOptions, EqlEvent, EventsResult, RunOptions, SequencesResult } from "../../src/types.js";

/** Does `query` match the single event (compile(...).matches)? */
export function m(query: string, event: EqlEvent, options?: CompileOptions): boolean {
  return compile(query, options).matches(event);
}

/** Run an event query and return the matched `_source` objects. */
export function runEvents(
  query: string,
  events: EqlEvent[],
  options?: CompileOptions,
  run?: RunOptions,
): EqlEvent[] {
  const res = compile(query, options).run(events, run) as EventsResult;
  expect(res.events).toBeDefined();
  return res.events.map((h) => h._source);
}

/** Run an event query over events labelled by `id`, returning the ids in result order. */
export function runIds(
  query: string,
  events: EqlEvent[],
  options?: CompileOptions,
  run?: RunOptions,
): unknown[] {
  return runEvents(query, events, options, run).map((e) => e.id);
}

/** Run a sequence/sample query; each sequence becomes { keys, ids } (placeholders as "-"). */
export function runSeq(
  query: string,
  events: EqlEvent[],
  options?: CompileOptions,
  run?: RunOptions,
): { keys: unknown[]; ids: unknown[] }[] {
  const res = compile(query, options).run(events, run) as SequencesResult;
  expect(res.sequences).toBeDefined();
  return res.sequences.map((s) => ({
    keys: s.join_keys,
    ids: s.events.map((e) => (e.missing ? "-" : e._source.id)),
  }));
}

/** Only the ids of each sequence. */
export function seqIds(
  query: string,
  events: EqlEvent[],
  options?: CompileOptions,
  run?: RunOptions,
): unknown[][] {
  return runSeq(query, events, options, run).map((s) => s.ids);
}

/** Compile `query` and return the thrown EqlError (fails the test if none / other error). */
export function err(query: string, options?: CompileOptions): EqlError {
  try {
    compile(query, options);
  } catch (e) {
    expect(e).toBeInstanceOf(EqlError);
    return e as EqlError;
  }
  throw new Error(`expected an EqlError for: ${query}`);
}

/** The 0-based column offset of `needle` in `query`, as the expected 1-based column. */
export function colOf(query: string, needle: string, from = 0): number {
  const i = query.indexOf(needle, from);
  if (i < 0) throw new Error(`${needle} not in ${query}`);
  return i + 1;
}

/** Assert compile throws an EqlError with this code, and (optionally) at the column of `at`. */
export function expectErr(query: string, code: string, at?: string): EqlError {
  const e = err(query);
  expect(e.code, `${query}: ${e.message}`).toBe(code);
  expect(e.line).toBeGreaterThanOrEqual(1);
  expect(e.column).toBeGreaterThanOrEqual(1);
  if (at !== undefined) expect(e.column, `${query}: ${e.message}`).toBe(colOf(query, at));
  return e;
}

/** Assert compile throws some EqlError (any code) with a sensible position. */
export function expectAnyErr(query: string): EqlError {
  const e = err(query);
  expect(typeof e.code).toBe("string");
  expect(e.code.length).toBeGreaterThan(0);
  expect(e.line).toBeGreaterThanOrEqual(1);
  expect(e.column).toBeGreaterThanOrEqual(1);
  expect(e.column).toBeLessThanOrEqual(query.length + 1);
  return e;
}

/** `s` field event for the `any where` tests. */
export const ok = (query: string) => compile(query);
