/**
 * Event filters compiled to JavaScript source and instantiated with `new Function`, as a faster form
 * of the closures the predicate compiler builds (which stay, and are what this falls back to).
 *
 * The generated code reads each field with named property loads (`o["host"]`), so V8 keeps them
 * monomorphic, tests string values inline (`x === "start"`, `x.startsWith("python")`) and combines
 * leaves with plain `&&`/`||` where no constant null is involved. It reads exactly what the field
 * reader reads: every split of the path into nested objects and dotted keys, in the reader's order,
 * own properties only, nulls through the mapping's `null_value`, NaN and strings past `ignore_above`
 * dropped. Whatever it does not handle itself it hands to the closures, captured in an array given
 * to the generated factory: a sub-tree without structure, a field met as an array above its last
 * segment, a hole or a nested array among the values (the whole leaf is then answered by its closure,
 * which reads from scratch). A query whose source would grow past a budget keeps its closures.
 *
 * No text from a query is ever spliced into the source: strings are embedded by `JSON.stringify`,
 * functions and sets are passed in the captured array. Generated code stays flat: each leaf and each
 * long or Kleene `and`/`or` is a function of its own at the top of the factory, expressions nest at
 * most `MAX_NEST` deep, and `not` chains are folded at generation time. When `new Function` is not
 * allowed (a Content-Security-Policy without `unsafe-eval`) or fails, the closures are used as they
 * are.
 */
import type { Scalar } from "../functions/types.js";
import type { CachedFieldReader } from "../runtime/field-table.js";
import type { FieldReader } from "../runtime/fields.js";
import { foldCase } from "../runtime/text.js";
import type { ValueTest } from "../runtime/values.js";
import { compileWildcard, hasWildcard } from "../runtime/wildcard.js";
import type { Predicate, PredicateNode, StringSpec, Tri } from "./predicate.js";
import type { EventFilter } from "./query.js";

/** Past this many characters of source the query keeps its closures. */
const SOURCE_BUDGET = 256 * 1024;
/** A query with more leaves than this keeps its closures (checked before generating anything). */
const MAX_LEAVES = 256;
/** Expressions nest at most this deep; a deeper sub-tree becomes a function of its own. */
const MAX_NEST = 8;
/** `and`/`or` with more operands than this are written as statements in a function of their own. */
const MAX_INLINE_OPERANDS = 8;
/** Paths with more segments than this (2^(n-1) splits to try) are read by their closures. */
const MAX_SEGMENTS = 6;
/** Up to this many exact strings are compared one by one; more go through a captured Set. */
const MAX_INLINE_EXACT = 32;
/** Up to this many prefixes are tested one by one; more go through a captured matcher. */
const MAX_INLINE_PREFIXES = 64;

/** Test-only: whether code generation is on when a query does not say (default true). */
let defaultOn = true;

/** Set the default of the `codegen` option (for tests that rerun suites without generated code). */
export function setCodegenDefault(on: boolean): void {
  defaultOn = on;
}

/** The `codegen` option's default. */
export function codegenDefault(): boolean {
  return defaultOn;
}

/** The category test of an event query: some value of the category field equals `category`. */
export interface CategoryTest {
  readonly reader: FieldReader;
  readonly category: string;
}

function isCached(reader: FieldReader): reader is CachedFieldReader {
  return typeof (reader as Partial<CachedFieldReader>).list === "function";
}

/** A generated expression: its source and whether it can be null. */
interface Expr {
  readonly code: string;
  readonly nullable: boolean;
}

/** Thrown when the source outgrows `SOURCE_BUDGET`: the query keeps its closures. */
class OverBudget extends Error {}

class Generator {
  /** What the generated code reaches through `c[i]`. */
  readonly captured: unknown[] = [Object.prototype.hasOwnProperty, foldCase];
  private readonly functions: string[] = [];
  private size = 0;
  private next = 0;
  private readonly byValue = new Map<unknown, string>();

  /** The name under which the generated code sees `value`. */
  capture(value: unknown): string {
    let name = this.byValue.get(value);
    if (name === undefined) {
      name = `k${this.captured.length}`;
      this.byValue.set(value, name);
      this.captured.push(value);
    }
    return name;
  }

  private fresh(prefix: string): string {
    return `${prefix}${this.next++}`;
  }

