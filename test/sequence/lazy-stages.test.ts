/**
 * A sequence evaluates a later stage's filter only when a partial sequence could use the event there
 * (`stageEvaluation`). Lazily and eagerly must give the same answers everywhere: batch runs (errors
 * included), streams with re-ordering, late, repeated and far-future events under a state budget,
 * and snapshots taken and restored across the two ways.
 */
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { compile } from "../../src/compile.js";
import { StateBudget } from "../../src/engine/budget.js";
import { stageEvaluation } from "../../src/engine/sequence.js";
import type { QueryStream, StreamOptions } from "../../src/engine/stream.js";
import { EqlDataError } from "../../src/errors.js";
import { ruleFromObject } from "../../src/rules/from-object.js";
import { compileRules } from "../../src/rules/rule-set.js";
import type { CompileOptions, EqlEvent, SequenceHit, SequencesResult } from "../../src/types.js";
import { idsOf } from "./helpers.js";

/** A term: category, a condition on x (or on the key), missing or not, runs. */
const term = fc.record({
  cat: fc.constantFrom("A", "B", "C"),
  cond: fc.constantFrom("x < 1", "x < 2", "x < 3", "x >= 2", "true", "k == 1"),
  missing: fc.constantFrom(false, false, true),
  runs: fc.constantFrom(1, 1, 1, 2),
});

/** Sequence queries by keys, maxspan, runs, missing stages (leading, middle, trailing) and until. */
const sequenceQuery = fc
  .record({
    by: fc.constantFrom("", "by k", "by k, ?j"),
    maxspan: fc.constantFrom(null, 3, 8, 20),
    terms: fc.array(term, { minLength: 2, maxLength: 4 }),
    until: fc.option(fc.constantFrom("[C where true]", "[D where true]", "[B where x == 3]"), { nil: null }),
  })
  .map(({ by, maxspan, terms, until }) => {
    const hasMissing = terms.some((t) => t.missing);
    const span = maxspan ?? (hasMissing ? 10 : null);
    const allMissing = terms.every((t) => t.missing);
    const list = terms.map((t, i) => (allMissing && i === 0 ? { ...t, missing: false } : t));
    const head = ["sequence", by, span === null ? "" : `with maxspan=${span}ms`].filter((x) => x).join(" ");
    const body = list
      .map(
        (t) =>
          `${t.missing ? "!" : ""}[${t.cat} where ${t.cond}]${t.runs > 1 && !t.missing ? ` with runs=${t.runs}` : ""}`,
      )
      .join(" ");
    return `${head} ${body}${until ? ` until ${until}` : ""}`;
  });

/**
 * Events in roughly rising time: small steps, some disorder, now and then far ahead; some without a
 * timestamp or with one that is not a date; some delivered again (the same object).
 */
const eventList = fc
  .array(
    fc.record({
      dt: fc.integer({ min: 0, max: 3 }),
      back: fc.constantFrom(0, 0, 0, 0, 1, 3, 8),
      jump: fc.integer({ min: 0, max: 40 }),
      stamp: fc.constantFrom("ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok", "none", "bad"),
      again: fc.integer({ min: 0, max: 12 }),
      cat: fc.constantFrom("A", "B", "C", "D"),
      k: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.constant([1, 2]), fc.constant(undefined)),
      j: fc.option(fc.constantFrom("p", "q"), { nil: undefined }),
      x: fc.integer({ min: 0, max: 3 }),
      tb: fc.integer({ min: 0, max: 3 }),
    }),
    { maxLength: 70 },
  )
  .map((rows) => {
    let t = 0;
    const out: EqlEvent[] = [];
    rows.forEach((r, id) => {
      if (r.again === 0 && out.length > 0) {
        out.push(out[(id * 7) % out.length] as EqlEvent);
        return;
      }
      t += r.dt;
      const ev: EqlEvent = { id, event: { category: r.cat }, x: r.x, tb: r.tb };
      if (r.stamp === "ok") ev["@timestamp"] = r.jump === 0 ? t + 1000 : t - r.back;
      else if (r.stamp === "bad") ev["@timestamp"] = "not a date";
      if (r.k !== undefined) ev.k = r.k;
      if (r.j !== undefined) ev.j = r.j;
      out.push(ev);
    });
    return out;
  });

