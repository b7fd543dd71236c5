/**
 * Rule-set snapshots: a set cut anywhere, sent through JSON and restored into a set compiled from
 * the same rules gives the alerts, reports and stats of the set that ran uncut; and a wrong, used or
 * damaged snapshot gives a coded error.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stageEvaluation } from "../../src/engine/sequence.js";
import { EqlSnapshotError, SnapshotErrorCodes } from "../../src/errors.js";
import { loadRules } from "../../src/node/rules/load.js";
import type { AlertDocument } from "../../src/rules/alert.js";
import { ruleFromObject, ruleFromText } from "../../src/rules/index.js";
import { compileRules, type RuleSetOptions } from "../../src/rules/rule-set.js";
import type { RuleSetSnapshot } from "../../src/rules/rule-set-snapshot.js";
import type { LoadedRule } from "../../src/rules/types.js";
import { kubeletFile, kubeletToml, root } from "./helpers.js";

const T0 = Date.parse("2026-05-04T10:00:00Z");
const wallClock = () => T0 + 3_600_000;

const CATEGORIES = ["process", "file", "network"] as const;
const NAMES = ["curl", "bash", "sshd", "kubelet"] as const;

const cond = fc.oneof(
  fc.constantFrom(...NAMES).map((n) => `process.name == "${n}"`),
  fc.integer({ min: 1, max: 3 }).map((n) => `x < ${n}`),
  { weight: 2, arbitrary: fc.constant("true") },
);
const term = fc.tuple(fc.constantFrom(...CATEGORIES, "any"), cond).map(([c, x]) => `[${c} where ${x}]`);

const eventQuery = fc
  .tuple(fc.constantFrom(...CATEGORIES, "any"), cond, fc.constantFrom("", "", " | tail 2", " | head 3"))
  .map(([c, x, pipe]) => `${c} where ${x}${pipe}`);
const sequenceQuery = fc
  .record({
    by: fc.constantFrom("", "by host.id "),
    maxspan: fc.constantFrom("", "with maxspan=2m ", "with maxspan=20s "),
    terms: fc.array(term, { minLength: 2, maxLength: 3 }),
    until: fc.option(term, { nil: null, freq: 2 }),
  })
  .map(
    ({ by, maxspan, terms, until }) =>
      `sequence ${by}${maxspan}${terms.join(" ")}${until === null ? "" : ` until ${until}`}`,
  );
const sampleQuery = fc
  .array(term, { minLength: 2, maxLength: 3 })
  .map((terms) => `sample by host.id ${terms.join(" ")}`);

const ruleSpec = fc.record({
  query: fc.oneof({ weight: 3, arbitrary: eventQuery }, { weight: 3, arbitrary: sequenceQuery }, sampleQuery),
  maxSignals: fc.constantFrom(1, 2, 5, 100),
  interval: fc.constantFrom("1m", "5m"),
  from: fc.constantFrom("now-2m", "now-6m"),
  exception: fc.constantFrom<string | null>(null, null, null, ...NAMES),
});

function rulesOf(specs: readonly RuleSpecValue[]): LoadedRule[] {
  return specs.map((s, i) =>
    ruleFromObject(
      {
        rule_id: `rule-${i}`,
        name: `rule ${i}`,
        description: s.query,
        type: "eql",
        language: "eql",
        query: s.query,
        risk_score: 21,
        severity: "low",
        index: ["*"],
        max_signals: s.maxSignals,
        interval: s.interval,
        from: s.from,
      },
      s.exception === null
        ? {}
        : {
            exceptions: [{ entries: [{ field: "process.parent.name", type: "match", value: s.exception }] }],
          },
    ),
  );
}
type RuleSpecValue = {
  query: string;
  maxSignals: number;
  interval: string;
  from: string;
  exception: string | null;
};

/**
 * Input items: events in roughly rising time (some late, some hours ahead), an earlier event again
 * (delivered twice), non-objects, clock ticks.
 */
