import { describe, expect, it } from "vitest";
import {
  decideRatchet,
  type KnownFailures,
  PLACEHOLDER_REASON,
  parseKnownFailures,
  updateKnownFailures,
} from "../../src/node/conformance/known.js";
import type { CaseOutcome } from "../../src/node/conformance/types.js";

const outcome = (file: string, name: string, passed: boolean): CaseOutcome => ({
  file,
  name,
  status: passed ? "passed" : "failed",
  expected: [1],
  actual: passed ? [1] : [],
  error: null,
});

const outcomes = [
  outcome("a.toml", "ok", true),
  outcome("a.toml", "bad", false),
  outcome("b.toml", "worse", false),
];

describe("decideRatchet", () => {
  it("exits 0 when every failure is listed", () => {
    const known: KnownFailures = { s: { "a.toml": { bad: "r1" }, "b.toml": { worse: "r2" } } };
    const d = decideRatchet(outcomes, known, "s");
    expect(d.exitCode).toBe(0);
    expect(d.known.map((o) => o.name)).toEqual(["bad", "worse"]);
    expect(d.unexpected).toEqual([]);
  });

  it("exits 1 on an unlisted failure", () => {
    const d = decideRatchet(outcomes, { s: { "a.toml": { bad: "r1" } } }, "s");
    expect(d.exitCode).toBe(1);
    expect(d.unexpected.map((o) => o.name)).toEqual(["worse"]);
  });

  it("exits 1 when a listed case passes or does not exist", () => {
    const known: KnownFailures = {
      s: { "a.toml": { bad: "r", ok: "r" }, "b.toml": { worse: "r" }, "c.toml": { gone: "r" } },
    };
    const d = decideRatchet(outcomes, known, "s");
    expect(d.exitCode).toBe(1);
    expect(d.fixed.map((e) => e.name)).toEqual(["ok"]);
    expect(d.stale.map((e) => `${e.file}/${e.name}`)).toEqual(["c.toml/gone"]);
  });

  it("treats a suite missing from the list as having no known failures", () => {
    const d = decideRatchet(outcomes, { other: { "a.toml": { bad: "r" } } }, "s");
    expect(d.unexpected).toHaveLength(2);
    expect(d.fixed).toEqual([]);
    expect(decideRatchet([outcome("a.toml", "ok", true)], {}, "s").exitCode).toBe(0);
  });
});

describe("updateKnownFailures", () => {
  it("keeps reasons, adds placeholders, drops passing entries and leaves other suites alone", () => {
    const known: KnownFailures = {
      s: { "a.toml": { bad: "kept reason", ok: "old" } },
      other: { "x.toml": { y: "z" } },
    };
    const u = updateKnownFailures(known, outcomes, "s");
    expect(u.known).toEqual({
      s: { "a.toml": { bad: "kept reason" }, "b.toml": { worse: PLACEHOLDER_REASON } },
      other: { "x.toml": { y: "z" } },
    });
    expect(u.added.map((e) => e.name)).toEqual(["worse"]);
    expect(u.removed.map((e) => e.name)).toEqual(["ok"]);
    expect(decideRatchet(outcomes, u.known, "s").exitCode).toBe(0);
  });

  it("removes a suite that no longer fails", () => {
    const u = updateKnownFailures({ s: { "a.toml": { bad: "r" } } }, [outcome("a.toml", "bad", true)], "s");
    expect(u.known).toEqual({});
  });
});

describe("parseKnownFailures", () => {
  it("skips $ notes and validates shapes", () => {
    expect(parseKnownFailures({ $comment: "x", s: { "a.toml": { n: "r" } } })).toEqual({
      s: { "a.toml": { n: "r" } },
    });
    expect(() => parseKnownFailures({ s: { "a.toml": { n: 1 } } })).toThrow();
    expect(() => parseKnownFailures([])).toThrow();
  });
});
