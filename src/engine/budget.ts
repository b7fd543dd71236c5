/**
 * One memory budget for the state of many sequence and sample runners. Everything a runner holds
 * (partial sequences, missing-stage times, waiting candidates, re-ordering buffers, sample
 * candidates) is an entry charged with an estimate of the heap bytes it keeps alive. Entries sit in
 * one list ordered by when they were last charged, across every runner sharing the budget; when the
 * total times `HEAP_OVERHEAD` passes the limit, the entry at the head (the least recently charged)
 * is evicted in constant time and counted against its owner.
 */

import { ownOptions } from "../options.js";
import type { EqlEvent } from "../types.js";
import { estimateEventSize } from "./size.js";

/**
 * Default limit: 256 MiB of memory for the state (see `BudgetOptions.maxBytes`), a quarter of a
 * 1 GB process, which leaves room for the compiled rules and the events in flight.
 */
export const DEFAULT_STATE_BYTES = 256 * 1024 * 1024;

/**
 * Resident memory the state costs the process per byte charged, by default. An evicted entry is not
 * freed when it is evicted: it stays in V8's old generation as garbage until the next full
 * collection, which V8 starts once the heap has grown by a share of what the last one kept (half
 * with `--heap-growing-percent=50`, which `mini-eql run` sets) and finishes while the program keeps
 * allocating. A full budget evicts about one entry per entry charged, so the garbage waiting grows
 * with the live state. Over 2 M distinct sequence keys (bench/README.md, "State budget") the state
 * added 1.6 bytes of peak RSS per byte charged (1.8 per byte of live heap) at 256 and at 64 MiB;
 * the charged bytes are kept at or below `maxBytes / HEAP_OVERHEAD`, which leaves a margin for
 * collections that finish later on a busy machine. V8's default lets the heap grow to about four
 * times what the last collection kept: a program that runs without the flag should pass a larger
 * `overhead`.
 */
export const HEAP_OVERHEAD = 2;

/** What one owner holds and lost. */
export interface OwnerStats {
  /** Entries currently charged. */
  entries: number;
  /** Estimated bytes currently charged. */
  bytes: number;
  /** Entries evicted because the budget was full. */
  evicted: number;
  /** Estimated bytes of the evicted entries. */
  evictedBytes: number;
}

/** Totals of a budget. */
export interface BudgetStats extends OwnerStats {
  /** The limit: memory the state may add to the process (`bytes` stays at or below it / `overhead`). */
  readonly maxBytes: number;
  /** Owners created on this budget. */
  owners: number;
}

/** What a budget records of itself in a snapshot (its entries are recorded by their owners). */
export interface BudgetTotals {
  /** The last stamp given. */
  readonly counter: number;
  /** Entries evicted so far, over every owner. */
  readonly evicted: number;
  /** Their estimated bytes. */
  readonly evictedBytes: number;
}

/** Options of a budget. */
export interface BudgetOptions {
  /**
   * The memory the state may add to the process (resident bytes, default `DEFAULT_STATE_BYTES`):
   * the live entries and the evicted ones V8 has not collected yet. Entries are evicted once their
   * estimated bytes times `overhead` pass it. `Infinity` never evicts.
   */
  maxBytes?: number;
  /**
   * Memory held per byte of live state (default `HEAP_OVERHEAD`, measured with V8's heap allowed to
   * grow by 50% between full collections; must be at least 1).
   */
  overhead?: number;
  /** Estimated size of an event in bytes (default: a bounded walk, see `estimateEventSize`). */
  sizeOf?: (event: EqlEvent) => number;
}

/** Something held in memory and charged to a budget; subclasses know how to let go of themselves. */
export abstract class Charged {
  /** Neighbour towards the head (less recently charged). */
  prevCharged: Charged | null = null;
  /** Neighbour towards the tail (more recently charged). */
  nextCharged: Charged | null = null;
  /** Estimated size charged. */
  bytes = 0;
  /** When it was last charged (the budget's counter), which orders entries across owners. */
  stamp = 0;
  /** The owner it is charged to, or null when not charged. */
  owner: BudgetOwner | null = null;
  /** Remove this entry from its holder: the budget has evicted it (already uncharged and counted). */
  abstract evict(): void;
}

/** The account of one runner (one rule) within a budget. */
export class BudgetOwner {
  /** What this owner holds and lost. */
  readonly stats: OwnerStats = { entries: 0, bytes: 0, evicted: 0, evictedBytes: 0 };

  constructor(
    /** The budget charged. */
    readonly budget: StateBudget,
  ) {}

  /** Charge `entry` at `bytes` and make it the most recent entry; may evict others, or `entry` itself. */
  charge(entry: Charged, bytes: number): void {
    this.budget.link(this, entry, bytes, this.budget.nextStamp());
    this.budget.enforce();
  }

  /** Change what `entry` is charged without making it more recent (it shrank). */
  resize(entry: Charged, bytes: number): void {
    if (entry.owner !== this) return;
    const delta = bytes - entry.bytes;
    entry.bytes = bytes;
    this.stats.bytes += delta;
    this.budget.stats.bytes += delta;
  }

  /** Stop charging `entry` (its holder let go of it). */
  release(entry: Charged): void {
    if (entry.owner === this) this.budget.unlink(entry);
  }

  /**
   * Charge entries restored from a snapshot with their recorded stamps and sizes, keeping the
   * budget's list ordered by stamp (a merge with what is already charged), then evict if over.
   */
  restore(entries: readonly Charged[], stamps: readonly number[], bytes: readonly number[]): void {
    const order = entries.map((_, i) => i).sort((a, b) => (stamps[a] as number) - (stamps[b] as number));
    this.budget.merge(
      this,
      order.map((i) => entries[i] as Charged),
      order.map((i) => stamps[i] as number),
      order.map((i) => bytes[i] as number),
    );
    this.budget.enforce();
  }