const item = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      dt: fc.oneof(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 0, max: 90_000 })),
      back: fc.constantFrom(0, 0, 0, 0, 15_000, 200_000, -5 * 3_600_000),
      cat: fc.constantFrom(...CATEGORIES),
      name: fc.constantFrom(...NAMES),
      parent: fc.constantFrom(...NAMES),
      host: fc.constantFrom("h1", "h2"),
      x: fc.integer({ min: 0, max: 3 }),
      stamp: fc.constantFrom("iso", "iso", "iso", "number", "number", "number", "none"),
    }),
  },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, 7, "text", [1]).map((v) => ({ raw: v })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 400_000 }).map((ahead) => ({ tick: ahead })) },
  { weight: 1, arbitrary: fc.nat().map((again) => ({ again })) },
);

type Input = { event: unknown } | { tick: number };

function inputs(rows: readonly unknown[]): Input[] {
  let t = T0;
  const made: unknown[] = [];
  return rows.map((row, id): Input => {
    const r = row as Record<string, unknown>;
    if ("raw" in r) return { event: r.raw };
    if ("tick" in r) return { tick: t + (r.tick as number) };
    // A copy: the same object pushed twice is one event to a sample, which a restore cannot know.
    if ("again" in r)
      return { event: made.length === 0 ? null : structuredClone(made[(r.again as number) % made.length]) };
    t += r.dt as number;
    const time = t - (r.back as number);
    const e: Record<string, unknown> = {
      id,
      event: { category: [r.cat] },
      host: { id: r.host, name: r.host },
      process: { name: r.name, parent: { name: r.parent } },
      x: r.x,
    };
    if (r.stamp === "iso") e["@timestamp"] = new Date(time).toISOString();
    else if (r.stamp === "number") e["@timestamp"] = time;
    made.push(e);
    return { event: e };
  });
}

const settings = fc.record({
  mode: fc.constantFrom("scheduled", "scheduled", "now", "nowindow"),
  lateness: fc.constantFrom(0, 30_000, Number.POSITIVE_INFINITY),
  memoryBudget: fc.constantFrom(undefined, 6_000, 40_000),
  presearch: fc.boolean(),
  nowOffset: fc.integer({ min: 0, max: 900_000 }),
  maxTimeJump: fc.constantFrom(undefined, 120_000),
});
type Settings = {
  mode: string;
  lateness: number;
  memoryBudget?: number;
  presearch: boolean;
  nowOffset: number;
  maxTimeJump?: number;
};

function optionsOf(s: Settings): RuleSetOptions {
  const o: RuleSetOptions = { presearch: s.presearch, wallClock, spaceId: "space-1" };
  if (s.memoryBudget !== undefined) o.memoryBudget = s.memoryBudget;
  if (s.maxTimeJump !== undefined) o.maxTimeJump = s.maxTimeJump;
  if (s.mode === "scheduled") o.lateness = s.lateness;
  if (s.mode === "now") o.now = T0 + s.nowOffset;
  if (s.mode === "nowindow") {
    o.now = T0;
    o.window = false;
    o.lateness = s.lateness;
  }
  return o;
}

type Set_ = ReturnType<typeof compileRules>;

function feed(set: Set_, items: readonly Input[], out: AlertDocument[][]): void {
  for (const it of items) out.push("tick" in it ? set.advanceTo(it.tick) : set.push(it.event));
}

/**
 * Run uncut, and cut at `cut` through JSON: alerts (per call), reports and stats must agree. With
 * `eagerWhole`, the uncut run evaluates every sequence filter of every event (`stageEvaluation`),
 * and a set cut at the same point that way must take the same snapshot as the lazy one.
 */
