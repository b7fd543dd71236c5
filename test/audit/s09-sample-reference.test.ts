/** Differential test for samples (spec §9) against a direct transcription, on seeded random data. */
import { describe, expect, it } from "vitest";
import { compile } from "../../src/index.js";
import type { SequencesResult } from "../../src/types.js";

type Ev = { id: number; event: { category: string }; k?: string | number; v: number };
type Filter = { cat: string; maxV: number | null };

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function reference(filters: Filter[], optional: boolean, M: number, size: number, events: Ev[]) {
  const F = filters.length;
  const matches = (f: Filter, e: Ev) => e.event.category === f.cat && (f.maxV === null || e.v < f.maxV);
  const keyOf = (e: Ev) => (e.k === undefined ? (optional ? null : undefined) : e.k);
  const keys = new Map<string, string | number | null>();
  for (const e of events) {
    const k = keyOf(e);
    if (k !== undefined) keys.set(JSON.stringify(k), k);
  }
  const cmp = (a: string | number | null, b: string | number | null) => {
    if (a === b) return 0;
    if (a === null) return -1;
    if (b === null) return 1;
    if (typeof a === "number" && typeof b === "number") return a - b;
    if (typeof a === "string" && typeof b === "string") {
      const ca = [...a].map((c) => c.codePointAt(0)!);
      const cb = [...b].map((c) => c.codePointAt(0)!);
      for (let i = 0; i < Math.min(ca.length, cb.length); i++) if (ca[i] !== cb[i]) return ca[i]! - cb[i]!;
      return ca.length - cb.length;
    }
    return typeof a === "number" ? -1 : 1;
  };
  const out: { keys: unknown[]; ids: number[] }[] = [];
  for (const K of [...keys.values()].sort(cmp)) {
    const C = filters.map((f) => events.filter((e) => matches(f, e) && keyOf(e) === K).slice(0, F + M - 1));
    if (C.some((c) => c.length === 0)) continue;
    let emitted = 0;
    const chosen: Ev[] = [];
    const dfs = (i: number) => {
      if (emitted >= M) return;
      if (i === F) {
        out.push({ keys: [K], ids: chosen.map((e) => e.id) });
        emitted++;
        return;
      }
      for (const e of C[i]!) {
        if (chosen.includes(e)) continue;
        chosen.push(e);
        dfs(i + 1);
        chosen.pop();
        if (emitted >= M) return;
      }
    };
    dfs(0);
  }
  return out.slice(0, size);
}

describe("§9 samples vs spec transcription (random)", () => {
  const r = rng(4242);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  let nonEmpty = 0;
  for (let c = 0; c < 500; c++) {
    const n = 3 + Math.floor(r() * 15);
    const numericKeys = r() < 0.3;
    const events: Ev[] = [];
    for (let i = 0; i < n; i++) {
      const e: Ev = { id: i, event: { category: pick(["A", "B", "C"]) }, v: Math.floor(r() * 4) };
      const k = numericKeys ? pick([1, 2, 10, undefined]) : pick(["a", "b", "B", undefined]);
      if (k !== undefined) e.k = k;
      events.push(e);
    }
    const F = 2 + Math.floor(r() * 2);
    const filters: Filter[] = Array.from({ length: F }, () => ({
      cat: pick(["A", "B", "C"]),
      maxV: r() < 0.6 ? null : 1 + Math.floor(r() * 3),
    }));
    const optional = r() < 0.3;
    const M = 1 + Math.floor(r() * 3);
    const size = r() < 0.2 ? 2 : 10;
    const query = `sample by ${optional ? "?" : ""}k ${filters
      .map((f) => `[${f.cat} where ${f.maxV === null ? "true" : `v < ${f.maxV}`}]`)
      .join(" ")}`;
    const want = reference(filters, optional, M, size, events);
    if (want.length > 0) nonEmpty++;
    it(`case ${c}: ${query} (M=${M}, size=${size})`, () => {
      const res = compile(query).run(events, { maxSamplesPerKey: M, size }) as SequencesResult;
      const got = res.sequences.map((s) => ({ keys: s.join_keys, ids: s.events.map((e) => e._source.id) }));
      expect(got, JSON.stringify(events)).toEqual(want);
    });
  }
  it("not vacuous", () => expect(nonEmpty).toBeGreaterThan(100));
});
