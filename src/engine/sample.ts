/**
 * Samples: for every join key present in every filter, pick distinct events (one per filter, in
 * filter order) depth-first over the candidates in input order, up to `max_samples_per_key`
 * samples per key; samples come out in ascending key order. Time plays no part.
 */
import type { EventFilter } from "../compile/query.js";
import type { Scalar } from "../functions/types.js";
import type { EqlEvent } from "../types.js";
import { compareKeyValues, type KeySpec, keyTuples } from "./keys.js";

/** One sample filter with its keys (sample-level keys first). */
export interface SampleTerm {
  readonly filter: EventFilter;
  readonly keys: readonly KeySpec[];
}

/** A sample before rendering. */
export interface SampleResult {
  readonly key: readonly Scalar[];
  readonly events: readonly EqlEvent[];
}

function safeFilter(f: EventFilter, e: EqlEvent): boolean {
  try {
    return f(e);
  } catch {
    return false;
  }
}

/** Compute the samples of `events` (in input order). */
export function runSamples(
  terms: readonly SampleTerm[],
  events: Iterable<EqlEvent>,
  maxPerKey: number,
  size: number,
): SampleResult[] {
  const F = terms.length;
  const cap = F + maxPerKey - 1;
  // key id → { values, candidates per filter }
  const groups = new Map<string, { values: readonly Scalar[]; lists: EqlEvent[][] }>();
  for (const e of events) {
    if (typeof e !== "object" || e === null || Array.isArray(e)) continue;
    for (let i = 0; i < F; i++) {
      const t = terms[i] as SampleTerm;
      if (!safeFilter(t.filter, e)) continue;
      for (const k of keyTuples(e, t.keys)) {
        let g = groups.get(k.id);
        if (!g) {
          g = { values: k.values, lists: terms.map(() => []) };
          groups.set(k.id, g);
        }
        const list = g.lists[i] as EqlEvent[];
        if (list.length < cap) list.push(e);
      }
    }
  }
  const complete = [...groups.values()].filter((g) => g.lists.every((l) => l.length > 0));
  complete.sort((a, b) => {
    for (let i = 0; i < a.values.length; i++) {
      const c = compareKeyValues(a.values[i] as Scalar, b.values[i] as Scalar);
      if (c !== 0) return c;
    }
    return 0;
  });
  const out: SampleResult[] = [];
  for (const g of complete) {
    if (out.length >= size) break;
    const picked: EqlEvent[] = [];
    const used = new Set<EqlEvent>();
    let found = 0;
    const pick = (i: number): boolean => {
      if (i === F) {
        out.push({ key: g.values, events: [...picked] });
        found++;
        return found >= maxPerKey || out.length >= size;
      }
      for (const e of g.lists[i] as EqlEvent[]) {
        if (used.has(e)) continue;
        used.add(e);
        picked.push(e);
        const stop = pick(i + 1);
        picked.pop();
        used.delete(e);
        if (stop) return true;
      }
      return false;
    };
    pick(0);
  }
  return out;
}