  private addFunction(source: string): void {
    this.size += source.length;
    if (this.size > SOURCE_BUDGET) throw new OverBudget();
    this.functions.push(source);
  }

  /** The closure of a predicate as an expression. */
  private closure(p: Predicate): Expr {
    return { code: `${this.capture(p.test)}(e)`, nullable: true };
  }

  predicate(p: Predicate, depth: number): Expr {
    if (p.isConst) return { code: JSON.stringify(p.constant), nullable: p.constant === null };
    // Fold `not` chains: not(not(x)) is x in three-valued logic too.
    let negated = false;
    let q = p;
    while (q.node?.kind === "not" && !q.isConst) {
      negated = !negated;
      q = q.node.operand;
    }
    if (q.isConst) {
      const c = negated && q.constant !== null ? !q.constant : q.constant;
      return { code: JSON.stringify(c), nullable: c === null };
    }
    const inner = this.structure(q, depth);
    if (!negated) return inner;
    if (!inner.nullable) return { code: `!${inner.code}`, nullable: false };
    const name = this.fresh("n");
    this.addFunction(`function ${name}(e) { const r = ${inner.code}; return r === null ? null : !r; }`);
    return { code: `${name}(e)`, nullable: true };
  }

  private structure(p: Predicate, depth: number): Expr {
    const node = p.node;
    if (node === undefined) return this.closure(p);
    if (node.kind === "leaf") {
      const name = this.leaf(node, p.test);
      return name === null ? this.closure(p) : { code: `${name}(e)`, nullable: false };
    }
    if (node.kind === "not") return this.predicate(p, depth);
    return this.logic(node, depth);
  }

  private logic(node: Extract<PredicateNode, { kind: "logic" }>, depth: number): Expr {
    const { op, operands, sawNull } = node;
    const dominant = op === "or";
    const inline = !sawNull && operands.length <= MAX_INLINE_OPERANDS && depth < MAX_NEST;
    if (inline) {
      const parts = operands.map((o) => this.predicate(o, depth + 1));
      if (parts.every((x) => !x.nullable)) {
        const joined = parts.map((x) => x.code).join(op === "or" ? " || " : " && ");
        return { code: `(${joined})`, nullable: false };
      }
    }
    // Statements in a function of their own: Kleene logic, evaluated left to right, stopping at the
    // first operand that decides, as the closures do.
    const name = this.fresh("g");
    const lines: string[] = [];
    let nullable = sawNull;
    for (const o of operands) {
      const x = this.predicate(o, 1);
      if (x.nullable) {
        nullable = true;
        lines.push(`r = ${x.code}; if (r === ${dominant}) return ${dominant}; if (r === null) u = true;`);
      } else lines.push(`if (${dominant ? "" : "!"}${x.code}) return ${dominant};`);
    }
    const end = sawNull ? "null" : nullable ? `u ? null : ${!dominant}` : `${!dominant}`;
    this.addFunction(`function ${name}(e) {\nlet r, u = false;\n${lines.join("\n")}\nreturn ${end};\n}`);
    return { code: `${name}(e)`, nullable };
  }

