/**
 * Generated event filters against the closures they replace: for random queries and random events,
 * `matches` gives the same answer with `codegen` on and off, alone and over a rule set's field table.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { setCodegenDefault, setHotAfter } from "../../src/compile/codegen.js";
import { compile, compileShared } from "../../src/compile.js";
import { EqlError } from "../../src/errors.js";
import { parse } from "../../src/parse.js";
import { FieldTable } from "../../src/runtime/field-table.js";
import type { CompiledQuery, CompileOptions, EqlEvent } from "../../src/types.js";

const FIELDS = ["a", "b", "a.b", "a.b.c", "b.c", "c", "n", "?d", "?a.b"];
const LITERALS = [
  '"x"',
  '"X"',
  '"xy"',
  '"y"',
  '""',
  '"1"',
  '"İx"',
  "1",
  "0",
  "-1",
  "1.5",
  "true",
  "false",
  "null",
];
const STRINGS = ['"x"', '"X"', '"xy"', '"y"', '""', '"İx"', '"ı"'];
const WILDCARDS = [
  '"x"',
  '"x*"',
  '"*y"',
  '"*x*"',
  '"x?"',
  '"X*"',
  '"*"',
  '""',
  '"x*y"',
  '".*"',
  '"*:1*/"',
  "null",
];
const REGEXES = ['"x"', '"x.*"', '"[xy]+"', '".*"', '"X"', '"x|y"'];

const field = fc.constantFrom(...FIELDS);
const literal = fc.constantFrom(...LITERALS);
const list = <T>(arb: fc.Arbitrary<T>) => fc.array(arb, { minLength: 1, maxLength: 4 });

const leaf: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(field, fc.constantFrom("==", "!=", "<", "<=", ">", ">="), literal)
    .map(([f, op, v]) => `${f} ${op} ${v}`),
  fc.tuple(field, fc.boolean(), list(literal)).map(([f, not, vs]) => `${f} ${not ? "not in" : "in"} (${vs})`),
  fc.tuple(field, list(fc.constantFrom(...STRINGS))).map(([f, vs]) => `${f} in~ (${vs})`),
  fc
    .tuple(field, fc.constantFrom(":", "like", "like~"), list(fc.constantFrom(...WILDCARDS)))
    .map(([f, op, ps]) => `${f} ${op} ${ps.length === 1 ? ps[0] : `(${ps})`}`),
  fc
    .tuple(field, fc.constantFrom("regex", "regex~"), list(fc.constantFrom(...REGEXES)))
    .map(([f, op, ps]) => `${f} ${op} (${ps})`),
  fc.tuple(field, fc.constantFrom("==", "!=")).map(([f, op]) => `${f} ${op} null`),
  field.map((f) => `startsWith(${f}, "x")`),
  field.map((f) => `endsWith~(${f}, "Y")`),
  field.map((f) => `length(${f}) > 1`),
  field.map((f) => `${f}`),
  fc.tuple(field, field).map(([f, g]) => `?${f.replace("?", "")} == ?${g.replace("?", "")}`),
  fc.constantFrom("true", "false", "null"),
);

const condition: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.tuple(tie("expr"), tie("expr")).map(([x, y]) => `(${x} and ${y})`),
    fc.array(tie("expr"), { minLength: 2, maxLength: 10 }).map((xs) => `(${xs.join(" or ")})`),
    fc.array(tie("expr"), { minLength: 3, maxLength: 10 }).map((xs) => `(${xs.join(" and ")})`),
    tie("expr").map((x) => `not ${x}`),
    tie("expr").map((x) => `not not ${x}`),
  ),
})).expr;

const query = fc
  .tuple(fc.constantFrom("any", "process"), condition)
  .map(([category, cond]) => `${category} where ${cond}`);

const KEYS = ["a", "b", "c", "n", "d", "a.b", "b.c", "a.b.c", "event", "event.category", "category"];
const scalar = fc.constantFrom<unknown>(
  "x",
  "X",
  "xy",
  "y",
  "",
  "1",
  "İx",
  "process",
  "http://k:10250/x",
  0,
  1,
  -1,
  1.5,
  Number.NaN,
  true,
  false,
  null,
);

/** Arrays with holes: a short one, and a long one whose holes lie far from its end. */
function sparse(items: unknown[], long: boolean): unknown[] {
  const out: unknown[] = new Array(long ? 3000 : items.length + 1);
  items.forEach((x, i) => {
    out[long ? i * 700 : i + 1] = x;
  });
  return out;
}

