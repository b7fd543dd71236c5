/** add, subtract, multiply, divide, modulo: the function forms of `+ - * / %`. */
import { type ArithOp, arith, isDoubleValue } from "../runtime/arith.js";
import { argNumber } from "./coerce.js";
import type { FunctionDef, StaticType } from "./types.js";

function numericResult(argTypes: readonly StaticType[]): StaticType {
  const [a, b] = argTypes;
  if (a === "double" || b === "double") return "double";
  if (a === "integer" && b === "integer") return "integer";
  return "unknown";
}

function arithmetic(name: string, op: ArithOp): FunctionDef {
  return {
    name,
    params: [
      { name: "left", type: "number" },
      { name: "right", type: "number" },
    ],
    returns: "unknown",
    resultType: numericResult,
    hasInsensitiveVariant: false,
    create: (site) => {
      const leftType = site.argTypes[0] ?? "unknown";
      const rightType = site.argTypes[1] ?? "unknown";
      return (args) => {
        const a = argNumber(args[0]);
        const b = argNumber(args[1]);
        if (a === null || b === null) return null;
        return arith(op, a, b, isDoubleValue(a, leftType) || isDoubleValue(b, rightType));
      };
    },
  };
}

/** `add(a, b)`: `a + b`. */
export const add = arithmetic("add", "+");
/** `subtract(a, b)`: `a - b`. */
export const subtract = arithmetic("subtract", "-");
/** `multiply(a, b)`: `a * b`. */
export const multiply = arithmetic("multiply", "*");
/** `divide(a, b)`: `a / b`; integer division truncates toward zero. */
export const divide = arithmetic("divide", "/");
/** `modulo(a, b)`: `a % b` with the dividend's sign. */
export const modulo = arithmetic("modulo", "%");
