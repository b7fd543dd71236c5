import { describe, expect, it } from "vitest";
import { compile } from "../../src/compile.js";
import type { EqlEvent } from "../../src/types.js";

const E1: EqlEvent = {
  event: { category: ["process"], type: ["start"] },
  process: { name: "curl", args: ["curl", "https://10.0.0.1:10250/pods"] },
};

const m = (query: string, event: EqlEvent = E1, options = {}) => compile(query, options).matches(event);

describe("any-value semantics on multi-valued fields (§4.1)", () => {
  it.each([
    ['process where process.args == "curl"', true],
    ['process where process.args != "curl"', false],
    ['process where process.args != "wget"', true],
    ['process where process.args : "*10250*"', true],
    ['process where process.args like "https://*"', true],
    ["process where length(process.args) == 2", false],
    ["process where length(process.args) == 4", true],
    ["process where process.pid != 5", true],
    ["process where not (process.pid > 0)", true],
    ["process where process.pid == null", true],
    ['process where process.pid > 0 or process.name == "curl"', true],
    ["network where true", false],
    ['process where process.args == "curl" and process.args == "https://10.0.0.1:10250/pods"', true],
  ])("%s → %s", (q, expected) => {
    expect(m(q)).toBe(expected);
  });
});

describe("equality and ordering (§4.2, §4.3)", () => {
  it("is case-sensitive and treats * literally", () => {
    expect(m('any where process.name == "CURL"')).toBe(false);
    expect(m('any where process.name == "cu*"')).toBe(false);
    expect(m('any where f == "cmd*.exe"', { f: "cmd*.exe" })).toBe(true);
  });
  it("widens numbers and coerces schemaless strings", () => {
    expect(m("any where x == 1.0", { x: 1 })).toBe(true);
    expect(m("any where x == 123", { x: "123" })).toBe(true);
    expect(m('any where x == "123"', { x: 123 })).toBe(true);
    expect(m('any where x == "abc"', { x: 123 })).toBe(false);
    expect(m('any where x == "true"', { x: true })).toBe(true);
  });
  it("orders strings by code point, upper case first", () => {
    const e = { name: "System Idle Process" };
    expect(m('any where name >= "System"', e)).toBe(true);
    expect(m('any where name <= "system idle process"', e)).toBe(true);
    expect(m('any where name >= "system idle process"', e)).toBe(false);
  });
  it("compares strings with number literals as text", () => {
    expect(m("any where x > 5", { x: "10" })).toBe(false);
    expect(m("any where x > 5", { x: 10 })).toBe(true);
  });
  it("treats a missing field as false, and its negation as true", () => {
    expect(m("any where x < 1", {})).toBe(false);
    expect(m("any where x >= 0", {})).toBe(false);
    expect(m("any where not (x < 1)", {})).toBe(true);
  });
  it("moves a literal on the left to the right", () => {
    expect(m("any where 5 < x", { x: 6 })).toBe(true);
    expect(m("any where 5 < x", { x: 4 })).toBe(false);
  });
  it("orders booleans false < true", () => {
    expect(m("any where b > false", { b: true })).toBe(true);
  });
});