function compareCut(
  rules: LoadedRule[],
  items: Input[],
  cut: number,
  options: () => RuleSetOptions,
  eagerWhole = false,
) {
  stageEvaluation.lazy = !eagerWhole;
  let whole: Set_;
  try {
    whole = compileRules(rules, options());
  } finally {
    stageEvaluation.lazy = true;
  }
  const expected: AlertDocument[][] = [];
  feed(whole, items, expected);
  expected.push(whole.end());

  const first = compileRules(rules, options());
  const got: AlertDocument[][] = [];
  feed(first, items.slice(0, cut), got);
  const snap = first.snapshot();
  const wire = JSON.parse(JSON.stringify(snap)) as RuleSetSnapshot;
  expect(wire).toStrictEqual(snap);
  if (eagerWhole) {
    stageEvaluation.lazy = false;
    try {
      const eager = compileRules(rules, options());
      feed(eager, items.slice(0, cut), []);
      expect(JSON.parse(JSON.stringify(eager.snapshot()))).toStrictEqual(wire);
    } finally {
      stageEvaluation.lazy = true;
    }
  }
  const second = compileRules(rules, options());
  second.restore(wire);
  expect(second.stats()).toEqual(first.stats());
  expect(second.reports()).toEqual(first.reports());
  // A restored set saves the very document it was restored from.
  expect(JSON.parse(JSON.stringify(second.snapshot()))).toStrictEqual(wire);
  const rest = got.slice();
  feed(second, items.slice(cut), got);
  got.push(second.end());

  expect(got).toEqual(expected);
  expect(second.reports()).toEqual(whole.reports());
  expect(second.stats()).toEqual(whole.stats());

  // Taking a snapshot changes nothing: the original goes on as if it had not.
  feed(first, items.slice(cut), rest);
  rest.push(first.end());
  expect(rest).toEqual(expected);
}