  /**
   * A function `name(x)` testing a string as `spec` says (on the folded string when `spec.folded`:
   * the caller folds), or null without a spec.
   */
  stringTest(spec: StringSpec | undefined): string | null {
    if (spec === undefined) return null;
    // Tests that need the value to start with a known character, by that character's code, and the
    // others.
    const byFirst = new Map<number, string[]>();
    const rest: string[] = [];
    const add = (first: string, term: string) => {
      if (first === "") rest.push(term);
      else {
        const c = first.charCodeAt(0);
        const list = byFirst.get(c) ?? [];
        list.push(term);
        byFirst.set(c, list);
      }
    };
    if (spec.exact.length > MAX_INLINE_EXACT) rest.push(`${this.capture(new Set(spec.exact))}.has(x)`);
    else for (const e of spec.exact) add(e, `x === ${JSON.stringify(e)}`);
    if (spec.prefixes.includes("")) rest.unshift("true");
    else if (spec.prefixes.length > MAX_INLINE_PREFIXES) {
      const prefixes = spec.prefixes;
      const any = (v: string) => prefixes.some((p) => v.startsWith(p));
      rest.push(`${this.capture(any)}(x)`);
    } else for (const p of spec.prefixes) add(p, `x.startsWith(${JSON.stringify(p)})`);
    for (const g of spec.general) {
      const mid = g.slice(1, -1);
      if (g.length >= 2 && g.startsWith("*") && g.endsWith("*") && !hasWildcard(mid))
        rest.push(`x.includes(${JSON.stringify(mid)})`);
      else if (g.startsWith("*") && !hasWildcard(g.slice(1)))
        rest.push(`x.endsWith(${JSON.stringify(g.slice(1))})`);
      else if (!g.includes("?")) add(g.split("*")[0] as string, `${this.starPattern(g)}(x)`);
      else rest.push(`${this.capture(compileWildcard(g, false))}(x)`);
    }
    const name = this.fresh("s");
    const tail = rest.length === 0 ? "false" : rest.join(" || ");
    const grouped = [...byFirst.values()].reduce((n, l) => n + l.length, 0);
    if (grouped < 4) {
      const all = [...[...byFirst.values()].flat(), ...rest];
      this.addFunction(`function ${name}(x) { return ${all.length === 0 ? "false" : all.join(" || ")}; }`);
      return name;
    }
    const cases = [...byFirst].map(
      ([c, terms]) => `case ${c}: if (${terms.join(" || ")}) return true; break;`,
    );
    this.addFunction(
      `function ${name}(x) {\nswitch (x.charCodeAt(0)) {\n${cases.join("\n")}\n}\nreturn ${tail};\n}`,
    );
    return name;
  }

  /**
   * A function matching a pattern whose only wildcard is `*`, as `compileWildcard` does: the first
   * piece anchored at the start, the last at the end, each middle piece at its leftmost occurrence.
   */
  private starPattern(pattern: string): string {
    const pieces = pattern.split("*");
    const first = pieces[0] as string;
    const last = pieces[pieces.length - 1] as string;
    const lines = [
      first === "" ? "let i = 0;" : `if (!x.startsWith(${JSON.stringify(first)})) return false;`,
    ];
    if (first !== "") lines.push(`let i = ${first.length};`);
    for (const mid of pieces.slice(1, -1)) {
      if (mid === "") continue;
      const m = JSON.stringify(mid);
      lines.push(`i = x.indexOf(${m}, i); if (i < 0) return false; i += ${mid.length};`);
    }
    lines.push(
      last === ""
        ? "return true;"
        : `return x.length - ${last.length} >= i && x.endsWith(${JSON.stringify(last)});`,
    );
    const name = this.fresh("w");
    this.addFunction(`function ${name}(x) {\n${lines.join("\n")}\n}`);
    return name;
  }

  /**
   * A leaf as a function `name(e)` giving its boolean; null when the leaf is better left to its
   * closure.
   */
  private leaf(node: Extract<PredicateNode, { kind: "leaf" }>, closure: (e: unknown) => Tri): string | null {
    const { reader, test, strings } = node;
    const path = reader.path;
    if (path === undefined || path.segments.length === 0) return null;
    const t = this.capture(test);
    const spec = strings.spec;
    const name = this.fresh("l");
    let body: string;
    // A rule set's readers: the values the table has read for the event, read once for every rule
    // (over the corpus faster than a walk of the leaf's own at 300 and 1,024 rules).
    if (isCached(reader)) {
      body = this.tableLeaf(reader, t, spec, node.nullTrue);
    } else {
      if (path.segments.length > MAX_SEGMENTS) return null;
      const bail = `return ${this.capture(closure)}(e) === true;`;
      const fn = this.stringTest(spec);
      const long = Number.isFinite(path.ignoreAbove)
        ? (x: string) => `${x}.length <= ${path.ignoreAbove} && `
        : () => "";
      const str = (x: string) =>
        `${long(x)}${fn === null ? `${t}(${x}) === true` : spec?.folded ? `${fn}(fold(${x}))` : `${fn}(${x})`}`;
      const nullPasses = path.nullValue !== null && test(path.nullValue) === true;
      const site: ValueSite = {
        string: str,
        other: (x) =>
          `(typeof ${x} === "number" ? ${x} === ${x} && ${t}(${x}) === true : typeof ${x} === "boolean" && ${t}(${x}) === true)`,
        nullPasses,
        classify: node.nullTrue ? this.valueTest(path.nullValue, path.ignoreAbove, test, t, spec) : "",
      };
      body = new Walk(site, path.segments, node.nullTrue, bail).source;
    }
    this.addFunction(`function ${name}(e) {\n${body}\n}`);
    return name;
  }

