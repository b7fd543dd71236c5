import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fieldReader } from "../../src/runtime/fields.js";

/** Reference reader: every split of the path into keys, arrays flattened, nulls and objects dropped. */
function reference(node: unknown, segs: readonly string[]): unknown[] {
  if (Array.isArray(node)) return node.flatMap((x) => reference(x, segs));
  if (segs.length === 0) {
    const t = typeof node;
    return t === "string" || t === "boolean" || (t === "number" && !Number.isNaN(node)) ? [node] : [];
  }
  if (typeof node !== "object" || node === null) return [];
  const out: unknown[] = [];
  for (let k = 1; k <= segs.length; k++) {
    const key = segs.slice(0, k).join(".");
    if (Object.hasOwn(node, key))
      out.push(...reference((node as Record<string, unknown>)[key], segs.slice(k)));
  }
  return out;
}

const scalar = fc.oneof(
  fc.constantFrom("x", "y", ""),
  fc.integer({ min: -2, max: 2 }),
  fc.boolean(),
  fc.constant(null),
);
const tree = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: "small" },
    scalar,
    fc.array(tie("node"), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom("a", "b", "c", "a.b", "b.c", "a.b.c"), tie("node"), { maxKeys: 4 }),
  ),
})).node;

describe("field reader", () => {
  it.each([["a"], ["a", "b"], ["a", "b", "c"]])("agrees with the reference for %j", (...segs) => {
    const reader = fieldReader(segs);
    fc.assert(
      fc.property(tree, (doc) => {
        const expected = reference(doc, segs);
        expect(reader.values(doc)).toEqual(expected);
        const seen: unknown[] = [];
        const code = reader.each(doc, (v) => {
          seen.push(v);
          return false;
        });
        expect(seen).toEqual(expected);
        expect(code === 0).toBe(seen.length === 0);
      }),
      { numRuns: 3000 },
    );
  });
});
