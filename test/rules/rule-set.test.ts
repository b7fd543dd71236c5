/** The compiled rule set: scheduled runs in event time, live alerts, the clock, and batches. */
import { describe, expect, it } from "vitest";
import { HEAP_OVERHEAD } from "../../src/engine/budget.js";
import { ruleFromObject } from "../../src/rules/from-object.js";
import { compileRules } from "../../src/rules/rule-set.js";

const rule = (query: string, extra: Record<string, unknown> = {}) =>
  ruleFromObject({
    rule_id: `r-${query.length}`,
    name: "test rule",
    description: "test",
    type: "eql",
    language: "eql",
    query,
    risk_score: 21,
    severity: "low",
    index: ["*"],
    interval: "5m",
    from: "now-6m",
    ...extra,
  });

const at = (hms: string) => Date.parse(`2026-05-04T${hms}Z`);
const proc = (hms: string, name: string, extra: Record<string, unknown> = {}) => ({
  "@timestamp": `2026-05-04T${hms}Z`,
  event: { category: ["process"] },
  process: { name },
  ...extra,
});
const when = (alerts: readonly Record<string, unknown>[]) =>
  alerts.map((a) => a["kibana.alert.original_time"]);
const runTimes = (alerts: readonly Record<string, unknown>[]) => alerts.map((a) => a["kibana.alert.start"]);
const fixedWall = () => at("12:00:00");
/** The host of each sequence alert (not its building blocks), in order. */
const sequenceHosts = (alerts: readonly Record<string, unknown>[]) =>
  alerts.filter((a) => a["kibana.alert.building_block_type"] === undefined).map((a) => a["host.name"]);

