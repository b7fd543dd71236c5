/**
 * The data teams export from Elasticsearch, read by the real command line from files: `_search`
 * responses (pretty-printed, gzip-compressed, scroll and PIT pages, Kibana Inspect's wrapper),
 * search hits and `_bulk` bodies. Each file's shape is told from its bytes and named in the summary;
 * the envelope's `_index` decides which rules search a document and its `_id` de-duplicates alerts;
 * whatever cannot be read as the file's shape is reported with its location and counted.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { SHOWN_SOURCES, sourceLines } from "../../src/cli/report.js";
import {
  cli,
  ensureBuilt,
  KUBELET_EVENTS,
  ndjson,
  processEvent,
  RULES,
  summary,
  tempDir,
  testRuleToml,
} from "./helpers.js";

beforeAll(() => ensureBuilt());

const dir = tempDir("mini-eql-shapes-");
const rule = join(dir, "curl.toml");
writeFileSync(
  rule,
  testRuleToml("curl", 'process where process.name == "curl"').replace(
    'index = ["logs-*"]',
    'index = ["logs-endpoint*"]',
  ),
);

// Two rules, so that --workers 2 runs two threads.
const twoRules = join(dir, "two-rules");
mkdirSync(twoRules);
for (const [id, query] of [
  ["curl", 'process where process.name == "curl"'],
  ["any", "process where true"],
]) {
  writeFileSync(
    join(twoRules, `${id}.toml`),
    testRuleToml(id as string, query as string).replace('index = ["logs-*"]', 'index = ["logs-endpoint*"]'),
  );
}

/** A curl process event at second `s`, with extra fields. */
const curl = (s: number, extra: Record<string, unknown> = {}) =>
  processEvent(s, { process: { name: "curl" }, ...extra });

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const lines = (...records: unknown[]) => `${records.map((r) => JSON.stringify(r)).join("\n")}\n`;

const run = (...args: string[]) => cli(["run", "--rules", rule, "--no-window", ...args]);

/** The `_index`/`_id` each alert names as its source. */
const ancestors = (stdout: string) =>
  ndjson(stdout).map((a) => {
    const [first] = a["kibana.alert.ancestors"] as { index: string; id: string }[];
    return `${first?.index}/${first?.id}`;
  });

const searchResponse = (hits: unknown[], extra: Record<string, unknown> = {}) => ({
  took: 12,
  timed_out: false,
  _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
  ...extra,
  hits: { total: { value: hits.length, relation: "eq" }, max_score: 1, hits },
});

const hits = () => [
  { _index: ".ds-logs-endpoint.events.process-default-2026.11.20-000001", _id: "h1", _source: curl(1) },
  { _index: "logs-endpoint.events.process-default", _id: "h2", fields: { "process.name": ["curl"] } },
  { _index: "other-index", _id: "h3", _source: curl(3) },
  { _index: "logs-endpoint.events.process-default", _id: "h4", _source: curl(4) },
];