  /**
   * A function `name(x)` classifying what a path led to: 0 no value, 1 values of which none passes,
   * 2 a value that passes, 3 something only the closures read (a nested array or a hole).
   */
  private valueTest(
    nullValue: Scalar,
    ignoreAbove: number,
    test: ValueTest,
    t: string,
    spec: StringSpec | undefined,
  ): string {
    const fn = this.stringTest(spec);
    const s = fn === null ? `${t}(x) === true` : spec?.folded ? `${fn}(fold(x))` : `${fn}(x)`;
    const nullCode = nullValue === null ? 0 : test(nullValue) === true ? 2 : 1;
    const long = Number.isFinite(ignoreAbove) ? `x.length > ${ignoreAbove} ? 0 : ` : "";
    const q = this.fresh("q");
    this.addFunction(
      [
        `function ${q}(x) {`,
        `if (typeof x === "string") return ${long}${s} ? 2 : 1;`,
        `if (x === null) return ${nullCode};`,
        `if (typeof x === "number") return x !== x ? 0 : ${t}(x) === true ? 2 : 1;`,
        `if (typeof x === "boolean") return ${t}(x) === true ? 2 : 1;`,
        "return x === undefined || isArray(x) ? 3 : 0;",
        "}",
      ].join("\n"),
    );
    const p = this.fresh("p");
    this.addFunction(
      [
        `function ${p}(x) {`,
        `if (!isArray(x)) { const r = ${q}(x); return r === 3 ? 0 : r; }`,
        "let r = 0;",
        "for (let i = 0; i < x.length; i++) {",
        `const y = ${q}(x[i]);`,
        "if (y > 1) return y;",
        "if (y === 1) r = 1;",
        "}",
        "return r;",
        "}",
      ].join("\n"),
    );
    return p;
  }

  /** A leaf over a rule set's cached values. */
  private tableLeaf(
    reader: CachedFieldReader,
    t: string,
    spec: StringSpec | undefined,
    nullTrue: boolean,
  ): string {
    const r = this.capture(reader);
    const end = nullTrue ? "return n === 0;" : "return false;";
    if (spec?.folded) {
      const s = `${this.stringTest(spec)}(f)`;
      return [
        `const vs = ${r}.list(e); const n = vs.length;`,
        nullTrue ? "if (n === 0) return true;" : "if (n === 0) return false;",
        `const fs = ${r}.folded(e);`,
        "for (let i = 0; i < n; i++) {",
        `const f = fs[i]; if (f !== null ? (${s}) : ${t}(vs[i]) === true) return true;`,
        "}",
        "return false;",
      ].join("\n");
    }
    const fn = this.stringTest(spec);
    const s = fn === null ? `${t}(x) === true` : `${fn}(x)`;
    return [
      `const vs = ${r}.list(e); const n = vs.length;`,
      "for (let i = 0; i < n; i++) {",
      `const x = vs[i]; if (typeof x === "string" ? (${s}) : ${t}(x) === true) return true;`,
      "}",
      end,
    ].join("\n");
  }

  /** The factory's source and the filter it returns. */
  filter(category: CategoryTest | null, cond: Predicate, closures: EventFilter): string {
    let top = this.predicate(cond, 0);
    let code = top.nullable ? `${top.code} === true` : top.code;
    if (category !== null) {
      const test = (v: Scalar) => v === category.category;
      const name = this.leaf(
        {
          kind: "leaf",
          reader: category.reader,
          test,
          strings: { spec: { folded: false, exact: [category.category], prefixes: [], general: [] } },
          nullTrue: false,
        },
        (e) => category.reader.each(e, test) === 2,
      );
      top = {
        code:
          name === null
            ? `${this.capture(category.reader)}.each(e, ${this.capture(test)}) === 2`
            : `${name}(e)`,
        nullable: false,
      };
      code = `${top.code} && ${code}`;
    }
    const head = this.captured.map((_, i) => (i < 2 ? "" : `const k${i} = c[${i}];`)).join("\n");
    return [
      '"use strict";',
      "const own = c[0], fold = c[1], isArray = Array.isArray, gp = Object.getPrototypeOf, OP = Object.prototype;",
      head,
      ...this.functions,
      "return function filter(e) {",
      // Anything but a plain object is left to the closures, so the leaves need not check.
      `if (typeof e !== "object" || e === null || isArray(e)) return ${this.capture(closures)}(e);`,
      `return ${code};`,
      "};",
    ].join("\n");
  }
}

