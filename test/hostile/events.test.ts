/** Hostile in-memory events: getters that throw, huge sparse arrays. */
import { describe, expect, it, vi } from "vitest";
import { MAX_NODES } from "../../src/engine/size.js";
import { compile, type EventsResult, type SequencesResult } from "../../src/index.js";
import { numericScanStats } from "../../src/runtime/numeric-text.js";

function throwingTimestamp(id: number): Record<string, unknown> {
  const e: Record<string, unknown> = { id, event: { category: "process" } };
  Object.defineProperty(e, "@timestamp", {
    enumerable: true,
    get() {
      throw new Error("no time");
    },
  });
  return e;
}

const ids = (r: EventsResult) => r.events.map((h) => (h._source as { id: number }).id);

describe("a getter that throws on the timestamp", () => {
  const good = (id: number, t: number) => ({ id, "@timestamp": t, event: { category: "process" } });

  it("does not escape run() of an event query: the event sorts as untimed", () => {
    const r = compile("process where true").run([
      good(1, 2),
      throwingTimestamp(2),
      good(3, 1),
    ]) as EventsResult;
    expect(ids(r)).toEqual([3, 1, 2]);
  });

  it("does not escape stream.push() of an event query", () => {
    const s = compile("process where true").stream();
    expect(s.push(throwingTimestamp(1) as never)).toHaveLength(1);
    expect(s.push(good(2, 1) as never)).toHaveLength(1);
  });

  it("is a coded data error of that event in a sequence, as a missing timestamp is", () => {
    const q = compile("sequence [process where id == 1] [process where id == 2]");
    const s = q.stream();
    s.push(good(1, 1) as never);
    let code: unknown;
    try {
      s.push(throwingTimestamp(2) as never);
    } catch (e) {
      code = (e as { code?: unknown }).code;
    }
    expect(code).toBe("EQL_MISSING_TIMESTAMP");
    // Others are unaffected: the stream goes on.
    const out = [...s.push(good(2, 3) as never), ...s.end()];
    expect(out).toHaveLength(1);
    let batchCode: unknown;
    try {
      q.run([good(1, 1), throwingTimestamp(2)]) as SequencesResult;
    } catch (e) {
      batchCode = (e as { code?: unknown }).code;
    }
    expect(batchCode).toBe("EQL_MISSING_TIMESTAMP");
  });

  it("on the tiebreaker reads as no tiebreaker", () => {
    const e = { id: 2, "@timestamp": 1, event: { category: "process" } } as Record<string, unknown>;
    Object.defineProperty(e, "seq", {
      enumerable: true,
      get() {
        throw new Error("no tiebreaker");
      },
    });
    const r = compile("process where true", { tiebreakerField: "seq" }).run([e, { ...good(1, 1), seq: 1 }]);
    expect(ids(r as EventsResult)).toEqual([1, 2]);
    expect(() =>
      compile("sequence [process where id == 2] [process where id == 1]", { tiebreakerField: "seq" }).run([
        e,
        { ...good(1, 2), seq: 1 },
      ]),
    ).not.toThrow();
  });
});

describe("long digit strings", () => {
  const long = "9".repeat(80_000);
  /** Characters the number scans examined while `q` matched `event`. */
  const examined = (q: string, event: Record<string, unknown>, options?: Parameters<typeof compile>[1]) => {
    const query = compile(q, options);
    const before = numericScanStats.examined;
    query.matches(event);
    return numericScanStats.examined - before;
  };
  it("in a field mapped as a number, compared and converted in linear time", () => {
    const mapping = { properties: { n: { type: "long" } } };
    for (const value of [`${long}x`, long, `${long}.${long}x`, ` ${long} x`]) {
      for (const q of ["any where n == 5", "any where n > 5", 'any where n == "5"']) {
        const work = examined(q, { n: value }, { mapping });
        // The value is scanned once, each character once (a backtracking match reads the digits n²/2 times).
        expect(work, q).toBeGreaterThanOrEqual(long.length);
        expect(work, q).toBeLessThanOrEqual(value.length + 8);
      }
    }
  });
  it("through number() and unmapped comparisons", () => {
    for (const value of [`${long}x`, long, `${long}e${long}x`, `-${long}`]) {
      const work = examined("any where number(n) == 5", { n: value });
      expect(work).toBeGreaterThanOrEqual(long.length);
      expect(work).toBeLessThanOrEqual(value.length + 8);
      // Unmapped, text compares as a keyword: it is not read as a number at all.
      expect(examined("any where n == 5", { n: value })).toBeLessThanOrEqual(value.length + 8);
      expect(examined('any where n : "5"', { n: value })).toBeLessThanOrEqual(value.length + 8);
    }
    expect(compile("any where number(n) == 5").matches({ n: `000${"0".repeat(80_000)}5` })).toBe(true);
  });
  it("number() stops reading a Long's digits once it is out of range", () => {
    const q = compile("any where number(n) == 5");
    const digits = vi.spyOn(Number, "parseInt");
    try {
      expect(q.matches({ n: long })).toBe(false);
      // A Long has at most 19 digits: reading all 80,000 (a growing BigInt each) is quadratic work.
      expect(digits.mock.calls.length).toBeLessThan(100);
    } finally {
      digits.mockRestore();
    }
  });
});

