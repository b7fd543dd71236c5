import { describe, expect, it } from "vitest";
import { arith, isDoubleValue } from "../../src/runtime/arith.js";
import { javaDoubleToString, javaString } from "../../src/runtime/java.js";

describe("javaDoubleToString", () => {
  it("formats like Double.toString", () => {
    expect(javaDoubleToString(1)).toBe("1.0");
    expect(javaDoubleToString(42.5)).toBe("42.5");
    expect(javaDoubleToString(1e10)).toBe("1.0E10");
    expect(javaDoubleToString(1.5e-5)).toBe("1.5E-5");
    expect(javaDoubleToString(Number.NaN)).toBe("NaN");
    expect(javaDoubleToString(Number.POSITIVE_INFINITY)).toBe("Infinity");
    expect(javaDoubleToString(Number.NEGATIVE_INFINITY)).toBe("-Infinity");
    expect(javaDoubleToString(-0)).toBe("-0.0");
    expect(javaDoubleToString(0)).toBe("0.0");
    expect(javaDoubleToString(0.001)).toBe("0.001");
    expect(javaDoubleToString(0.0001)).toBe("1.0E-4");
    expect(javaDoubleToString(9999999)).toBe("9999999.0");
    expect(javaDoubleToString(10000000)).toBe("1.0E7");
    expect(javaDoubleToString(12345678.9)).toBe("1.23456789E7");
    expect(javaDoubleToString(-3.14)).toBe("-3.14");
    expect(javaDoubleToString(0.1 + 0.2)).toBe("0.30000000000000004");
    expect(javaDoubleToString(100)).toBe("100.0");
    expect(javaDoubleToString(1.7976931348623157e308)).toBe("1.7976931348623157E308");
    expect(javaDoubleToString(4.9e-324)).toBe("4.9E-324");
  });
});

describe("javaString", () => {
  it("formats scalars as String.valueOf", () => {
    expect(javaString(42, "integer")).toBe("42");
    expect(javaString(42, "unknown")).toBe("42");
    expect(javaString(42, "double")).toBe("42.0");
    expect(javaString(42.5, "unknown")).toBe("42.5");
    expect(javaString(true, "boolean")).toBe("true");
    expect(javaString(false, "unknown")).toBe("false");
    expect(javaString("x", "string")).toBe("x");
    expect(javaString(null, "null")).toBeNull();
    expect(javaString(2 ** 60, "integer")).toBe("1152921504606846976");
    expect(javaString(1e21, "integer")).toBe("1000000000000000000000");
  });
});

describe("arith", () => {
  it("truncates integer division toward zero", () => {
    expect(arith("/", 4, 3, false)).toBe(1);
    expect(arith("/", -4, 3, false)).toBe(-1);
    expect(arith("/", 4, -3, false)).toBe(-1);
    expect(arith("/", 4, 3, true)).toBeCloseTo(4 / 3, 12);
  });
  it("gives % the dividend's sign", () => {
    expect(arith("%", -10, 6, false)).toBe(-4);
    expect(arith("%", 10, -6, false)).toBe(4);
    expect(arith("%", 10, 0.5, false)).toBe(0);
    expect(Object.is(arith("%", -10, 5, false), 0)).toBe(true);
  });
  it("gives null for integer division or modulo by zero, IEEE for doubles", () => {
    expect(arith("/", 1, 0, false)).toBeNull();
    expect(arith("%", 1, 0, false)).toBeNull();
    expect(arith("/", 1, 0, true)).toBe(Number.POSITIVE_INFINITY);
    expect(arith("/", -1, 0, true)).toBe(Number.NEGATIVE_INFINITY);
    expect(arith("/", 0, 0, true)).toBeNaN();
    expect(arith("%", 1, 0, true)).toBeNaN();
  });
  it("uses 64-bit integers and gives null on overflow", () => {
    expect(arith("+", 2147483647, 1, false)).toBe(2147483648);
    expect(arith("*", 2 ** 40, 2 ** 20, false)).toBe(2 ** 60);
    expect(arith("*", 2 ** 62, 2, false)).toBeNull();
    expect(arith("*", -(2 ** 62), 2, false)).toBe(-(2 ** 63));
    expect(arith("-", -(2 ** 63), 1, false)).toBeNull();
    expect(arith("/", -(2 ** 63), -1, false)).toBeNull();
    expect(arith("/", 2 ** 62, 3, false)).toBe(Number(2n ** 62n / 3n));
    expect(Object.is(arith("*", 0, -5, false), 0)).toBe(true);
  });
  it("keeps doubles as IEEE", () => {
    expect(arith("+", 0.1, 0.2, true)).toBe(0.1 + 0.2);
    expect(arith("*", 1e308, 10, true)).toBe(Number.POSITIVE_INFINITY);
    expect(arith("+", 1.5, 1, false)).toBe(2.5);
  });
  it("isDoubleValue", () => {
    expect(isDoubleValue(1, "double")).toBe(true);
    expect(isDoubleValue(1.5, "unknown")).toBe(true);
    expect(isDoubleValue(1, "integer")).toBe(false);
    expect(isDoubleValue("1.5", "string")).toBe(false);
  });
});
