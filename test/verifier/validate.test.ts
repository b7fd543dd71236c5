/** validateRule with a mapping: the query is checked as Elasticsearch's verifier checks it. */
import { describe, expect, it } from "vitest";
import { validateRule } from "../../src/rules/validate.js";
import { ruleObject } from "../rules/helpers.js";

const mapping = {
  properties: {
    "@timestamp": { type: "date" },
    event: { properties: { category: { type: "keyword" } } },
    process: {
      properties: {
        name: { type: "keyword" },
        command_line: { type: "wildcard", fields: { text: { type: "match_only_text" } } },
        pid: { type: "long" },
      },
    },
    message: { type: "match_only_text" },
    source: { properties: { geo: { properties: { location: { type: "geo_point" } } } } },
  },
};

const found = (query: string, options: Parameters<typeof validateRule>[1] = { mapping }) =>
  validateRule(ruleObject({ query }), options).map((i) => [i.code, i.message, i.location?.column]);

describe("validateRule({ mapping })", () => {
  it("accepts a query over mapped fields", () => {
    expect(found('process where process.name : "curl" and process.command_line : "*x*"')).toEqual([]);
  });
  it("reports an unknown column with its position", () => {
    expect(found('process where process.nam == "curl"')).toEqual([
      [
        "RULE_QUERY",
        "Unknown column [process.nam], did you mean any of [process.name, process.pid]? [EQL_UNKNOWN_FIELD]",
        15,
      ],
    ]);
  });
  it("keeps a field the mapping lacks with allowUnknownFields, and `?field` always", () => {
    expect(found('process where user.name == "x"', { mapping, allowUnknownFields: true })).toEqual([]);
    expect(found('process where ?user.name == "x"')).toEqual([]);
  });
  it("reports unqueryable and inexact fields", () => {
    expect(found("any where source.geo.location == 1")[0]?.[1]).toMatch(
      /unsupported type \[geo_point\].*EQL_UNSUPPORTED_FIELD_TYPE/,
    );
    expect(found('any where message == "x"')[0]?.[1]).toMatch(
      /\[text\]: No keyword\/multi-field.*EQL_INEXACT_FIELD/,
    );
  });
  it("checks nothing more without a mapping", () => {
    expect(found('process where process.nam : "curl"', {})).toEqual([]);
  });
});