/**
 * The code of a leaf that walks its field's path in the event. The values found at the end of a path
 * are classified by a function of the leaf (see `valueTest`); own-ness of the path is checked only
 * for a value that passes (or, when a missing field passes, for any value), which gives the same
 * answer as checking at every step, since a value reached through an inherited property is simply
 * not one of the field's values.
 */
class Walk {
  private readonly lines: string[] = [];
  private next = 0;

  constructor(
    private readonly site: ValueSite,
    private readonly segments: readonly string[],
    private readonly nullTrue: boolean,
    private readonly bail: string,
  ) {
    if (nullTrue) this.lines.push("let seen = false, r;");
    // The filter has checked that the event is an object and not an array.
    this.level("e", 0, []);
    this.lines.push(nullTrue ? "return !seen;" : "return false;");
  }

  get source(): string {
    return this.lines.join("\n");
  }

  /** Read every key of `segments` from `i` on in object `o`. */
  private level(o: string, i: number, chain: readonly string[]): void {
    const n = this.segments.length;
    let key = "";
    for (let j = i; j < n; j++) {
      key = j === i ? (this.segments[j] as string) : `${key}.${this.segments[j]}`;
      const k = JSON.stringify(key);
      const v = `v${this.next++}`;
      // Own when the object inherits from an Object.prototype without that name (a property read,
      // cheaper than a call), or else when hasOwnProperty says so.
      const owned = [...chain, `(gp(${o}) === OP && OP[${k}] === undefined || own.call(${o}, ${k}))`];
      this.lines.push(`const ${v} = ${o}[${k}];`);
      if (j === n - 1) {
        const own = owned.join(" && ");
        if (this.nullTrue) {
          this.lines.push(
            `if (${v} !== undefined && (r = ${this.site.classify}(${v})) !== 0) { if (r === 3) ${this.bail} if (${own}) { if (r === 2) return true; seen = true; } }`,
          );
        } else this.direct(v, own);
      } else {
        this.lines.push(`if (typeof ${v} === "object" && ${v} !== null) {`);
        this.lines.push(`if (isArray(${v})) ${this.bail}`);
        this.level(v, j + 1, owned);
        this.lines.push("}");
      }
    }
  }

  /**
   * The values held by `v` tested in place, each type on its own branch (measured faster than one
   * classifying function): a string, an array of values, a number or boolean, a null.
   */
  private direct(v: string, own: string): void {
    const { string, other, nullPasses } = this.site;
    const pass = `if (${own}) return true;`;
    const nullBranch = nullPasses ? `else if (x === null) { ${pass} } ` : "else if (x === null) {} ";
    this.lines.push(`if (typeof ${v} === "string") { if (${string(v)}) { ${pass} } }`);
    this.lines.push(`else if (isArray(${v})) { for (let i = 0; i < ${v}.length; i++) { const x = ${v}[i];`);
    this.lines.push(`if (typeof x === "string") { if (${string("x")}) { ${pass} } }`);
    this.lines.push(`${nullBranch}else if (x === undefined || isArray(x)) ${this.bail}`);
    this.lines.push(`else if (${other("x")}) { ${pass} } } }`);
    if (nullPasses) this.lines.push(`else if (${v} === null) { ${pass} }`);
    this.lines.push(`else if (${other(v)}) { ${pass} }`);
  }
}

/** How a leaf tests the values a path leads to (see `Walk`). */
interface ValueSite {
  /** A test of the string `x` (its length against ignore_above included). */
  readonly string: (x: string) => string;
  /** A test of `x` when it is a number (not NaN) or a boolean. */
  readonly other: (x: string) => string;
  /** Whether an explicit null (read as the mapping's null_value) passes. */
  readonly nullPasses: boolean;
  /** For a leaf that a missing field passes: the function classifying values (see `valueTest`). */
  readonly classify: string;
}

