/** The browser-safe SHA-256 agrees with Node's, and derived ids are stable and well-formed. */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalJson, sha256Hex, uuidFromName } from "../../src/rules/hash.js";

describe("hash", () => {
  it("matches node:crypto on block boundaries and non-ASCII text", () => {
    for (const s of ["", "abc", "x".repeat(55), "y".repeat(56), "z".repeat(64), "é漢字🙂".repeat(30)]) {
      expect(sha256Hex(s)).toBe(createHash("sha256").update(s).digest("hex"));
    }
  });

  it("matches node:crypto on every length up to a few blocks, and on a long text", () => {
    let text = "";
    for (let n = 0; n < 300; n++) {
      expect(sha256Hex(text)).toBe(createHash("sha256").update(text).digest("hex"));
      text += String.fromCharCode(32 + ((n * 37) % 95));
    }
    const long = "ab\u00e9\u6f22\ud83d\ude42".repeat(40_000);
    expect(sha256Hex(long)).toBe(createHash("sha256").update(long).digest("hex"));
  });

  it("derives version-8 UUIDs from names, and canonical JSON ignores key order", () => {
    expect(uuidFromName("abc")).toBe("ba7816bf-8f01-8fea-8141-40de5dae2223");
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: null }] })).toBe(
      canonicalJson({ a: [{ c: null, d: 2 }], b: 1 }),
    );
  });
});
