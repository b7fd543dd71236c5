/** The rule index must never change an answer: indexed and unindexed rule sets agree on everything. */
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { parseMapping } from "../../src/mapping.js";
import { parse } from "../../src/parse.js";
import { ruleFromObject } from "../../src/rules/from-object.js";
import { presearchAlternatives } from "../../src/rules/presearch.js";
import { PresearchIndex } from "../../src/rules/presearch-index.js";
import { compileRules } from "../../src/rules/rule-set.js";
import { runRules } from "../../src/rules/run.js";
import { FieldTable } from "../../src/runtime/field-table.js";

const ctx = { mapping: parseMapping(undefined), timestampField: "@timestamp" };
const alternatives = (q: string) => presearchAlternatives(parse(q).query, ctx);

describe("required terms", () => {
  it("takes the most selective conjunct and every side of a disjunction; the other conjuncts are checks", () => {
    expect(
      alternatives('process where host.os.type == "linux" and process.name in ("curl", "wget")'),
    ).toEqual([
      {
        category: "process",
        terms: [
          { field: "process.name", kind: "exact", folded: false, text: "curl" },
          { field: "process.name", kind: "exact", folded: false, text: "wget" },
        ],
        checks: [[{ field: "host.os.type", kind: "exact", folded: false, text: "linux" }]],
      },
    ]);
    expect(alternatives('any where process.name : "CuRL" or file.path like~ "*.SO"')).toEqual([
      {
        category: null,
        terms: [
          { field: "process.name", kind: "exact", folded: true, text: "curl" },
          { field: "file.path", kind: "suffix", folded: true, text: ".so" },
        ],
        checks: [],
      },
    ]);
  });

  it("finds a rule by its terms and keeps it only when the event also holds a term of each check", () => {
    const table = new FieldTable();
    const index = new PresearchIndex(table, 2);
    index.add(
      0,
      "event.category",
      alternatives(
        'process where host.os.type == "linux" and process.name in ("curl", "wget") and process.args : ("*http*", "-O") and process.pid > 1',
      ),
    );
    index.add(
      1,
      "event.category",
      alternatives('process where host.os.type == "linux" and process.name == "curl"'),
    );
    const candidates = (e: unknown) => {
      table.next();
      return [...index.candidates(e)];
    };
    const event = (os: string, name: string, args: unknown) => ({
      event: { category: "process" },
      host: { os: { type: os } },
      process: { name, args },
    });
    expect(candidates(event("linux", "curl", ["curl", "https://x"]))).toEqual([0, 1]);
    expect(candidates(event("linux", "wget", ["wget", "-O", "f"]))).toEqual([0]);
    // The lookup finds rule 0 by its name; the checks on the OS and the arguments rule it out.
    expect(candidates(event("windows", "curl", ["curl", "https://x"]))).toEqual([]);
    expect(candidates(event("linux", "curl", ["curl", "-v"]))).toEqual([1]);
    // A value that is not a string may hold any term of a check.
    expect(candidates(event("linux", "wget", [1]))).toEqual([0]);
    expect(index.stats()).toEqual({ indexedRules: 2, alwaysRules: 0, terms: 3, checks: 2 });
  });

  it("indexes nothing under not, regex, functions, or a disjunction with an unindexable side", () => {
    for (const q of [
      'process where not process.name == "a"',
      'process where process.name regex "a.*"',
      'process where startsWith(process.name, "a")',
      'process where process.name == "a" or process.pid > 4',
      'process where process.name : "*"',
      'process where process.name != "a"',
    ]) {
      expect(alternatives(q)[0]?.terms, q).toBeNull();
    }
  });

  it("gives one alternative per sequence term and until", () => {
    const alts = alternatives(
      'sequence by host.id [process where process.name == "a"] [network where true] until [process where event.type == "end"]',
    );
    expect(alts.map((a) => a.category)).toEqual(["process", "network", "process"]);
    expect(alts[1]?.terms).toBeNull();
  });

  it("tells which alternatives of a candidate the event reached", () => {
    const table = new FieldTable();
    const index = new PresearchIndex(table, 2);
    index.add(
      0,
      "event.category",
      alternatives(
        'sequence by host.id [process where process.name == "curl"] [process where user.id == "0"] [network where true] until [process where event.type == "end"]',
      ),
    );
    index.add(1, "event.category", alternatives('process where process.name == "curl"'));
    const reached = (e: unknown) => {
      table.next();
      const candidates = [...index.candidates(e)];
      const mask = index.reached(0);
      return { candidates, alts: [0, 1, 2, 3].map((k) => (mask & (1 << k)) !== 0) };
    };
    // A process start of root: only the second term could match it (the first needs curl, the
    // third is of another category, until needs an end).
    expect(reached({ event: { category: "process" }, process: { name: "bash" }, user: { id: "0" } })).toEqual(
      {
        candidates: [0],
        alts: [false, true, false, false],
      },
    );
    expect(reached({ event: { category: "process", type: "end" }, process: { name: "curl" } })).toEqual({
      candidates: [0, 1],
      alts: [true, false, false, true],
    });
    expect(reached({ event: { category: "network" } })).toEqual({
      candidates: [0],
      alts: [false, false, true, false],
    });
  });

  it("a constant false condition needs no event", () => {
    expect(alternatives("process where false")[0]?.terms).toEqual([]);
  });
});