describe.concurrent("reading what Elasticsearch exports", { timeout: 120_000 }, () => {
  it("a _bulk body: the action's _index decides the rules' indices; delete has no source, update is partial", async () => {
    const path = file(
      "bulk.ndjson",
      lines(
        { index: { _index: "logs-endpoint.events-default", _id: "b1" } },
        curl(1),
        { create: { _index: "other", _id: "b2" } },
        curl(2),
        { delete: { _index: "logs-endpoint.events-default", _id: "b0" } },
        { update: { _index: "logs-endpoint.events-default", _id: "b3" } },
        { doc: { process: { name: "curl" } } },
        { index: { _index: "logs-endpoint.events-default", _id: "b4" } },
        curl(4),
        { index: { _index: "logs-endpoint.events-default", _id: "b5" } },
      ),
    );
    const r = await run(path);
    expect(r.status).toBe(0);
    expect(ancestors(r.stdout).sort()).toEqual([
      "logs-endpoint.events-default/b1",
      "logs-endpoint.events-default/b4",
    ]);
    expect(r.stderr).toContain(
      `${path}:7: warning: partial document of the _bulk update action on line 6 ("doc", "script" or "upsert"): not the whole document; skipped`,
    );
    expect(r.stderr).toContain(
      `${path}:10: warning: _bulk index action without its source line: the input ends (truncated?); skipped`,
    );
    expect(r.stderr).toContain(
      `input: ${path}: _bulk body (NDJSON, 1 delete action), 3 documents, 2 rejected\n`,
    );
    expect(summary(r.stderr)).toEqual({ read: 5, matched: 2, unmatched: 1, rejected: 2 });
  });

  it("the _id of the bulk action de-duplicates alerts, in one thread and in two", async () => {
    const path = file(
      "dup.ndjson",
      lines(
        { index: { _index: "logs-endpoint.events-default", _id: "same" } },
        curl(1, { message: "first" }),
        { index: { _index: "logs-endpoint.events-default", _id: "same" } },
        curl(1, { message: "indexed again" }),
        { index: { _index: "logs-endpoint.events-default", _id: "other" } },
        curl(1, { message: "first" }),
      ),
    );
    const one = await run(path);
    expect(ancestors(one.stdout).sort()).toEqual([
      "logs-endpoint.events-default/other",
      "logs-endpoint.events-default/same",
    ]);
    expect(one.stderr).toContain("2 alerts; searched 3, matched 3, suppressed 0, duplicates 1");
    const args = ["run", "--rules", twoRules, "--no-window", "--now", "2026-11-20T09:05:00Z", path, path];
    const [inOne, inTwo] = await Promise.all([
      cli([...args, "--workers", "1"]),
      cli([...args, "--workers", "2"]),
    ]);
    expect(ancestors(inTwo.stdout)).toHaveLength(4);
    expect(inTwo.stdout).toBe(inOne.stdout);
    expect(inTwo.stderr).toContain("duplicates 4");
    expect(inTwo.stderr).toContain(`input: ${path}: _bulk body (NDJSON), 3 documents, 0 rejected\n`);
  });

  it("a pretty-printed _search response, gzip-compressed: hits keep _index and _id; one without _source is reported and counted", async () => {
    const path = file("response.json.gz", gzipSync(JSON.stringify(searchResponse(hits()), null, 2)));
    const r = await run(path);
    expect(r.status).toBe(0);
    expect(ancestors(r.stdout).sort()).toEqual([
      ".ds-logs-endpoint.events.process-default-2026.11.20-000001/h1",
      "logs-endpoint.events.process-default/h4",
    ]);
    expect(r.stderr).toMatch(
      new RegExp(`${path.replace(/[.]/g, "\\.")}:\\d+: warning: hit 2 of 4: search hit without _source`),
    );
    expect(r.stderr).toContain(`input: ${path}: _search response (JSON), 3 documents, 1 rejected\n`);
    expect(summary(r.stderr)).toEqual({ read: 4, matched: 2, unmatched: 1, rejected: 1 });
  });

  it("scroll pages one per NDJSON line, PIT pages in one JSON array, an empty last page", async () => {
    const [a, b, c, d] = hits();
    const scroll = file(
      "scroll.ndjson",
      lines(
        searchResponse([a, b], { _scroll_id: "FGluY2x1ZGVfY29udGV4dF91dWlk" }),
        searchResponse([c, d], { _scroll_id: "FGluY2x1ZGVfY29udGV4dF91dWlk" }),
        searchResponse([], { _scroll_id: "FGluY2x1ZGVfY29udGV4dF91dWlk" }),
      ),
    );
    const pit = file(
      "pit.json",
      JSON.stringify(
        [searchResponse([a, c], { pit_id: "46ToAwMD" }), searchResponse([d], { pit_id: "46ToAwMD" })],
        null,
        2,
      ),
    );
    const r = await run(scroll, pit);
    expect(ancestors(r.stdout).sort()).toEqual([
      ".ds-logs-endpoint.events.process-default-2026.11.20-000001/h1",
      "logs-endpoint.events.process-default/h4",
    ]);
    expect(r.stderr).toContain(`${scroll}:1: warning: hit 2 of 2: search hit without _source`);
    expect(r.stderr).toContain(
      `input: ${scroll}: _search responses (NDJSON, 3 pages), 3 documents, 1 rejected\n`,
    );
    expect(r.stderr).toContain(
      `input: ${pit}: _search responses (JSON array, 2 pages), 3 documents, 0 rejected\n`,
    );
    // The same event twice (h1, h4 in both files) alerts once: its _index/_id is its identity.
    expect(r.stderr).toContain("duplicates 2");
  });

  it("the response Kibana's Inspect panel shows ({rawResponse: ...})", async () => {
    const path = file(
      "inspect.json",
      JSON.stringify(
        { rawResponse: searchResponse(hits()), isPartial: false, isRunning: false, total: 1, loaded: 1 },
        null,
        2,
      ),
    );
    const r = await run(path);
    expect(ancestors(r.stdout)).toHaveLength(2);
    expect(r.stderr).toContain(
      `input: ${path}: _search response in Kibana's rawResponse (JSON), 3 documents, 1 rejected\n`,
    );
  });

  it("search hits one per line; a record of another shape is rejected with its location, never misread", async () => {
    const [a, b, c] = hits();
    const hitsFile = file("hits.ndjson", lines(a, b, curl(5), c));
    const plain = file(
      "plain.ndjson",
      lines(curl(1), { index: { _index: "logs-endpoint.events-default" } }, curl(2), {
        _index: "x",
        _id: "1",
        _source: curl(3),
      }),
    );
    const r = await cli([
      "run",
      "--rules",
      rule,
      "--no-window",
      "--index",
      "logs-endpoint-plain",
      hitsFile,
      plain,
    ]);
    expect(r.stderr).toContain(`${hitsFile}:2: warning: search hit without _source`);
    expect(r.stderr).toContain(
      `${hitsFile}:3: warning: a plain document in a file of search hits (line 1 decided the file's shape); skipped`,
    );
    expect(r.stderr).toContain(
      `${plain}:2: warning: a _bulk action line in a file of plain documents (line 1 decided the file's shape); skipped`,
    );
    expect(r.stderr).toContain(
      `${plain}:4: warning: a search hit in a file of plain documents (line 1 decided the file's shape); skipped`,
    );
    expect(r.stderr).toContain(`input: ${hitsFile}: search hits (NDJSON), 2 documents, 2 rejected\n`);
    expect(r.stderr).toContain(`input: ${plain}: plain documents (NDJSON), 2 documents, 2 rejected\n`);
    // The hit in the other index is not searched; the plain documents are in --index.
    expect(ancestors(r.stdout)).toHaveLength(3);
    expect(ancestors(r.stdout)).toContain(".ds-logs-endpoint.events.process-default-2026.11.20-000001/h1");
    expect(summary(r.stderr)).toEqual({ read: 8, matched: 3, unmatched: 1, rejected: 4 });
  });

  it("query reads the documents of a _bulk body, and a sequence shows each event's _index and _id", async () => {
    const path = file(
      "query.ndjson",
      lines(
        { index: { _index: "logs-a", _id: "q1" } },
        curl(1),
        { create: { _index: "logs-b", _id: "q2" } },
        curl(2),
      ),
    );
    const events = await cli(["query", 'process where process.name == "curl"', path]);
    expect(ndjson(events.stdout)).toEqual([curl(1), curl(2)]);
    const seq = await cli(["query", "sequence by host.name [process where true] [process where true]", path]);
    const [s] = ndjson(seq.stdout) as { events: { _index: string; _id: string }[] }[];
    expect(s?.events.map((e) => `${e._index}/${e._id}`)).toEqual(["logs-a/q1", "logs-b/q2"]);
    expect(seq.stderr).toContain(`input: ${path}: _bulk body (NDJSON), 2 documents, 0 rejected\n`);
  });

  it("plain NDJSON is read as before: the example still gives its 3 alerts", async () => {
    const r = await cli(["run", "--rules", RULES, KUBELET_EVENTS]);
    expect(r.status).toBe(0);
    expect(ndjson(r.stdout)).toHaveLength(3);
    expect(r.stderr).toContain(
      `input: ${KUBELET_EVENTS}: plain documents (NDJSON), 8 documents, 0 rejected\n`,
    );
  });
});

