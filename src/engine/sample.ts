/**
 * Samples: for every join key present in every filter, pick distinct events (one per filter, in
 * filter order) depth-first over the candidates in input order, up to `max_samples_per_key`
 * samples per key; samples come out in ascending key order. Time plays no part.
 *
 * Candidates are collected event by event (the batch runner and the stream share this): per key,
 * the first `F + M - 1` events of each filter, which is all the search can use. Each key's
 * candidates are one entry of the state budget.
 */
import type { EventFilter } from "../compile/query.js";
import type { Scalar } from "../functions/types.js";
import type { EqlEvent } from "../types.js";
import { type BudgetOwner, Charged } from "./budget.js";
import { type FilterHits, FilterSet } from "./filter.js";
import { compareKeyValues, type KeySpec, keyTupleOf, safeKeyTuples } from "./keys.js";
import { type EventTable, eventAt, type GroupState, type SampleState } from "./snapshot.js";

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

/** Estimated bytes of a key's candidate lists apart from the events. */
const GROUP_BYTES = 160;
/** Estimated bytes per candidate apart from the event (its slot and list growth). */
const CANDIDATE_BYTES = 16;

/** The candidates of one key, per filter. */
class Group extends Charged {
  /** Estimated bytes of the candidates' events. */
  eventBytes = 0;

  constructor(
    readonly holder: Map<string, Group>,
    readonly id: string,
    readonly values: readonly Scalar[],
    readonly lists: EqlEvent[][],
  ) {
    super();
  }

  size(): number {
    return GROUP_BYTES + 2 * this.id.length + 32 * this.lists.length + this.eventBytes;
  }

  evict(): void {
    if (this.holder.get(this.id) === this) this.holder.delete(this.id);
  }
}

/** Collects sample candidates event by event and searches them for samples. */
export class SampleCollector {
  private readonly filterSet = new FilterSet();
  private readonly termFilter: number[];
  private readonly groups = new Map<string, Group>();
  private readonly cap: number;

  constructor(
    private readonly terms: readonly SampleTerm[],
    private readonly maxPerKey: number,
    /** The account candidates are charged to. */
    readonly owner: BudgetOwner,
  ) {
    this.termFilter = terms.map((t) => this.filterSet.add(t.filter));
    this.cap = terms.length + maxPerKey - 1;
  }

  /** Evaluate each distinct filter once: the hits `add` takes, or null when no filter matches. */
  evaluate(event: EqlEvent): FilterHits | null {
    return this.filterSet.evaluate(event);
  }

  /** Add an event (in input order) with its hits from `evaluate`. */
  add(event: EqlEvent, hits: FilterHits): void {
    const terms = this.terms;
    for (let i = 0; i < terms.length; i++) {
      if (!hits[this.termFilter[i] as number]) continue;
      for (const k of safeKeyTuples(event, (terms[i] as SampleTerm).keys)) {
        let g = this.groups.get(k.id);
        if (!g) {
          g = new Group(
            this.groups,
            k.id,
            k.values,
            terms.map(() => []),
          );
          this.groups.set(k.id, g);
        }
        const list = g.lists[i] as EqlEvent[];
        if (list.length >= this.cap) continue;
        list.push(event);
        g.eventBytes += CANDIDATE_BYTES + this.owner.budget.sizeOf(event);
        this.owner.charge(g, g.size());
      }
    }
  }

  /** The samples so far, in key order, at most `size`. */
  results(size: number): SampleResult[] {
    const F = this.terms.length;
    const maxPerKey = this.maxPerKey;
    const complete = [...this.groups.values()].filter((g) => g.lists.every((l) => l.length > 0));
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

  /** The candidates, with events referred to through `table`. */
  save(table: EventTable): SampleState {
    const groups: GroupState[] = [];
    for (const g of this.groups.values()) {
      groups.push({
        key: g.id,
        lists: g.lists.map((l) => l.map((e) => table.ref(e))),
        stamp: g.stamp,
        bytes: g.bytes,
      });
    }
    return {
      owner: { evicted: this.owner.stats.evicted, evictedBytes: this.owner.stats.evictedBytes },
      groups,
    };
  }

  /** Resume from `state` (this collector must be new); entries are charged as they were. */
  load(state: SampleState, events: readonly EqlEvent[]): void {
    const entries: Group[] = [];
    for (const s of state.groups) {
      if (s.lists.length !== this.terms.length) {
        throw new RangeError(`Snapshot has ${s.lists.length} sample filters, the query ${this.terms.length}`);
      }
      if (this.groups.has(s.key)) throw new RangeError("Snapshot has sample candidates of one key twice");
      const key = keyTupleOf(s.key);
      const g = new Group(
        this.groups,
        s.key,
        key.values,
        s.lists.map((l) => l.map((i) => eventAt(events, i))),
      );
      g.eventBytes = s.bytes - GROUP_BYTES - 2 * s.key.length - 32 * s.lists.length;
      this.groups.set(s.key, g);
      entries.push(g);
    }
    this.owner.restoreEvicted(state.owner.evicted, state.owner.evictedBytes);
    this.owner.restore(
      entries,
      state.groups.map((s) => s.stamp),
      state.groups.map((s) => s.bytes),
    );
  }
}
