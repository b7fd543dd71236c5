/**
 * Differential test for missing-event stages (spec §8.6) against a direct transcription of its
 * rules, on seeded random data. Positive matching follows §8.2 (see s08-reference.test.ts).
 */
import { describe, expect, it } from "vitest";
import { compile } from "../../src/index.js";
import type { SequencesResult } from "../../src/types.js";

type Ev = { id: number; "@timestamp": number; event: { category: string }; k?: string; v: number };
type Stage = { cat: string; maxV: number | null; missing: boolean };
type Query = { stages: Stage[]; keyed: boolean; maxspan: number };

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function text(q: Query): string {
  const term = (s: Stage) =>
    `${s.missing ? "!" : ""}[${s.cat} where ${s.maxV === null ? "true" : `v < ${s.maxV}`}]`;
  return `sequence${q.keyed ? " by k" : ""} with maxspan=${q.maxspan}ms ${q.stages.map(term).join(" ")}`;
}

function reference(q: Query, events: Ev[]): { keys: unknown[]; ids: (number | string)[] }[] {
  const lt = (a: number, b: number) => {
    const ta = events[a]!["@timestamp"];
    const tb = events[b]!["@timestamp"];
    return ta < tb || (ta === tb && a < b);
  };
  const ts = (i: number) => events[i]!["@timestamp"];
  const matches = (s: Stage, e: Ev) => e.event.category === s.cat && (s.maxV === null || e.v < s.maxV);
  const keyOf = (e: Ev): string | undefined => (q.keyed ? e.k : "");
  const sorted = events.map((_, i) => i).sort((a, b) => (lt(a, b) ? -1 : lt(b, a) ? 1 : 0));
  const posIdx = q.stages.map((s, i) => (s.missing ? -1 : i)).filter((i) => i >= 0);
  const pos = posIdx.map((i) => q.stages[i]!);
  const H = pos.map((s) => sorted.filter((i) => matches(s, events[i]!) && keyOf(events[i]!) !== undefined));
  type Seq = { key: string; idx: number[] };
  const G: Map<string, Seq[]>[] = pos.map(() => new Map());
  const cands: Seq[] = [];
  const last = (s: Seq) => s.idx[s.idx.length - 1]!;
  for (const i of H[0]!) {
    const seq = { key: keyOf(events[i]!)!, idx: [i] };
    if (pos.length === 1) cands.push(seq);
    else G[0]!.set(seq.key, [...(G[0]!.get(seq.key) ?? []), seq]);
  }
  for (let s = 1; s < pos.length; s++) {
    for (const i of H[s]!) {
      const k = keyOf(events[i]!)!;
      const L = G[s - 1]!.get(k) ?? [];
      let pick = -1;
      for (let j = 0; j < L.length; j++) if (lt(last(L[j]!), i)) pick = j;
      if (pick < 0) continue;
      const seq = L[pick]!;
      L.splice(0, pick + 1);
      if (ts(i) - ts(seq.idx[0]!) > q.maxspan) continue;
      seq.idx.push(i);
      if (s === pos.length - 1) cands.push(seq);
      else {
        const l = [...(G[s]!.get(k) ?? []), seq];
        l.sort((a, b) => (lt(last(a), last(b)) ? -1 : 1));
        G[s]!.set(k, l);
      }
    }
  }
  const firstPos = posIdx[0]!;
  const lastPos = posIdx[posIdx.length - 1]!;
  const hasLead = firstPos > 0;
  const hasTrail = lastPos < q.stages.length - 1;
  const accepted = cands.filter((c) => {
    const lookup = (stageIdx: number) =>
      events
        .filter((e) => matches(q.stages[stageIdx]!, e) && keyOf(e) !== undefined && keyOf(e) === c.key)
        .map((e) => e["@timestamp"]);
    // middle stages
    for (let m = firstPos + 1; m < lastPos; m++) {
      if (!q.stages[m]!.missing) continue;
      const p = posIdx.filter((i) => i < m).length - 1;
      const tp = ts(c.idx[p]!);
      const tn = ts(c.idx[p + 1]!);
      if (lookup(m).some((t) => tp < t && t < tn)) return false;
    }
    const A = ts(c.idx[0]!);
    const Z = ts(last(c));
    let Lv: number | undefined;
    for (let m = 0; m < firstPos; m++)
      for (const t of lookup(m)) if (t < A && (Lv === undefined || t > Lv)) Lv = t;
    let Tv: number | undefined;
    for (let m = lastPos + 1; m < q.stages.length; m++)
      for (const t of lookup(m)) if (t > Z && (Tv === undefined || t < Tv)) Tv = t;
    if (hasLead && !hasTrail) return Lv === undefined || Z - Lv > q.maxspan;
    if (!hasLead && hasTrail) return Tv === undefined || Tv - A > q.maxspan;
    if (hasLead && hasTrail) return Lv === undefined || Tv === undefined || Tv - Lv > q.maxspan;
    return true;
  });
  accepted.sort((a, b) => (lt(last(a), last(b)) ? -1 : lt(last(b), last(a)) ? 1 : 0));
  return accepted.map((c) => {
    const ids: (number | string)[] = [];
    let p = 0;
    for (const s of q.stages) ids.push(s.missing ? "-" : events[c.idx[p++]!]!.id);
    return { keys: q.keyed ? [c.key] : [], ids };
  });
}

function randomCase(r: () => number): { q: Query; events: Ev[] } {
  const cats = ["A", "B", "M"];
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const n = 5 + Math.floor(r() * 20);
  const events: Ev[] = [];
  for (let i = 0; i < n; i++) {
    const e: Ev = {
      id: i,
      "@timestamp": Math.floor(r() * 30),
      event: { category: pick(cats) },
      v: Math.floor(r() * 5),
    };
    const k = pick(["x", "y", undefined]);
    if (k !== undefined) e.k = k;
    events.push(e);
  }
  const len = 2 + Math.floor(r() * 3);
  let stages: Stage[] = Array.from({ length: len }, () => {
    const missing = r() < 0.4;
    return {
      cat: missing ? pick(["M", "A"]) : pick(["A", "B"]),
      maxV: r() < 0.5 ? null : 1 + Math.floor(r() * 4),
      missing,
    };
  });
  if (stages.every((s) => s.missing)) stages = [{ cat: "A", maxV: null, missing: false }, ...stages];
  if (stages.every((s) => !s.missing))
    stages.splice(Math.floor(r() * (stages.length + 1)), 0, { cat: "M", maxV: null, missing: true });
  return { q: { stages, keyed: r() < 0.5, maxspan: 1 + Math.floor(r() * 15) }, events };
}

describe("§8.6 missing events vs spec transcription (random)", () => {
  const r = rng(777);
  let nonEmpty = 0;
  for (let c = 0; c < 600; c++) {
    const { q, events } = randomCase(r);
    const query = text(q);
    const want = reference(q, events);
    if (want.length > 0) nonEmpty++;
    it(`case ${c}: ${query}`, () => {
      const res = compile(query).run(events, { size: 1000 }) as SequencesResult;
      const got = res.sequences.map((s) => ({
        keys: s.join_keys,
        ids: s.events.map((e) => (e.missing ? "-" : e._source.id)),
      }));
      const norm = (xs: { keys: unknown[]; ids: unknown[] }[]) => xs.map((x) => JSON.stringify(x)).sort();
      expect(norm(got), JSON.stringify(events)).toEqual(norm(want));
    });
  }
  it("not vacuous", () => expect(nonEmpty).toBeGreaterThan(100));
});