describe(": like regex in (§4.4–§4.7)", () => {
  const p = { p: "C:\\Windows\\System32\\cmd.exe" };
  it.each([
    ['p like "C:\\\\Windows\\\\*"', true],
    ['p like "c:\\\\windows\\\\*"', false],
    ['p like~ "c:\\\\windows\\\\*"', true],
    ['p : "*\\\\cmd.exe"', true],
    ['p like "*.EXE"', false],
    ['p like "*[a-z]*"', false],
    ['p : "c:\\\\windows\\\\system32\\\\CMD.exe"', true],
  ])("%s → %s", (q, expected) => {
    expect(m(`any where ${q}`, p)).toBe(expected);
  });
  it("lets * cross / and ? match one character", () => {
    expect(m('any where u like "a*c"', { u: "a/b/c" })).toBe(true);
    expect(m('any where u like "a?b?c"', { u: "a/b/c" })).toBe(true);
    expect(m('any where u like "a?c"', { u: "a/b/c" })).toBe(false);
  });
  it("matches regex on the whole value", () => {
    const h = { h: "srv-01.corp" };
    expect(m('any where h regex "srv-[0-9]+\\\\.corp"', h)).toBe(true);
    expect(m('any where h regex "srv"', h)).toBe(false);
    expect(m('any where h regex "SRV.*"', h)).toBe(false);
    expect(m('any where h regex~ "SRV.*"', h)).toBe(true);
    expect(m('any where h regex ("x.*", ".*corp")', h)).toBe(true);
    expect(m('any where h regex "^srv.*"', h)).toBe(false);
  });
  it("in, in~, not in", () => {
    expect(m('process where process.name in ("CURL","wget")')).toBe(false);
    expect(m('process where process.name in~ ("CURL","wget")')).toBe(true);
    expect(m('process where process.name not in ("wget")')).toBe(true);
    expect(m("process where process.pid not in (1,2)")).toBe(true);
    expect(m('process where process.args in ("curl")')).toBe(true);
    expect(m('any where x in~ ("test*")', { x: "TEST*" })).toBe(true);
    expect(m('any where x in~ ("test*")', { x: "testing" })).toBe(false);
    expect(m("any where x in (null)", { x: "a" })).toBe(false);
  });
});

describe("null checks and constant folding (§5)", () => {
  it.each([
    [{ a: null }, true],
    [{}, true],
    [{ a: [] }, true],
    [{ a: [null] }, true],
    [{ a: 0 }, false],
  ])("a == null on %j → %s", (e, expected) => {
    expect(m("any where a == null", e)).toBe(expected);
  });
  it("the empty string is a value", () => {
    expect(m("any where a != null", { a: "" })).toBe(true);
  });
  it.each([
    ["any where null == null", 1],
    ["any where null != null", 0],
    ["any where null == 1", 0],
    ["any where not (null == 1)", 1],
    ["any where null < 1", 0],
    ["any where not (null < 1)", 0],
    ["any where ?nosuchfield", 0],
    ['any where ?nosuchfield == "x"', 0],
    // Elasticsearch rewrites `a == b` to a null check when either side folds to null, and a `?field`
    // that exists nowhere folds to null: this is `not isNull("x")`, true for every event.
    ['any where not (?nosuchfield == "x")', 1],
    ["any where ?x == ?y", 1],
    ['any where not (realfield == "x")', 1],
  ])("%s returns %i event(s)", (q, n) => {
    const r = compile(q).run([{ other: 1 }]);
    expect("events" in r && r.events.length).toBe(n);
  });
  it("?field present in the data is an ordinary field", () => {
    const r = compile('any where ?user == "x"').run([{ user: "x" }, { user: "y" }]);
    expect("events" in r && r.events.length).toBe(1);
  });
});

describe("field access (§1.2)", () => {
  it("reads nested objects, dotted keys and mixtures", () => {
    expect(m('any where process.parent.name == "y"', { process: { "parent.name": "y" } })).toBe(true);
    expect(m('any where process.parent.name == "y"', { "process.parent.name": "y" })).toBe(true);
    expect(m('any where process.parent.name == "y"', { "process.parent": { name: "y" } })).toBe(true);
  });
  it("maps arrays in the middle of a path", () => {
    const e = { a: [{ b: 1 }, { b: 2 }] };
    expect(m("any where a.b == 2", e)).toBe(true);
    expect(m("any where a.b == 3", e)).toBe(false);
  });
  it("never reads the prototype chain", () => {
    expect(m("any where constructor != null", {})).toBe(false);
    expect(m("any where toString != null", {})).toBe(false);
    expect(m("any where `__proto__` != null", {})).toBe(false);
    expect(m("any where a.constructor.name != null", { a: {} })).toBe(false);
    const own = JSON.parse('{"__proto__": "x"}');
    expect(m('any where `__proto__` == "x"', own)).toBe(true);
  });
  it("treats a path ending on an object as missing", () => {
    expect(m("any where process == null", { process: { name: "x" } })).toBe(true);
  });
});