const eventTree = fc.letrec<{ node: unknown; object: Record<string, unknown> }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    scalar,
    fc.array(tie("node"), { maxLength: 3 }),
    tie("object"),
    fc.tuple(fc.array(tie("node"), { maxLength: 3 }), fc.boolean()).map(([xs, long]) => sparse(xs, long)),
    fc.array(tie("node"), { maxLength: 2 }).map((xs) => [undefined, ...xs]),
  ),
  object: fc.oneof(
    fc.dictionary(fc.constantFrom(...KEYS), tie("node"), { maxKeys: 4 }),
    // Inherited properties are never values.
    fc
      .tuple(
        fc.dictionary(fc.constantFrom(...KEYS), tie("node"), { maxKeys: 3 }),
        fc.dictionary(fc.constantFrom(...KEYS), tie("node"), { maxKeys: 3 }),
      )
      .map(([own, inherited]) => Object.assign(Object.create(inherited), own) as Record<string, unknown>),
    fc
      .dictionary(fc.constantFrom(...KEYS), tie("node"), { maxKeys: 3 })
      .map((d) => Object.assign(Object.create(null), d) as Record<string, unknown>),
  ),
})).object;

const events = fc.array(
  fc
    .tuple(eventTree, fc.constantFrom(undefined, "process", ["x", "process"]))
    .map(([e, category]) => (category === undefined ? e : Object.assign(e, { event: { category } }))),
  { maxLength: 12 },
) as fc.Arbitrary<EqlEvent[]>;

const MAPPED: CompileOptions = {
  mapping: {
    properties: {
      c: { type: "keyword", null_value: "x", ignore_above: 1 },
      n: { type: "long", null_value: 1 },
    },
  },
  allowUnknownFields: true,
};

/** Each event's answer, or the error code when the query does not compile. */
function answers(make: () => (e: EqlEvent) => boolean, list: readonly EqlEvent[]): unknown {
  let matches: (e: EqlEvent) => boolean;
  try {
    matches = make();
  } catch (e) {
    if (e instanceof EqlError) return e.code;
    throw e;
  }
  return list.map((e) => matches(e));
}

function alone(q: string, options: CompileOptions): () => (e: EqlEvent) => boolean {
  return () => {
    const c = compile(q, options);
    return (e) => c.matches(e);
  };
}

function shared(q: string, options: CompileOptions): () => (e: EqlEvent) => boolean {
  return () => {
    const table = new FieldTable();
    const c: CompiledQuery = compileShared(parse(q), options, table);
    return (e) => {
      table.next();
      return c.matches(e);
    };
  };
}

