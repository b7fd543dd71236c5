/**
 * The reader tells what an input file holds from its bytes (plain documents, search hits, `_search`
 * responses, a `_bulk` body), keeps each envelope's `_index` / `_id` as the document's index and id,
 * and rejects, with its location, every record it cannot read as the file's shape.
 */
import { describe, expect, it } from "vitest";
import { hitOf } from "../../src/engine/run.js";
import { describeShape as fromNode } from "../../src/node/index.js";
import { firstValueEnd, type InputRecord, RecordReader } from "../../src/node/input/records.js";
import { bulkAction, describeShape, recordKind, type SourceShape } from "../../src/node/input/shapes.js";
import { eventKey } from "../../src/rules/alert.js";
import { documentMeta, unwrapHit } from "../../src/rules/envelope.js";
import { eventIndex } from "../../src/rules/index-pattern.js";

/** Read `text` through a reader, cut into chunks of `chunk` bytes. */
function read(text: string, chunk = 1 << 16): { records: InputRecord[]; shape: SourceShape } {
  const reader = new RecordReader("in");
  const bytes = Buffer.from(text);
  const records: InputRecord[] = [];
  for (let i = 0; i < bytes.length; i += chunk) records.push(...reader.write(bytes.subarray(i, i + chunk)));
  records.push(...reader.end());
  return { records, shape: reader.shape() };
}

/** Each record as `line: event {doc} index/id` or `line: reason`. */
function lines(records: readonly InputRecord[]): string[] {
  return records.map((r) => {
    if (r.kind === "rejected") return `${r.line}: ${r.reason}`;
    if (r.kind === "unreadable") return r.reason;
    const meta = documentMeta(r.event);
    return `${r.line}: ${JSON.stringify(r.event)}${meta ? ` ${meta.index ?? "-"}/${meta.id ?? "-"}` : ""}`;
  });
}

const doc = (n: number) => ({ "@timestamp": `2026-01-01T00:00:0${n}Z`, n });

const response = (extra: Record<string, unknown> = {}, hits: unknown[] = defaultHits()) => ({
  took: 4,
  timed_out: false,
  _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
  ...extra,
  hits: { total: { value: hits.length, relation: "eq" }, max_score: 1, hits },
});

const defaultHits = () => [
  { _index: "logs-a", _id: "1", _score: 1, _source: doc(1) },
  { _index: "logs-a", _id: "2", _score: 1, fields: { n: [2] } },
  { _index: ".ds-logs-b-2026.01.01-000001", _id: "3", _score: 1, _source: doc(3) },
];

