import { describe, expect, it } from "vitest";
import { compileWildcard, hasWildcard } from "../../src/runtime/wildcard.js";

const like = (value: string, pattern: string) => compileWildcard(pattern, false)(value);
const likeI = (value: string, pattern: string) => compileWildcard(pattern, true)(value);

describe("EQL wildcard patterns (§4.5)", () => {
  const p = "C:\\Windows\\System32\\cmd.exe";
  const u = "a/b/c";

  it("matches the §4.5 examples", () => {
    expect(like(p, "C:\\Windows\\*")).toBe(true);
    expect(like(p, "c:\\windows\\*")).toBe(false);
    expect(likeI(p, "c:\\windows\\*")).toBe(true);
    expect(likeI(p, "*\\cmd.exe")).toBe(true);
    expect(like(p, "*.EXE")).toBe(false);
    expect(like(u, "a*c")).toBe(true);
    expect(like(u, "a?b?c")).toBe(true);
    expect(like(u, "a?c")).toBe(false);
    expect(like(p, "*[a-z]*")).toBe(false);
    expect(like("x*y", "x\\*y")).toBe(false);
    expect(like("x\\abcy", "x\\*y")).toBe(true);
  });

  it("matches §4.1 array-element examples", () => {
    expect(likeI("https://10.0.0.1:10250/pods", "*10250*")).toBe(true);
    expect(like("https://10.0.0.1:10250/pods", "https://*")).toBe(true);
  });

  it("anchors the whole value", () => {
    expect(like("abc", "b")).toBe(false);
    expect(like("abc", "abc")).toBe(true);
    expect(like("abcd", "abc")).toBe(false);
    expect(like("xabc", "abc*")).toBe(false);
    expect(like("abcx", "*abc")).toBe(false);
  });

  it("handles fast paths", () => {
    expect(like("abcdef", "abc*")).toBe(true);
    expect(like("ab", "abc*")).toBe(false);
    expect(like("xxdef", "*def")).toBe(true);
    expect(like("xxcdxx", "*cd*")).toBe(true);
    expect(like("xxcxdxx", "*cd*")).toBe(false);
    expect(like("", "*")).toBe(true);
    expect(like("anything\nat all", "*")).toBe(true);
    expect(like("", "**")).toBe(true);
    expect(like("", "")).toBe(true);
    expect(like("a", "")).toBe(false);
    expect(like("abXcd", "ab*cd")).toBe(true);
    expect(like("abcd", "ab*cd")).toBe(true);
    expect(like("abc", "ab*bc")).toBe(false);
    expect(like("a", "a*a")).toBe(false);
    expect(like("aa", "a*a")).toBe(true);
  });

  it("lets * cross slashes, backslashes and newlines", () => {
    expect(like("a/\\\n\r\tb", "a*b")).toBe(true);
    expect(like("line1\nline2", "line1*2")).toBe(true);
  });

  it("treats every other character literally", () => {
    for (const ch of '[]{}().!%_^$+|\\"') {
      expect(like(`a${ch}b`, `a${ch}b`)).toBe(true);
      expect(like("axb", `a${ch}b`)).toBe(false);
    }
    expect(like("a%b", "a%*")).toBe(true);
    expect(like("ab", "a_")).toBe(false);
  });

  it("matches ? as exactly one code point", () => {
    expect(like("a😀b", "a?b")).toBe(true);
    expect(like("a😀b", "a??b")).toBe(false);
    expect(like("😀", "?")).toBe(true);
    expect(like("😀", "*?")).toBe(true);
    expect(like("😀", "?*?")).toBe(false);
    expect(like("x😀y😀z", "*?y?*")).toBe(true);
    expect(like("ab", "?")).toBe(false);
    expect(like("", "?")).toBe(false);
    expect(like("", "*?*")).toBe(false);
    expect(like("a", "*?*")).toBe(true);
  });

  it("handles general patterns with ? inside pieces", () => {
    expect(like("prefix-abXcd-mid-suffix", "prefix*ab?cd*suffix")).toBe(true);
    expect(like("prefix-abcd-suffix", "prefix*ab?cd*suffix")).toBe(false);
    expect(like("a1b2c3", "a?b*c?")).toBe(true);
    expect(like("a1b2c", "a?b*c?")).toBe(false);
    expect(like("xaybzc", "*a?b?c")).toBe(true);
    expect(like("aXbaYb", "*a?b*a?b")).toBe(true);
    expect(like("aXb", "*a?b*a?b")).toBe(false);
    // The middle piece must not overlap the anchored last piece.
    expect(like("abc", "*bc*c")).toBe(false);
    expect(like("abcc", "*bc*c")).toBe(true);
    expect(like("zz.exe", "*?.exe")).toBe(true);
  });

  it("finishes hostile patterns (no backtracking)", () => {
    const long = "a".repeat(200_000);
    expect(like(long, "*a*a*a*a*a*a*a*b")).toBe(false);
    expect(like(`${long}b`, "*a*a*a*a*a*a*a*b")).toBe(true);
    expect(like(long, "*a?a*a?a*a?a*?b")).toBe(false);
    expect(like(long, "*?*?*?*?*?*?*?*?x")).toBe(false);
  });

  it("folds case per code point for like~ and :", () => {
    expect(likeI("CMD.EXE", "cmd.exe")).toBe(true);
    expect(likeI("cmd.exe", "CMD.*")).toBe(true);
    expect(likeI("ÉCOLE", "école")).toBe(true);
    expect(likeI("STRASSE", "straße")).toBe(false);
    expect(likeI("Ǆ", "ǆ")).toBe(true);
  });

  it("detects wildcards", () => {
    expect(hasWildcard("a*")).toBe(true);
    expect(hasWildcard("a?")).toBe(true);
    expect(hasWildcard("a\\b")).toBe(false);
  });
});
