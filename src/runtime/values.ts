/**
 * Scalar comparison with Elasticsearch's coercions. Without a mapping an event value is compared
 * as a keyword would be when it is a string (a number literal compares with its text) and as a
 * number when it is a number (a string literal is parsed); a mapping makes the field's type decide.
 */
import type { Scalar, StaticType } from "../functions/types.js";
import { compileIpTermMatcher } from "./ip.js";
import { javaString } from "./java.js";
import { isNumericText } from "./numeric-text.js";
import { compareCodePoints } from "./text.js";
import { parseEpochMillis, parseInstant, parseIsoInstant, utcMillis } from "./timestamp.js";
import { compareVersions } from "./version.js";

/** How a field's values are compared, derived from its mapped type. */
export type FieldKind = "unknown" | "keyword" | "numeric" | "boolean" | "ip" | "version" | "date";

const KEYWORD_TYPES = new Set(["keyword", "text", "wildcard", "constant_keyword", "match_only_text"]);
const INTEGER_TYPES = new Set(["long", "integer", "short", "byte", "unsigned_long"]);
const DOUBLE_TYPES = new Set(["double", "float", "half_float", "scaled_float"]);

/** The comparison kind of a mapped type. */
export function fieldKindOf(type: string | undefined): FieldKind {
  if (type === undefined) return "unknown";
  if (KEYWORD_TYPES.has(type)) return "keyword";
  if (INTEGER_TYPES.has(type) || DOUBLE_TYPES.has(type)) return "numeric";
  if (type === "boolean") return "boolean";
  if (type === "ip") return "ip";
  if (type === "version") return "version";
  if (type === "date" || type === "date_nanos") return "date";
  return "unknown";
}

/** The static type of a mapped field's values. */
export function staticTypeOf(type: string | undefined): StaticType {
  if (type === undefined) return "unknown";
  if (KEYWORD_TYPES.has(type) || type === "version") return "string";
  if (INTEGER_TYPES.has(type)) return "integer";
  if (DOUBLE_TYPES.has(type)) return "double";
  if (type === "boolean") return "boolean";
  if (type === "ip") return "ip";
  return "unknown";
}

/** Parse text as a number the way a numeric field would; NaN when it is not one. */
export function parseNumber(s: string): number {
  return isNumericText(s) ? Number(s) : Number.NaN;
}

/** Text of a literal as a keyword field would index it. */
function literalText(c: Scalar, type: StaticType): string | null {
  if (c === null) return null;
  return javaString(c, type);
}

/** A test of one event value against a constant; true, false or null (unknown). */
export type ValueTest = (v: Scalar) => boolean | null;

/** Convert a value to a comparable date in epoch millis (with fractional nanos), or NaN. */
function dateValue(v: Scalar, format?: string): number {
  if (v === null || typeof v === "boolean") return Number.NaN;
  if (format && typeof v === "string") {
    const parsed = parseWithFormat(v, format);
    if (!Number.isNaN(parsed)) return parsed;
  }
  const inst = parseInstant(v);
  return inst === null ? Number.NaN : inst.millis + inst.nanos / 1e6;
}

