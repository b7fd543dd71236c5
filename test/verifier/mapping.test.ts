/** The mapping checks beyond Elasticsearch's own test cases: keys, operators and options. */
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compile.js";
import type { EqlError } from "../../src/errors.js";
import type { CompileOptions } from "../../src/types.js";

const mapping = {
  properties: {
    "@timestamp": { type: "date" },
    event: { properties: { category: { type: "alias", path: "event_type" } } },
    event_type: { type: "keyword" },
    pid: { type: "long" },
    md5: { type: "keyword" },
    host: { type: "text", fields: { keyword: { type: "keyword" } } },
    note: { type: "text" },
    both: { type: "text", fields: { a: { type: "keyword" }, b: { type: "keyword" } } },
    lower: { type: "keyword", normalizer: "lowercase" },
    addr: { type: "ip" },
    where_: { type: "geo_point" },
    span: { type: "long_range" },
    obj: { properties: { x: { type: "keyword" } } },
  },
};

function outcome(query: string, options: CompileOptions = {}): string {
  try {
    compile(query, { mapping, ...options });
    return "ok";
  } catch (e) {
    const err = e as EqlError;
    return `${err.code} ${err.line}:${err.column}`;
  }
}

describe("join keys", () => {
  it.each([
    ["sequence [any where true] by pid [any where true] by md5", "EQL_JOIN_KEY_TYPE 1:54"],
    ["sequence by pid [any where true] [any where true]", "ok"],
    ["sequence [any where true] by host [any where true] by md5", "ok"],
    [
      "sequence [any where true] by pid [any where true] by pid until [any where true] by md5",
      "EQL_JOIN_KEY_TYPE 1:84",
    ],
    ["sample [any where true] by md5 [any where true] by @timestamp", "EQL_JOIN_KEY_TYPE 1:52"],
    ["sample by where_ [any where true] [any where true]", "EQL_UNSUPPORTED_FIELD_TYPE 1:11"],
    ["sequence [any where true] by nope [any where true] by pid", "EQL_UNKNOWN_FIELD 1:30"],
    ["sequence [any where true] by ?nope [any where true] by pid", "ok"],
  ])("%s → %s", (q, expected) => {
    expect(outcome(q)).toBe(expected);
  });
  it("names the kind of query in the message", () => {
    expect(() => compile("sample [any where true] by md5 [any where true] by pid", { mapping })).toThrow(
      "Sample key [pid] type [long] is incompatible with key [md5] type [keyword]",
    );
  });
});

describe("operators on inexact fields", () => {
  it.each([
    ['any where host == "a"', "ok"],
    ['any where host : "a*"', "ok"],
    ['any where note : "a*"', "EQL_INEXACT_FIELD 1:11"],
    ['any where note like~ "a*"', "EQL_INEXACT_FIELD 1:11"],
    ['any where note regex "a.*"', "EQL_INEXACT_FIELD 1:11"],
    ['any where note in ("a", "b")', "EQL_INEXACT_FIELD 1:11"],
    ['any where note in~ ("a")', "EQL_INEXACT_FIELD 1:11"],
    ['any where "a" == note', "EQL_INEXACT_FIELD 1:18"],
    ["any where note != null", "EQL_INEXACT_FIELD 1:11"],
    ['any where both == "a"', "EQL_INEXACT_FIELD 1:11"],
    ['any where both.a == "a"', "ok"],
    ['any where lower : "a"', "EQL_INEXACT_FIELD 1:11"],
    ['any where startsWith~(lower, "a")', "EQL_INEXACT_FIELD 1:23"],
    ['any where concat(host, note) == "x"', "EQL_INEXACT_FIELD 1:24"],
  ])("%s → %s", (q, expected) => {
    expect(outcome(q)).toBe(expected);
  });
  it("explains an ambiguous text field", () => {
    expect(() => compile('any where both == "a"', { mapping })).toThrow(
      "Multiple exact keyword candidates available for [both]; specify which one to use",
    );
  });
});