const streamSettings = fc.record({
  lateness: fc.constantFrom(0, 0, 3),
  onLate: fc.constantFrom<"drop" | "error">("drop", "error"),
  maxBytes: fc.constantFrom(Number.POSITIVE_INFINITY, 1500, 4000),
  tiebreaker: fc.boolean(),
});
type Settings = { lateness: number; onLate: "drop" | "error"; maxBytes: number; tiebreaker: boolean };

/** Run `make` with a `stageEvaluation` switch set (switches are read when a matcher is built), then restore it. */
function withSwitch<T>(key: "lazy" | "recordAllMissing", on: boolean, make: () => T): T {
  const before = { ...stageEvaluation };
  stageEvaluation[key] = on;
  try {
    return make();
  } finally {
    Object.assign(stageEvaluation, before);
  }
}

/** Run `make` with the stages evaluated lazily or eagerly. */
const withMode = <T>(lazy: boolean, make: () => T): T => withSwitch("lazy", lazy, make);

afterEach(() => {
  stageEvaluation.lazy = true;
});

const compileOptions = (s: { tiebreaker: boolean }): CompileOptions => ({
  size: 100_000,
  ...(s.tiebreaker ? { tiebreakerField: "tb" } : {}),
});

/** A batch run's sequences, or the code and position of the error it threw. */
function batch(query: string, events: EqlEvent[], lazy: boolean, tiebreaker: boolean): unknown {
  const compiled = compile(query, compileOptions({ tiebreaker }));
  try {
    return withMode(lazy, () => (compiled.run(events) as SequencesResult).sequences.map(idsOf));
  } catch (err) {
    if (!(err instanceof EqlDataError)) throw err;
    return { code: err.code, at: err.eventIndex };
  }
}

function open(query: string, s: Settings, lazy: boolean, restore?: StreamOptions["restore"]) {
  const budget = new StateBudget({ maxBytes: s.maxBytes });
  const options: StreamOptions = {
    lateness: s.lateness,
    onLate: s.onLate,
    maxTimeJump: 50,
    now: null,
    budget,
    ...(restore ? { restore } : {}),
  };
  const stream = withMode(lazy, () => compile(query, compileOptions(s)).stream(options));
  return { stream: stream as QueryStream<SequenceHit>, budget };
}

/** Push events, recording what each push emitted or the error it threw, by position. */
function feed(stream: QueryStream<SequenceHit>, events: readonly EqlEvent[], from: number, out: unknown[]) {
  events.forEach((ev, i) => {
    try {
      for (const hit of stream.push(ev)) out.push([from + i, idsOf(hit)]);
    } catch (err) {
      if (!(err instanceof EqlDataError)) throw err;
      out.push([from + i, err.code]);
    }
  });
}

const stateOf = (o: ReturnType<typeof open>) => ({
  stats: { ...o.stream.stats },
  bytes: o.budget.stats.bytes,
  entries: o.budget.stats.entries,
  waiting: o.stream.waiting,
});

