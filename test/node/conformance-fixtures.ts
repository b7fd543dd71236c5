/** Helpers for conformance tests: a tiny suite folder on disk and fake compile results. */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CompileFn } from "../../src/node/conformance/types.js";
import type { CompiledQuery, EqlEvent, EventsResult, SequencesResult } from "../../src/types.js";

/** Write a small two-spec suite into a new temporary folder named `mini-suite-*`; returns its path. */
export function writeTinySuite(): string {
  const dir = mkdtempSync(join(tmpdir(), "mini-suite-"));
  mkdirSync(join(dir, "data"));
  const file = (path: string, text: string) => writeFileSync(join(dir, path), text);
  file(
    "suite.json",
    JSON.stringify({
      defaults: { eventCategoryField: "event.category", timestampField: "@timestamp", size: 50 },
      datasets: {
        win: {
          indices: [
            { name: "win", data: "win.json", mapping: "data/win.mapping", transform: "filetime-to-millis" },
          ],
          tiebreakerField: "serial",
          idField: "serial",
        },
        multi: {
          indices: [
            { name: "m1", data: "data/m1.data", mapping: "data/m1.mapping" },
            { name: "m2", data: "data/m2.data", mapping: "data/m2.mapping" },
          ],
          idField: "id",
        },
      },
      specs: [
        { file: "one.toml", dataset: "win" },
        { file: "two.toml", dataset: "multi" },
      ],
    }),
  );
  file(
    "win.json",
    '[{"event_type": "process", "serial": 1, "timestamp": 116444736000000000},\n {"event_type": "file", "serial": 2, "timestamp": 131485996512345678}]',
  );
  file(
    "data/win.mapping",
    '# comment\n{"properties": {"event_type": {"type": "[runtime_random_keyword_type]"}}}',
  );
  file("data/m1.data", '[\n // first\n {"id": 1, "k": "a"}\n]');
  file("data/m2.data", '[\n  //// second\n {"id": 2, "k": "b"},\n {"id": 3, "k": "a"}\n]');
  file("data/m1.mapping", '{"properties": {"k": {"type": "keyword"}}}');
  file("data/m2.mapping", '{"properties": {"id": {"type": "long"}}}');
  file(
    "one.toml",
    [
      "[[queries]]",
      'name = "first"',
      "query = 'process where true'",
      "expected_event_ids = [1]",
      "",
      "#[[queries]]",
      '#name = "commented"',
      "",
      "[[queries]]",
      'name = "second"',
      "query = '''",
      "any where true",
      "'''",
      "expected_event_ids = [1, 2]",
      "size = 2",
      "",
      "[[queries]]",
      'name = "second"',
      "query = 'file where true'",
      "expected_event_ids = [2]",
    ].join("\n"),
  );
  file(
    "two.toml",
    [
      "[[queries]]",
      'name = "sample"',
      "query = 'sample by k [any where true] [any where true]'",
      "expected_event_ids = [[1, 3], [3, 1]]",
      'join_keys = ["a"]',
      "max_samples_per_key = 2",
    ].join("\n"),
  );
  return dir;
}

/** A compiled query whose `run` returns a fixed result (or throws). */
export function fakeQuery(result: EventsResult | SequencesResult | (() => never)): CompiledQuery {
  return {
    statement: {} as CompiledQuery["statement"],
    kind: "events" in result ? "event" : "sequence",
    warnings: [],
    matches: () => false,
    run: () => (typeof result === "function" ? result() : result),
    stream: () => {
      throw new Error("not used by the conformance runner");
    },
    runAsync: () => {
      throw new Error("not used by the conformance runner");
    },
  };
}

/** An event-query result with the given ids in `field`. */
export function eventsOf(field: string, ...ids: unknown[]): EventsResult {
  return { events: ids.map((id) => ({ _source: { [field]: id } as EqlEvent })) };
}

/** A compile function answering by query text from a table (unknown queries return no events). */
export function fakeCompile(
  table: Record<string, EventsResult | SequencesResult | (() => never)>,
): CompileFn {
  return (text) => fakeQuery(table[text.trim()] ?? { events: [] });
}