describe("types", () => {
  it.each([
    ['any where addr in ("10.0.0.1")', "EQL_TYPE_MISMATCH 1:20"],
    ["any where pid in (1, 2.5, null)", "ok"],
    ['any where md5 in ("a", 1)', "EQL_TYPE_MISMATCH 1:24"],
    ['any where cidrMatch(addr, "10.0.0.0/8")', "ok"],
    ['any where cidrMatch("10.0.0.1", "10.0.0.0/8")', "EQL_TYPE_MISMATCH 1:21"],
    ['any where cidrMatch(md5, "10.0.0.0/8")', "EQL_TYPE_MISMATCH 1:21"],
    ["any where pid", "EQL_NOT_BOOLEAN 1:11"],
    ["any where obj", "EQL_UNSUPPORTED_FIELD_TYPE 1:11"],
    ["any where obj.x == 1", "ok"],
    ["any where span == 1", "EQL_UNSUPPORTED_FIELD_TYPE 1:11"],
    ["any where ?where_ == null", "EQL_UNSUPPORTED_FIELD_TYPE 1:11"],
  ])("%s → %s", (q, expected) => {
    expect(outcome(q)).toBe(expected);
  });
});

describe("unknown fields and the category field", () => {
  const noCategory = { properties: { pid: { type: "long" } } };
  it("follows the category alias, and requires the category field for a category query", () => {
    expect(outcome("process where pid == 1")).toBe("ok");
    expect(() => compile("process where pid == 1", { mapping: noCategory })).toThrow(
      "Unknown column [event.category]",
    );
    expect(() => compile("any where pid == 1", { mapping: noCategory })).not.toThrow();
    expect(() =>
      compile("process where pid == 1", { mapping: noCategory, allowUnknownFields: true }),
    ).not.toThrow();
  });
  it("allowUnknownFields reads unknown fields untyped and still checks the mapped ones", () => {
    expect(outcome('any where user == "x"')).toBe("EQL_UNKNOWN_FIELD 1:11");
    expect(outcome('any where user == "x"', { allowUnknownFields: true })).toBe("ok");
    expect(outcome('any where user == "x" and note == "y"', { allowUnknownFields: true })).toBe(
      "EQL_INEXACT_FIELD 1:27",
    );
    const q = compile('any where user : "X*"', { mapping, allowUnknownFields: true });
    expect(q.matches({ user: "xavier" })).toBe(true);
  });
  it("changes nothing without a mapping", () => {
    expect(() => compile('any where note in ("a", 1) and nope : "x"')).not.toThrow();
  });
});

describe("string operators and functions on fields that are not strings", () => {
  it.each([
    ['any where @timestamp : "2024*"', "EQL_TYPE_MISMATCH 1:11"],
    ['any where addr like "10.*"', "EQL_TYPE_MISMATCH 1:11"],
    ['any where addr in~ ("10.0.0.1")', "EQL_TYPE_MISMATCH 1:11"],
    ["any where length(@timestamp) > 1", "EQL_TYPE_MISMATCH 1:18"],
    ['any where startsWith(md5, "a")', "ok"],
    ['any where string(addr) == "10.0.0.1"', "ok"],
  ])("%s → %s", (q, expected) => {
    expect(outcome(q)).toBe(expected);
  });
  it("says so in Elasticsearch's words", () => {
    expect(() => compile('any where @timestamp : "2024*"', { mapping })).toThrow(
      "first argument of [:] must be [string], found value [@timestamp] type [datetime]",
    );
    expect(() => compile("any where length(@timestamp) > 1", { mapping })).toThrow(
      "argument of [length(@timestamp)] must be [string], found value [@timestamp] type [datetime]",
    );
  });
});

describe("runtime fields", () => {
  it("are known columns of their type", () => {
    const withRuntime = {
      mappings: {
        properties: { "@timestamp": { type: "date" } },
        runtime: { day: { type: "keyword" }, hour: { type: "long" } },
      },
    };
    expect(() => compile('any where day == "Monday" and hour > 3', { mapping: withRuntime })).not.toThrow();
    expect(() => compile("any where hour", { mapping: withRuntime })).toThrow("found [LONG]");
  });
});
