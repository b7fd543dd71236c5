import { describe, expect, it } from "vitest";
import { call, callDynamic } from "./helpers.js";

describe("between", () => {
  it("follows the §6 worked examples", () => {
    expect(call("between", ["welcome to the planet", "welcome", "e"])).toBe(" to th");
    expect(call("between", ["welcome to the planet", "welcome", "e", false])).toBe(" to th");
    expect(call("between", ["welcome to the planet", "welcome", "e", true])).toBe(" to the plan");
  });
  it("returns the source unchanged when any string is empty", () => {
    expect(call("between", ["abc", "", "c"])).toBe("abc");
    expect(call("between", ["abc", "a", ""])).toBe("abc");
    expect(call("between", ["", "a", "b"])).toBe("");
    expect(call("between", ["abc", "", "", false])).toBe("abc");
  });
  it("returns an empty string when a bound is not found", () => {
    expect(call("between", ["abc", "x", "c"])).toBe("");
    expect(call("between", ["abc", "a", "x"])).toBe("");
    expect(call("between", ["abc", "a", "x", true])).toBe("");
    // The only `right` lies before `left`: greedy gives "".
    expect(call("between", ["xa-b", "b", "x", true])).toBe("");
    // Non-greedy searches for `right` after `left` only.
    expect(call("between", ["cab", "a", "c"])).toBe("");
  });
  it("gives null for a null argument", () => {
    expect(call("between", [null, "a", "b"])).toBeNull();
    expect(call("between", ["abc", null, "b"])).toBeNull();
    expect(call("between", ["abc", "a", null])).toBeNull();
  });
  it("a null greedy means false", () => {
    expect(call("between", ["a1b2b", "a", "b", null])).toBe("1");
  });
  it("between~ searches without case but returns the original text", () => {
    expect(call("between", ["WELCOME to the PLANET", "welcome", "E"], { insensitive: true })).toBe(" to th");
    expect(call("between", ["WELCOME to the PLANET", "welcome", "e"])).toBe("");
    expect(call("between", ["xAbCx", "a", "c"], { insensitive: true })).toBe("b");
  });
  it("reads numbers as text", () => {
    expect(callDynamic("between", [12345, "2", "5"])).toBe("34");
  });
});

describe("concat", () => {
  it("joins the Java text of each argument", () => {
    expect(call("concat", ["a", 1, true])).toBe("a1true");
    expect(call("concat", ["x"])).toBe("x");
    expect(call("concat", [1.5, "-", 2])).toBe("1.5-2");
    expect(call("concat", [2, "/", 4.0], { types: ["integer", "string", "double"] })).toBe("2/4.0");
    expect(call("concat", [1e10], { types: ["double"] })).toBe("1.0E10");
  });
  it("gives null when any argument is null", () => {
    expect(call("concat", ["a", null, "b"])).toBeNull();
    expect(call("concat", [null])).toBeNull();
  });
});

describe("endsWith / startsWith", () => {
  it("tests suffixes and prefixes", () => {
    expect(call("endsWith", ["regsvr32.exe", ".exe"])).toBe(true);
    expect(call("endsWith", ["regsvr32.exe", ".EXE"])).toBe(false);
    expect(call("endsWith", ["regsvr32.exe", ".EXE"], { insensitive: true })).toBe(true);
    expect(call("endsWith", ["", ""])).toBe(true);
    expect(call("endsWith", [null, "a"])).toBeNull();
    expect(call("endsWith", ["a", null])).toBeNull();
    expect(call("startsWith", ["x", ""])).toBe(true);
    expect(call("startsWith", ["regsvr32.exe", "regsvr32"])).toBe(true);
    expect(call("startsWith", ["regsvr32.exe", "REGSVR32"])).toBe(false);
    expect(call("startsWith", ["regsvr32.exe", "REGSVR32"], { insensitive: true })).toBe(true);
    expect(call("startsWith", [null, ""])).toBeNull();
  });
});

