/** `query --explain` and `run --explain`: each result or alert with the tree of clauses and what matched. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  cli,
  ensureBuilt,
  KUBELET_EVENTS,
  ndjson,
  processEvent,
  RULES,
  tempDir,
  testRuleToml,
} from "./helpers.js";

beforeAll(ensureBuilt);

describe.concurrent("query --explain", { timeout: 60_000 }, () => {
  it("attaches the explanation to each event, naming the array element and the pattern", async () => {
    const r = await cli([
      "query",
      'process where process.args like ("*:10255/*", "http*:10250/*") and process.name : ("curl", "wget")',
      "--explain",
      KUBELET_EVENTS,
    ]);
    expect(r.status).toBe(0);
    const first = JSON.parse(r.stdout.split("\n")[0] ?? "");
    expect(first.event.process.name).toBe("curl");
    const [category, and] = first.explanation.children;
    expect(category).toMatchObject({ text: 'event.category == "process"', result: true });
    expect(and.children[0].matched).toEqual([
      { field: "process.args", value: "https://10.0.4.17:10250/pods", index: 2, pattern: '"http*:10250/*"' },
    ]);
    expect(and.children[1].matched).toEqual([{ field: "process.name", value: "curl", pattern: '"curl"' }]);
  });

  it("explains each event of a sequence by its own term", async () => {
    const r = await cli([
      "query",
      'sequence by host.name [process where process.name == "curl"] [process where process.name != "curl"]',
      "--explain",
      "--format",
      "json",
      KUBELET_EVENTS,
    ]);
    expect(r.status).toBe(0);
    const [seq] = JSON.parse(r.stdout);
    expect(seq.join_keys).toEqual(["node-a"]);
    expect(seq.events[0].explanation.text).toBe("term 1: process where ...");
    expect(seq.events[1].explanation.text).toBe("term 2: process where ...");
    expect(seq.events[1].explanation.result).toBe(true);
  });

  it("refuses the table format, which has no place for a tree", async () => {
    const r = await cli(["query", "process where true", "--explain", "--format", "table", KUBELET_EVENTS]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("use --format ndjson or json");
  });
});

describe.concurrent("run --explain", { timeout: 60_000 }, () => {
  it("adds mini_eql.explanation to each alert, with 1 and 2 workers", async () => {
    for (const workers of ["1", "2"]) {
      const r = await cli(["run", "--rules", RULES, "--explain", "--workers", workers, KUBELET_EVENTS]);
      expect(r.status).toBe(0);
      const alerts = ndjson(r.stdout);
      expect(alerts).toHaveLength(3);
      for (const a of alerts) expect((a["mini_eql.explanation"] as { result?: boolean })?.result).toBe(true);
      const tree = JSON.stringify(alerts[0]?.["mini_eql.explanation"]);
      expect(tree).toContain('"field":"process.args","value":"https://10.0.4.17:10250/pods","index":2');
    }
  });

  it("explains a sequence's building blocks by their term; the sequence's own alert has none", async () => {
    const dir = tempDir();
    const rules = join(dir, "rules");
    mkdirSync(rules);
    writeFileSync(
      join(rules, "seq.toml"),
      testRuleToml(
        "seq",
        "sequence by host.name [process where process.pid in (1, 7)] [process where process.pid == 2]",
      ),
    );
    const events = [processEvent(1, { process: { pid: 7 } }), processEvent(2, { process: { pid: 2 } })];
    const input = join(dir, "events.ndjson");
    writeFileSync(input, `${events.map((e) => JSON.stringify(e)).join("\n")}\n`);
    const r = await cli(["run", "--rules", rules, "--explain", "--no-window", input]);
    expect(r.status).toBe(0);
    const alerts = ndjson(r.stdout);
    expect(alerts).toHaveLength(3);
    const blocks = alerts.filter((a) => a["kibana.alert.building_block_type"] === "default");
    const shell = alerts.find((a) => a["kibana.alert.building_block_type"] === undefined);
    expect(shell?.["mini_eql.explanation"]).toBeUndefined();
    const texts = blocks.map((b) => (b["mini_eql.explanation"] as { text?: string })?.text).sort();
    expect(texts).toEqual(["term 1: process where ...", "term 2: process where ..."]);
    const first = blocks.find((b) => b["kibana.alert.group.index"] === 0);
    expect(JSON.stringify(first?.["mini_eql.explanation"])).toContain('"value":7,"pattern":"7"');
  });

  it("needs a JSON format", async () => {
    const r = await cli(["run", "--rules", RULES, "--explain", "--format", "csv", KUBELET_EVENTS]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("use --format ndjson or json");
  });
});
