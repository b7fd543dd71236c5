import { describe, expect, it } from "vitest";
import { ErrorCodes } from "../../src/errors.js";
import { FunctionArgumentError } from "../../src/functions/types.js";
import { call, callDynamic } from "./helpers.js";

function argError(fn: () => unknown): FunctionArgumentError {
  try {
    fn();
  } catch (e) {
    if (e instanceof FunctionArgumentError) return e;
    throw e;
  }
  throw new Error("expected a FunctionArgumentError");
}

describe("number", () => {
  it("follows the §6 examples", () => {
    expect(call("number", ["1337"])).toBe(1337);
    expect(call("number", [" 1337 "])).toBe(1337);
    expect(call("number", ["4.5"])).toBe(4.5);
    expect(call("number", ["+12"])).toBe(12);
    expect(call("number", ["-3.14"])).toBe(-3.14);
    expect(call("number", ["0x1f"])).toBe(31);
    expect(call("number", ["052403", 8])).toBe(21763);
    expect(call("number", ["0x1f", 16])).toBe(31);
    expect(call("number", ["1f", 16])).toBe(31);
    expect(call("number", ["12", null])).toBe(12);
  });
  it("parses Java double forms in base 10", () => {
    expect(call("number", ["1e3"])).toBe(1000);
    expect(call("number", ["1.5d"])).toBe(1.5);
    expect(call("number", ["2f"])).toBe(2);
    expect(call("number", [".5"])).toBe(0.5);
    expect(call("number", ["NaN"])).toBeNaN();
    expect(call("number", ["-Infinity"])).toBe(Number.NEGATIVE_INFINITY);
    expect(call("number", ["0X1p3"])).toBe(8);
    expect(call("number", ["99999999999999999999"])).toBe(1e20);
  });
  it("gives null at run time for unparseable values", () => {
    for (const bad of ["", "abc", "0X1f", "1 2", "1_000", "0x", "- 1"]) {
      expect(callDynamic("number", [bad])).toBeNull();
    }
    expect(callDynamic("number", ["\t12\n"])).toBe(12);
    expect(callDynamic("number", [" 12 ", 16], { types: ["string", "integer"] })).toBeNull();
    expect(callDynamic("number", ["4.5", 8], { types: ["string", "integer"] })).toBeNull();
    expect(callDynamic("number", [null])).toBeNull();
  });
  it("rejects an unparseable constant when the call is compiled", () => {
    const e = argError(() => call("number", ["abc"]));
    expect(e.argIndex).toBe(0);
    expect(e.code).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect(argError(() => call("number", [""])).code).toBe(ErrorCodes.INVALID_ARGUMENT);
  });
  it("rejects a constant base outside 2..36; a base read from a field gives null there", () => {
    for (const base of [0, 1, 37, -16]) {
      const e = argError(() => call("number", ["1", base]));
      expect(e.code).toBe(ErrorCodes.INVALID_ARGUMENT);
      expect(callDynamic("number", ["1", base], { types: ["string", "integer"] })).toBeNull();
    }
    expect(callDynamic("number", ["ff", 16], { types: ["string", "integer"] })).toBe(255);
    const withConst = argError(() => call("number", ["10", 1]));
    expect(withConst.argIndex).toBe(1);
  });
  it("does not fail on a null constant value", () => {
    expect(call("number", [null])).toBeNull();
  });
});

describe("cidrMatch", () => {
  it("follows the §6 examples", () => {
    expect(call("cidrMatch", ["192.168.152.12", "192.168.0.0/16"])).toBe(true);
    expect(callDynamic("cidrMatch", ["192.168.1.1", "10.0.0.0/8", "10.128.0.0/9"])).toBe(false);
    expect(call("cidrMatch", ["192.168.1.1", "10.0.0.0/8", "10.128.0.0/9"])).toBe(false);
    expect(call("cidrMatch", ["::1", "::/64"])).toBe(true);
  });
  it("matches any block", () => {
    expect(call("cidrMatch", ["10.200.0.1", "192.168.0.0/16", "10.128.0.0/9"])).toBe(true);
  });
  it("gives null for null and false for a non-address", () => {
    expect(call("cidrMatch", [null, "10.0.0.0/8"])).toBeNull();
    expect(call("cidrMatch", ["not an ip", "10.0.0.0/8"])).toBe(false);
    expect(callDynamic("cidrMatch", [42, "10.0.0.0/8"])).toBe(false);
  });
  it("rejects malformed blocks when compiled, pointing at the block", () => {
    const e = argError(() => call("cidrMatch", ["10.0.0.1", "10.0.0.0/8", "10.0.0.0/33"]));
    expect(e.code).toBe(ErrorCodes.INVALID_CIDR);
    expect(e.argIndex).toBe(2);
    expect(argError(() => call("cidrMatch", ["1.2.3.4", "bogus"])).argIndex).toBe(1);
    expect(argError(() => call("cidrMatch", ["1.2.3.4", null])).code).toBe(ErrorCodes.INVALID_CIDR);
  });
});
