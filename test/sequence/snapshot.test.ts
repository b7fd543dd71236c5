import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compile.js";
import { StateBudget } from "../../src/engine/budget.js";
import type { QueryStream, StreamOptions } from "../../src/engine/stream.js";
import type { EqlEvent, SequenceHit } from "../../src/types.js";
import { idsOf } from "./helpers.js";

/** A term of the query family: category, a condition on x, missing or not, runs. */
const term = fc.record({
  cat: fc.constantFrom("A", "B", "C"),
  below: fc.integer({ min: 1, max: 4 }),
  missing: fc.boolean(),
  runs: fc.constantFrom(1, 1, 2),
});

/** Sequence queries by keys, maxspan, runs, missing stages (leading, middle, trailing) and until. */
const sequenceQuery = fc
  .record({
    by: fc.constantFrom("", "by k", "by k, ?j"),
    maxspan: fc.constantFrom(null, 3, 8, 20),
    terms: fc.array(term, { minLength: 2, maxLength: 4 }),
    until: fc.option(fc.constantFrom("C", "D"), { nil: null }),
  })
  .map(({ by, maxspan, terms, until }) => {
    const hasMissing = terms.some((t) => t.missing);
    const span = maxspan ?? (hasMissing ? 10 : null);
    // At least one positive stage: the first when all are missing.
    const allMissing = terms.every((t) => t.missing);
    const list = terms.map((t, i) => (allMissing && i === 0 ? { ...t, missing: false } : t));
    const head = ["sequence", by, span === null ? "" : `with maxspan=${span}ms`].filter((x) => x).join(" ");
    const body = list
      .map(
        (t) =>
          `${t.missing ? "!" : ""}[${t.cat} where x < ${t.below}]${t.runs > 1 ? ` with runs=${t.runs}` : ""}`,
      )
      .join(" ");
    return `${head} ${body}${until ? ` until [${until} where true]` : ""}`;
  });

const sampleQuery = fc.constantFrom(
  "sample by k [A where true] [B where true]",
  "sample by k [A where x < 2] [B where true] [C where true]",
  "sample by k, ?j [A where true] [A where x > 1]",
);

/** Events in roughly rising time: steps of 0-3 ms, a little disorder, now and then a jump of a second. */
const eventList = fc
  .array(
    fc.record({
      dt: fc.integer({ min: 0, max: 3 }),
      jitter: fc.integer({ min: -3, max: 0 }),
      jump: fc.integer({ min: 0, max: 40 }),
      cat: fc.constantFrom("A", "B", "C", "D"),
      k: fc.oneof(fc.integer({ min: 1, max: 6 }), fc.constant([1, 2]), fc.constant(undefined)),
      j: fc.option(fc.constantFrom("p", "q"), { nil: undefined }),
      x: fc.integer({ min: 0, max: 3 }),
    }),
    { maxLength: 80 },
  )
  .map((rows) => {
    let t = 0;
    return rows.map((r, id) => {
      t += r.dt;
      const ev: EqlEvent = {
        id,
        "@timestamp": r.jump === 0 ? t + 1000 : t + r.jitter,
        event: { category: r.cat },
        x: r.x,
      };
      if (r.k !== undefined) ev.k = r.k;
      if (r.j !== undefined) ev.j = r.j;
      return ev;
    });
  });

const streamSettings = fc.record({
  lateness: fc.constantFrom(0, 3),
  maxBytes: fc.constantFrom(Number.POSITIVE_INFINITY, 1500, 4000, 12_000),
});

type Settings = { lateness: number; maxBytes: number };

function open(query: string, s: Settings, restore?: StreamOptions["restore"]) {
  const budget = new StateBudget({ maxBytes: s.maxBytes });
  const options: StreamOptions = { lateness: s.lateness, onLate: "drop", maxTimeJump: 50, now: null, budget };
  if (restore) options.restore = restore;
  return { stream: compile(query).stream(options), budget };
}

/** Push events, recording the ids each push emitted, tagged with the push's position. */
function feed(stream: QueryStream<unknown>, events: readonly EqlEvent[], from: number, out: unknown[]) {
  events.forEach((ev, i) => {
    for (const hit of stream.push(ev) as SequenceHit[]) out.push([from + i, idsOf(hit)]);
  });
}

/** Run uncut, and cut at `cut` through JSON; both must give the same outputs, stats and charges. */
function compareCut(query: string, events: EqlEvent[], cut: number, s: Settings): void {
  const whole = open(query, s);
  const expected: unknown[] = [];
  feed(whole.stream, events, 0, expected);
  expected.push(["end", ...(whole.stream.end() as SequenceHit[]).map(idsOf)]);

  const first = open(query, s);
  const got: unknown[] = [];
  const at = Math.min(cut, events.length);
  feed(first.stream, events.slice(0, at), 0, got);
  const snap = first.stream.snapshot();
  const text = JSON.stringify(snap);
  const wire = JSON.parse(text);
  expect(wire).toStrictEqual(snap);
  const ids = (wire.events as EqlEvent[]).map((e) => e.id);
  expect(new Set(ids).size).toBe(ids.length);
  const second = open(query, s, wire);
  expect({ ...second.stream.stats }).toEqual({ ...first.stream.stats });
  expect(second.budget.stats.bytes).toBe(first.budget.stats.bytes);
  expect(second.budget.stats.entries).toBe(first.budget.stats.entries);
  expect(second.stream.waiting).toBe(first.stream.waiting);
  feed(second.stream, events.slice(at), at, got);
  got.push(["end", ...(second.stream.end() as SequenceHit[]).map(idsOf)]);

  expect(got).toEqual(expected);
  expect({ ...second.stream.stats }).toEqual({ ...whole.stream.stats });
  expect(second.budget.stats.bytes).toBe(whole.budget.stats.bytes);
  expect(second.budget.stats.entries).toBe(whole.budget.stats.entries);
}

