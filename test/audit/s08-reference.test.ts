/**
 * Differential test: the sequence matcher against a direct transcription of spec §8.2
 * (positive stages, keys, maxspan, until; no missing stages), on seeded random data.
 */
import { describe, expect, it } from "vitest";
import { compile } from "../../src/index.js";
import type { SequencesResult } from "../../src/types.js";

type Ev = { id: number; "@timestamp": number; event: { category: string }; k?: string; v: number };
type Stage = { cat: string; maxV: number | null };
type Query = { stages: Stage[]; keyed: boolean; maxspan: number | null; until: Stage | null };

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function text(q: Query): string {
  const term = (s: Stage) => `[${s.cat} where ${s.maxV === null ? "true" : `v < ${s.maxV}`}]`;
  let out = "sequence";
  if (q.keyed) out += " by k";
  if (q.maxspan !== null) out += ` with maxspan=${q.maxspan}ms`;
  out += ` ${q.stages.map(term).join(" ")}`;
  if (q.until) out += ` until ${term(q.until)}`;
  return out;
}

function reference(q: Query, events: Ev[]): { keys: unknown[]; ids: number[] }[] {
  const ord = (i: number) => [events[i]!["@timestamp"], i] as const;
  const lt = (a: number, b: number) => {
    const [ta, ia] = ord(a);
    const [tb, ib] = ord(b);
    return ta < tb || (ta === tb && ia < ib);
  };
  const matches = (s: Stage, e: Ev) => e.event.category === s.cat && (s.maxV === null || e.v < s.maxV);
  const keyOf = (e: Ev): string | undefined => (q.keyed ? e.k : "");
  const sorted = events.map((_, i) => i).sort((a, b) => (lt(a, b) ? -1 : lt(b, a) ? 1 : 0));
  const H = q.stages.map((s) =>
    sorted.filter((i) => matches(s, events[i]!) && keyOf(events[i]!) !== undefined),
  );
  const U = q.until
    ? sorted.filter((i) => matches(q.until!, events[i]!) && keyOf(events[i]!) !== undefined)
    : [];
  type Seq = { key: string; idx: number[] };
  const G: Map<string, Seq[]>[] = q.stages.map(() => new Map());
  const done: Seq[] = [];
  const last = (s: Seq) => s.idx[s.idx.length - 1]!;
  for (const i of H[0]!) {
    const seq = { key: keyOf(events[i]!)!, idx: [i] };
    if (q.stages.length === 1) done.push(seq);
    else {
      const l = G[0]!.get(seq.key) ?? [];
      l.push(seq);
      G[0]!.set(seq.key, l);
    }
  }
  for (let s = 1; s < q.stages.length; s++) {
    for (const i of H[s]!) {
      const k = keyOf(events[i]!)!;
      const L = G[s - 1]!.get(k) ?? [];
      let pick = -1;
      for (let j = 0; j < L.length; j++) if (lt(last(L[j]!), i)) pick = j;
      if (pick < 0) continue;
      const seq = L[pick]!;
      L.splice(0, pick + 1);
      if (q.maxspan !== null && events[i]!["@timestamp"] - events[seq.idx[0]!]!["@timestamp"] > q.maxspan)
        continue;
      if (U.some((u) => keyOf(events[u]!) === k && !lt(u, last(seq)) && lt(u, i))) continue;
      seq.idx.push(i);
      if (s === q.stages.length - 1) done.push(seq);
      else {
        const l = G[s]!.get(k) ?? [];
        l.push(seq);
        // keep ordered by last ordinal
        l.sort((a, b) => (lt(last(a), last(b)) ? -1 : 1));
        G[s]!.set(k, l);
      }
    }
  }
  done.sort((a, b) => (lt(last(a), last(b)) ? -1 : lt(last(b), last(a)) ? 1 : 0));
  return done.map((s) => ({ keys: q.keyed ? [s.key] : [], ids: s.idx.map((i) => events[i]!.id) }));
}

function randomCase(r: () => number): { q: Query; events: Ev[] } {
  const cats = ["A", "B", "C"];
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const n = 5 + Math.floor(r() * 20);
  const events: Ev[] = [];
  for (let i = 0; i < n; i++) {
    const e: Ev = {
      id: i,
      "@timestamp": Math.floor(r() * 25),
      event: { category: pick(cats) },
      v: Math.floor(r() * 5),
    };
    const k = pick(["x", "y", undefined]);
    if (k !== undefined) e.k = k;
    events.push(e);
  }
  const stage = (): Stage => ({ cat: pick(cats), maxV: r() < 0.5 ? null : 1 + Math.floor(r() * 4) });
  const len = 2 + Math.floor(r() * 3);
  const q: Query = {
    stages: Array.from({ length: len }, stage),
    keyed: r() < 0.6,
    maxspan: r() < 0.4 ? 1 + Math.floor(r() * 10) : null,
    until: r() < 0.4 ? stage() : null,
  };
  return { q, events };
}

describe("§8.2 sequence matcher vs spec transcription (random)", () => {
  const r = rng(20240611);
  for (let c = 0; c < 1000; c++) {
    const { q, events } = randomCase(r);
    const query = text(q);
    it(`case ${c}: ${query}`, () => {
      const res = compile(query).run(events, { size: 1000 }) as SequencesResult;
      const got = res.sequences.map((s) => ({ keys: s.join_keys, ids: s.events.map((e) => e._source.id) }));
      const want = reference(q, events);
      // Sequences ending on the same event have no defined relative order: compare as sorted by last id then ids.
      const norm = (xs: { keys: unknown[]; ids: unknown[] }[]) => xs.map((x) => JSON.stringify(x));
      expect(norm(got).sort(), JSON.stringify(events)).toEqual(norm(want).sort());
      // order: by ordinal of the last event
      const lastOrd = (ids: unknown[]) => {
        const id = ids[ids.length - 1] as number;
        return [events[id]!["@timestamp"], id] as const;
      };
      for (let i = 1; i < got.length; i++) {
        const [ta, ia] = lastOrd(got[i - 1]!.ids);
        const [tb, ib] = lastOrd(got[i]!.ids);
        expect(ta < tb || (ta === tb && ia <= ib)).toBe(true);
      }
    });
  }
});

describe("§8.2 random cases are not vacuous", () => {
  it("most cases produce sequences, some with until/maxspan effects", () => {
    const r = rng(20240611);
    let nonEmpty = 0;
    for (let c = 0; c < 1000; c++) {
      const { q, events } = randomCase(r);
      if (reference(q, events).length > 0) nonEmpty++;
    }
    expect(nonEmpty).toBeGreaterThan(200);
  });
});