describe("the summary's input lines", () => {
  const tally = (file: string, shape: "documents" | "bulk", rejected = 0) => ({
    file,
    shape: { shape, layout: "ndjson" as const, decidedAt: 1, responses: 0, kibana: 0, deletes: 0 },
    events: 10,
    rejected,
  });

  it("list each file; past the limit, the unremarkable ones are summed", () => {
    expect(sourceLines([tally("a", "documents"), tally("b", "bulk", 2)])).toEqual([
      "input: a: plain documents (NDJSON), 10 documents, 0 rejected\n",
      "input: b: _bulk body (NDJSON), 10 documents, 2 rejected\n",
    ]);
    const many = Array.from({ length: SHOWN_SOURCES + 5 }, (_, i) => tally(`f${i}`, "documents"));
    many[7] = tally("odd", "bulk");
    many[9] = tally("bad", "documents", 1);
    expect(sourceLines(many)).toEqual([
      "input: odd: _bulk body (NDJSON), 10 documents, 0 rejected\n",
      "input: bad: plain documents (NDJSON), 10 documents, 1 rejected\n",
      `input: ${SHOWN_SOURCES + 3} more files (plain documents (NDJSON)): ${10 * (SHOWN_SOURCES + 3)} documents, 0 rejected\n`,
    ]);
  });
});
