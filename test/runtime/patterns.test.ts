import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compilePatternList } from "../../src/runtime/patterns.js";
import { compileWildcard } from "../../src/runtime/wildcard.js";

describe("pattern lists", () => {
  it("match exact, prefix and general patterns", () => {
    const m = compilePatternList(["curl", "python*", "*.sh", "a?c*", ""], false);
    expect(m("curl")).toBe(true);
    expect(m("CURL")).toBe(false);
    expect(m("python3.11")).toBe(true);
    expect(m("run.sh")).toBe(true);
    expect(m("abcd")).toBe(true);
    expect(m("")).toBe(true);
    expect(m("wget")).toBe(false);
  });
  it("fold case once for the whole list", () => {
    const m = compilePatternList(["Curl", "PYTHON*", "*.SH"], true);
    expect(m("cURL")).toBe(true);
    expect(m("Python3")).toBe(true);
    expect(m("RUN.sh")).toBe(true);
  });
  it("agree with one wildcard matcher per pattern", () => {
    const alphabet = fc.constantFrom("a", "b", "A", "*", "?", "/", "\\", "é");
    const text = fc.array(alphabet, { maxLength: 8 }).map((a) => a.join(""));
    fc.assert(
      fc.property(
        fc.array(text, { minLength: 1, maxLength: 4 }),
        text,
        fc.boolean(),
        (patterns, value, ci) => {
          const one = patterns.some((p) => compileWildcard(p, ci)(value));
          expect(compilePatternList(patterns, ci)(value)).toBe(one);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