describe("scheduled runs following event time", () => {
  it("alerts as soon as the clock passes the run that searched the event, stamped with that run", () => {
    const set = compileRules([rule('process where process.name == "curl"')], { wallClock: fixedWall });
    expect(set.push(proc("10:01:00", "curl"))).toEqual([]);
    expect(set.push(proc("10:04:59", "bash"))).toEqual([]);
    // 10:05:00 is the run's own time: an event of that instant still belongs to it.
    expect(set.push(proc("10:05:00", "bash"))).toEqual([]);
    const alerts = set.push(proc("10:05:01", "bash"));
    expect(when(alerts)).toEqual(["2026-05-04T10:01:00Z"]);
    expect(runTimes(alerts)).toEqual(["2026-05-04T10:05:00.000Z"]);
    expect(set.end()).toEqual([]);
    expect(set.reports()[0]).toMatchObject({ matched: 1, alerts: 1, duplicates: 0, dropped: 0 });
  });

  it("a match in two overlapping windows alerts once; max_signals caps each run and the rest waits for the next", () => {
    const set = compileRules([rule('process where process.name == "curl"', { max_signals: 2 })], {
      wallClock: fixedWall,
    });
    for (const t of ["10:04:10", "10:04:20", "10:04:30"]) set.push(proc(t, "curl"));
    const first = set.push(proc("10:05:30", "bash"));
    // The newest two in the run at 10:05; the oldest is still inside the 10:10 run's window (10:04, 10:10].
    expect(when(first)).toEqual(["2026-05-04T10:04:20Z", "2026-05-04T10:04:30Z"]);
    const second = set.push(proc("10:10:01", "bash"));
    expect(when(second)).toEqual(["2026-05-04T10:04:10Z"]);
    expect(runTimes(second)).toEqual(["2026-05-04T10:10:00.000Z"]);
    set.end();
    expect(set.reports()[0]).toMatchObject({ matched: 3, alerts: 3, truncated: true, dropped: 0 });
  });

  it("counts a match no run had room for as dropped", () => {
    const set = compileRules([rule('process where process.name == "curl"', { max_signals: 1 })], {
      wallClock: fixedWall,
    });
    for (const t of ["10:00:10", "10:00:20"]) set.push(proc(t, "curl"));
    expect(when(set.push(proc("10:11:00", "bash")))).toEqual(["2026-05-04T10:00:20Z"]);
    set.end();
    expect(set.reports()[0]).toMatchObject({ matched: 2, alerts: 1, truncated: true, dropped: 1 });
  });

  it("one far-future event does not move the clock: later events still alert, and it is counted", () => {
    const set = compileRules([rule('process where process.name == "curl"')], { wallClock: fixedWall });
    set.push(proc("10:01:00", "bash"));
    set.push({ "@timestamp": "2099-01-01T00:00:00Z", event: { category: ["x"] } });
    set.push(proc("10:02:00", "curl"));
    expect(when(set.push(proc("10:06:00", "bash")))).toEqual(["2026-05-04T10:02:00Z"]);
    expect(set.stats()).toMatchObject({ futureEvents: 1, clock: at("10:06:00") });
    set.end();
    expect(set.reports()[0]).toMatchObject({ late: 0, alerts: 1 });
  });

  it("an event older than every open run is late, and counted", () => {
    const set = compileRules([rule('process where process.name == "curl"')], { wallClock: fixedWall });
    set.push(proc("10:01:00", "curl"));
    expect(set.push(proc("10:20:00", "bash"))).toHaveLength(1);
    set.push(proc("10:02:00", "curl"));
    set.end();
    expect(set.reports()[0]).toMatchObject({ matched: 2, alerts: 1, late: 1 });
  });

  it("an event without a usable time is counted as skipped, never alerted silently outside every window", () => {
    const set = compileRules([rule('process where process.name == "curl"')], { wallClock: fixedWall });
    set.push({ event: { category: ["process"] }, process: { name: "curl" } });
    set.end();
    expect(set.reports()[0]).toMatchObject({ matched: 1, skipped: 1, alerts: 0 });
  });

  it("a sequence alerts once complete and its run passed", () => {
    const seq = rule(
      'sequence by host.id with maxspan=1m [process where process.name == "a"] [process where process.name == "b"]',
    );
    const set = compileRules([seq], { wallClock: fixedWall });
    const host = { host: { id: "h1" } };
    set.push(proc("10:01:00", "a", host));
    set.push(proc("10:01:10", "b", host));
    const alerts = set.push(proc("10:05:01", "x", host));
    // A shell alert and one building block per event.
    expect(alerts).toHaveLength(3);
    expect(runTimes(alerts)).toEqual(Array(3).fill("2026-05-04T10:05:00.000Z"));
  });

  it("a sequence whose first event is older than the window of its run is dropped", () => {
    const set = compileRules(
      [rule("sequence [process where true] [file where true]", { interval: "1m", from: "now-2m" })],
      { wallClock: fixedWall },
    );
    set.push(proc("10:00:10", "curl"));
    set.push({ ...proc("10:03:30", "cat"), event: { category: ["file"] } });
    // Its run is 10:04 and searches (10:02, 10:04]: the first event is outside, so no run finds it.
    expect(set.push(proc("10:05:00", "bash"))).toEqual([]);
    set.end();
    expect(set.reports()[0]).toMatchObject({ matched: 1, alerts: 0, dropped: 1 });
  });

  it("a sequence belongs to the run after its last event, whatever other rules the set holds", () => {
    const query =
      'sequence by host.id with maxspan=1m [process where process.name == "a"] [process where process.name == "b"]';
    const host = { host: { id: "h1" } };
    for (const rules of [[rule(query)], [rule('process where process.name == "b"'), rule(query)]]) {
      const set = compileRules(rules, { wallClock: fixedWall });
      const seq = rules.length - 1;
      const ofSeq = (alerts: readonly Record<string, unknown>[]) =>
        alerts.filter((a) => a["kibana.alert.rule.rule_id"] === rules[seq]?.rule.rule_id);
      const early = [
        ...set.push(proc("10:04:50", "a", host)),
        ...set.push(proc("10:05:10", "b", host)),
        ...set.push(proc("10:06:00", "x", host)),
      ];
      expect(ofSeq(early)).toEqual([]);
      const alerts = ofSeq(set.push(proc("10:10:01", "x", host)));
      expect(runTimes(alerts)).toEqual(Array(3).fill("2026-05-04T10:10:00.000Z"));
    }
  });

  it("advanceTo moves the clock without an event (a service's timer), never backwards", () => {
    const set = compileRules([rule('process where process.name == "curl"')], { wallClock: fixedWall });
    set.push(proc("10:01:00", "curl"));
    expect(set.advanceTo(at("10:04:00"))).toEqual([]);
    expect(when(set.advanceTo(at("10:05:01")))).toEqual(["2026-05-04T10:01:00Z"]);
    expect(set.advanceTo(at("09:00:00"))).toEqual([]);
    expect(set.stats().clock).toBe(at("10:05:01"));
  });

  it("advanceTo lets time settle a trailing missing stage, as end() does, in the run that follows", () => {
    const query =
      'sequence with maxspan=2m [process where process.name == "a"] ![process where process.name == "b"]';
    const timed = compileRules([rule(query)], { wallClock: fixedWall });
    timed.push(proc("10:01:00", "a"));
    // Only an event of the query moved the sequence's time before: the candidate waited for end().
    expect(timed.advanceTo(at("10:02:30"))).toEqual([]);
    const alerts = timed.advanceTo(at("10:05:01"));
    expect(when(alerts).filter((t) => t !== undefined)).toContain("2026-05-04T10:01:00Z");
    expect(new Set(runTimes(alerts))).toEqual(new Set(["2026-05-04T10:05:00.000Z"]));
    expect(timed.end()).toEqual([]);
    // Ended instead, the same alerts.
    const ended = compileRules([rule(query)], { wallClock: fixedWall });
    ended.push(proc("10:01:00", "a"));
    expect(ended.end()).toEqual(alerts);
  });

  it("pushing one by one and in a batch give the same alerts", () => {
    const events = ["10:01:00", "10:03:00", "10:07:00", "10:12:00"].map((t, i) =>
      proc(t, i % 2 ? "curl" : "bash"),
    );
    const one = compileRules([rule('process where process.name == "curl"')], { wallClock: fixedWall });
    const a = [...events.flatMap((e) => one.push(e)), ...one.end()];
    const batch = compileRules([rule('process where process.name == "curl"')], { wallClock: fixedWall });
    const b = [...batch.pushBatch(events), ...batch.end()];
    expect(b).toEqual(a);
    expect(a).toHaveLength(2);
  });
});

