/** `query --explain`: each result with the tree of clauses and what matched. */
import { beforeAll, describe, expect, it } from "vitest";
import { cli, ensureBuilt, KUBELET_EVENTS } from "./helpers.js";

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
