/** Java-compatible text forms of values, as Elasticsearch's `string` and `concat` produce them. */
import type { Scalar, StaticType } from "../functions/types.js";

/**
 * Format a double like Java's `Double.toString`: plain notation with at least one fractional digit
 * for magnitudes in [1e-3, 1e7), otherwise `d.dddE±n`; `NaN`, `Infinity`, `-0.0`. Digits are the
 * shortest that round-trip (what JDK 19+ prints; older JDKs sometimes printed extra digits).
 */
export function javaDoubleToString(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Number.POSITIVE_INFINITY) return "Infinity";
  if (n === Number.NEGATIVE_INFINITY) return "-Infinity";
  if (n === 0) return Object.is(n, -0) ? "-0.0" : "0.0";
  const sign = n < 0 ? "-" : "";
  const abs = Math.abs(n);
  let [mant, expText] = abs.toExponential().split("e") as [string, string];
  if (mant.length === 1) {
    // Java widens a one-digit shortest form to two digits when a two-digit decimal is closer
    // (Double.MIN_VALUE prints as 4.9E-324, not 5.0E-324).
    const two = abs.toExponential(1);
    if (Number(two) === abs) [mant, expText] = two.split("e") as [string, string];
  }
  const digits = mant.replace(".", "").replace(/(?<=.)0$/, "");
  const exp = Number(expText);
  if (abs >= 1e-3 && abs < 1e7) {
    if (exp >= 0) {
      const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
      const frac = digits.slice(exp + 1) || "0";
      return `${sign}${intPart}.${frac}`;
    }
    return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  }
  const frac = digits.slice(1) || "0";
  return `${sign}${digits[0]}.${frac}E${exp}`;
}

/** Decimal text of an integral number, exact even beyond 2^53 (no exponent form). */
function integerToString(n: number): string {
  return Number.isSafeInteger(n) ? String(n) : BigInt(n).toString();
}

/**
 * Java `String.valueOf` of a scalar as Elasticsearch would see it: integers in decimal, doubles
 * (statically `double`, or non-integral) Java style, booleans `true`/`false`, strings unchanged,
 * null as null. A non-scalar gives null.
 */
export function javaString(v: Scalar, type: StaticType): string | null {
  switch (typeof v) {
    case "string":
      return v;
    case "boolean":
      return v ? "true" : "false";
    case "number":
      return type === "double" || !Number.isInteger(v) ? javaDoubleToString(v) : integerToString(v);
    default:
      return null;
  }
}