describe("huge sparse arrays", () => {
  /** `target` behind a proxy that counts the elements read (index keys looked up). */
  const counted = <T extends object>(target: T) => {
    const counter = { reads: 0 };
    const proxy = new Proxy(target, {
      get(t, key, receiver) {
        if (typeof key === "string" && /^[0-9]+$/.test(key)) counter.reads++;
        return Reflect.get(t, key, receiver);
      },
    });
    return { proxy, counter };
  };
  const sparseWithLast = () => {
    const arr: string[] = [];
    arr[1e9 - 1] = "x";
    return arr;
  };
  const empty = () => {
    const arr: string[] = [];
    arr.length = 1e9;
    return arr;
  };

  it("read only the elements that exist: holes are not visited one by one", () => {
    const q = compile('process where process.args == "x"');
    const hit = counted(sparseWithLast());
    expect(q.matches({ event: { category: "process" }, process: { args: hit.proxy } })).toBe(true);
    expect(hit.counter.reads).toBeGreaterThan(0);
    expect(hit.counter.reads).toBeLessThan(100);
    const none = counted(empty());
    expect(q.matches({ event: { category: "process" }, process: { args: none.proxy } })).toBe(false);
    expect(none.counter.reads).toBeLessThan(100);
    // A hole is missing: != and `not` see no value, as for an absent field.
    expect(
      compile('process where process.args != "y"').matches({
        event: { category: "process" },
        process: { args: empty() },
      }),
    ).toBe(true);
  });

  it("along the path and in deeper fields too", () => {
    const target: { name?: string }[] = [];
    target[5e8] = { name: "x" };
    const mid = counted(target);
    expect(compile('any where a.b.name == "x"').matches({ a: { b: mid.proxy } })).toBe(true);
    expect(mid.counter.reads).toBeGreaterThan(0);
    expect(mid.counter.reads).toBeLessThan(100);
    const inner = counted(sparseWithLast());
    const outerTarget: unknown[] = [];
    outerTarget[7e8] = inner.proxy;
    const outer = counted(outerTarget);
    expect(compile('any where a == "x"').matches({ a: outer.proxy })).toBe(true);
    expect(outer.counter.reads).toBeGreaterThan(0);
    expect(outer.counter.reads).toBeLessThan(100);
    expect(inner.counter.reads).toBeGreaterThan(0);
    expect(inner.counter.reads).toBeLessThan(100);
  });

  it("small arrays with holes read the same as their elements", () => {
    // biome-ignore lint/suspicious/noSparseArray: a hole is what is tested
    const arr = [, "x", , "y"];
    expect(compile('any where a == "y"').matches({ a: arr })).toBe(true);
    expect(compile("any where length(a) > 0").matches({ a: arr })).toBe(true);
  });

  it("in a sequence run", () => {
    const q = compile('sequence [process where process.args == "x"] [process where true]');
    const hit = counted(sparseWithLast());
    const none = counted(empty());
    const events = [
      { "@timestamp": 1, event: { category: "process" }, process: { args: hit.proxy } },
      { "@timestamp": 2, event: { category: "process" }, process: { args: none.proxy } },
    ];
    expect((q.run(events) as SequencesResult).sequences).toHaveLength(1);
    // Besides the field reads, a held event's size estimate visits at most MAX_NODES values.
    expect(hit.counter.reads).toBeGreaterThan(0);
    expect(hit.counter.reads).toBeLessThan(MAX_NODES + 100);
    expect(none.counter.reads).toBeLessThan(MAX_NODES + 100);
  });
});