describe("categories (§7.1)", () => {
  it("matches any element, case-sensitively", () => {
    expect(m("process where true", { event: { category: ["process", "network"] } })).toBe(true);
    expect(m("process where true", { event: { category: ["Process"] } })).toBe(false);
    expect(m("process where true", {})).toBe(false);
    expect(m("any where true", {})).toBe(true);
    expect(m('"my-cat" where true', { event: { category: "my-cat" } })).toBe(true);
  });
  it("uses a configurable category field", () => {
    expect(m("file where true", { event_type: "file" }, { eventCategoryField: "event_type" })).toBe(true);
  });
});

describe("arithmetic (§4.8)", () => {
  it.each([
    ["x / 3 == 1", { x: 4 }, true],
    ["x / 3 == -1", { x: -4 }, true],
    ["x / 3.0 > 1.3", { x: 4 }, true],
    ["x % 6 == -4", { x: -10 }, true],
    ["x % -6 == 4", { x: 10 }, true],
    ["x + 1 == 3", { x: [2, 7] }, true],
    ["-x == -2", { x: 2 }, true],
    ["x / 0 == 1", { x: 2 }, false],
  ])("%s on %j → %s", (q, e, expected) => {
    expect(m(`any where ${q}`, e)).toBe(expected);
  });
});

