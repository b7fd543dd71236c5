import { describe, expect, it } from "vitest";
import { compile } from "../../src/compile.js";

const matches = (q: string, e: Record<string, unknown> = { s: "a" }) => compile(q).matches(e);

describe("null patterns of `:` (accepted by Elasticsearch's verifier, null when evaluated)", () => {
  it("accepts a null on either side and evaluates to null", () => {
    expect(matches("any where null : null")).toBe(false);
    expect(matches('any where "a" : null')).toBe(false);
    expect(matches("any where s : null")).toBe(false);
    // null, not false: negating it still gives null, so nothing matches either way.
    expect(matches('any where not ("a" : null)')).toBe(false);
    expect(matches("any where not (s : null)")).toBe(false);
    expect(matches('any where ("a" : null) == null')).toBe(true);
  });
  it("ignores a null among other patterns", () => {
    expect(matches('any where s : (null, "A")')).toBe(true);
    expect(matches('any where s : (null, "b")')).toBe(false);
  });
});

describe("literal null arguments Elasticsearch's functions throw on", () => {
  const code = (q: string) => {
    try {
      compile(q);
      return "accepted";
    } catch (e) {
      return (e as { code: string }).code;
    }
  };
  it("rejects them at compile time", () => {
    expect(code('any where between(s, null, "e") == ""')).toBe("EQL_NULL_ARGUMENT");
    expect(code('any where between(s, "b", null) == ""')).toBe("EQL_NULL_ARGUMENT");
    expect(code("any where stringContains(s, null)")).toBe("EQL_NULL_ARGUMENT");
    expect(code("any where stringContains~(s, null)")).toBe("EQL_NULL_ARGUMENT");
  });
  it("keeps null sources and field arguments null", () => {
    expect(code('any where between(null, "b", "e") == null')).toBe("accepted");
    expect(code('any where stringContains(null, "a") == null')).toBe("accepted");
    expect(matches("any where between(s, x, y) == null")).toBe(true);
  });
});