  /** Restore the eviction counters recorded in a snapshot. */
  restoreEvicted(evicted: number, evictedBytes: number): void {
    this.stats.evicted = evicted;
    this.stats.evictedBytes = evictedBytes;
  }
}

/** A memory budget shared by many owners (see the file comment). */
export class StateBudget {
  /** Totals over every owner. */
  readonly stats: BudgetStats;
  private head: Charged | null = null;
  private tail: Charged | null = null;
  private counter = 0;
  private lastEvent: EqlEvent | null = null;
  private lastSize = 0;
  private readonly measure: (event: EqlEvent) => number;
  /** The most the entries may be charged: `maxBytes / overhead`. */
  private readonly limit: number;

  constructor(given: BudgetOptions = {}) {
    const options = ownOptions(given);
    const maxBytes = options.maxBytes ?? DEFAULT_STATE_BYTES;
    if (!(maxBytes >= 0)) throw new RangeError(`maxBytes must be a number >= 0, got ${maxBytes}`);
    const overhead = options.overhead ?? HEAP_OVERHEAD;
    if (!(overhead >= 1 && overhead < Number.POSITIVE_INFINITY)) {
      throw new RangeError(`overhead must be a finite number >= 1, got ${overhead}`);
    }
    this.limit = maxBytes / overhead;
    this.stats = { maxBytes, entries: 0, bytes: 0, evicted: 0, evictedBytes: 0, owners: 0 };
    this.measure = options.sizeOf ?? estimateEventSize;
  }

  /** A new owner (one per runner). */
  owner(): BudgetOwner {
    this.stats.owners++;
    return new BudgetOwner(this);
  }

  /**
   * The estimated size of an event. The last answer is remembered: streams sharing a budget are
   * fed one event after another, so each event is measured once however many streams hold it,
   * without a per-event cache for the garbage collector to trace.
   */
  sizeOf(event: EqlEvent): number {
    if (event !== this.lastEvent) {
      this.lastSize = this.measure(event);
      this.lastEvent = event;
    }
    return this.lastSize;
  }

  /** The next stamp (entries charged later get larger stamps). */
  nextStamp(): number {
    return ++this.counter;
  }

  /** Put `entry` at the tail with `bytes` and `stamp` (taking it out of the list first if it was in). */
  link(owner: BudgetOwner, entry: Charged, bytes: number, stamp: number): void {
    if (entry.owner !== null) this.unlink(entry);
    entry.owner = owner;
    entry.bytes = bytes;
    entry.stamp = stamp;
    entry.prevCharged = this.tail;
    entry.nextCharged = null;
    if (this.tail) this.tail.nextCharged = entry;
    else this.head = entry;
    this.tail = entry;
    this.count(owner, 1, bytes);
  }

  /** Take `entry` out of the list and uncharge it. */
  unlink(entry: Charged): void {
    const owner = entry.owner;
    if (owner === null) return;
    const { prevCharged: prev, nextCharged: next } = entry;
    if (prev) prev.nextCharged = next;
    else this.head = next;
    if (next) next.prevCharged = prev;
    else this.tail = prev;
    entry.prevCharged = null;
    entry.nextCharged = null;
    entry.owner = null;
    this.count(owner, -1, -entry.bytes);
  }

  /** Insert entries sorted by stamp into the list, which is sorted by stamp too. */
  merge(owner: BudgetOwner, entries: Charged[], stamps: number[], bytes: number[]): void {
    let cursor = this.head;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i] as Charged;
      const stamp = stamps[i] as number;
      if (entry.owner !== null) this.unlink(entry);
      while (cursor !== null && cursor.stamp <= stamp) cursor = cursor.nextCharged;
      if (cursor === null) {
        this.link(owner, entry, bytes[i] as number, stamp);
      } else {
        entry.owner = owner;
        entry.bytes = bytes[i] as number;
        entry.stamp = stamp;
        entry.nextCharged = cursor;
        entry.prevCharged = cursor.prevCharged;
        if (cursor.prevCharged) cursor.prevCharged.nextCharged = entry;
        else this.head = entry;
        cursor.prevCharged = entry;
        this.count(owner, 1, entry.bytes);
      }
      if (stamp > this.counter) this.counter = stamp;
    }
  }

  /** The budget's own part of a snapshot: its stamp counter and eviction totals. */
  saveTotals(): BudgetTotals {
    return { counter: this.counter, evicted: this.stats.evicted, evictedBytes: this.stats.evictedBytes };
  }

  /** Restore what `saveTotals` recorded (after the owners restored their entries). */
  restoreTotals(totals: BudgetTotals): void {
    if (totals.counter > this.counter) this.counter = totals.counter;
    this.stats.evicted = totals.evicted;
    this.stats.evictedBytes = totals.evictedBytes;
  }

  /** The most the entries may be charged together (`maxBytes / overhead`). */
  get maxCharged(): number {
    return this.limit;
  }

  /** Evict from the head while the entries are charged more than `maxCharged`. */
  enforce(): void {
    const stats = this.stats;
    while (stats.bytes > this.limit && this.head !== null) {
      const victim = this.head;
      const owner = victim.owner as BudgetOwner;
      this.unlink(victim);
      owner.stats.evicted++;
      owner.stats.evictedBytes += victim.bytes;
      stats.evicted++;
      stats.evictedBytes += victim.bytes;
      victim.evict();
    }
  }

  private count(owner: BudgetOwner, entries: number, bytes: number): void {
    owner.stats.entries += entries;
    owner.stats.bytes += bytes;
    this.stats.entries += entries;
    this.stats.bytes += bytes;
  }
}