describe("snapshot and restore", () => {
  it("a sequence stream cut anywhere and restored from JSON resumes with identical answers and stats", () => {
    fc.assert(
      fc.property(sequenceQuery, eventList, fc.nat(80), streamSettings, (query, events, cut, s) =>
        compareCut(query, events, cut, s),
      ),
      { numRuns: 400 },
    );
  }, 60_000);

  it("a sample stream likewise", () => {
    fc.assert(
      fc.property(sampleQuery, eventList, fc.nat(80), streamSettings, (query, events, cut, s) =>
        compareCut(query, events, cut, s),
      ),
      { numRuns: 150 },
    );
  }, 60_000);

  it("keeps expiry sweeps and missing-stage times over long streams", () => {
    const query =
      "sequence by k with maxspan=20ms [A where true] ![C where true] [B where true] ![D where true]";
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom("A", "B", "C", "D"), fc.integer({ min: 0, max: 40 })), {
          minLength: 2500,
          maxLength: 2500,
        }),
        fc.integer({ min: 1000, max: 2400 }),
        (rows, cut) => {
          const events = rows.map(([cat, k], id) => ({ id, "@timestamp": id, event: { category: cat }, k }));
          compareCut(query, events, cut, { lateness: 0, maxBytes: 40_000 });
        },
      ),
      { numRuns: 8 },
    );
  }, 60_000);

  it("keeps each event once even when several partial sequences hold it", () => {
    const s = compile("sequence by k [A where true] [A where true] [B where true]").stream();
    s.push({ id: 1, "@timestamp": 1, event: { category: "A" }, k: [1, 2] });
    s.push({ id: 2, "@timestamp": 2, event: { category: "A" }, k: [1, 2] });
    const snap = s.snapshot();
    expect(snap.events.map((e) => e.id)).toEqual(expect.arrayContaining([1, 2]));
    expect(snap.events).toHaveLength(2);
  });

  it("refuses a snapshot of another query or version", () => {
    const snap = compile("sequence [A where true] [B where true]").stream().snapshot();
    expect(() => compile("sequence [A where true] [C where true]").stream({ restore: snap })).toThrow(
      RangeError,
    );
    expect(() => compile("sample by k [A where true] [B where true]").stream({ restore: snap })).toThrow(
      RangeError,
    );
    expect(() =>
      compile("sequence [A where true] [B where true]").stream({ restore: { ...snap, version: 99 } }),
    ).toThrow(RangeError);
  });

  it("refuses partial sequences and candidates the query cannot hold", () => {
    const query = "sequence by k [A where true] [B where true] [C where true]";
    const s = compile(query).stream();
    s.push({ "@timestamp": 1, event: { category: "A" }, k: 1 });
    s.push({ "@timestamp": 2, event: { category: "A" }, k: 2 });
    const snap = JSON.parse(JSON.stringify(s.snapshot()));
    const partials = snap.sequence.matcher.partials;
    const withPartials = (list: unknown[]) => ({
      ...snap,
      sequence: { ...snap.sequence, matcher: { ...snap.sequence.matcher, partials: list } },
    });
    const restore = (bad: unknown) => () => compile(query).stream({ restore: bad as typeof snap });
    expect(restore(withPartials(partials))).not.toThrow();
    // Stage 1 holds two events; the last stage is never stored; no trailing missing stage, no candidates.
    expect(restore(withPartials([{ ...partials[0], stage: 1 }]))).toThrow(RangeError);
    expect(restore(withPartials([{ ...partials[0], stage: 2 }]))).toThrow(RangeError);
    expect(restore(withPartials([{ ...partials[0], stage: -1 }]))).toThrow(RangeError);
    expect(restore(withPartials([partials[0], { ...partials[1], key: partials[0].key }]))).toThrow(
      RangeError,
    );
  });

  it("event streams carry their counters", () => {
    const q = "A where x == 1";
    const s = compile(q).stream();
    s.push({ event: { category: "A" }, x: 1 });
    s.push(null as unknown as EqlEvent);
    const t = compile(q).stream({ restore: JSON.parse(JSON.stringify(s.snapshot())) });
    expect({ ...t.stats }).toEqual({ ...s.stats });
    expect(t.stats).toMatchObject({ eventsIn: 2, notObjects: 1, emitted: 1 });
  });
});