describe("_search responses", () => {
  it("a pretty-printed response: each hit an event on its own line, with its _index and _id", () => {
    const { records, shape } = read(JSON.stringify(response(), null, 2));
    expect(lines(records)).toEqual([
      '17: {"@timestamp":"2026-01-01T00:00:01Z","n":1} logs-a/1',
      '26: hit 2 of 3: search hit without _source (a search with "_source": false, or with only "fields", returns none): no document to read',
      '36: {"@timestamp":"2026-01-01T00:00:03Z","n":3} .ds-logs-b-2026.01.01-000001/3',
    ]);
    expect(shape).toMatchObject({ shape: "responses", layout: "json", responses: 1, kibana: 0 });
    const event = (records[2] as Extract<InputRecord, { kind: "event" }>).event;
    expect(eventIndex(event)).toBe("logs-b");
    expect(eventKey(event)).toBe(".ds-logs-b-2026.01.01-000001/3");
  });

  it("reads the same whatever the chunks, down to one byte at a time", () => {
    const text = JSON.stringify(response(), null, 2);
    const whole = lines(read(text).records);
    expect(whole).toHaveLength(3);
    for (const chunk of [1, 2, 3, 17, 100]) expect(lines(read(text, chunk).records)).toEqual(whole);
  });

  it("bytes that are not UTF-8 inside a pretty-printed response reject it on their line, never read as U+FFFD", () => {
    const text = JSON.stringify(response(), null, 2).replace('"n": 3', '"n": "\uFFFD"');
    const at = text.indexOf("\uFFFD");
    const bytes = Buffer.concat([
      Buffer.from(text.slice(0, at)),
      Buffer.from([0xff]),
      Buffer.from(text.slice(at + 1)),
    ]);
    const reader = new RecordReader("in");
    const records = [...reader.write(bytes), ...reader.end()];
    expect(lines(records)).toEqual([`${text.slice(0, at).split("\n").length}: invalid UTF-8`]);
    expect(reader.shape().layout).toBe("json");
  });

  it("scroll and PIT pages one per NDJSON line; an empty page is zero events", () => {
    const pages = [
      response({ _scroll_id: "s1" }),
      response({ _scroll_id: "s1" }, []),
      response({ pit_id: "p1" }, [{ _index: "x", _id: "9", _source: doc(9), sort: [1] }]),
    ];
    const { records, shape } = read(`${pages.map((p) => JSON.stringify(p)).join("\n")}\n`);
    expect(lines(records)).toEqual([
      '1: {"@timestamp":"2026-01-01T00:00:01Z","n":1} logs-a/1',
      expect.stringMatching(/^1: hit 2 of 3: search hit without _source/),
      '1: {"@timestamp":"2026-01-01T00:00:03Z","n":3} .ds-logs-b-2026.01.01-000001/3',
      '3: {"@timestamp":"2026-01-01T00:00:09Z","n":9} x/9',
    ]);
    expect(shape).toMatchObject({ shape: "responses", layout: "ndjson", responses: 3 });
    expect(describeShape(shape)).toBe("_search responses (NDJSON, 3 pages)");
  });

  it("pages in one JSON array, and pages concatenated as jq prints them", () => {
    const pages = [response(), response({}, [{ _index: "x", _id: "9", _source: doc(9) }])];
    const array = read(JSON.stringify(pages, null, 2));
    expect(array.shape).toMatchObject({ shape: "responses", layout: "array", responses: 2 });
    expect(lines(array.records).filter((l) => !l.includes("hit 2 of 3"))).toHaveLength(3);
    const concatenated = read(pages.map((p) => JSON.stringify(p, null, 2)).join("\n"));
    expect(concatenated.shape).toMatchObject({ shape: "responses", layout: "json", responses: 2 });
    expect(lines(concatenated.records).at(-1)).toBe('64: {"@timestamp":"2026-01-01T00:00:09Z","n":9} x/9');
  });

  it("Kibana Inspect's rawResponse wrapper", () => {
    const { records, shape } = read(
      JSON.stringify(
        { rawResponse: response(), isPartial: false, isRunning: false, total: 1, loaded: 1 },
        null,
        2,
      ),
    );
    expect(lines(records).map((l) => l.replace(/:.*? (\S+\/\S+)$/, " $1"))).toEqual([
      "18 logs-a/1",
      expect.stringMatching(/^27: hit 2 of 3: search hit without _source/),
      "37 .ds-logs-b-2026.01.01-000001/3",
    ]);
    expect(describeShape(shape)).toBe("_search response in Kibana's rawResponse (JSON)");
  });

  it("a response cut down by filter_path, and hits that are not objects or whose _source is not one", () => {
    const { records, shape } = read(
      `${JSON.stringify({ hits: { hits: [{ _source: doc(1) }, 5, { _index: "x", _source: "text" }] } })}\n`,
    );
    expect(shape.shape).toBe("responses");
    expect(lines(records)).toEqual([
      '1: {"@timestamp":"2026-01-01T00:00:01Z","n":1} -/-',
      "1: hit 2 of 3: search hit that is not an object (a number)",
      "1: hit 3 of 3: search hit whose _source is not an object (a string)",
    ]);
  });
});

describe("search hits", () => {
  it("hits one per line keep their _index and _id; a hit without _source is rejected, not read as a document", () => {
    const { records, shape } = read(
      [
        { _index: "logs-a", _id: "1", _score: null, _source: doc(1) },
        { _index: "logs-a", _id: "2", fields: { n: [2] } },
        { _index: "logs-a", _id: "3", _version: 1, found: false },
        doc(4),
      ]
        .map((h) => JSON.stringify(h))
        .join("\n"),
    );
    expect(lines(records)).toEqual([
      '1: {"@timestamp":"2026-01-01T00:00:01Z","n":1} logs-a/1',
      expect.stringMatching(/^2: search hit without _source/),
      expect.stringMatching(/^3: search hit without _source/),
      "4: a plain document in a file of search hits (line 1 decided the file's shape)",
    ]);
    expect(describeShape(shape)).toBe("search hits (NDJSON)");
  });

  it("a rule set does not unwrap a document whose envelope is known, whatever its body holds", () => {
    const { records } = read(
      `{"index":{"_index":"logs-a","_id":"1"}}\n{"_index":"evil","_source":{"x":1},"y":2}\n`,
    );
    const event = (records[0] as Extract<InputRecord, { kind: "event" }>).event;
    expect(unwrapHit(event)).toBe(event);
    expect(eventIndex(event)).toBe("logs-a");
    expect(hitOf(event)).toMatchObject({ _index: "logs-a", _id: "1" });
  });
});