/** A tiny subset of Java date patterns: yyyy, MM, dd, HH, mm, ss, SSS and literal separators. */
export function parseWithFormat(value: string, format: string): number {
  for (const fmt of format.split("||")) {
    if (fmt === "epoch_millis") {
      const inst = parseEpochMillis(value);
      if (inst) return inst.millis;
      continue;
    }
    if (fmt === "strict_date_optional_time" || fmt === "date_optional_time") {
      const inst = parseIsoInstant(value);
      if (inst) return inst.millis;
      continue;
    }
    const parts: Record<string, number> = { y: 1970, M: 1, d: 1, H: 0, m: 0, s: 0, S: 0 };
    let re = "^";
    const order: string[] = [];
    for (const tok of fmt.match(/(y+|M+|d+|H+|m+|s+|S+|'[^']*'|.)/g) ?? []) {
      const ch = tok[0] as string;
      if ("yMdHmsS".includes(ch) && /^(.)\1*$/.test(tok)) {
        re += ch === "y" ? "(\\d{4})" : `(\\d{${tok.length}})`;
        order.push(ch);
      } else if (tok.startsWith("'")) re += tok.slice(1, -1).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      else re += tok.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }
    const m = new RegExp(`${re}$`).exec(value);
    if (!m) continue;
    order.forEach((ch, i) => {
      parts[ch] = Number(m[i + 1]);
    });
    const t = utcMillis(
      parts.y as number,
      parts.M as number,
      parts.d as number,
      parts.H as number,
      parts.m as number,
      parts.s as number,
    );
    if (t !== null) return t + (parts.S as number);
  }
  return Number.NaN;
}

/** Options describing the field side of a comparison. */
export interface CompareContext {
  kind: FieldKind;
  /** Date format of a mapped date field. */
  format?: string;
}

/** Build the equality test `v == c` for a constant `c` of static type `cType`. */
export function equalsTest(c: Scalar, cType: StaticType, ctx: CompareContext): ValueTest {
  if (c === null) return () => null;
  switch (ctx.kind) {
    case "ip": {
      if (typeof c !== "string") return () => false;
      const m = compileIpTermMatcher(c);
      return (v) => (v === null ? null : typeof v === "string" ? m(v) : false);
    }
    case "version": {
      const cs = typeof c === "string" ? c : literalText(c, cType);
      return (v) => {
        if (v === null) return null;
        if (typeof v !== "string") return false;
        if (v === cs) return true;
        const r = compareVersions(v, cs as string);
        return r === null ? false : r === 0;
      };
    }
    case "date": {
      const cd = dateValue(c, ctx.format);
      return (v) => (v === null ? null : dateValue(v, ctx.format) === cd);
    }
    case "numeric": {
      const cn = typeof c === "number" ? c : typeof c === "string" ? parseNumber(c) : Number.NaN;
      return (v) => {
        if (v === null) return null;
        if (typeof v === "number") return v === cn;
        if (typeof v === "string") return parseNumber(v) === cn;
        return false;
      };
    }
    case "keyword": {
      const cs = typeof c === "string" ? c : literalText(c, cType);
      return (v) => (v === null ? null : typeof v === "string" ? v === cs : javaString(v, "unknown") === cs);
    }
    default:
      return schemalessEquals(c, cType);
  }
}

function schemalessEquals(c: Scalar, cType: StaticType): ValueTest {
  if (typeof c === "string") {
    const cn = parseNumber(c);
    return (v) => {
      if (typeof v === "string") return v === c;
      if (v === null) return null;
      if (typeof v === "number") return v === cn;
      return String(v) === c;
    };
  }
  if (typeof c === "number") {
    const text = literalText(c, cType);
    return (v) => {
      if (typeof v === "number") return v === c;
      if (v === null) return null;
      if (typeof v === "string") return v === text;
      return false;
    };
  }
  const text = String(c);
  return (v) => {
    if (typeof v === "boolean") return v === c;
    if (v === null) return null;
    if (typeof v === "string") return v === text;
    return false;
  };
}

/** Build the ordering `sign(v - c)` for a constant `c`; null when the two cannot be ordered. */
export function orderTest(c: Scalar, cType: StaticType, ctx: CompareContext): (v: Scalar) => number | null {
  if (c === null) return () => null;
  switch (ctx.kind) {
    case "version": {
      const cs = typeof c === "string" ? c : (literalText(c, cType) as string);
      return (v) => (typeof v === "string" ? compareVersions(v, cs) : null);
    }
    case "date": {
      const cd = dateValue(c, ctx.format);
      if (Number.isNaN(cd)) return () => null;
      return (v) => {
        const d = dateValue(v, ctx.format);
        return Number.isNaN(d) ? null : Math.sign(d - cd);
      };
    }
    case "numeric": {
      const cn = typeof c === "number" ? c : typeof c === "string" ? parseNumber(c) : Number.NaN;
      if (Number.isNaN(cn)) return () => null;
      return (v) => {
        const n = typeof v === "number" ? v : typeof v === "string" ? parseNumber(v) : Number.NaN;
        return Number.isNaN(n) ? null : Math.sign(n - cn);
      };
    }
    case "keyword": {
      const cs = typeof c === "string" ? c : (literalText(c, cType) as string);
      return (v) =>
        v === null
          ? null
          : compareCodePoints(typeof v === "string" ? v : (javaString(v, "unknown") as string), cs);
    }
    default:
      break;
  }
  if (typeof c === "string") {
    const cn = parseNumber(c);
    return (v) => {
      if (typeof v === "string") return compareCodePoints(v, c);
      if (typeof v === "number") return Number.isNaN(cn) ? null : Math.sign(v - cn);
      return null;
    };
  }
  if (typeof c === "number") {
    const text = literalText(c, cType) as string;
    return (v) => {
      if (typeof v === "number") return Math.sign(v - c);
      if (typeof v === "string") return compareCodePoints(v, text);
      return null;
    };
  }
  return (v) => (typeof v === "boolean" ? Number(v) - Number(c) : null);
}

/** Text of an event value for string operators (`:`, like, regex): keyword semantics. */
export function valueText(v: Scalar): string | null {
  if (typeof v === "string") return v;
  if (v === null) return null;
  return javaString(v, "unknown");
}
