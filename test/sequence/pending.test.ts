/**
 * Candidates waiting for a trailing missing stage wait in a heap by the time they are released at:
 * an event looks at the first of them, not at all of them. The work is counted (`pendingWork`).
 */
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compile.js";
import { pendingWork } from "../../src/engine/sequence.js";
import type { SequenceHit } from "../../src/types.js";
import { e, idsOf } from "./helpers.js";

describe("candidates waiting for a trailing missing stage", () => {
  it("cost each later event a look at the first of them, and a release O(log n) looks", () => {
    const N = 2000;
    const M = 2000;
    const log2N = Math.log2(N);
    const s = compile("sequence by k with maxspan=10s [A where true] ![C where true]").stream();
    const out: number[][] = [];
    const feed = (ev: Parameters<typeof s.push>[0]) => out.push(...(s.push(ev) as SequenceHit[]).map(idsOf));
    // N candidates, one per key, at 1..N ms: each waits until its time + 10 s.
    for (let i = 1; i <= N; i++) feed(e(i, i, "A", { k: i }));
    expect(s.stats.pendingSequences).toBe(N);

    // M later events, each moving the clock, none releasing anything; every tenth rejects a candidate.
    let before = pendingWork.examined;
    for (let j = 1; j <= M; j++) {
      const t = N + j;
      feed(j % 10 === 0 ? e(N + j, t, "C", { k: j }) : e(N + j, t, "D"));
    }
    const waiting = pendingWork.examined - before;
    expect(out).toEqual([]);
    // A rescan of the waiting ones would be N looks per event: N·M in all.
    expect(waiting).toBeGreaterThanOrEqual(M);
    expect(waiting).toBeLessThanOrEqual(2 * M);

    // M more events, each releasing the one candidate whose window it closes.
    before = pendingWork.examined;
    for (let j = 1; j <= M; j++) feed(e(N + M + j, 10_000 + j + 1, "D"));
    const released = pendingWork.examined - before;
    expect(out).toHaveLength(M - M / 10);
    expect(out[0]).toEqual([1, -1]);
    expect(s.stats.rejectedByMissing).toBe(M / 10);
    expect(released).toBeGreaterThanOrEqual(2 * M);
    expect(released).toBeLessThanOrEqual(M * (2 + 4 * log2N));
  });
});
