/** Java-style arithmetic for `+ - * / %` and the add/subtract/multiply/divide/modulo functions. */
import type { Scalar, StaticType } from "../functions/types.js";

/** An arithmetic operator. */
export type ArithOp = "+" | "-" | "*" | "/" | "%";

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const INT32 = 2 ** 31;

/** True when `v` should take part in floating arithmetic: statically double, or a non-integral number. */
export function isDoubleValue(v: Scalar, staticType: StaticType): boolean {
  return staticType === "double" || (typeof v === "number" && !Number.isInteger(v));
}

function longOp(op: ArithOp, a: number, b: number): number | null {
  // Fast paths stay exact: sums, differences and products below 2^53, remainders always, and
  // quotients of 32-bit operands (their rounding error is smaller than the gap to the next integer).
  if (Number.isSafeInteger(a) && Number.isSafeInteger(b)) {
    let r: number | undefined;
    if (op === "+") r = a + b;
    else if (op === "-") r = a - b;
    else if (op === "*") r = a * b;
    else if (op === "%") r = b === 0 ? Number.NaN : a % b;
    else if (Math.abs(a) <= INT32 && Math.abs(b) <= INT32) r = b === 0 ? Number.NaN : Math.trunc(a / b);
    if (r !== undefined) {
      if (Number.isNaN(r)) return null;
      if (Number.isSafeInteger(r)) return r + 0; // + 0 turns -0 into 0: longs have no negative zero
    }
  }
  const x = BigInt(a);
  const y = BigInt(b);
  let r: bigint;
  switch (op) {
    case "+":
      r = x + y;
      break;
    case "-":
      r = x - y;
      break;
    case "*":
      r = x * y;
      break;
    case "/":
      if (y === 0n) return null;
      r = x / y; // BigInt division truncates toward zero, like Java
      break;
    default:
      if (y === 0n) return null;
      r = x % y; // the sign follows the dividend, like Java
  }
  if (r < LONG_MIN || r > LONG_MAX) return null;
  return Number(r);
}

/**
 * Apply `op` with Java semantics. `double` selects floating (IEEE) arithmetic; it is also forced
 * when either operand is not an integer. Integer `/` truncates toward zero and `%` takes the
 * dividend's sign; integer division or modulo by zero and results outside the signed 64-bit range
 * give null (Elasticsearch fails the query there).
 */
export function arith(op: ArithOp, a: number, b: number, double: boolean): number | null {
  if (double || !Number.isInteger(a) || !Number.isInteger(b)) {
    switch (op) {
      case "+":
        return a + b;
      case "-":
        return a - b;
      case "*":
        return a * b;
      case "/":
        return a / b;
      default:
        return a % b; // JS % is IEEE fmod, the same as Java's % on doubles
    }
  }
  return longOp(op, a, b);
}
