import { describe, expect, it } from "vitest";
import { compareVersions, compareVersionsTotal } from "../../src/runtime/version.js";

describe("compareVersions", () => {
  it("compares main parts numerically", () => {
    expect(compareVersions("1.11.3", "1.5.0")).toBe(1);
    expect(compareVersions("2.1.0", "2.4.1")).toBe(-1);
    expect(compareVersions("2.4.1", "2.11.2")).toBe(-1);
    expect(compareVersions("1.2.3", "1.2.3")).toBe(0);
    expect(compareVersions("10.0.0", "9.9.9")).toBe(1);
  });
  it("sorts a pre-release before its release", () => {
    expect(compareVersions("1.2.4-SNAPSHOT", "1.2.4")).toBe(-1);
    expect(compareVersions("1.0.0-alpha", "1.0.0")).toBe(-1);
    expect(compareVersions("1.0.0-rc.1", "0.9.9")).toBe(1);
  });
  it("follows semver pre-release precedence", () => {
    const ordered = [
      "1.0.0-alpha",
      "1.0.0-alpha.1",
      "1.0.0-alpha.beta",
      "1.0.0-beta",
      "1.0.0-beta.2",
      "1.0.0-beta.11",
      "1.0.0-rc.1",
      "1.0.0",
    ];
    for (let i = 0; i + 1 < ordered.length; i++) {
      expect(
        compareVersions(ordered[i] as string, ordered[i + 1] as string),
        `${ordered[i]} < ${ordered[i + 1]}`,
      ).toBe(-1);
      expect(compareVersions(ordered[i + 1] as string, ordered[i] as string)).toBe(1);
    }
  });
  it("accepts fewer or more than three main parts", () => {
    expect(compareVersions("1.2", "1.2.0")).toBe(-1);
    expect(compareVersions("1.2.3.4", "1.2.3")).toBe(1);
    expect(compareVersions("1.10", "1.9.9")).toBe(1);
    expect(compareVersions("2", "1.99")).toBe(1);
  });
  it("does not ignore build metadata (Elasticsearch compares it as text)", () => {
    expect(compareVersions("1.0.0+build.1", "1.0.0")).toBe(1);
    expect(compareVersions("1.0.0+a", "1.0.0+b")).toBe(-1);
  });
  it("gives null for invalid versions", () => {
    for (const bad of [
      "",
      "abc",
      "1.2.alpha.4",
      "01.2.3",
      "1..2",
      "1.2.3-",
      "1.2.3-01",
      "1.2.3+",
      "v1.2.3",
      "-1.2",
    ]) {
      expect(compareVersions(bad, "1.0.0"), bad).toBeNull();
    }
  });
  it("orders invalid versions after valid ones in the total order", () => {
    expect(compareVersionsTotal("abc", "999.0.0")).toBe(1);
    expect(compareVersionsTotal("1.0.0", "1.2.alpha.4")).toBe(-1);
    expect(compareVersionsTotal("abc", "abd")).toBe(-1);
    expect(compareVersionsTotal("abc", "abc")).toBe(0);
    expect(compareVersionsTotal("1.11.3", "1.5.0")).toBe(1);
  });
});
