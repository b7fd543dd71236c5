import { describe, expect, it } from "vitest";
import { mappingOf, mergeMappings, parseMappingText } from "../../src/node/conformance/mapping.js";

describe("parseMappingText", () => {
  it("drops # lines and reads the placeholder type as keyword", () => {
    const text =
      '# comment with "[runtime_random_keyword_type]"\n{\n  "properties": {\n    "a": {"type": "[runtime_random_keyword_type]"}\n  }\n}\n';
    expect(parseMappingText(text)).toEqual({ properties: { a: { type: "keyword" } } });
  });

  it("accepts the {mappings: {properties}} form and rejects others", () => {
    expect(mappingOf({ mappings: { properties: { a: {} } } })).toEqual({ properties: { a: {} } });
    expect(() => mappingOf({ a: 1 })).toThrow(/properties/);
  });
});

describe("mergeMappings", () => {
  it("merges properties of several indices recursively", () => {
    const merged = mergeMappings([
      {
        properties: {
          a: { type: "keyword" },
          event: { properties: { category: { type: "alias", path: "a" } } },
        },
      },
      {
        properties: {
          b: { type: "long" },
          event: { properties: { sequence: { type: "alias", path: "b" } } },
        },
      },
    ]);
    expect(merged.conflicts).toEqual([]);
    expect(merged.mapping).toEqual({
      properties: {
        a: { type: "keyword" },
        b: { type: "long" },
        event: {
          properties: { category: { type: "alias", path: "a" }, sequence: { type: "alias", path: "b" } },
        },
      },
    });
  });

  it("joins differing date formats with || and reports other conflicts", () => {
    const merged = mergeMappings([
      { properties: { d: { type: "date", format: "dd-MM-yyyy" }, x: { type: "keyword" } } },
      { properties: { d: { type: "date", format: "yyyy-MM-dd" }, x: { type: "long" } } },
      { properties: { d: { type: "date", format: "yyyy-MM-dd" } } },
    ]);
    expect(merged.mapping.properties.d).toEqual({ type: "date", format: "dd-MM-yyyy||yyyy-MM-dd" });
    expect(merged.mapping.properties.x).toEqual({ type: "keyword" });
    expect(merged.conflicts).toHaveLength(1);
    expect(merged.conflicts[0]).toMatch(/^x:/);
  });

  it("does not share objects with its inputs", () => {
    const input = { properties: { a: { type: "keyword" } } };
    const merged = mergeMappings([input]);
    (merged.mapping.properties.a as { type: string }).type = "long";
    expect(input.properties.a.type).toBe("keyword");
  });
});
