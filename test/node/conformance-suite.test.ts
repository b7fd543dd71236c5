import { rmSync } from "node:fs";
import { basename } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { caseOptions } from "../../src/node/conformance/run.js";
import { loadSuite, parseSpecCases } from "../../src/node/conformance/suite.js";
import { writeTinySuite } from "./conformance-fixtures.js";

const dir = writeTinySuite();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("loadSuite", () => {
  const suite = loadSuite(dir);

  it("names the suite by its folder and keeps defaults", () => {
    expect(suite.name).toBe(basename(dir));
    expect(suite.defaults).toEqual({
      eventCategoryField: "event.category",
      timestampField: "@timestamp",
      size: 50,
    });
  });

  it("loads every spec with its cases, skipping commented tables and renaming repeated names", () => {
    expect(suite.specs.map((s) => s.file)).toEqual(["one.toml", "two.toml"]);
    const one = suite.specs[0]!;
    expect(one.cases.map((c) => c.name)).toEqual(["first", "second", "second #2"]);
    expect(one.cases[1]).toMatchObject({ query: "any where true\n", expectedEventIds: [1, 2], size: 2 });
    const sample = suite.specs[1]!.cases[0]!;
    expect(sample).toMatchObject({
      expectedEventIds: [
        [1, 3],
        [3, 1],
      ],
      joinKeys: ["a"],
      maxSamplesPerKey: 2,
    });
  });

  it("transforms events and cleans the mapping", () => {
    const win = suite.specs[0]!.dataset;
    expect(win.events.map((e) => e["@timestamp"])).toEqual([0, 1504126051234]);
    expect(win.mapping).toEqual({ properties: { event_type: { type: "keyword" } } });
    expect(win.tiebreakerField).toBe("serial");
  });

  it("concatenates the indices of a dataset in order and merges their mappings", () => {
    const multi = suite.specs[1]!.dataset;
    expect(multi.events.map((e) => e.id)).toEqual([1, 2, 3]);
    expect(multi.mapping).toEqual({ properties: { k: { type: "keyword" }, id: { type: "long" } } });
    expect(multi.tiebreakerField).toBeUndefined();
  });

  it("builds compile and run options from defaults, dataset and case", () => {
    const spec = suite.specs[0]!;
    expect(caseOptions(suite.defaults, spec, spec.cases[1]!)).toEqual({
      compile: {
        eventCategoryField: "event.category",
        timestampField: "@timestamp",
        tiebreakerField: "serial",
        mapping: spec.dataset.mapping,
        allowUnknownFields: true,
        size: 2,
      },
      run: { size: 2 },
    });
    const multi = suite.specs[1]!;
    expect(caseOptions(suite.defaults, multi, multi.cases[0]!).run).toEqual({
      size: 50,
      maxSamplesPerKey: 2,
    });
  });

  it("fails clearly on a missing folder", () => {
    expect(() => loadSuite(`${dir}-nope`)).toThrow(/suite\.json/);
  });
});

describe("parseSpecCases", () => {
  it("requires query and expected_event_ids", () => {
    expect(() => parseSpecCases('[[queries]]\nname = "x"\nexpected_event_ids = []')).toThrow(/no query/);
    expect(() => parseSpecCases("[[queries]]\nname = \"x\"\nquery = 'a'")).toThrow(/expected_event_ids/);
  });

  it("reads a file without queries as no cases", () => {
    expect(parseSpecCases("# nothing")).toEqual([]);
  });
});