describe("rule-set snapshot and restore", () => {
  it("a set cut anywhere and restored from JSON gives the same alerts, reports and stats", () => {
    fc.assert(
      fc.property(
        fc.array(ruleSpec, { minLength: 1, maxLength: 6 }),
        fc.array(item, { maxLength: 60 }),
        fc.nat(),
        settings,
        (specs, rows, cutSeed, s) => {
          const rules = rulesOf(specs);
          const items = inputs(rows);
          compareCut(rules, items, cutSeed % (items.length + 1), () => optionsOf(s as Settings));
        },
      ),
      { numRuns: 150 },
    );
  }, 60_000);

  it("likewise against a set that evaluates every sequence filter of every event", () => {
    fc.assert(
      fc.property(
        fc.array(ruleSpec, { minLength: 1, maxLength: 6 }),
        fc.array(item, { maxLength: 60 }),
        fc.nat(),
        settings,
        (specs, rows, cutSeed, s) => {
          const rules = rulesOf(specs);
          const items = inputs(rows);
          compareCut(rules, items, cutSeed % (items.length + 1), () => optionsOf(s as Settings), true);
        },
      ),
      { numRuns: 150 },
    );
  }, 60_000);

  it("the Kubelet rule over the example events, cut after every event", () => {
    // Loaded from the rules directory, with the exception items kept beside it.
    const [rule] = loadRules(resolve(root, "rules")).rules;
    if (!rule) throw new Error("the Kubelet rule did not load");
    expect(rule.rule.rule_id).toBe(ruleFromText(kubeletToml, { file: kubeletFile }).rule.rule_id);
    expect(rule.exceptions.length).toBeGreaterThan(0);
    const events = readFileSync(resolve(root, "examples/kubelet-events.ndjson"), "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l): Input => ({ event: JSON.parse(l) }));
    const latest = Math.max(
      ...events.map((i) =>
        Date.parse(((i as { event: Record<string, string> }).event["@timestamp"] ?? "") as string),
      ),
    );
    const modes: (() => RuleSetOptions)[] = [
      () => ({ wallClock: () => latest }),
      () => ({ now: latest + 60_000 }),
      () => ({ now: latest, window: false }),
    ];
    for (const options of modes) {
      const whole = compileRules([rule], options());
      const alerts = [...whole.pushBatch(events.map((i) => (i as { event: unknown }).event)), ...whole.end()];
      expect(alerts.length).toBeGreaterThan(0);
      expect(whole.stats().futureEvents).toBe(0);
      for (let cut = 0; cut <= events.length; cut++) compareCut([rule], events, cut, options);
    }
  });
});

describe("rule-set snapshot errors", () => {
  const rule = (query: string, id = "r1") =>
    ruleFromObject({
      rule_id: id,
      name: "r",
      description: "r",
      type: "eql",
      language: "eql",
      query,
      risk_score: 21,
      severity: "low",
      index: ["*"],
    });
  const seqRule = rule('sequence by host.id [process where true] [file where process.name == "curl"]');
  const evRule = rule('process where process.name == "curl"', "r2");
  const ev = (t: number, cat = "process") => ({
    "@timestamp": new Date(t).toISOString(),
    event: { category: [cat] },
    host: { id: "h" },
    process: { name: "curl" },
  });
  const options = { now: T0 + 600_000, window: false };
  const taken = () => {
    const set = compileRules([seqRule, evRule], options);
    set.push(ev(T0));
    set.push(ev(T0 + 1000));
    return JSON.parse(JSON.stringify(set.snapshot())) as RuleSetSnapshot;
  };
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(EqlSnapshotError);
      return (e as EqlSnapshotError).code;
    }
    return "no error";
  };

  it("refuses a snapshot of other rules or options", () => {
    const snap = taken();
    expect(code(() => compileRules([evRule, seqRule], options).restore(snap))).toBe(
      SnapshotErrorCodes.MISMATCH,
    );
    expect(code(() => compileRules([seqRule], options).restore(snap))).toBe(SnapshotErrorCodes.MISMATCH);
    const renamed = ruleFromObject({ ...evRule.rule, name: "other" });
    expect(code(() => compileRules([seqRule, renamed], options).restore(snap))).toBe(
      SnapshotErrorCodes.MISMATCH,
    );
    expect(code(() => compileRules([seqRule, evRule], { ...options, now: T0 }).restore(snap))).toBe(
      SnapshotErrorCodes.MISMATCH,
    );
    expect(code(() => compileRules([seqRule, evRule], { ...options, spaceId: "x" }).restore(snap))).toBe(
      SnapshotErrorCodes.MISMATCH,
    );
    expect(code(() => compileRules([seqRule, evRule], { ...options, lateness: 5 }).restore(snap))).toBe(
      SnapshotErrorCodes.MISMATCH,
    );
    expect(code(() => compileRules([seqRule, evRule], options).restore(snap))).toBe("no error");
  });

  it("restores only into a fresh set", () => {
    const snap = taken();
    const used = compileRules([seqRule, evRule], options);
    used.push(ev(T0));
    expect(code(() => used.restore(snap))).toBe(SnapshotErrorCodes.NOT_FRESH);
    const notObject = compileRules([seqRule, evRule], options);
    notObject.push(42);
    expect(code(() => notObject.restore(snap))).toBe(SnapshotErrorCodes.NOT_FRESH);
    const restored = compileRules([seqRule, evRule], options);
    restored.restore(snap);
    expect(code(() => restored.restore(snap))).toBe(SnapshotErrorCodes.NOT_FRESH);
    const ticked = compileRules([seqRule, evRule], { wallClock });
    ticked.advanceTo(T0);
    expect(code(() => ticked.restore(snap))).toBe(SnapshotErrorCodes.NOT_FRESH);
  });

  it("carries the alert ids created into the restored set's seen-set", () => {
    const seen = new Set(["earlier"]);
    const set = compileRules([evRule], { ...options, seen });
    set.push(ev(T0));
    const snap = JSON.parse(JSON.stringify(set.snapshot())) as RuleSetSnapshot;
    expect(snap.seen).toEqual(["earlier"]);
    const mine = new Set(["mine"]);
    const resumed = compileRules([evRule], { ...options, seen: mine });
    resumed.restore(snap);
    const alerts = resumed.end();
    expect(alerts).toHaveLength(1);
    expect([...mine].sort()).toEqual(["earlier", alerts[0]?.["kibana.alert.uuid"], "mine"].sort());
  });

  it("refuses to snapshot after end()", () => {
    const set = compileRules([seqRule, evRule], options);
    set.end();
    expect(code(() => set.snapshot())).toBe(SnapshotErrorCodes.ENDED);
  });

  it("refuses another version and damaged snapshots, leaving the set fresh", () => {
    const snap = taken();
    expect(code(() => compileRules([seqRule, evRule], options).restore({ ...snap, version: 2 }))).toBe(
      SnapshotErrorCodes.VERSION,
    );
    const damaged: unknown[] = [
      null,
      "snapshot",
      [],
      { ...snap, format: "other" },
      { ...snap, events: "none" },
      { ...snap, counters: { ...snap.counters, events: -1 } },
      { ...snap, counters: { ...snap.counters, alerts: 1.5 } },
      { ...snap, clock: { newest: "soon", futureSetAside: 0 } },
      { ...snap, groups: [] },
      { ...snap, seen: [1] },
      { ...snap, due: [[0, 9]] },
      { ...snap, rules: snap.rules.slice(1) },
      { ...snap, rules: [snap.rules[1], snap.rules[0]] },
      { ...snap, rules: snap.rules.map((r) => ({ ...r, runner: null })) },
      { ...snap, rules: snap.rules.map((r) => ({ ...r, report: { ...r.report, late: "x" } })) },
      { ...snap, events: [] },
      { ...snap, events: snap.events.map(() => 3) },
      JSON.parse(JSON.stringify(snap).replace('"kind":"sequence"', '"kind":"sample"')),
      JSON.parse(JSON.stringify(snap).replace(/"stage":0/g, '"stage":7')),
      JSON.parse(JSON.stringify(snap).replace(/"shape":"[^"]*"/, '"shape":"x"')),
      JSON.parse(
        JSON.stringify(snap).replace(
          /"kept":\[/,
          '"kept":[{"event":0,"ordinal":[1,2],"t":0,"alerted":false},',
        ),
      ),
    ];
    for (const bad of damaged) {
      const set = compileRules([seqRule, evRule], options);
      expect(
        code(() => set.restore(bad as RuleSetSnapshot)),
        JSON.stringify(bad)?.slice(0, 200),
      ).toBe(SnapshotErrorCodes.INVALID);
      // Still fresh: a good snapshot restores afterwards.
      set.restore(snap);
    }
  });

  it("gives a coded error or a working set for any single damaged value", () => {
    const snap = taken();
    const leaves: (string | number)[][] = [];
    const walk = (v: unknown, path: (string | number)[]) => {
      if (typeof v === "object" && v !== null) {
        for (const [k, x] of Object.entries(v)) walk(x, [...path, Array.isArray(v) ? Number(k) : k]);
      } else leaves.push(path);
    };
    walk(snap, []);
    const junk = [null, -1, 0.5, "x", {}];
    for (const path of leaves) {
      for (const value of junk) {
        const copy = JSON.parse(JSON.stringify(snap));
        let node = copy;
        for (const k of path.slice(0, -1)) node = node[k];
        node[path[path.length - 1] as string] = value;
        const set = compileRules([seqRule, evRule], options);
        try {
          set.restore(copy);
        } catch (e) {
          expect(e, path.join(".")).toBeInstanceOf(EqlSnapshotError);
          continue;
        }
        set.push(ev(T0 + 2000, "file"));
        set.end();
      }
    }
  }, 30_000);
});

describe("partial restore (rules changed between snapshot and restore)", () => {
  const byRule = (alerts: readonly AlertDocument[], id: string) =>
    alerts.filter((a) => a["kibana.alert.rule.rule_id"] === id);

  it("rules found unchanged keep their state and give the alerts and reports of an uncut run", () => {
    fc.assert(
      fc.property(
        fc.array(ruleSpec, { minLength: 2, maxLength: 5 }),
        ruleSpec,
        fc.array(item, { maxLength: 60 }),
        fc.nat(),
        settings,
        (specs, added, rows, cutSeed, s) => {
          // Without a memory budget: evictions would let one rule's state depend on the others'.
          const options = () => optionsOf({ ...(s as Settings), memoryBudget: undefined });
          const before = rulesOf(specs);
          const kept = before.slice(0, -1);
          const fresh = rulesOf([added]).map((r) => ruleFromObject({ ...r.rule, rule_id: "rule-new" }));
          const items = inputs(rows);
          const cut = cutSeed % (items.length + 1);

          const whole = compileRules(before, options());
          const expected: AlertDocument[][] = [];
          feed(whole, items, expected);
          expected.push(whole.end());

          const first = compileRules(before, options());
          const got: AlertDocument[][] = [];
          feed(first, items.slice(0, cut), got);
          const snap = JSON.parse(JSON.stringify(first.snapshot())) as RuleSetSnapshot;
          const second = compileRules([...kept, ...fresh], options());
          second.restore(snap, { partial: true });
          feed(second, items.slice(cut), got);
          got.push(second.end());

          for (const r of kept) {
            const id = r.rule.rule_id;
            expect(byRule(got.flat(), id)).toEqual(byRule(expected.flat(), id));
          }
          expect(second.reports().slice(0, kept.length)).toEqual(whole.reports().slice(0, kept.length));
          // The added rule searched only what came after the restore.
          const alone = compileRules(fresh, options());
          alone.pushBatch(items.slice(cut).flatMap((i) => ("event" in i ? [i.event] : [])));
          expect(second.reports()[kept.length]?.searched).toBe(alone.reports()[0]?.searched);
        },
      ),
      { numRuns: 100 },
    );
  }, 60_000);

  it("a sequence rule keeps its partial sequence; an edited rule starts fresh", () => {
    const T = Date.parse("2026-05-04T10:00:00Z");
    const make = (id: string, query: string) =>
      ruleFromObject({
        rule_id: id,
        name: id,
        description: id,
        type: "eql",
        language: "eql",
        query,
        risk_score: 21,
        severity: "low",
        index: ["*"],
        interval: "1m",
        from: "now-10m",
      });
    const seq = make("seq", 'sequence by host.id [process where true] [file where process.name == "curl"]');
    const seqEdited = make(
      "seq2",
      'sequence by host.id [process where true] [file where process.name == "curl"]',
    );
    const other = make("other", 'network where process.name == "curl"');
    const ev = (t: number, cat: string) => ({
      "@timestamp": new Date(T + t).toISOString(),
      event: { category: [cat] },
      host: { id: "h" },
      process: { name: "curl" },
    });
    const first = compileRules([seq, seqEdited, other], { wallClock: () => T });
    first.push(ev(0, "process"));
    const snap = first.snapshot();
    const edited = make("seq2", 'sequence by host.id [process where true] [file where process.name != "x"]');
    const added = make("added", 'file where process.name == "curl"');
    const second = compileRules([added, edited, seq], { wallClock: () => T });
    second.restore(snap, { partial: true });
    const alerts = [...second.push(ev(1000, "file")), ...second.end()];
    const ids = alerts
      .filter((a) => a["kibana.alert.building_block_type"] === undefined)
      .map((a) => a["kibana.alert.rule.rule_id"]);
    expect(ids.sort()).toEqual(["added", "seq"]);
    const reports = second.reports();
    expect(reports.map((r) => [r.rule_id, r.searched, r.matched])).toEqual([
      ["added", 1, 1],
      ["seq2", 1, 0],
      ["seq", 2, 1],
    ]);
    // The set's own counters carry over: two events in all.
    expect(second.stats().events).toBe(2);
  });

  it("refuses a snapshot taken under other options, or one without the options' fingerprint", () => {
    const rule = ruleFromObject({
      rule_id: "r",
      name: "r",
      description: "r",
      type: "eql",
      language: "eql",
      query: "process where true",
      risk_score: 21,
      severity: "low",
      index: ["*"],
    });
    const snap = compileRules([rule], { lateness: 5 }).snapshot();
    const code = (f: () => unknown) => {
      try {
        f();
        return "no error";
      } catch (e) {
        return (e as EqlSnapshotError).code;
      }
    };
    expect(code(() => compileRules([rule], { lateness: 6 }).restore(snap, { partial: true }))).toBe(
      SnapshotErrorCodes.MISMATCH,
    );
    const { options: _, ...older } = snap;
    expect(code(() => compileRules([rule], { lateness: 5 }).restore(older, { partial: true }))).toBe(
      SnapshotErrorCodes.MISMATCH,
    );
    expect(code(() => compileRules([], { lateness: 5 }).restore(snap, { partial: true }))).toBe("no error");
  });
});