const FIELDS = ["process.name", "process.args", "file.path", "host.os.type", "user.name"];
const VALUES = [
  "curl",
  "CURL",
  "Curl",
  "wget",
  "cu",
  "/tmp/x",
  "/TMP/x",
  "lib.so",
  "LIB.SO",
  "5",
  "",
  "éÉ",
  "xÉy",
  "k\u212a",
];
const PATTERNS = ["cu*", "*rl", "*url*", "c?rl", "/tmp/*", "*.so", "*", "5*", "?", "*É", "K*", "*é*", "*xé*"];

const str = (s: string) => JSON.stringify(s);
const field = fc.constantFrom(...FIELDS).chain((f) => fc.constantFrom(f, `?${f}`));
const leaf: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(field, fc.constantFrom("==", "!="), fc.constantFrom(...VALUES))
    .map(([f, op, v]) => `${f} ${op} ${str(v)}`),
  fc
    .tuple(
      field,
      fc.constantFrom(":", "like", "like~"),
      fc.array(fc.constantFrom(...VALUES, ...PATTERNS), { minLength: 1, maxLength: 3 }),
    )
    .map(([f, op, ps]) => `${f} ${op} (${ps.map(str).join(", ")})`),
  fc
    .tuple(
      field,
      fc.constantFrom("in", "in~", "not in"),
      fc.array(fc.constantFrom(...VALUES), { minLength: 1, maxLength: 3 }),
    )
    .map(([f, op, vs]) => `${f} ${op} (${vs.map(str).join(", ")})`),
  fc.tuple(field, fc.constantFrom(...VALUES)).map(([f, v]) => `startsWith~(${f}, ${str(v)})`),
  fc.tuple(field).map(([f]) => `${f} == null`),
  fc.constantFrom("true", "false", "process.pid == 5", 'process.name regex~ "c.*"'),
);
const condition: fc.Arbitrary<string> = fc.letrec<{ c: string }>((tie) => ({
  c: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.tuple(tie("c"), fc.constantFrom("and", "or"), tie("c")).map(([a, op, b]) => `(${a} ${op} ${b})`),
    tie("c").map((a) => `not ${a}`),
  ),
})).c;
const query = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.constantFrom("process", "file", "any"), condition)
      .map(([c, x]) => `${c} where ${x}`),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(condition, condition)
      .map(([a, b]) => `sequence by host.id [process where ${a}] [file where ${b}]`),
  },
);

const value = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<unknown>(...VALUES) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(5, true, null, 0) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom<unknown>(...VALUES, 5), { maxLength: 3 }) },
);
const event = fc
  .tuple(
    fc.constantFrom<unknown>("process", "file", "network", ["process", "file"], undefined),
    fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 4 }),
    fc.boolean(),
    fc.constantFrom("h1", "h2"),
    fc.integer({ min: 0, max: 1000 }),
  )
  .map(([category, fields, dotted, host, t]) => {
    const e: Record<string, unknown> = { "@timestamp": 1_700_000_000_000 + t * 1000, host: { id: host } };
    if (category !== undefined) e.event = { category };
    for (const [k, v] of Object.entries(fields)) {
      if (dotted) e[k] = v;
      else {
        const path = k.split(".");
        let node = e;
        for (const s of path.slice(0, -1)) {
          if (typeof node[s] !== "object" || node[s] === null) node[s] = {};
          node = node[s] as Record<string, unknown>;
        }
        node[path[path.length - 1] as string] = v;
      }
    }
    return e;
  });

function load(queries: readonly string[]) {
  const rules = [];
  for (const [i, q] of queries.entries()) {
    try {
      rules.push(
        ruleFromObject({
          rule_id: `r${i}`,
          name: `rule ${i}`,
          description: q,
          type: "eql",
          language: "eql",
          query: q,
          risk_score: 21,
          severity: "low",
          index: ["*"],
          max_signals: 1000,
        }),
      );
    } catch {
      // A generated query that does not type-check is simply not part of the set.
    }
  }
  return rules;
}