/** True when `p` has more than `MAX_LEAVES` leaves (counted without recursion, stopping early). */
function tooLarge(p: Predicate): boolean {
  const stack: Predicate[] = [p];
  let leaves = 0;
  while (stack.length > 0) {
    const node = (stack.pop() as Predicate).node;
    if (node === undefined || node.kind === "leaf") {
      if (++leaves > MAX_LEAVES) return true;
    } else if (node.kind === "not") stack.push(node.operand);
    else for (const o of node.operands) stack.push(o);
  }
  return false;
}

/** Calls after which a filter is generated (see `tieredFilter`). */
let hotAfter = 1000;

/** Test-only: generate filters after this many calls (0: on the first); returns the previous value. */
export function setHotAfter(calls: number): number {
  const previous = hotAfter;
  hotAfter = calls;
  return previous;
}

/**
 * A filter that runs on closures until it has been called `hotAfter` times, and on generated code
 * after. Generating and parsing the code costs about half a millisecond a query, and V8 compiles it
 * again for each query; a query compiled to be checked, linted or run on a few events never earns
 * that back, a busy one does.
 *
 * While it runs on closures it also counts, for a condition that is an `and`, how often each operand
 * holds in the events of its category, and the generated code tests the operands that held least
 * often first (see `orderedByPasses`): the events seen so far are the best guess at the events to
 * come, and an event that fails one operand then costs one test instead of several.
 */
export function tieredFilter(
  category: CategoryTest | null,
  cond: Predicate,
  closures: EventFilter,
): EventFilter {
  const node = cond.node;
  const operands = node?.kind === "logic" && node.op === "and" && !node.sawNull ? node.operands : null;
  const passes = operands === null ? null : new Array<number>(operands.length).fill(0);
  const inCategory = (v: unknown) => v === category?.category;
  let calls = 0;
  let generated: EventFilter | null = null;
  return (e) => {
    if (generated !== null) return generated(e);
    if (++calls > hotAfter) {
      const ordered = operands === null || passes === null ? null : orderedByPasses(operands, passes);
      const best = ordered === null ? cond : { ...cond, node: { ...(node as LogicNode), operands: ordered } };
      generated = generateFilter(category, best, closures) ?? closures;
      return generated(e);
    }
    if (
      passes !== null &&
      operands !== null &&
      (category === null || category.reader.each(e, inCategory) === 2)
    ) {
      for (let i = 0; i < operands.length; i++) {
        try {
          if ((operands[i] as Predicate).test(e) === true) passes[i] = (passes[i] as number) + 1;
        } catch {
          // A hostile object: it says nothing about the order.
        }
      }
    }
    return closures(e);
  };
}

type LogicNode = Extract<PredicateNode, { kind: "logic" }>;

/**
 * The operands of a top-level `and` in ascending order of how often they held (ties keep the query's
 * order), or null when that is the query's order. An `and` without a constant null is true exactly
 * when every operand is, in any order, so only the work changes; nothing is reordered below the top,
 * where a `not` could tell an operand that is false from one that throws.
 */
function orderedByPasses(operands: readonly Predicate[], passes: readonly number[]): Predicate[] | null {
  const order = operands
    .map((_, i) => i)
    .sort((a, b) => (passes[a] as number) - (passes[b] as number) || a - b);
  if (order.every((i, k) => i === k)) return null;
  return order.map((i) => operands[i] as Predicate);
}

/**
 * The filter `category where cond` as generated code, or null when it cannot be generated (then the
 * caller keeps `closures`, the same filter built from closures). Never throws.
 */
export function generateFilter(
  category: CategoryTest | null,
  cond: Predicate,
  closures: EventFilter,
): EventFilter | null {
  if (tooLarge(cond)) return null;
  try {
    const gen = new Generator();
    const source = gen.filter(category, cond, closures);
    const factory = new Function("c", source) as (c: readonly unknown[]) => EventFilter;
    return factory(gen.captured);
  } catch {
    // EvalError under a Content-Security-Policy, a SyntaxError, a stack overflow on a deep tree: the
    // closures do the same work.
    return null;
  }
}
