/** Timestamps read as Elasticsearch's `strict_date_optional_time||epoch_millis`: exact, never rolled over. */
import { describe, expect, it } from "vitest";
import { compile, compileRules, type EventsResult, ruleFromObject, runRules } from "../../src/index.js";
import { parseInstant } from "../../src/runtime/timestamp.js";
import { curlEvent, ruleObject } from "../rules/helpers.js";

const at = (value: unknown) => parseInstant(value);
const iso = (value: unknown) => {
  const i = parseInstant(value);
  return i === null ? null : new Date(i.millis).toISOString();
};

describe("epoch_millis strings", () => {
  it("a negative fraction lies before the whole millisecond", () => {
    expect(at("-1.5")).toEqual({ millis: -2, nanos: 500_000 });
    expect(at("-0.000001")).toEqual({ millis: -1, nanos: 999_999 });
    expect(at("-7")).toEqual({ millis: -7, nanos: 0 });
    expect(at("1.25")).toEqual({ millis: 1, nanos: 250_000 });
  });
  it("a digit string is epoch millis, exactly (epoch seconds are not guessed)", () => {
    expect(at("1704067200000")).toEqual({ millis: 1_704_067_200_000, nanos: 0 });
    expect(at("1704067200")).toEqual({ millis: 1_704_067_200, nanos: 0 });
  });
  it("beyond a representable date, or more than six fraction digits, is not a date", () => {
    expect(at("99999999999999999999")).toBeNull();
    expect(at("1704067200000000000")).toBeNull();
    expect(at("1.1234567")).toBeNull();
    expect(at(1e20)).toBeNull();
    expect(at(10n ** 20n)).toBeNull();
  });
});

describe("strict_date_optional_time", () => {
  it("keeps years before 100 as they are written", () => {
    expect(iso("0050-01-01")).toBe("0050-01-01T00:00:00.000Z");
    expect(iso("0000-03-01T00:00:00Z")).toBe("0000-03-01T00:00:00.000Z");
  });
  it("rejects fields out of range instead of rolling them over", () => {
    for (const s of [
      "2024-02-30",
      "2023-02-29",
      "2024-13-45T25:61:61Z",
      "2024-00-10",
      "2024-01-01T24:00:00Z",
      "2024-01-01T10:60:00Z",
      "2024-01-01T10:00:60Z",
      "2024-01-01T10:00:00+19:00",
    ]) {
      expect(at(s), s).toBeNull();
    }
    expect(iso("2024-02-29")).toBe("2024-02-29T00:00:00.000Z");
  });
  it("reads the optional parts, the fraction to the nanosecond and the offset", () => {
    expect(iso("2024")).toBe("2024-01-01T00:00:00.000Z");
    expect(iso("2024-03")).toBe("2024-03-01T00:00:00.000Z");
    expect(iso("2024-03-05T10")).toBe("2024-03-05T10:00:00.000Z");
    expect(iso("2024-03-05T10:30")).toBe("2024-03-05T10:30:00.000Z");
    expect(iso("2024-03-05T10:30:00,5Z")).toBe("2024-03-05T10:30:00.500Z");
    expect(iso("2024-03-05T10:30:00-0130")).toBe("2024-03-05T12:00:00.000Z");
    expect(iso("2024-03-05T10:30:00+01")).toBe("2024-03-05T09:30:00.000Z");
    expect(at("2024-03-05T10:30:00.123456789Z")).toEqual({
      millis: Date.UTC(2024, 2, 5, 10, 30, 0, 123),
      nanos: 456_789,
    });
  });
  it("rejects what the format does not allow", () => {
    for (const s of [
      "2024-01-01 10:00:00",
      " 2024-01-01",
      "2024-1-1",
      "+2024-01-01",
      "2024-01-01Z",
      "2024-01-01T10:00:00.1234567890Z",
    ]) {
      expect(at(s), s).toBeNull();
    }
  });
});

describe("unusable timestamps never throw", () => {
  const events = [
    { id: 1, "@timestamp": "99999999999999999999", event: { category: "process" } },
    { id: 2, "@timestamp": "1704067200000000000", event: { category: "process" } },
    { id: 3, "@timestamp": 1e20, event: { category: "process" } },
    { id: 4, "@timestamp": "2024-01-01T00:00:00Z", event: { category: "process" } },
  ];
  it("in an event query, sorted after every date", () => {
    const r = compile("process where true").run(events) as EventsResult;
    expect(r.events.map((h) => (h._source as { id: number }).id)).toEqual([4, 1, 2, 3]);
  });
  it("as a date join key of a sequence", () => {
    const q = compile("sequence by t [process where id == 4] [process where id == 5]", {
      mapping: { t: "date" },
    });
    const ev = [
      { id: 4, "@timestamp": 1, t: 1e20, event: { category: "process" } },
      { id: 5, "@timestamp": 2, t: 1e20, event: { category: "process" } },
    ];
    expect(() => q.run(ev)).not.toThrow();
  });
  it("as the time of a streamed sequence event: a coded data error", () => {
    const s = compile("sequence [process where id == 1] [process where id == 4]").stream();
    let code: unknown;
    try {
      s.push(events[0] as never);
    } catch (e) {
      code = (e as { code?: unknown }).code;
    }
    expect(code).toBe("EQL_MISSING_TIMESTAMP");
  });
});

describe("unusable timestamps in rules", () => {
  it("are skipped by runRules and a rule set, never thrown", () => {
    const rule = ruleFromObject(ruleObject({ query: 'process where process.name == "curl"' }));
    const bad = ["99999999999999999999", "1704067200000000000", 1e20, "2024-02-30T00:00:00Z"].map((t) =>
      curlEvent("2026-05-04T10:25:00Z", { "@timestamp": t }),
    );
    const events = [...bad, curlEvent("2026-05-04T10:25:00Z")];
    expect(() => runRules([rule], events, { now: "2026-05-04T10:30:00Z" })).not.toThrow();
    expect(() => runRules([rule], events, { now: "2026-05-04T10:30:00Z", window: false })).not.toThrow();
    const set = compileRules([rule]);
    for (const e of events) expect(() => set.push(e)).not.toThrow();
    expect(() => set.end()).not.toThrow();
  });

  it("an event a sequence stage matches without a timestamp is skipped; the batch's sequences still alert", () => {
    const rule = ruleFromObject(
      ruleObject({
        query:
          'sequence by host.id [process where process.name == "bash"] [process where process.name == "curl"]',
      }),
    );
    const proc = (name: string, time?: string) => ({
      ...(time === undefined ? {} : { "@timestamp": time }),
      event: { category: ["process"] },
      host: { id: "h1" },
      process: { name },
    });
    const events = [proc("bash"), proc("bash", "2026-05-04T10:25:00Z"), proc("curl", "2026-05-04T10:25:01Z")];
    const r = runRules([rule], events, { now: "2026-05-04T10:30:00Z", window: false });
    // One shell alert and two building blocks, from the timed pair.
    expect(r.alerts).toHaveLength(3);
    expect(r.reports[0]).toMatchObject({ matched: 1, alerts: 3, skipped: 1 });
  });
});