describe("_bulk bodies", () => {
  const bulk = (...lines: unknown[]) => `${lines.map((l) => JSON.stringify(l)).join("\n")}\n`;

  it("index and create give their source with the action's _index and _id; delete has no source; update is partial", () => {
    const { records, shape } = read(
      bulk(
        { index: { _index: "logs-endpoint.events-default", _id: "a1" } },
        doc(1),
        { create: { _index: "other", _id: 7, pipeline: "p" } },
        doc(2),
        { delete: { _index: "logs-a", _id: "gone" } },
        { update: { _index: "logs-a", _id: "u1", retry_on_conflict: 3 } },
        { doc: { n: 3 }, doc_as_upsert: true },
        { index: {} },
        doc(4),
      ),
    );
    expect(lines(records)).toEqual([
      '2: {"@timestamp":"2026-01-01T00:00:01Z","n":1} logs-endpoint.events-default/a1',
      '4: {"@timestamp":"2026-01-01T00:00:02Z","n":2} other/7',
      '7: partial document of the _bulk update action on line 6 ("doc", "script" or "upsert"): not the whole document',
      '9: {"@timestamp":"2026-01-01T00:00:04Z","n":4} -/-',
    ]);
    expect(shape).toMatchObject({ shape: "bulk", layout: "ndjson", deletes: 1 });
    expect(describeShape(shape)).toBe("_bulk body (NDJSON, 1 delete action)");
  });

  it("an action at the end, an action followed by an action, and a document where an action belongs are rejected", () => {
    const { records } = read(
      bulk({ index: { _id: "1" } }, { create: { _id: "2" } }, doc(2), doc(3), { update: { _id: "4" } }),
    );
    expect(lines(records)).toEqual([
      "1: _bulk index action without its source line (line 2 is another action line)",
      '3: {"@timestamp":"2026-01-01T00:00:02Z","n":2} -/2',
      "4: not a _bulk action line (index, create, delete or update) where one was expected",
      "5: _bulk update action without its source line: the input ends (truncated?)",
    ]);
  });

  it("a line that is not JSON after an action is its (rejected) source; an action with a bad _index spends its source", () => {
    const { records } = read(
      `${bulk({ index: {} })}{"n":\n${bulk({ index: { _index: 5 } }, doc(1), { index: {} }, doc(2))}`,
    );
    expect(lines(records)).toEqual([
      expect.stringMatching(/^2: not JSON/),
      "4: _bulk action whose _index is not a string (a number) (line 3)",
      '6: {"@timestamp":"2026-01-01T00:00:02Z","n":2} -/-',
    ]);
  });

  it("the source's own _index, _id or _source never decide: the action's do", () => {
    const { records } = read(
      bulk({ index: { _index: "logs-a", _id: "1" } }, { _index: "other", _id: "x", n: 1 }),
    );
    const event = (records[0] as Extract<InputRecord, { kind: "event" }>).event;
    expect(documentMeta(event)).toEqual({ index: "logs-a", id: "1" });
  });
});