describe("ordering and limits (§7.2, §10)", () => {
  const events = Array.from({ length: 20 }, (_, i) => ({
    "@timestamp": 1000 + i,
    event: { category: "process" },
    id: i + 1,
  }));
  const ids = (q: string, opts = {}) => {
    const r = compile(q, opts).run(events);
    return "events" in r ? r.events.map((h) => h._source.id) : [];
  };
  it.each([
    ["process where true", {}, [11, 12, 13, 14, 15, 16, 17, 18, 19, 20]],
    ["process where true", { resultPosition: "head" }, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
    ["process where true | head 3", {}, [1, 2, 3]],
    ["process where true | tail 3", {}, [18, 19, 20]],
    ["process where true | head 5 | tail 2", {}, [4, 5]],
    ["process where true | tail 5 | head 2", {}, [16, 17]],
    ["process where true | tail 3 | tail 1", {}, [20]],
    ["process where true | head 15", {}, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
    ["process where true | head 15", { size: 100 }, Array.from({ length: 15 }, (_, i) => i + 1)],
    ["process where true | head 0", {}, []],
    ["process where true", { size: 0 }, []],
  ])("%s %j", (q, opts, expected) => {
    expect(ids(q, opts)).toEqual(expected);
  });
  it("sorts by timestamp, then tiebreaker, then input position", () => {
    const evs = [
      { "@timestamp": 5, seq: 2, id: "a" },
      { "@timestamp": 5, seq: 1, id: "b" },
      { "@timestamp": 1, id: "c" },
      { "@timestamp": 5, id: "d" },
      { "@timestamp": "1970-01-01T00:00:00.004Z", id: "e" },
    ];
    const r = compile("any where true", { tiebreakerField: "seq" }).run(evs);
    expect("events" in r && r.events.map((h) => h._source.id)).toEqual(["c", "e", "b", "a", "d"]);
  });
});

describe("mapping", () => {
  const mapping = {
    properties: {
      event: { properties: { category: { type: "alias", path: "event_type" } } },
      event_type: { type: "keyword" },
      v: { type: "version" },
      ip: { type: "ip" },
      opt: { type: "keyword", null_value: "NULL" },
      d: { type: "date", format: "dd-MM-yyyy" },
    },
  };
  const mm = (q: string, e: EqlEvent) => compile(q, { mapping }).matches(e);
  it("follows aliases", () => {
    expect(mm("process where true", { event_type: "process" })).toBe(true);
  });
  it("compares versions", () => {
    expect(mm('any where v > "1.5.0"', { v: "1.11.3" })).toBe(true);
    expect(mm('any where v < "1.2.4"', { v: "1.2.4-SNAPSHOT" })).toBe(true);
  });
  it("matches ip fields by address and CIDR", () => {
    expect(mm('any where ip == "10.0.0.0/8"', { ip: "10.1.2.3" })).toBe(true);
    expect(mm('any where cidrMatch(ip, "10.0.0.0/8")', { ip: "10.1.2.3" })).toBe(true);
  });
  it("indexes an explicit null as null_value", () => {
    expect(mm('any where opt == "NULL"', { opt: null })).toBe(true);
    expect(mm('any where opt == "NULL"', {})).toBe(false);
  });
  it("parses dates with the mapped format", () => {
    expect(mm('any where d == "01-02-2020"', { d: "01-02-2020" })).toBe(true);
    expect(mm('any where d > "31-01-2020"', { d: "01-02-2020" })).toBe(true);
  });
});

describe("robustness", () => {
  it("never throws on strange events", () => {
    const q = compile('process where process.name : "x*" and length(process.args) > 2');
    for (const e of [null, undefined, 1, "s", [], { process: 5 }, { process: { name: { a: 1 } } }]) {
      expect(q.matches(e as unknown as EqlEvent)).toBe(false);
    }
    const hostile = {
      get process() {
        throw new Error("boom");
      },
    };
    expect(q.matches(hostile)).toBe(false);
  });
  it("counts input that is not an event", () => {
    const r = compile("any where true").run([{ a: 1 }, null, 5, [], { b: 2 }] as unknown as EqlEvent[]);
    expect("events" in r && r.events.length).toBe(2);
    expect(r.stats).toEqual({ eventsIn: 5, notObjects: 3 });
  });
  it("warns about a wildcard in ==", () => {
    const q = compile('any where process.name == "cmd*.exe"');
    expect(q.warnings.map((w) => w.code)).toEqual(["EQL_WILDCARD_IN_EQUALITY"]);
    expect(q.warnings[0]?.location.column).toBe(27);
  });
});

describe("semantic errors", () => {
  it.each([
    ["any where fooBar(x)", "EQL_UNKNOWN_FUNCTION"],
    ["any where startsWith(x)", "EQL_WRONG_ARITY"],
    ["any where length~(x) == 1", "EQL_NO_INSENSITIVE_VARIANT"],
    ["any where x == y", "EQL_FIELD_COMPARISON"],
    ["any where x in (y)", "EQL_FIELD_COMPARISON"],
    ["any where 1", "EQL_NOT_BOOLEAN"],
    ['any where "a"', "EQL_NOT_BOOLEAN"],
    ["any where x + 1", "EQL_NOT_BOOLEAN"],
    ["any where x : 5", "EQL_TYPE_MISMATCH"],
    ['any where x regex "a("', "EQL_INVALID_REGEX"],
    ['any where cidrMatch(x, "10.0.0.0/33")', "EQL_INVALID_CIDR"],
    ["any where x == 1 / 0", "EQL_DIVISION_BY_ZERO"],
    ["any where cidrMatch(x, y)", "EQL_LITERAL_REQUIRED"],
  ])("%s → %s", (q, code) => {
    expect(() => compile(q)).toThrowError(expect.objectContaining({ code }));
  });
  it("points at the operator of a regex too complex to determinize", () => {
    try {
      compile('any where x regex "ab~((a|b)*a(a|b){15})"');
      expect.unreachable();
    } catch (e) {
      expect((e as { code: string }).code).toBe("EQL_INVALID_REGEX");
      expect((e as { column: number }).column).toBe(22);
    }
  });
  it("suggests the nearest function name", () => {
    try {
      compile('any where startWith(x, "a")');
      expect.unreachable();
    } catch (e) {
      expect((e as { hint?: string }).hint).toContain("startsWith");
      expect((e as { column: number }).column).toBe(11);
    }
  });
});

describe("hits", () => {
  it("keep an event's _index and _id, as Elasticsearch returns them", () => {
    const e = { _index: "logs-a", _id: "x1", event: { category: "process" } };
    const r = compile("process where true").run([e, { event: { category: "process" } }]);
    expect("events" in r && r.events.map((h) => [h._index, h._id])).toEqual([
      ["logs-a", "x1"],
      [undefined, undefined],
    ]);
  });
});
