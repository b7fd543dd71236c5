import { describe, expect, it } from "vitest";
import { parse } from "../../src/parse.js";
import { failure } from "./helpers.js";

const A = "[a where true]";
const B = "[b where true]";

/** [query, code, line, column] — every structural (semantic) code raised by parse. */
const CASES: [string, string, number, number][] = [
  // pipes
  ["any where true | head -1", "EQL_INVALID_PIPE_ARGUMENT", 1, 23],
  ["any where true | tail 1.5", "EQL_INVALID_PIPE_ARGUMENT", 1, 23],
  ["any where true | head x", "EQL_INVALID_PIPE_ARGUMENT", 1, 23],
  ["any where true | head", "EQL_INVALID_PIPE_ARGUMENT", 1, 18],
  ["any where true | head 1, 2", "EQL_INVALID_PIPE_ARGUMENT", 1, 18],
  [`sample by x ${A} ${B} | head 1`, "EQL_PIPE_ON_SAMPLE", 1, 43],
  // maxspan
  [`sequence with maxspan=1.5h ${A} ${B}`, "EQL_INVALID_MAXSPAN", 1, 23],
  [`sequence with maxspan=0s ${A} ${B}`, "EQL_INVALID_MAXSPAN", 1, 23],
  [`sequence with maxspan=10 ${A} ${B}`, "EQL_INVALID_MAXSPAN", 1, 23],
  [`sequence with maxspan=10M ${A} ${B}`, "EQL_INVALID_MAXSPAN", 1, 25],
  [`sequence with maxspan=10w ${A} ${B}`, "EQL_INVALID_MAXSPAN", 1, 25],
  [`sequence with maxspan=1m by x ${A} ${B}`, "EQL_KEYS_AFTER_WITH", 1, 26],
  // keys
  [`sequence by x ${A} by y ${B}`, "EQL_JOIN_KEY_COUNT", 1, 35],
  [`sequence ${A} by x ${B} by y, z`, "EQL_JOIN_KEY_COUNT", 1, 48],
  [`sequence by x ${A} ${B} until [c where true] by y`, "EQL_JOIN_KEY_COUNT", 1, 69],
  [`sample by x ${A} by y ${B}`, "EQL_JOIN_KEY_COUNT", 1, 33],
  [`sequence by length(x) ${A} ${B}`, "EQL_UNSUPPORTED_JOIN_KEY", 1, 13],
  [`sequence ${A} by x + 1 ${B} by y`, "EQL_UNSUPPORTED_JOIN_KEY", 1, 28],
  [`sample by "x" ${A} ${B}`, "EQL_UNSUPPORTED_JOIN_KEY", 1, 11],
  // term options and runs
  [`sequence ${A} with repeat=2 ${B}`, "EQL_UNKNOWN_TERM_OPTION", 1, 30],
  [`sequence ${A} with runs=0 ${B}`, "EQL_INVALID_RUNS", 1, 35],
  [`sequence ${A} with runs=101 ${B}`, "EQL_INVALID_RUNS", 1, 35],
  [`sequence ${A} with runs=2.0 ${B}`, "EQL_INVALID_RUNS", 1, 35],
  [`sequence ${A} ${B} until [c where true] with runs=2`, "EQL_INVALID_RUNS", 1, 46],
  // missing events and term counts
  [`sequence ${A} ![b where true]`, "EQL_MISSING_EVENTS_NEED_MAXSPAN", 1, 25],
  ["sequence with maxspan=1m ![a where true] ![b where true]", "EQL_NO_POSITIVE_TERM", 1, 1],
  [`sequence ${A}`, "EQL_SEQUENCE_TOO_SHORT", 1, 1],
  [`sequence ${A} with runs=1`, "EQL_SEQUENCE_TOO_SHORT", 1, 1],
  [`sequence with maxspan=1m ${A} ${B} until ![c where true]`, "EQL_MISSING_UNTIL", 1, 62],
  // samples
  [`sample by x ${A}`, "EQL_SAMPLE_TERMS", 1, 1],
  [`sample by x ${A} ${A} ${A} ${A} ${A} ${A}`, "EQL_SAMPLE_TERMS", 1, 1],
  [`sample by x ${A} ![b where true]`, "EQL_SAMPLE_TERMS", 1, 28],
  [`sample ${A} ${B}`, "EQL_SAMPLE_NEEDS_KEYS", 1, 1],
];

describe("structural checks (spec §3.3)", () => {
  it.each(CASES)("%s → %s at %i:%i", (text, code, line, column) => {
    const f = failure(text);
    expect(f.name).toBe("EqlSemanticError");
    expect([f.code, f.line, f.column]).toEqual([code, line, column]);
  });

  it("accepts the valid boundary cases", () => {
    expect(() => parse(`sequence ${A} with runs=2`)).not.toThrow();
    expect(() => parse(`sequence ${A} with runs=100`)).not.toThrow();
    expect(() => parse(`sequence with maxspan=1m ${A} ![b where true]`)).not.toThrow();
    expect(() => parse(`sequence with maxspan=1m ![a where true] ${A} with runs=1`)).not.toThrow();
    expect(() => parse(`sequence with maxspan=1m ![a where true] with runs=2 ${A}`)).not.toThrow();
    expect(() => parse(`sequence by x ${A} ${B} until [c where true]`)).not.toThrow();
    expect(() => parse(`sequence ${A} by x ${B} by y until [c where true] by z`)).not.toThrow();
    expect(() => parse(`sequence by ?x ${A} ${B}`)).not.toThrow();
    expect(() => parse(`sample ${A} by x ${B} by y`)).not.toThrow();
    expect(() => parse(`sample by x ${A} ${A} ${A} ${A} ${A}`)).not.toThrow();
    expect(() => parse("any where true | head 0 | tail 10")).not.toThrow();
  });
});