describe("plain documents and the file's shape", () => {
  it("records of another shape in a file of plain documents are rejected with their line", () => {
    const { records, shape } = read(
      [
        doc(1),
        { index: { _index: "logs-a" } },
        { _index: "logs-a", _id: "1", _source: doc(2) },
        response(),
        { index: { name: "not an action: name is no action parameter" } },
        { _index: "body-field", message: "a document may carry _index; it decides nothing" },
      ]
        .map((r) => JSON.stringify(r))
        .join("\n"),
    );
    expect(lines(records)).toEqual([
      '1: {"@timestamp":"2026-01-01T00:00:01Z","n":1}',
      "2: a _bulk action line in a file of plain documents (line 1 decided the file's shape)",
      "3: a search hit in a file of plain documents (line 1 decided the file's shape)",
      "4: a search response in a file of plain documents (line 1 decided the file's shape)",
      '5: {"index":{"name":"not an action: name is no action parameter"}}',
      '6: {"_index":"body-field","message":"a document may carry _index; it decides nothing"}',
    ]);
    expect(describeShape(shape)).toBe("plain documents (NDJSON)");
  });

  it("the first JSON object decides; lines rejected before it do not", () => {
    const { records, shape } = read(`nope\n${JSON.stringify({ index: {} })}\n{"a":1}\n`);
    expect(lines(records)).toEqual([
      "1: not JSON (Unexpected token 'o', \"nope\" is not valid JSON)",
      '3: {"a":1} -/-',
    ]);
    expect(shape).toMatchObject({ shape: "bulk", decidedAt: 2 });
  });

  it("pretty-printed documents one after another (jq . output) are read; a broken first NDJSON line stays one rejected line", () => {
    const pretty = read(`${JSON.stringify(doc(1), null, 2)}\n${JSON.stringify(doc(2), null, 2)}\n42\n{"a":`);
    expect(lines(pretty.records)).toEqual([
      '1: {"@timestamp":"2026-01-01T00:00:01Z","n":1}',
      '5: {"@timestamp":"2026-01-01T00:00:02Z","n":2}',
      "9: not a JSON object (a number)",
      "10: the JSON value is not closed (truncated input?)",
    ]);
    expect(describeShape(pretty.shape)).toBe("plain documents (JSON)");
    const broken = read('{"a":1\n{"b":2}\n{"c":3}\n');
    expect(lines(broken.records)).toEqual([
      expect.stringMatching(/^1: not JSON/),
      '2: {"b":2}',
      '3: {"c":3}',
    ]);
    expect(broken.shape.layout).toBe("ndjson");
  });

  it("an empty input has no shape", () => {
    expect(describeShape(read("").shape)).toBe("empty");
    expect(describeShape(read("\n \n").shape)).toBe("empty");
    expect(describeShape(read("1\n2\n").shape)).toBe("no JSON object");
    expect(fromNode).toBe(describeShape);
  });
});

describe("telling shapes apart", () => {
  it("action lines: one key of the four, an object of action parameters only", () => {
    expect(bulkAction({ index: {} })).toBe("index");
    expect(bulkAction({ create: { _index: "a", _id: "1", routing: "r", _type: "_doc" } })).toBe("create");
    expect(bulkAction({ index: { name: "x" } })).toBeUndefined();
    expect(bulkAction({ index: {}, other: 1 })).toBeUndefined();
    expect(bulkAction({ index: [] })).toBeUndefined();
    expect(bulkAction({ upsert: {} })).toBeUndefined();
  });

  it("records", () => {
    expect(recordKind({ hits: { hits: [] }, took: 1 })).toBe("response");
    expect(recordKind({ hits: { hits: [] } })).toBe("response");
    expect(recordKind({ "@timestamp": "x", hits: { hits: [] } })).toBe("document");
    expect(recordKind({ rawResponse: { hits: { hits: [] } } })).toBe("kibana");
    expect(recordKind({ _index: "a", _source: {}, extra: 1 })).toBe("hit");
    expect(recordKind({ _index: "a", _id: "1", fields: {} })).toBe("hit");
    expect(recordKind({ _index: "a", message: "x" })).toBe("document");
    expect(recordKind({ delete: { _id: "1" } })).toBe("delete");
  });

  it("firstValueEnd tells a JSON value spanning lines from a broken NDJSON line", () => {
    expect(firstValueEnd('{\n "a": [1, {"b": "\\u0041"}]\n}\n{', 0)).toBe(30);
    expect(firstValueEnd('{\n "a": tr', 0)).toBe("prefix");
    expect(firstValueEnd('{\n "a": "x\\u00', 0)).toBe("prefix");
    expect(firstValueEnd('{"a":1\n{"b":2}', 0)).toBe("invalid");
    expect(firstValueEnd('{"a":01}', 0)).toBe("invalid");
    expect(firstValueEnd('{"a":[1,]}', 0)).toBe("invalid");
    expect(firstValueEnd('{"a" 1}', 0)).toBe("invalid");
  });
});
