import { describe, expect, it } from "vitest";
import { parseEvents } from "../../src/node/conformance/suite.js";
import {
  applyTransform,
  filetimeToEpochMillis,
  nanosToIso,
  toExactInteger,
} from "../../src/node/conformance/transforms.js";

describe("filetime-to-millis", () => {
  it("converts FILETIME ticks to epoch millis, flooring", () => {
    expect(filetimeToEpochMillis(116444736000000000n)).toBe(0n);
    expect(filetimeToEpochMillis(131485996512345678n)).toBe(1504126051234n);
    expect(filetimeToEpochMillis(116444735999999999n)).toBe(-1n);
  });

  it("sets @timestamp and keeps timestamp", () => {
    const e: Record<string, unknown> = { timestamp: 131485996512345678n, id: 1 };
    applyTransform(e, "filetime-to-millis");
    expect(e["@timestamp"]).toBe(1504126051234);
    expect(e.timestamp).toBe(Number(131485996512345678n));
  });
});

describe("filetime-as-nanos", () => {
  it("renders nanoseconds since 1970 as ISO-8601 with 9 fractional digits", () => {
    expect(nanosToIso(131485996512345678n)).toBe("1974-03-02T19:53:16.512345678Z");
    expect(nanosToIso(116444736000000000n)).toBe("1973-09-09T17:45:36.000000000Z");
    expect(nanosToIso(0n)).toBe("1970-01-01T00:00:00.000000000Z");
    expect(nanosToIso(-1n)).toBe("1969-12-31T23:59:59.999999999Z");
  });

  it("sets @timestamp to the instant and timestamp to millis", () => {
    const e: Record<string, unknown> = { timestamp: 131485996512345678n };
    applyTransform(e, "filetime-as-nanos");
    expect(e).toEqual({ "@timestamp": "1974-03-02T19:53:16.512345678Z", timestamp: 131485996512 });
  });
});

describe("transforms on parsed data", () => {
  it("reads the 18-digit timestamps exactly before transforming", () => {
    const text = '[{"timestamp": 131485996512345678, "big": 1234567890123456789}]';
    expect(parseEvents(text, "filetime-to-millis")[0]).toEqual({
      "@timestamp": 1504126051234,
      timestamp: 131485996512345680,
      big: 1234567890123456800,
    });
    expect(parseEvents(text, "filetime-as-nanos")[0]?.["@timestamp"]).toBe("1974-03-02T19:53:16.512345678Z");
  });

  it("leaves events without an integer timestamp unchanged", () => {
    expect(parseEvents('[{"a": 1}, {"timestamp": "x"}]', "filetime-to-millis")).toEqual([
      { a: 1 },
      { timestamp: "x" },
    ]);
  });

  it("rejects unknown transforms", () => {
    expect(() => parseEvents("[]", "nope")).toThrow(/unknown transform/);
  });

  it("reads integers from numbers and digit strings", () => {
    expect(toExactInteger(12)).toBe(12n);
    expect(toExactInteger("131485996512345678")).toBe(131485996512345678n);
    expect(toExactInteger(1.5)).toBeUndefined();
  });
});