describe("lazy and eager stage evaluation agree", () => {
  it("in batch runs, errors included", () => {
    fc.assert(
      fc.property(sequenceQuery, eventList, fc.boolean(), (query, events, tiebreaker) => {
        expect(batch(query, events, true, tiebreaker)).toEqual(batch(query, events, false, tiebreaker));
      }),
      { numRuns: 400 },
    );
  }, 60_000);

  it("in streams: answers, errors, stats and state charged, and snapshots taken anywhere", () => {
    fc.assert(
      fc.property(sequenceQuery, eventList, fc.nat(70), streamSettings, (query, events, cutSeed, s) => {
        const cut = cutSeed % (events.length + 1);
        const eager = open(query, s, false);
        const lazy = open(query, s, true);
        const want: unknown[] = [];
        const got: unknown[] = [];
        feed(eager.stream, events.slice(0, cut), 0, want);
        feed(lazy.stream, events.slice(0, cut), 0, got);
        expect(got).toEqual(want);
        expect(stateOf(lazy)).toEqual(stateOf(eager));
        // The snapshots are the same document (events waiting to be processed keep complete hits).
        const snap = JSON.parse(JSON.stringify(lazy.stream.snapshot()));
        expect(snap).toStrictEqual(JSON.parse(JSON.stringify(eager.stream.snapshot())));
        // Restored the other way round, each goes on as the eager stream that ran uncut.
        const lazyFromSnap = open(query, s, true, snap);
        const eagerFromSnap = open(query, s, false, snap);
        const rest = events.slice(cut);
        const tails = [eager, lazy, lazyFromSnap, eagerFromSnap].map((o) => {
          const out: unknown[] = [];
          feed(o.stream, rest, cut, out);
          out.push(["end", ...o.stream.end().map(idsOf)]);
          return { out, state: stateOf(o) };
        });
        for (const t of tails.slice(1)) expect(t).toEqual(tails[0]);
      }),
      { numRuns: 500 },
    );
  }, 120_000);

  it("when the caller evaluates events ahead and pushes them later", () => {
    // Hits evaluated before earlier events were pushed: the filters left undefined are judged by
    // the partial sequences held when each event is pushed.
    fc.assert(
      fc.property(sequenceQuery, eventList, (query, events) => {
        const s: Settings = {
          lateness: 0,
          onLate: "drop",
          maxBytes: Number.POSITIVE_INFINITY,
          tiebreaker: false,
        };
        const eager = open(query, s, false);
        const lazy = open(query, s, true);
        const hits = events.map((e) => lazy.stream.evaluate(e));
        const want: unknown[] = [];
        const got: unknown[] = [];
        feed(eager.stream, events, 0, want);
        events.forEach((e, i) => {
          try {
            for (const hit of lazy.stream.pushEvaluated(e, hits[i] ?? null)) got.push([i, idsOf(hit)]);
          } catch (err) {
            if (!(err instanceof EqlDataError)) throw err;
            got.push([i, err.code]);
          }
        });
        expect(got).toEqual(want);
        expect(stateOf(lazy)).toEqual(stateOf(eager));
      }),
      { numRuns: 300 },
    );
  }, 60_000);
});

describe("a filter evaluated when a re-ordered event reaches the matcher", () => {
  it("reads that event, not the one the rule set's shared field cache last read", () => {
    const rule = ruleFromObject({
      rule_id: "r",
      name: "r",
      description: "r",
      type: "eql",
      language: "eql",
      risk_score: 1,
      severity: "low",
      index: ["*"],
      query: 'sequence by host.id [process where process.name : "a*"] [process where process.name : "*b"]',
    });
    const at = (t: number, name: string) => ({
      "@timestamp": new Date(t).toISOString(),
      event: { category: "process" },
      host: { id: "h" },
      process: { name },
    });
    // "ab" takes part through the first stage, its second stage is left for later (nothing waits
    // there yet); "a" arrives after it but earlier in time, so the two are re-ordered, and "ab"
    // reaches the second stage at the end, after the set has read (and case-folded) "zzz".
    const run = (lazy: boolean) =>
      withMode(lazy, () => {
        const set = compileRules([rule], { window: false, lateness: 60_000 });
        set.pushBatch([at(2000, "ab"), at(1000, "a"), at(3000, "zzz")]);
        return set.end().map((a) => a["kibana.alert.building_block_type"] ?? "shell");
      });
    expect(run(false)).toEqual(["shell", "default", "default"]);
    expect(run(true)).toEqual(run(false));
  });
});

/** Run `make` with every missing-stage event recorded or only those something waits for. */
const recordingAll = <T>(all: boolean, make: () => T): T => withSwitch("recordAllMissing", all, make);