describe("generated event filters", () => {
  it.each([
    ["without a mapping", {}],
    ["with null_value and ignore_above", MAPPED],
  ])(
    "match as the closures do, %s",
    (_, options) => {
      // Filters are generated once busy: here from the first event on.
      const hot = setHotAfter(0);
      fc.assert(
        fc.property(query, events, (q, list) => {
          const expected = answers(alone(q, { ...options, codegen: false }), list);
          expect(answers(alone(q, { ...options, codegen: true }), list)).toEqual(expected);
          expect(answers(shared(q, { ...options, codegen: true }), list)).toEqual(expected);
          expect(answers(shared(q, { ...options, codegen: false }), list)).toEqual(expected);
        }),
        { numRuns: 250 },
      );
      setHotAfter(hot);
    },
    120_000,
  );

  it("match as the closures do with their operands reordered by the events before", () => {
    // The first events are counted through the closures; the generated code then tests the
    // operands of a top-level `and` that held least often first.
    const hot = setHotAfter(3);
    try {
      fc.assert(
        fc.property(query, events, events, (q, before, list) => {
          const expected = answers(alone(q, { codegen: false }), [...before, ...list]);
          expect(answers(alone(q, { codegen: true }), [...before, ...list])).toEqual(expected);
        }),
        { numRuns: 250 },
      );
    } finally {
      setHotAfter(hot);
    }
  }, 120_000);

  it("test first the operand of an `and` that held least often while running on closures", () => {
    const hot = setHotAfter(4);
    try {
      const q = compile('process where a == "x" and b == "y"', { codegen: true });
      const warm = [
        { event: { category: "process" }, a: "x", b: "n" },
        { event: { category: "process" }, a: "x", b: "n" },
        { event: { category: "process" }, a: "x", b: "y" },
        { event: { category: "process" }, a: "n", b: "n" },
      ];
      expect(warm.map((e) => q.matches(e))).toEqual([false, false, true, false]);
      // `a` held 3 times out of 4 and `b` once: `b` is now tested first, and an event that fails
      // `b` is answered without reading `a`.
      let reads = 0;
      const counted = (b: string): EqlEvent => {
        const e: Record<string, unknown> = { event: { category: "process" }, b };
        Object.defineProperty(e, "a", {
          enumerable: true,
          get: () => {
            reads++;
            return "x";
          },
        });
        return e as EqlEvent;
      };
      expect(q.matches(counted("n"))).toBe(false);
      expect(reads).toBe(0);
      expect(q.matches(counted("y"))).toBe(true);
      expect(reads).toBeGreaterThan(0);
    } finally {
      setHotAfter(hot);
    }
  });

  it("are generated in a rule set's table once a filter is busy", () => {
    const original = globalThis.Function;
    let calls = 0;
    const hot = setHotAfter(3);
    try {
      globalThis.Function = new Proxy(original, {
        construct(target, args) {
          calls++;
          return Reflect.construct(target, args);
        },
      });
      const table = new FieldTable();
      const q = compileShared(parse('any where x : "a*"'), { codegen: true }, table);
      const answers = ["ab", "b", "A", "c", "ab", "x"].map((x) => {
        table.next();
        return q.matches({ x });
      });
      expect(answers).toEqual([true, false, true, false, true, false]);
      expect(calls).toBe(1);
    } finally {
      globalThis.Function = original;
      setHotAfter(hot);
    }
  });

  it("are generated for an ordinary query, and not where new Function throws", () => {
    const original = globalThis.Function;
    let calls = 0;
    const q = 'process where process.name like ("curl", "py*") and process.args : "*:10250/*"';
    const hit = {
      event: { category: ["process"] },
      process: { name: "python3", args: ["https://k:10250/pods"] },
    };
    const miss = {
      event: { category: "process" },
      process: { name: "bash", args: ["https://k:10250/pods"] },
    };
    try {
      globalThis.Function = new Proxy(original, {
        construct(target, args) {
          calls++;
          return Reflect.construct(target, args);
        },
      });
      const hot = setHotAfter(2);
      const generated = compile(q);
      expect(calls).toBe(0);
      // Closures for the first two events, generated code from the third on.
      expect([generated.matches(hit), generated.matches(miss)]).toEqual([true, false]);
      expect(calls).toBe(0);
      expect([generated.matches(hit), generated.matches(miss)]).toEqual([true, false]);
      expect(calls).toBe(1);
      setHotAfter(0);
      // As under a Content-Security-Policy without unsafe-eval.
      globalThis.Function = new Proxy(original, {
        construct() {
          calls++;
          throw new EvalError("Code generation from strings disallowed for this context");
        },
      });
      const closures = compile(q);
      expect([closures.matches(hit), closures.matches(miss)]).toEqual([true, false]);
      expect(calls).toBe(2);
      setHotAfter(hot);
      expect(compile(q, { codegen: false }).matches(hit)).toBe(true);
      expect(calls).toBe(2);
      // The switch the closures test project sets.
      setCodegenDefault(false);
      expect(compile(q).matches(hit)).toBe(true);
      expect(calls).toBe(2);
    } finally {
      globalThis.Function = original;
      setCodegenDefault(true);
    }
  });

  it("keep the closures for very large queries, which still match", () => {
    const many = Array.from({ length: 8000 }, (_, i) => `x == "v${i}"`).join(" or ");
    const q = compile(`any where ${many}`);
    expect(q.matches({ x: "v7999" })).toBe(true);
    expect(q.matches({ x: "v8000" })).toBe(false);
    // As deep as the parser goes here; a `not` chain is folded before any code is written.
    const nots = compile(`any where ${"not ".repeat(1000)}x == 1`);
    expect(nots.matches({ x: 1 })).toBe(true);
    expect(nots.matches({ x: 2 })).toBe(false);
  });

  it("never splice query text into code", () => {
    const hostile = '"); globalThis.pwned = true; ("';
    const q = compile(`any where x == ${JSON.stringify(hostile)} or x like ${JSON.stringify(`${hostile}*`)}`);
    expect(q.matches({ x: hostile })).toBe(true);
    expect(q.matches({ [hostile]: "x" })).toBe(false);
    const key = compile(`any where \`a"]; globalThis.pwned = 1; ["\`.b == 1`);
    expect(key.matches({ 'a"]; globalThis.pwned = 1; ["': { b: 1 } })).toBe(true);
    expect((globalThis as Record<string, unknown>).pwned).toBeUndefined();
  });
});
