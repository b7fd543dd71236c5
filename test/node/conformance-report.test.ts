import { describe, expect, it } from "vitest";
import { decideRatchet } from "../../src/node/conformance/known.js";
import { formatFailure, formatReport } from "../../src/node/conformance/report.js";
import type { CaseOutcome } from "../../src/node/conformance/types.js";

const failed: CaseOutcome = {
  file: "s.toml",
  name: "alt",
  status: "failed",
  expected: [
    [1, 2],
    [2, 1],
  ],
  actual: [1],
  error: null,
  mismatch: "ids differ",
};

describe("formatReport", () => {
  it("shows alternatives, join keys and errors on one line each", () => {
    expect(formatFailure(failed, false)).toEqual([
      "  FAIL [UNEXPECTED] alt",
      "      expected one of [1,2] | [2,1], actual [1]",
    ]);
    const keys: CaseOutcome = {
      ...failed,
      expected: [1],
      mismatch: "join keys differ",
      expectedJoinKeys: ["a"],
      actualJoinKeys: ["b"],
    };
    expect(formatFailure(keys, true)[1]).toBe(
      '      expected [1], actual [1]; join keys expected ["a"], actual ["b"]',
    );
    const error: CaseOutcome = {
      ...failed,
      expected: [],
      actual: null,
      error: "EQL_X: bad (line 1)\n  q\n  ^",
    };
    expect(formatFailure(error, true)[1]).toBe("      expected [], error EQL_X: bad (line 1)");
  });

  it("ends with the totals over all files", () => {
    const ok: CaseOutcome = { ...failed, file: "t.toml", name: "ok", status: "passed", expected: [1] };
    const outcomes = [failed, ok];
    const lines = formatReport("suite", outcomes, decideRatchet(outcomes, {}, "suite"));
    expect(lines[0]).toBe("s.toml: 0 passed, 1 failed");
    expect(lines).toContain("t.toml: 1 passed, 0 failed");
    expect(lines).toContain("known failures (suite): 0 known (listed), 1 unexpected");
    expect(lines.at(-1)).toBe("1 passed, 1 failed");
  });
});