describe("indexOf", () => {
  it("follows the §6 examples", () => {
    expect(call("indexOf", ["foobarbaz", "o"])).toBe(1);
    expect(call("indexOf", ["foobarbaz", "o", 2])).toBe(2);
    expect(call("indexOf", ["foobarbaz", "z"])).toBe(8);
    expect(call("indexOf", ["foobarbaz", "L"])).toBeNull();
    expect(call("indexOf", ["foobarbaz", "B"], { insensitive: true })).toBe(3);
    expect(call("indexOf", ["", ""])).toBe(0);
    expect(call("indexOf", ["abc", "", 2])).toBe(2);
    expect(call("indexOf", ["abc", "x", 10])).toBeNull();
  });
  it("treats a negative or null start as 0", () => {
    expect(call("indexOf", ["foobarbaz", "f", -5])).toBe(0);
    expect(call("indexOf", ["foobarbaz", "f", null])).toBe(0);
  });
  it("follows Java for an empty substring past the end", () => {
    expect(call("indexOf", ["abc", "", 10])).toBe(3);
  });
  it("gives null for null inputs", () => {
    expect(call("indexOf", [null, "a"])).toBeNull();
    expect(call("indexOf", ["a", null])).toBeNull();
  });
});

describe("length", () => {
  it("counts UTF-16 units", () => {
    expect(call("length", [""])).toBe(0);
    expect(call("length", ["curl"])).toBe(4);
    expect(call("length", ["https://10.0.0.1:10250/pods"])).toBe(27);
    expect(call("length", ["😀"])).toBe(2);
    expect(call("length", [null])).toBeNull();
    expect(callDynamic("length", [1234])).toBe(4);
  });
});

describe("string", () => {
  it("formats like Java String.valueOf", () => {
    expect(call("string", [42])).toBe("42");
    expect(call("string", [42.5])).toBe("42.5");
    expect(call("string", [true])).toBe("true");
    expect(call("string", [false])).toBe("false");
    expect(call("string", [null])).toBeNull();
    expect(call("string", ["x"])).toBe("x");
    expect(call("string", [1], { types: ["double"] })).toBe("1.0");
    expect(call("string", [1e10], { types: ["double"] })).toBe("1.0E10");
    expect(callDynamic("string", [4])).toBe("4");
  });
});

describe("stringContains", () => {
  it("tests substrings; empty source or substring gives false", () => {
    expect(call("stringContains", ["abcdef", "cd"])).toBe(true);
    expect(call("stringContains", ["abcdef", "CD"])).toBe(false);
    expect(call("stringContains", ["abcdef", "CD"], { insensitive: true })).toBe(true);
    expect(call("stringContains", ["abc", ""])).toBe(false);
    expect(call("stringContains", ["", ""])).toBe(false);
    expect(call("stringContains", ["", "a"])).toBe(false);
    expect(call("stringContains", [null, "a"])).toBeNull();
    expect(call("stringContains", ["a", null])).toBeNull();
  });
});

describe("substring", () => {
  it("follows the §6 examples", () => {
    expect(call("substring", ["hello world", -5])).toBe("world");
    expect(call("substring", ["hello world", 5, -1])).toBe(" worl");
    expect(call("substring", ["hello world", -60, 5])).toBe("hello");
    expect(call("substring", ["hello world", 3, 9])).toBe("lo wor");
  });
  it("clamps and handles null bounds", () => {
    expect(call("substring", ["hello", 3, 1])).toBe("");
    expect(call("substring", ["hello", 2, 100])).toBe("llo");
    expect(call("substring", ["hello", null])).toBe("hello");
    expect(call("substring", ["hello", 1, null])).toBe("ello");
    expect(call("substring", ["hello", 10])).toBe("");
    expect(call("substring", [null, 1])).toBeNull();
  });
});

describe("wrong runtime types", () => {
  it("give null instead of throwing", () => {
    expect(callDynamic("substring", ["hello", "x"])).toBeNull();
    expect(callDynamic("indexOf", ["hello", "l", "x"])).toBeNull();
    expect(callDynamic("between", ["abc", "a", "c", "yes"])).toBeNull();
    expect(callDynamic("length", [{} as never])).toBeNull();
  });
});