describe("memory budget", () => {
  it("bounds the sequence state of the whole set, evicting the oldest and counting it per rule", () => {
    const seq = (n: number) =>
      rule(
        `sequence by host.id [process where process.name == "a${n}"] [process where process.name == "b"]`,
        {
          rule_id: `s${n}`,
        },
      );
    const set = compileRules([seq(1), seq(2)], {
      now: at("11:00:00"),
      window: false,
      memoryBudget: 64 * 1024,
    });
    for (let i = 0; i < 2000; i++) {
      const t = new Date(at("10:00:00") + i * 10).toISOString().slice(11, 23);
      set.push(proc(t, i % 2 ? "a1" : "a2", { host: { id: `h${i}` } }));
    }
    // The newest partials survive: the last host of each rule still completes.
    set.push(proc("10:00:30", "b", { host: { id: "h1999" } }));
    set.push(proc("10:00:30", "b", { host: { id: "h1998" } }));
    const alerts = set.end();
    const [r1, r2] = set.reports();
    expect(r1?.capped).toBeGreaterThan(0);
    expect(r2?.capped).toBeGreaterThan(0);
    expect(r1?.matched).toBe(1);
    expect(r2?.matched).toBe(1);
    expect(alerts).toHaveLength(6);
    const state = set.stats().state;
    // memoryBudget is memory for the process: the entries are charged at most its share left after
    // the garbage V8 holds beside them.
    expect(state.maxBytes).toBe(64 * 1024);
    expect(state.bytes).toBeLessThanOrEqual((64 * 1024) / HEAP_OVERHEAD);
    expect(state.bytes).toBeGreaterThan((64 * 1024) / HEAP_OVERHEAD - 2048);
    expect(state.evicted).toBe((r1?.capped ?? 0) + (r2?.capped ?? 0));
  });
});

