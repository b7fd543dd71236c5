import { describe, expect, it } from "vitest";
import { call, callDynamic } from "./helpers.js";

describe("arithmetic functions", () => {
  it("add, subtract, multiply", () => {
    expect(call("add", [1, 2])).toBe(3);
    expect(call("subtract", [1, 2])).toBe(-1);
    expect(call("multiply", [3, -4])).toBe(-12);
    expect(call("add", [0.5, 0.25])).toBe(0.75);
  });
  it("divide truncates integers toward zero", () => {
    expect(call("divide", [4, 3])).toBe(1);
    expect(call("divide", [-4, 3])).toBe(-1);
    expect(call("divide", [4, 3], { types: ["double", "integer"] })).toBeCloseTo(1.3333333333, 8);
    expect(call("divide", [4.5, 3])).toBe(1.5);
  });
  it("modulo takes the dividend's sign", () => {
    expect(call("modulo", [-10, 6])).toBe(-4);
    expect(call("modulo", [10, -6])).toBe(4);
    expect(call("modulo", [10, 0.5])).toBe(0);
  });
  it("integer division by zero gives null, double division IEEE", () => {
    expect(call("divide", [1, 0])).toBeNull();
    expect(call("modulo", [1, 0])).toBeNull();
    expect(call("divide", [1, 0], { types: ["double", "integer"] })).toBe(Number.POSITIVE_INFINITY);
    expect(call("modulo", [1, 0], { types: ["double", "integer"] })).toBeNaN();
  });
  it("overflow beyond 64 bits gives null", () => {
    expect(call("multiply", [2 ** 62, 4])).toBeNull();
    expect(call("add", [2147483647, 1])).toBe(2147483648);
  });
  it("null or non-numeric operands give null", () => {
    expect(call("add", [null, 1])).toBeNull();
    expect(callDynamic("add", ["1", 1])).toBeNull();
    expect(callDynamic("add", [true, 1])).toBeNull();
  });
  it("treats a non-integral field value as a double", () => {
    expect(callDynamic("divide", [7.5, 2])).toBe(3.75);
    expect(callDynamic("divide", [7, 2])).toBe(3);
  });
});
