/**
 * One reader per field path shared by every query compiled against the same table, each caching the
 * values it read for the current event. A rule set evaluates hundreds of rules on one event and most
 * of them read the same few fields (`process.name`, `process.args`, `event.type` ...): with a table
 * each field is walked once per event, and the rules iterate a ready array.
 *
 * The cache is keyed by the event object and by the table's epoch, which the owner advances for every
 * event it feeds, so an object mutated and pushed again is read again.
 */
import type { Scalar } from "../functions/types.js";
import {
  type FieldReader,
  fieldReader,
  NONE,
  type ReaderOptions,
  type ReaderPath,
  SEEN,
  STOPPED,
  type Visit,
} from "./fields.js";
import { foldCase } from "./text.js";

/** A reader whose values are cached per event; also gives each value case-folded, folded once. */
export interface CachedFieldReader extends FieldReader {
  /**
   * The values of the field for `event`. Do not keep or modify the array: the reader fills it again
   * at its next event.
   */
  list(event: unknown): readonly Scalar[];
  /** The case-folded text of every string value (others: null), folded once per event. */
  folded(event: unknown): readonly (string | null)[];
}

/** The values of a field an event does not have (shared, never written to). */
const NO_VALUES: readonly never[] = Object.freeze([]);

/**
 * A reader's values for one event are the shared empty array, the reader's own array of one (most
 * fields have one value: filled again for each event, it spares an allocation per field and event),
 * or a fresh array for several values. Emptying and refilling one array of any length made V8
 * release its backing store at each emptying and allocate a larger one at the next value, which
 * cost more than a small new array (and a call into the runtime).
 */
class TableReader implements CachedFieldReader {
  private event: unknown = undefined;
  private epoch = -1;
  private values_: readonly Scalar[] = NO_VALUES;
  /** The array `list` returns for a field with a single value; its element is that value. */
  private readonly one: Scalar[] = [null];
  private folded_: readonly (string | null)[] = NO_VALUES;
  private foldedEpoch = -1;
  private readonly collect: Visit = (v) => {
    const values = this.values_;
    if (values.length === 0) {
      this.one[0] = v;
      this.values_ = this.one;
    } else if (values === this.one) this.values_ = [values[0] as Scalar, v];
    else (values as Scalar[]).push(v);
    return false;
  };

  constructor(
    private readonly table: FieldTable,
    private readonly inner: FieldReader,
  ) {}

  get name(): string {
    return this.inner.name;
  }

  get path(): ReaderPath | undefined {
    return this.inner.path;
  }

  list(event: unknown): readonly Scalar[] {
    const epoch = this.table.epoch;
    if (event !== this.event || epoch !== this.epoch) {
      // The first read of an epoch: the table lets go of what it holds at the next one.
      if (epoch !== this.epoch) this.table.touched.push(this);
      this.values_ = NO_VALUES;
      // Mark as unread first: a read that throws (a hostile getter) must not leave a half cache.
      this.event = undefined;
      // Folded values are of the event read before, even within one epoch (a rule set evaluating an
      // event it held back for re-ordering reads it while another is current).
      this.foldedEpoch = -1;
      this.inner.each(event, this.collect);
      this.event = event;
      this.epoch = epoch;
    }
    return this.values_;
  }

  /** Let go of the event and its values (the table's epoch has moved on). */
  forget(): void {
    this.event = undefined;
    this.epoch = -1;
    this.values_ = NO_VALUES;
    this.one[0] = null;
    this.folded_ = NO_VALUES;
    this.foldedEpoch = -1;
  }

  folded(event: unknown): readonly (string | null)[] {
    const values = this.list(event);
    if (this.foldedEpoch !== this.epoch) {
      const n = values.length;
      let out: (string | null)[] | readonly never[] = NO_VALUES;
      if (n > 0) {
        out = new Array<string | null>(n);
        for (let i = 0; i < n; i++) {
          const v = values[i];
          out[i] = typeof v === "string" ? foldCase(v) : null;
        }
      }
      this.folded_ = out;
      this.foldedEpoch = this.epoch;
    }
    return this.folded_;
  }

  each(event: unknown, visit: Visit): number {
    const values = this.list(event);
    const n = values.length;
    if (n === 0) return NONE;
    for (let i = 0; i < n; i++) if (visit(values[i] as Scalar)) return STOPPED;
    return SEEN;
  }

  values(event: unknown): Scalar[] {
    return [...this.list(event)];
  }
}

/** Interned field readers with a per-event value cache. */
export class FieldTable {
  /** Advanced by the owner for every event; cached values of older epochs are stale. */
  epoch = 0;
  private readonly readers = new Map<string, TableReader>();
  /**
   * The readers that read during the current epoch. At the next one they let go of the event and
   * its values, so a reader no rule reads any more (rules replaced, a rule set dropped) does not keep
   * the last event it saw alive.
   */
  readonly touched: { forget(): void }[] = [];

  /** Start a new event: every cached value is read again on next use. */
  next(): void {
    const touched = this.touched;
    for (let i = 0; i < touched.length; i++) touched[i]?.forget();
    touched.length = 0;
    this.epoch++;
  }

  /** The shared reader for a path (segments as `fieldReader` takes them) and options. */
  reader(segments: readonly string[], options: ReaderOptions = {}): CachedFieldReader {
    const name = segments.join(".");
    const key =
      options.nullValue === undefined && options.ignoreAbove === undefined
        ? name
        : `${name}\u0000${JSON.stringify(options.nullValue ?? null)}\u0000${options.ignoreAbove ?? ""}`;
    let r = this.readers.get(key);
    if (!r) {
      r = new TableReader(this, fieldReader(segments, options));
      this.readers.set(key, r);
    }
    return r;
  }

  /** How many distinct fields the table reads. */
  get size(): number {
    return this.readers.size;
  }
}

/**
 * Distinct fields the process-wide table may hold before it is replaced by a fresh one (queries
 * compiled against the old table keep it), so rule text with ever new field names cannot grow it
 * without end.
 */
const SHARED_TABLE_MAX = 16_384;
let shared: FieldTable | null = null;

/**
 * The table that rules are compiled against when they are loaded, and that every rule set reads
 * through: a rule set then evaluates the very queries its rules were loaded with, instead of
 * compiling them a second time. One table serves many rule sets because every rule set (and every
 * query's own entry points) starts a new epoch before it reads an event, and reads are synchronous.
 */
export function sharedFieldTable(): FieldTable {
  if (shared === null || shared.size > SHARED_TABLE_MAX) shared = new FieldTable();
  return shared;
}

/**
 * True when `values[i]` is a string not seen earlier in `values`: category values are few (usually
 * one or two), so a scan beats a set and allocates nothing.
 */
export function firstStringAt(values: readonly unknown[], i: number): boolean {
  const v = values[i];
  if (typeof v !== "string") return false;
  for (let j = 0; j < i; j++) if (values[j] === v) return false;
  return true;
}