describe("one execution", () => {
  it("gives its alerts at end(), the newest max_signals, inside the window", () => {
    const set = compileRules([rule('process where process.name == "curl"', { max_signals: 1 })], {
      now: at("10:05:00"),
    });
    expect(set.push(proc("09:58:00", "curl"))).toEqual([]);
    expect(set.push(proc("10:00:00", "curl"))).toEqual([]);
    expect(set.push(proc("10:01:00", "curl"))).toEqual([]);
    expect(when(set.end())).toEqual(["2026-05-04T10:01:00Z"]);
    expect(set.reports()[0]).toMatchObject({ searched: 2, matched: 2, truncated: true, dropped: 1 });
  });

  it("keeps the sequences whose last event is newest, whenever time let each one complete", () => {
    const query =
      'sequence by host.name with maxspan=1m [process where process.name == "curl"] [process where process.name == "sh"] ![process where process.name == "wget"]';
    const set = compileRules([rule(query, { max_signals: 1 })], { window: false });
    set.push(proc("10:00:00", "curl", { host: { name: "a" } }));
    set.push(proc("10:00:30", "curl", { host: { name: "b" } }));
    set.push(proc("10:00:40", "sh", { host: { name: "b" } }));
    set.push(proc("10:00:50", "sh", { host: { name: "a" } }));
    // Host a's window closes first (10:01:00), so it completes first; its last event is the newest.
    set.push({ "@timestamp": "2026-05-04T10:02:00Z", event: { category: ["network"] } });
    expect(sequenceHosts(set.end())).toEqual(["a"]);
    expect(set.reports()[0]).toMatchObject({ matched: 2, truncated: true, dropped: 1 });
  });

  it("restores kept sequences from a snapshot without their ordinals as older than new ones", () => {
    const query =
      'sequence by host.name [process where process.name == "curl"] [process where process.name == "sh"]';
    const first = compileRules([rule(query, { max_signals: 2 })], { window: false, now: at("11:00:00") });
    first.push(proc("10:00:10", "curl", { host: { name: "a" } }));
    first.push(proc("10:00:20", "sh", { host: { name: "a" } }));
    const snap = JSON.parse(JSON.stringify(first.snapshot()));
    for (const r of snap.rules) if (r.state?.kind === "stream") delete r.state.ordinals;
    const second = compileRules([rule(query, { max_signals: 2 })], { window: false, now: at("11:00:00") });
    second.restore(snap);
    second.push(proc("10:00:30", "curl", { host: { name: "b" } }));
    second.push(proc("10:00:40", "sh", { host: { name: "b" } }));
    expect(sequenceHosts(second.end())).toEqual(["a", "b"]);
  });

  it("refuses to be fed after end()", () => {
    const set = compileRules([rule("process where true")], { now: 0 });
    set.end();
    expect(() => set.push({})).toThrow(/after end/);
  });
});

