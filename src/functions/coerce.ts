/**
 * Argument coercion for schemaless events. A string parameter accepts numbers and booleans as their
 * text (a `keyword` field indexes `1234` as "1234"); integer and number parameters accept numbers
 * only. Anything else — objects, arrays, wrong types — becomes null, so the function gives null.
 */
import { javaString } from "../runtime/java.js";
import type { Scalar, StaticType } from "./types.js";

/** The text of a string argument, or null. */
export function argString(v: Scalar | undefined, type: StaticType | undefined): string | null {
  if (v === undefined) return null;
  return javaString(v, type ?? "unknown");
}

/** A numeric argument, or null. */
export function argNumber(v: Scalar | undefined): number | null {
  return typeof v === "number" ? v : null;
}

/** An integer argument (a fractional number is truncated, as Java's `Number.intValue`), or null. */
export function argInteger(v: Scalar | undefined): number | null {
  if (typeof v !== "number" || Number.isNaN(v)) return null;
  return Math.trunc(v);
}
