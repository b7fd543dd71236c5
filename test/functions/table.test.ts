import { describe, expect, it } from "vitest";
import { lookupFunction, STANDARD_FUNCTIONS } from "../../src/functions/index.js";
import type { FunctionDef } from "../../src/functions/types.js";

describe("function table", () => {
  it("has exactly the Elasticsearch EQL functions", () => {
    expect(STANDARD_FUNCTIONS.map((f) => f.name)).toEqual([
      "add",
      "between",
      "cidrMatch",
      "concat",
      "divide",
      "endsWith",
      "indexOf",
      "length",
      "modulo",
      "multiply",
      "number",
      "startsWith",
      "string",
      "stringContains",
      "substring",
      "subtract",
    ]);
  });
  it("marks the ~ variants", () => {
    const withTilde = STANDARD_FUNCTIONS.filter((f) => f.hasInsensitiveVariant).map((f) => f.name);
    expect(withTilde.sort()).toEqual(["between", "endsWith", "indexOf", "startsWith", "stringContains"]);
  });
  it("looks names up case-insensitively", () => {
    expect(lookupFunction("STRINGCONTAINS")?.name).toBe("stringContains");
    expect(lookupFunction("cidrmatch")?.name).toBe("cidrMatch");
    for (const missing of ["arrayContains", "wildcard", "match", "safe", "matchLite"]) {
      expect(lookupFunction(missing)).toBeUndefined();
    }
  });
  it("searches extra functions first", () => {
    const mine: FunctionDef = {
      name: "Length",
      params: [{ name: "x", type: "any" }],
      returns: "integer",
      hasInsensitiveVariant: false,
      create: () => () => 42,
    };
    expect(lookupFunction("length", [mine])).toBe(mine);
    expect(lookupFunction("concat", [mine])?.name).toBe("concat");
  });
  it("declares literal-only parameters", () => {
    expect(lookupFunction("cidrMatch")?.params[1]).toMatchObject({
      literal: true,
      variadic: true,
      type: "string",
    });
    expect(lookupFunction("between")?.params[3]).toMatchObject({
      literal: true,
      optional: true,
      type: "boolean",
    });
    // number's base may be a field (Elasticsearch's translation tests use one).
    expect(lookupFunction("number")?.params[1]).toMatchObject({ optional: true, type: "integer" });
    expect(lookupFunction("number")?.params[1]?.literal).toBeUndefined();
  });
  it("gives result types for arithmetic", () => {
    const add = lookupFunction("add");
    expect(add?.resultType?.(["integer", "integer"])).toBe("integer");
    expect(add?.resultType?.(["integer", "double"])).toBe("double");
  });
});