describe("sequences follow the time of every event the set takes", () => {
  const lone =
    'sequence by host.name with maxspan=1m [process where process.name == "curl"] ![process where process.name == "wget"]';
  const pair =
    'sequence by host.name [process where process.name == "curl"] [process where process.name == "sh"]';
  const live = { window: false, maxSignals: Number.POSITIVE_INFINITY } as const;
  const on = (host: string) => ({ host: { name: host } });

  it("a trailing missing stage alerts at the first event, of any rule or none, whose time closes its window", () => {
    const set = compileRules([rule(lone)], live);
    expect(set.push(proc("10:00:00", "curl", on("a")))).toEqual([]);
    // Not a process event and not of this query: before, only a later event of the query released it.
    expect(set.push({ "@timestamp": "2026-05-04T10:00:59Z", event: { category: ["network"] } })).toEqual([]);
    const alerts = set.push({ "@timestamp": "2026-05-04T10:01:01Z", event: { category: ["network"] } });
    expect(alerts.length).toBeGreaterThan(0);
    expect(alerts[0]?.["kibana.alert.original_time"]).toBe("2026-05-04T10:00:00Z");
    expect(set.end()).toEqual([]);
    expect(set.reports()[0]).toMatchObject({ matched: 1, late: 0 });
  });

  it("an event is late when older than the time of all events, whatever other keys matched", () => {
    // The same times; in one stream host a's event matches the query, in the other it does not.
    const late = (firstName: string) => {
      const set = compileRules([rule(pair)], live);
      set.push(proc("10:00:05", firstName, on("a")));
      set.push(proc("10:00:03", "curl", on("b")));
      set.push(proc("10:00:06", "sh", on("b")));
      set.end();
      return set.reports()[0];
    };
    // Before, host b's curl was late only when host a's event had matched (and been released).
    expect(late("curl")).toMatchObject({ late: 1, matched: 0 });
    expect(late("bash")).toMatchObject({ late: 1, matched: 0 });
  });

  it("an event in the lateness window is put back in order, and the window follows every event", () => {
    const set = compileRules([rule(pair)], { ...live, lateness: 5_000 });
    set.push(proc("10:00:05", "bash", on("a")));
    set.push(proc("10:00:03", "curl", on("b")));
    const alerts = set.push(proc("10:00:06", "sh", on("b")));
    // curl at 10:00:03 is released once the clock passes 10:00:08; the shell waits with it.
    expect(alerts).toEqual([]);
    const released = set.push({ "@timestamp": "2026-05-04T10:00:12Z", event: { category: ["network"] } });
    expect(released.length).toBeGreaterThan(0);
    set.end();
    expect(set.reports()[0]).toMatchObject({ late: 0, matched: 1 });
  });
});

