/**
 * The string functions. Indexes and lengths count UTF-16 code units, like Java's `String`. The `~`
 * variants fold both sides with `foldCase`, which keeps UTF-16 lengths, so an index found in the
 * folded text is valid in the original.
 */
import { foldCase } from "../runtime/text.js";
import { argInteger, argString } from "./coerce.js";
import type { CallSite, FunctionDef, Scalar } from "./types.js";

type Evaluator = (args: readonly Scalar[]) => Scalar;

/** Read argument `i` of a call as text, using the call site's static type for numbers. */
function textArg(site: CallSite, args: readonly Scalar[], i: number): string | null {
  return argString(args[i], site.argTypes[i]);
}

/** Fold case when the call site is a `~` variant. */
function folder(site: CallSite): (s: string) => string {
  return site.insensitive ? foldCase : (s) => s;
}

/**
 * A `~`-capable predicate of two strings (`endsWith`, `startsWith`, `stringContains`): null when
 * either is null, else `test` on the (folded) texts.
 */
function stringPredicate(
  name: string,
  second: string,
  test: (source: string, other: string) => boolean,
  secondNotNull = false,
): FunctionDef {
  return {
    name,
    params: [
      { name: "source", type: "string" },
      secondNotNull ? { name: second, type: "string", notNull: true } : { name: second, type: "string" },
    ],
    returns: "boolean",
    hasInsensitiveVariant: true,
    create: (site): Evaluator => {
      const fold = folder(site);
      return (args) => {
        const s = textArg(site, args, 0);
        const x = textArg(site, args, 1);
        if (s === null || x === null) return null;
        return test(fold(s), fold(x));
      };
    },
  };
}

/** `endsWith(s, suffix)`. */
export const endsWith = stringPredicate("endsWith", "suffix", (s, x) => s.endsWith(x));

/** `startsWith(s, prefix)`. */
export const startsWith = stringPredicate("startsWith", "prefix", (s, x) => s.startsWith(x));

/** `stringContains(s, sub)`: an empty `s` or `sub` gives false. */
export const stringContains = stringPredicate(
  "stringContains",
  "substring",
  (s, x) => s !== "" && x !== "" && s.includes(x),
  true,
);

/** `between(s, left, right [, greedy])`: the text between the first `left` and the next (or last) `right`. */
export const between: FunctionDef = {
  name: "between",
  params: [
    { name: "source", type: "string" },
    { name: "left", type: "string", notNull: true },
    { name: "right", type: "string", notNull: true },
    { name: "greedy", type: "boolean", optional: true, literal: true },
  ],
  returns: "string",
  hasInsensitiveVariant: true,
  create: (site): Evaluator => {
    const fold = folder(site);
    return (args) => {
      const s = textArg(site, args, 0);
      const left = textArg(site, args, 1);
      const right = textArg(site, args, 2);
      if (s === null || left === null || right === null) return null;
      const g = args[3];
      if (g !== undefined && g !== null && typeof g !== "boolean") return null;
      // Elasticsearch returns the source unchanged when any of the three is empty.
      if (s === "" || left === "" || right === "") return s;
      const hay = fold(s);
      const l = hay.indexOf(fold(left));
      if (l < 0) return "";
      const start = l + left.length;
      const r = fold(right);
      // Greedy takes the last `right` anywhere; one that ends before `left` does gives "" (Java would throw).
      const end = g === true ? hay.lastIndexOf(r) : hay.indexOf(r, start);
      if (end < start) return "";
      return s.slice(start, end);
    };
  },
};

/** `concat(v1, …)`: the Java text of every argument joined; any null argument gives null. */
export const concat: FunctionDef = {
  name: "concat",
  params: [{ name: "value", type: "any", variadic: true }],
  returns: "string",
  hasInsensitiveVariant: false,
  create: (site): Evaluator => {
    return (args) => {
      let out = "";
      for (let i = 0; i < args.length; i++) {
        const t = textArg(site, args, i);
        if (t === null) return null;
        out += t;
      }
      return out;
    };
  },
};

/**
 * `indexOf(s, sub [, start])`: the first index at or after `start` (negative or null means 0), or
 * null. Follows Java's `String.indexOf`, so `indexOf("abc", "", 10)` is 3 (the length).
 */
export const indexOf: FunctionDef = {
  name: "indexOf",
  params: [
    { name: "source", type: "string" },
    { name: "substring", type: "string" },
    { name: "start", type: "integer", optional: true },
  ],
  returns: "integer",
  hasInsensitiveVariant: true,
  create: (site): Evaluator => {
    const fold = folder(site);
    return (args) => {
      const s = textArg(site, args, 0);
      const sub = textArg(site, args, 1);
      if (s === null || sub === null) return null;
      let start = 0;
      const st = args[2];
      if (st !== undefined && st !== null) {
        const n = argInteger(st);
        if (n === null) return null;
        start = Math.max(0, n);
      }
      // JS clamps a start past the end to the length, which is what Java does too.
      const at = fold(s).indexOf(fold(sub), start);
      return at < 0 ? null : at;
    };
  },
};

/** `length(s)`: UTF-16 code units. */
export const length: FunctionDef = {
  name: "length",
  params: [{ name: "source", type: "string" }],
  returns: "integer",
  hasInsensitiveVariant: false,
  create: (site): Evaluator => {
    return (args) => {
      const s = textArg(site, args, 0);
      return s === null ? null : s.length;
    };
  },
};

/** `string(v)`: Java `String.valueOf`; null stays null. */
export const string: FunctionDef = {
  name: "string",
  params: [{ name: "value", type: "any" }],
  returns: "string",
  hasInsensitiveVariant: false,
  create: (site): Evaluator => {
    return (args) => textArg(site, args, 0);
  },
};

/**
 * `substring(s, start [, end])`: Python-style slicing. Negative bounds count from the end; both are
 * then clamped to [0, length]; a null start means 0 and a null or absent end means the length.
 */
export const substring: FunctionDef = {
  name: "substring",
  params: [
    { name: "source", type: "string" },
    { name: "start", type: "integer" },
    { name: "end", type: "integer", optional: true },
  ],
  returns: "string",
  hasInsensitiveVariant: false,
  create: (site): Evaluator => {
    return (args) => {
      const s = textArg(site, args, 0);
      if (s === null) return null;
      const len = s.length;
      const bound = (v: Scalar | undefined, dflt: number): number | null => {
        if (v === undefined || v === null) return dflt;
        const n = argInteger(v);
        if (n === null) return null;
        return Math.min(len, Math.max(0, n < 0 ? n + len : n));
      };
      const start = bound(args[1], 0);
      const end = bound(args[2], len);
      if (start === null || end === null) return null;
      return start >= end ? "" : s.slice(start, end);
    };
  },
};