describe("indexed and unindexed rule sets", () => {
  it("give the same alerts and reports over random rules and events", () => {
    fc.assert(
      fc.property(
        fc.array(query, { minLength: 1, maxLength: 12 }),
        fc.array(event, { maxLength: 40 }),
        (qs, events) => {
          const rules = load(qs);
          const run = (presearch: boolean) => runRules(rules, events, { now: 0, window: false, presearch });
          const indexed = run(true);
          const plain = run(false);
          expect(indexed.alerts).toEqual(plain.alerts);
          // Only how many events each rule evaluated differs: that is what the index saves.
          const strip = (rs: typeof plain.reports) => rs.map(({ evaluated: _, ...r }) => r);
          expect(strip(indexed.reports)).toEqual(strip(plain.reports));
          // And each event rule alone agrees with its own compiled query.
          for (const r of rules) {
            if (r.compiled.kind !== "event") continue;
            const expected = events.filter((e) => r.compiled.matches(e)).length;
            const report = indexed.reports.find((x) => x.rule_id === r.rule.rule_id);
            expect(report?.matched, r.rule.query).toBe(expected);
          }
        },
      ),
      { numRuns: 200 },
    );
  }, 120_000);

  it("read each field once per event however many rules use it", () => {
    const rules = load(Array.from({ length: 50 }, (_, i) => `process where process.name : "p${i}*"`));
    const set = compileRules(rules, { now: 0, window: false });
    let reads = 0;
    const e = {
      event: { category: "process" },
      process: {
        get name() {
          reads++;
          return "p7x";
        },
      },
    };
    set.push(e);
    expect(reads).toBe(1);
    expect(set.stats().evaluations).toBe(1);
    expect(set.stats().presearch.indexedRules).toBe(50);
  });

  it("do not read the fields whose first segment is not among the event's own keys", () => {
    const rules = load([
      ...Array.from({ length: 20 }, (_, i) => `any where winlog.event_data.f${i} : "w${i}"`),
      'process where process.name : "curl"',
    ]);
    const set = compileRules(rules, { now: 0, window: false });
    const read: string[] = [];
    const target = { event: { category: "process" }, process: { name: "curl" } };
    const e = new Proxy(target, {
      get(t, k, r) {
        if (typeof k === "string") read.push(k);
        return Reflect.get(t, k, r);
      },
    });
    set.push(e);
    expect(read.some((k) => k.startsWith("winlog"))).toBe(false);
    expect(set.stats().evaluations).toBe(1);
    set.end();
    expect(set.reports().map((r) => r.matched)).toEqual([...Array(20).fill(0), 1]);
  });

  it("still find a field's values under a dotted key, nested dotted keys and non-enumerable own keys", () => {
    const rules = load([
      'process where process.parent.name : "sshd"',
      'any where winlog.channel == "Security"',
    ]);
    const hidden: Record<string, unknown> = { event: { category: "process" } };
    Object.defineProperty(hidden, "process", { value: { parent: { name: "sshd" } }, enumerable: false });
    const inherited = Object.create({ winlog: { channel: "Security" } }) as Record<string, unknown>;
    inherited.event = { category: "process" };
    const events: Record<string, unknown>[] = [
      { event: { category: "process" }, "process.parent.name": "sshd" },
      { event: { category: "process" }, process: { "parent.name": "sshd" } },
      { event: { category: "process" }, "process.parent": { name: "sshd" } },
      hidden,
      { "winlog.channel": "Security" },
      // An inherited key is not one of the event's fields, with or without the index.
      inherited,
    ];
    const run = (presearch: boolean) =>
      runRules(rules, events, { now: 0, window: false, presearch }).reports.map((r) => r.matched);
    expect(run(true)).toEqual([4, 1]);
    expect(run(true)).toEqual(run(false));
  });

  it("remember which terms a value holds, so a value seen before is not scanned again; not a long one", () => {
    const set = compileRules(load(['process where process.name : "zzz*"']), { now: 0, window: false });
    const short = "Curl-X";
    const long = `Curl-${"x".repeat(300)}`;
    const lower = String.prototype.toLowerCase;
    const folds = new Map<string, number>();
    const spy = vi.spyOn(String.prototype, "toLowerCase").mockImplementation(function (this: string) {
      const v = String(this);
      folds.set(v, (folds.get(v) ?? 0) + 1);
      return lower.call(this);
    });
    try {
      for (let i = 0; i < 3; i++) {
        // A new string each time, as each parsed event brings its own.
        set.push({ event: { category: "process" }, process: { name: `${short} `.trim() } });
        set.push({ event: { category: "process" }, process: { name: `${long} `.trim() } });
      }
    } finally {
      spy.mockRestore();
    }
    // Neither value reaches the rule: the folds counted are the index's own.
    expect(set.stats().evaluations).toBe(0);
    expect(folds.get(short)).toBe(1);
    expect(folds.get(long)).toBe(3);
  });

  it("fold each value once per event for : like~ in~, however many rules compare it", () => {
    // Negated conditions are not indexed: every rule evaluates its comparison on the same value.
    const queries = Array.from({ length: 20 }, (_, i) => [
      `process where not process.name : "q${i}*"`,
      `process where not process.name like~ "q${i}*"`,
      `process where not process.name in~ ("q${i}")`,
    ]).flat();
    const set = compileRules(load(queries), { now: 0, window: false });
    const value = "Folded-Once-Value";
    const lower = String.prototype.toLowerCase;
    let folds = 0;
    const spy = vi.spyOn(String.prototype, "toLowerCase").mockImplementation(function (this: string) {
      if (String(this) === value) folds++;
      return lower.call(this);
    });
    try {
      expect(set.push({ event: { category: "process" }, process: { name: value } })).toHaveLength(0);
      set.end();
    } finally {
      spy.mockRestore();
    }
    expect(set.reports().every((r) => r.matched === 1)).toBe(true);
    expect(folds).toBe(1);
  });
});