describe("maxSignals, timeRange and alertFields", () => {
  const curl = 'process where process.name == "curl"';
  const seq =
    'sequence by host.name with maxspan=1m [process where process.name == "curl"] [process where process.name == "sh"]';

  it("maxSignals replaces every rule's max_signals, in one execution and in scheduled runs", () => {
    const events = ["10:01:00", "10:01:10", "10:01:20", "10:01:30"].map((t) => proc(t, "curl"));
    const once = compileRules([rule(curl, { max_signals: 1 })], { now: at("10:05:00"), maxSignals: 3 });
    once.pushBatch(events);
    expect(when(once.end())).toEqual([
      "2026-05-04T10:01:10Z",
      "2026-05-04T10:01:20Z",
      "2026-05-04T10:01:30Z",
    ]);
    expect(once.reports()[0]).toMatchObject({ truncated: true, dropped: 1 });
    const scheduled = compileRules([rule(curl, { max_signals: 1 })], { wallClock: fixedWall, maxSignals: 3 });
    const alerts = [...scheduled.pushBatch(events), ...scheduled.end()];
    // The run at 10:05 takes the newest three; no later run reaches back to 10:01:00.
    expect(alerts).toHaveLength(3);
    expect(scheduled.reports()[0]).toMatchObject({ truncated: true, dropped: 1 });
    expect(() => compileRules([], { maxSignals: 0 })).toThrow(RangeError);
    expect(() => compileRules([], { maxSignals: 1.5 })).toThrow(RangeError);
  });

  it("without a limit, one execution gives each match's alerts from push, and holds none for end()", () => {
    const set = compileRules([rule(curl, { max_signals: 1 }), rule(seq, { max_signals: 1 })], {
      window: false,
      maxSignals: Number.POSITIVE_INFINITY,
    });
    expect(when(set.push(proc("10:00:00", "curl", { host: { name: "a" } })))).toEqual([
      "2026-05-04T10:00:00Z",
    ]);
    expect(when(set.push(proc("10:00:01", "curl", { host: { name: "a" } })))).toEqual([
      "2026-05-04T10:00:01Z",
    ]);
    // The sequence's shell and two building blocks come when its last event arrives.
    const sequence = set.push(proc("10:00:02", "sh", { host: { name: "a" } }));
    expect(sequence).toHaveLength(3);
    expect(sequence[0]?.["kibana.alert.group.id"]).toBeDefined();
    expect(set.end()).toEqual([]);
    expect(set.reports().map((r) => r.alerts)).toEqual([2, 3]);
    expect(set.stats().alerts).toBe(5);
    expect(set.reports()[0]?.truncated).toBe(false);
  });

  it("without a limit, scheduled runs alert every match of the run", () => {
    const set = compileRules([rule(curl, { max_signals: 1 })], {
      wallClock: fixedWall,
      maxSignals: Number.POSITIVE_INFINITY,
    });
    for (let s = 0; s < 50; s++) set.push(proc(`10:01:${String(s).padStart(2, "0")}`, "curl"));
    expect(set.push(proc("10:05:01", "bash"))).toHaveLength(50);
    expect(set.reports()[0]).toMatchObject({ truncated: false, dropped: 0 });
  });

  it("timeRange searches events in [from, to) only and counts the others, untimed events too", () => {
    const set = compileRules([rule(curl)], {
      window: false,
      timeRange: { from: "2026-05-04T10:00:00Z", to: at("10:02:00") },
    });
    set.pushBatch([
      proc("09:59:59", "curl"),
      proc("10:00:00", "curl"),
      proc("10:01:59", "curl"),
      proc("10:02:00", "curl"),
      { event: { category: ["process"] }, process: { name: "curl" } },
    ]);
    expect(when(set.end())).toEqual(["2026-05-04T10:00:00Z", "2026-05-04T10:01:59Z"]);
    expect(set.stats()).toMatchObject({ events: 5, outsideTime: 3, matched: 2 });
    expect(set.reports()[0]?.searched).toBe(2);
  });

  it("compact alerts leave out the description, the parameters and the threat's links", () => {
    const threat = [
      {
        framework: "MITRE ATT&CK",
        tactic: { id: "TA0007", name: "Discovery", reference: "https://attack.mitre.org/tactics/TA0007/" },
        technique: [
          { id: "T1613", name: "Container", reference: "https://attack.mitre.org/techniques/T1613/" },
        ],
      },
    ];
    const r = rule(curl, { note: "a long guide", references: ["https://example.com"], threat });
    const build = (alertFields: "full" | "compact") => {
      const set = compileRules([r], { window: false, alertFields });
      set.push(proc("10:00:00", "curl"));
      return set.end()[0] as Record<string, unknown>;
    };
    const f = build("full");
    const c = build("compact");
    expect((f["kibana.alert.rule.parameters"] as Record<string, unknown>).note).toBe("a long guide");
    expect(c["kibana.alert.rule.parameters"]).toBeUndefined();
    expect(c["kibana.alert.rule.description"]).toBeUndefined();
    expect(c["kibana.alert.rule.threat"]).toEqual([
      {
        framework: "MITRE ATT&CK",
        tactic: { id: "TA0007", name: "Discovery" },
        technique: [{ id: "T1613", name: "Container" }],
      },
    ]);
    for (const k of [
      "kibana.alert.rule.name",
      "kibana.alert.rule.rule_id",
      "kibana.alert.severity",
      "kibana.alert.risk_score",
      "kibana.alert.uuid",
      "process",
    ]) {
      expect(c[k]).toEqual(f[k]);
    }
    expect(JSON.stringify(c).length).toBeLessThan(JSON.stringify(f).length);
  });
});
