/**
 * `number(s [, base])`, following Elasticsearch's ToNumber: a lowercase `0x` prefix means base 16
 * when no base (or base 16) is given; base 10 parses a Java long, then falls back to a Java double
 * (whitespace trimmed, exponents, `NaN`, `Infinity`, `d`/`f` suffixes); other bases use
 * `Long.parseLong(s, base)`. Digits are ASCII only. Longs beyond 2^53 lose precision as JS numbers.
 */
import { ErrorCodes } from "../errors.js";
import { isJavaDecimal } from "../runtime/numeric-text.js";
import { argString } from "./coerce.js";
import { FunctionArgumentError, type FunctionDef, type Scalar } from "./types.js";

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** Java `Long.parseLong(s, radix)`: optional sign, at least one digit, no whitespace; null on failure. */
export function parseJavaLong(s: string, radix: number): number | null {
  if (!Number.isInteger(radix) || radix < 2 || radix > 36) return null;
  let i = 0;
  let negative = false;
  if (s[0] === "+" || s[0] === "-") {
    negative = s[0] === "-";
    i = 1;
  }
  if (i >= s.length) return null;
  const r = BigInt(radix);
  let acc = 0n;
  for (; i < s.length; i++) {
    const d = Number.parseInt(s[i] as string, 36);
    if (Number.isNaN(d) || d >= radix) return null;
    acc = acc * r + BigInt(d);
    // Out of range for good (digits only grow it): stop before the number gets long.
    if (acc > LONG_MAX + 1n) return null;
  }
  if (negative) acc = -acc;
  if (acc < LONG_MIN || acc > LONG_MAX) return null;
  return Number(acc);
}

const HEX_FLOAT = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?[0-9]+)[fFdD]?$/;

/** Java `Double.valueOf(s)`, including hexadecimal floating literals; null on failure. */
export function parseJavaDouble(s: string): number | null {
  let a = 0;
  let b = s.length;
  // Java trims every character up to and including the space, not just Unicode whitespace.
  while (a < b && s.charCodeAt(a) <= 0x20) a++;
  while (b > a && s.charCodeAt(b - 1) <= 0x20) b--;
  const t = s.slice(a, b);
  const signless = t[0] === "+" || t[0] === "-" ? t.slice(1) : t;
  const sign = t[0] === "-" ? -1 : 1;
  if (signless === "NaN") return Number.NaN;
  if (signless === "Infinity") return sign * Number.POSITIVE_INFINITY;
  if (isJavaDecimal(t)) return Number(t.replace(/[fFdD]$/, ""));
  const hex = HEX_FLOAT.exec(t);
  if (hex) {
    const int = hex[2] ?? "";
    const frac = hex[3] ?? "";
    if (int === "" && frac === "") return null;
    const mantissa = Number.parseInt(`${int}${frac}` || "0", 16);
    return (hex[1] === "-" ? -1 : 1) * mantissa * 2 ** (Number(hex[4]) - 4 * frac.length);
  }
  return null;
}

/** Convert `text` as Elasticsearch's `number(text, base)` does; null when it cannot (ES would fail the query). */
export function toNumber(text: string, base: number | null): number | null {
  const hexPrefix = text.startsWith("0x");
  const b = base ?? (hexPrefix ? 16 : 10);
  const digits = hexPrefix && b === 16 ? text.slice(2) : text;
  if (b === 10) return parseJavaLong(digits, 10) ?? parseJavaDouble(digits);
  return parseJavaLong(digits, b);
}

/** `number(s [, base])`. */
export const number: FunctionDef = {
  name: "number",
  params: [
    { name: "value", type: "string" },
    // Elasticsearch accepts a field as the base (its translation tests do): read per event then.
    { name: "base", type: "integer", optional: true },
  ],
  returns: "unknown",
  hasInsensitiveVariant: false,
  create: (site) => {
    const baseConst = site.constants[1];
    if (baseConst !== undefined && baseConst !== null) {
      if (typeof baseConst !== "number" || !Number.isInteger(baseConst) || baseConst < 2 || baseConst > 36) {
        throw new FunctionArgumentError(
          1,
          ErrorCodes.INVALID_ARGUMENT,
          `invalid base [${String(baseConst)}] for number(); expected an integer from 2 to 36`,
        );
      }
    }
    const readBase = (v: Scalar | undefined): number | null | undefined => {
      if (v === undefined || v === null) return null;
      return typeof v === "number" && Number.isInteger(v) ? v : undefined;
    };
    const valueConst = site.constants[0];
    if (valueConst !== undefined && valueConst !== null) {
      const text = argString(valueConst, site.argTypes[0]);
      const base = readBase(baseConst);
      if (text !== null && base !== undefined && toNumber(text, base) === null) {
        throw new FunctionArgumentError(
          0,
          ErrorCodes.INVALID_ARGUMENT,
          `unable to convert [${text}] to number of base [${base ?? 10}]`,
        );
      }
    }
    return (args) => {
      const text = argString(args[0], site.argTypes[0]);
      if (text === null) return null;
      const base = readBase(args[1]);
      if (base === undefined || (base !== null && (base < 2 || base > 36))) return null;
      return toNumber(text, base);
    };
  },
};
