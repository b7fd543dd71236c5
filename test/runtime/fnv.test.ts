/** FNV-1a over a text's UTF-8 bytes: the ASCII path and the encoding path give the same hash. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fnv1a } from "../../src/runtime/fnv.js";

/** The hash as defined: every UTF-8 byte of the text (lone surrogates encoded as U+FFFD). */
function reference(text: string): number {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(text)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

describe("fnv1a", () => {
  it("hashes known values as Go's hash/fnv New32a does", () => {
    expect(fnv1a("")).toBe(0x811c9dc5);
    expect(fnv1a("a")).toBe(0xe40c292c);
    expect(fnv1a("foobar")).toBe(0xbf9cf968);
  });

  it("gives the hash of the UTF-8 bytes for any text, ASCII or not", () => {
    const text = fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), fc.string({ unit: "binary" }));
    fc.assert(
      fc.property(text, (t) => fnv1a(t) === reference(t)),
      { numRuns: 2000 },
    );
  });
});