describe("events of a missing stage that nothing waits for are not recorded", () => {
  afterEach(() => {
    stageEvaluation.recordAllMissing = false;
  });

  it("with the same answers as recording every one, in batch runs", () => {
    fc.assert(
      fc.property(sequenceQuery, eventList, fc.boolean(), (query, events, tiebreaker) => {
        const all = recordingAll(true, () => batch(query, events, true, tiebreaker));
        expect(recordingAll(false, () => batch(query, events, true, tiebreaker))).toEqual(all);
      }),
      { numRuns: 400 },
    );
  }, 60_000);

  it("with the same answers in streams, lazily or eagerly, and across snapshots", () => {
    fc.assert(
      fc.property(
        sequenceQuery,
        eventList,
        fc.nat(70),
        streamSettings,
        fc.boolean(),
        (query, events, cutSeed, s, lazy) => {
          // Without a budget: recording fewer events is also less state, which a budget evicts differently.
          const settings = { ...s, maxBytes: Number.POSITIVE_INFINITY };
          const cut = cutSeed % (events.length + 1);
          const all = recordingAll(true, () => open(query, settings, lazy));
          const some = recordingAll(false, () => open(query, settings, lazy));
          const want: unknown[] = [];
          const got: unknown[] = [];
          feed(all.stream, events.slice(0, cut), 0, want);
          feed(some.stream, events.slice(0, cut), 0, got);
          expect(got).toEqual(want);
          // Each restored in the other way goes on as the stream that ran uncut.
          const fromSome = recordingAll(true, () => open(query, settings, lazy, some.stream.snapshot()));
          const fromAll = recordingAll(false, () => open(query, settings, lazy, all.stream.snapshot()));
          const tails = [all, some, fromSome, fromAll].map((o) => {
            const out: unknown[] = [];
            feed(o.stream, events.slice(cut), cut, out);
            out.push(["end", ...o.stream.end().map(idsOf)]);
            return out;
          });
          for (const t of tails.slice(1)) expect(t).toEqual(tails[0]);
        },
      ),
      { numRuns: 500 },
    );
  }, 120_000);

  it("an event of a middle stage counts while a partial sequence waits before it", () => {
    const query = "sequence by k with maxspan=10ms [A where true] ![B where true] [C where true]";
    const at = (t: number, category: string, k: number) => ({
      "@timestamp": t,
      event: { category },
      k,
      id: t,
    });
    // Key 1: B comes between its A and C, no sequence. Key 2: the B came before the A, one sequence.
    const events = [
      at(1000, "A", 1),
      at(1001, "B", 2),
      at(1002, "B", 1),
      at(1003, "A", 2),
      at(1004, "C", 1),
      at(1005, "C", 2),
    ];
    const s: Settings = {
      lateness: 0,
      onLate: "drop",
      maxBytes: Number.POSITIVE_INFINITY,
      tiebreaker: false,
    };
    for (const all of [true, false]) {
      const out: unknown[] = [];
      recordingAll(all, () => {
        const o = open(query, s, true);
        feed(o.stream, events, 0, out);
        out.push(["end", ...o.stream.end().map(idsOf)]);
      });
      expect(out).toEqual([[5, [1003, -1, 1005]], ["end"]]);
    }
  });

  it("so a missing stage holds nothing while no partial sequence waits", () => {
    const query = "sequence by k with maxspan=10ms [A where x == 9] ![B where true]";
    const events = Array.from({ length: 50 }, (_, i) => ({
      "@timestamp": 1000 + i,
      event: { category: "B" },
      k: i % 5,
      x: 0,
    }));
    const s: Settings = {
      lateness: 0,
      onLate: "drop",
      maxBytes: Number.POSITIVE_INFINITY,
      tiebreaker: false,
    };
    const entries = (all: boolean) =>
      recordingAll(all, () => {
        const o = open(query, s, true);
        feed(o.stream, events, 0, []);
        return o.budget.stats.entries;
      });
    expect(entries(true)).toBe(5);
    expect(entries(false)).toBe(0);
  });
});
