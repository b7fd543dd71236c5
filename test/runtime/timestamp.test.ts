/** The common timestamp form is read by hand; every text gives what the grammar's pattern gives. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  parseCommonIso,
  parseInstant,
  parseIsoByPattern,
  parseIsoInstant,
} from "../../src/runtime/timestamp.js";

const pad = (n: number, w: number) => String(n).padStart(w, "0");

/** Timestamps near the common form: fields in and out of range, fractions of 0 to 10 digits, other zones. */
const nearCommon = fc
  .record({
    y: fc.integer({ min: 0, max: 9999 }),
    mo: fc.integer({ min: 0, max: 13 }),
    d: fc.integer({ min: 0, max: 32 }),
    h: fc.integer({ min: 0, max: 25 }),
    mi: fc.integer({ min: 0, max: 60 }),
    s: fc.integer({ min: 0, max: 60 }),
    sep: fc.constantFrom(".", ",", ":", ""),
    frac: fc.stringMatching(/^\d{0,10}$/),
    zone: fc.constantFrom("Z", "z", "", "+00:00", "-05:30", "+0530", "Zx", " Z"),
    dateSep: fc.constantFrom("-", "/"),
    t: fc.constantFrom("T", "t", " "),
  })
  .map(
    (r) =>
      `${pad(r.y, 4)}${r.dateSep}${pad(r.mo, 2)}-${pad(r.d, 2)}${r.t}${pad(r.h, 2)}:${pad(r.mi, 2)}:${pad(r.s, 2)}` +
      `${r.sep === "" ? "" : r.sep + r.frac}${r.zone}`,
  );

/** The same with one character replaced, removed or inserted anywhere. */
const mutated = fc
  .tuple(
    nearCommon,
    fc.nat(),
    fc.constantFrom("del", "ins", "set"),
    fc.constantFrom("0", "9", "-", ":", "T", "Z", "a", "٣"),
  )
  .map(([s, at, op, c]) => {
    const i = at % (s.length + 1);
    if (op === "del") return s.slice(0, i) + s.slice(i + 1);
    if (op === "ins") return s.slice(0, i) + c + s.slice(i);
    return s.slice(0, i) + c + s.slice(i + 1);
  });

describe("timestamps in the common form", () => {
  it("give what the grammar's pattern gives, for any text near the form", () => {
    fc.assert(
      fc.property(fc.oneof(nearCommon, mutated, fc.string({ maxLength: 32 })), (s) => {
        expect(parseIsoInstant(s)).toEqual(parseIsoByPattern(s));
        const common = parseCommonIso(s);
        if (common !== undefined) expect(common).toEqual(parseIsoByPattern(s));
      }),
      { numRuns: 20_000 },
    );
  });

  it("are read by hand, with their fraction to the nanosecond", () => {
    expect(parseCommonIso("2024-06-01T00:07:24.851Z")).toEqual({
      millis: Date.UTC(2024, 5, 1, 0, 7, 24, 851),
      nanos: 0,
    });
    expect(parseCommonIso("2024-06-01T00:07:24,123456789Z")).toEqual({
      millis: Date.UTC(2024, 5, 1, 0, 7, 24, 123),
      nanos: 456789,
    });
    expect(parseCommonIso("2024-06-01T00:07:24Z")).toEqual({
      millis: Date.UTC(2024, 5, 1, 0, 7, 24),
      nanos: 0,
    });
    // Out of range is not rolled over.
    expect(parseCommonIso("2023-02-29T00:00:00Z")).toBeNull();
    // Other forms are left to the pattern.
    expect(parseCommonIso("2024-06-01T00:07:24+02:00")).toBeUndefined();
    expect(parseCommonIso("2024-06-01")).toBeUndefined();
    expect(parseInstant("2024-06-01T00:07:24+02:00")).toEqual({
      millis: Date.UTC(2024, 5, 0, 22, 7, 24),
      nanos: 0,
    });
  });
});
