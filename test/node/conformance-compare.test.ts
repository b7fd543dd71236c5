import { describe, expect, it } from "vitest";
import { EqlSemanticError } from "../../src/errors.js";
import {
  collectIds,
  collectJoinKeys,
  idsMatch,
  joinKeysMatch,
  judge,
  renderKey,
} from "../../src/node/conformance/compare.js";
import { describeError, runCase } from "../../src/node/conformance/run.js";
import type { LoadedSpec, SuiteCase } from "../../src/node/conformance/types.js";
import type { SequencesResult } from "../../src/types.js";
import { eventsOf, fakeQuery } from "./conformance-fixtures.js";

const sequences: SequencesResult = {
  sequences: [
    { join_keys: [null, 1234], events: [{ _source: { id: 1 } }, { _source: {}, missing: true }] },
    { join_keys: [true, "x"], events: [{ _source: { id: 5 } }, { _source: { id: 7 } }] },
  ],
};

describe("collecting ids and join keys", () => {
  it("takes idField of event results in order", () => {
    expect(collectIds(eventsOf("id", 3, 1, 2), "id")).toEqual([3, 1, 2]);
    expect(collectJoinKeys(eventsOf("id", 1))).toEqual([]);
  });

  it("flattens sequences, a missing placeholder giving -1", () => {
    expect(collectIds(sequences, "id")).toEqual([1, -1, 5, 7]);
    expect(collectJoinKeys(sequences)).toEqual(["null", "1234", "true", "x"]);
  });

  it("renders keys as the harness does", () => {
    expect([null, undefined, 12, 1.5, false, "s", 10n].map(renderKey)).toEqual([
      "null",
      "null",
      "12",
      "1.5",
      "false",
      "s",
      "10",
    ]);
  });
});

describe("comparison", () => {
  it("compares ids exactly and in order", () => {
    expect(idsMatch([1, 2], [1, 2])).toBe(true);
    expect(idsMatch([2, 1], [1, 2])).toBe(false);
    expect(idsMatch([1], [1, 2])).toBe(false);
    expect(idsMatch([], [])).toBe(true);
  });

  it("accepts any alternative of a list of lists", () => {
    expect(
      idsMatch(
        [3, 4],
        [
          [1, 2],
          [3, 4],
        ],
      ),
    ).toBe(true);
    expect(
      idsMatch(
        [1, 2, 3, 4],
        [
          [1, 2],
          [3, 4],
        ],
      ),
    ).toBe(false);
    expect(idsMatch([], [[], [1]])).toBe(true);
  });

  it("checks join keys only when expected", () => {
    expect(joinKeysMatch(["a"], [])).toBe(true);
    expect(joinKeysMatch(["null", "1"], ["null", "1"])).toBe(true);
    expect(joinKeysMatch(["1", "null"], ["null", "1"])).toBe(false);
  });

  it("judges ids first, then join keys", () => {
    expect(judge([1], ["a"], [1], ["a"])).toBeUndefined();
    expect(judge([2], ["a"], [1], ["b"])).toBe("ids differ");
    expect(judge([1], ["a"], [1], ["b"])).toBe("join keys differ");
  });
});

describe("runCase", () => {
  const spec: LoadedSpec = {
    file: "f.toml",
    dataset: { name: "d", events: [], mappingConflicts: [], idField: "id" },
    cases: [],
  };
  const c: SuiteCase = {
    name: "n",
    query: "q",
    expectedEventIds: [1, -1, 5, 7],
    joinKeys: ["null", "1234", "true", "x"],
  };

  it("passes a matching sequence result", () => {
    expect(runCase(() => fakeQuery(sequences), {}, spec, c)).toEqual({
      file: "f.toml",
      name: "n",
      status: "passed",
      expected: [1, -1, 5, 7],
      actual: [1, -1, 5, 7],
      expectedJoinKeys: ["null", "1234", "true", "x"],
      actualJoinKeys: ["null", "1234", "true", "x"],
      error: null,
    });
  });

  it("fails on other ids", () => {
    const o = runCase(() => fakeQuery(eventsOf("id", 1)), {}, spec, { ...c, joinKeys: [] });
    expect(o).toMatchObject({ status: "failed", actual: [1], mismatch: "ids differ", error: null });
  });

  it("fails with the code and message of a thrown error", () => {
    const o = runCase(
      () => {
        throw new EqlSemanticError("q", "EQL_UNKNOWN_FIELD", "unknown field x", { start: 0, end: 1 });
      },
      {},
      spec,
      c,
    );
    expect(o.status).toBe("failed");
    expect(o.actual).toBeNull();
    expect(o.error).toMatch(/^EQL_UNKNOWN_FIELD: unknown field x/);
    expect(describeError(new TypeError("boom"))).toBe("TypeError: boom");
  });
});
