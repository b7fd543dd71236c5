/** Batch execution of compiled plans over an array of events, with Elasticsearch's ordering. */
import type { Pipe } from "../ast/nodes.js";
import type { EventFilter } from "../compile/query.js";
import { DataErrorCodes, EqlDataError } from "../errors.js";
import type { Scalar } from "../functions/types.js";
import { documentMeta } from "../rules/envelope.js";
import type { FieldReader } from "../runtime/fields.js";
import type { EqlEvent, EventHit, EventsResult, SequenceHit, SequencesResult } from "../types.js";
import { StateBudget } from "./budget.js";
import { type FilterHits, safeTest } from "./filter.js";
import { applyLimits, compareOrdinals, type InstantParser, type Ordinal, ordinalOf } from "./order.js";
import { SampleCollector, type SampleTerm } from "./sample.js";
import { type Completed, renderSequenceKeys, SequenceMatcher, type SequencePlan } from "./sequence.js";

/** Settings shared by the batch runners. */
export interface RunContext {
  readonly timestamp: FieldReader;
  readonly tiebreaker: FieldReader | null;
  readonly parseTime: InstantParser;
  readonly size: number;
  readonly resultPosition: "head" | "tail";
  readonly pipes: readonly Pipe[];
}

/** Whether a pushed value is an event (a JSON object); anything else is counted and ignored. */
export function isEvent(e: unknown): e is EqlEvent {
  return typeof e === "object" && e !== null && !Array.isArray(e);
}

/** Run an event query. */
export function runEventQuery(
  match: EventFilter,
  events: readonly EqlEvent[],
  ctx: RunContext,
): EventsResult {
  const hits: { ord: Ordinal; event: EqlEvent }[] = [];
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (!isEvent(e) || !safeTest(match, e)) continue;
    hits.push({ ord: ordinalOf(e, i, ctx.timestamp, ctx.tiebreaker, ctx.parseTime), event: e });
  }
  hits.sort((a, b) => compareOrdinals(a.ord, b.ord));
  const limited = applyLimits(hits, ctx.pipes, ctx.size, ctx.resultPosition);
  return { events: limited.map((h) => hitOf(h.event)) };
}

/** The values of a field, or null when reading them throws (an in-memory event's getter). */
function readValues(reader: FieldReader, e: EqlEvent): readonly Scalar[] | null {
  try {
    return reader.values(e);
  } catch {
    return null;
  }
}

/** The ordinal of an event taking part in a sequence: a single usable timestamp is required. */
export function strictOrdinal(
  e: EqlEvent,
  index: number,
  timestamp: FieldReader,
  tiebreaker: FieldReader | null,
  parseTime: InstantParser,
): Ordinal {
  const ts = readValues(timestamp, e);
  if (ts === null) {
    throw new EqlDataError(
      DataErrorCodes.MISSING_TIMESTAMP,
      `Timestamp field [${timestamp.name}] cannot be read`,
      index,
    );
  }
  if (ts.length > 1) {
    throw new EqlDataError(
      DataErrorCodes.MULTIVALUED_TIMESTAMP,
      `Expected timestamp field [${timestamp.name}] to have a single value, found ${ts.length}`,
      index,
    );
  }
  const instant = ts.length === 1 ? parseTime(ts[0]) : null;
  if (instant === null) {
    throw new EqlDataError(
      DataErrorCodes.MISSING_TIMESTAMP,
      ts.length === 0
        ? `Expected timestamp field [${timestamp.name}] to have a value`
        : `Timestamp field [${timestamp.name}] holds ${JSON.stringify(ts[0])}, which is not a date`,
      index,
    );
  }
  let tb: Scalar = null;
  if (tiebreaker) {
    const vals = readValues(tiebreaker, e) ?? [];
    if (vals.length > 1) {
      throw new EqlDataError(
        DataErrorCodes.MULTIVALUED_TIEBREAKER,
        `Expected tiebreaker field [${tiebreaker.name}] to have a single value, found ${vals.length}`,
        index,
      );
    }
    tb = vals[0] ?? null;
  }
  return { timestamp: instant, tiebreaker: tb, index };
}

/**
 * An event as a hit. A document read from an envelope (a search hit, a `_bulk` action; see
 * `envelope.ts`) has its `_index` / `_id` in the hit, as Elasticsearch would return them; else an
 * event that carries them beside its fields (a search hit's metadata kept there) keeps those.
 */
export function hitOf(e: EqlEvent): EventHit {
  const hit: EventHit = { _source: e };
  const meta = documentMeta(e);
  const index = meta ? meta.index : e._index;
  const id = meta ? meta.id : e._id;
  if (typeof index === "string") hit._index = index;
  if (typeof id === "string") hit._id = id;
  return hit;
}

const MISSING_HIT: EventHit = { _index: "", _id: "", _source: {}, missing: true };

/** Render a completed sequence as Elasticsearch does. */
export function renderSequence(c: Completed, dateKeys: readonly boolean[]): SequenceHit {
  const hit = {
    join_keys: renderSequenceKeys(c.key.values, dateKeys),
    events: c.events.map((e) => (e === null ? { ...MISSING_HIT, _source: {} } : hitOf(e))),
  };
  lastOrdinals.set(hit, c.last);
  return hit;
}

/** The ordinal of each rendered sequence's last positive event (the order of batch results). */
const lastOrdinals = new WeakMap<SequenceHit, Ordinal>();

/** The ordinal of the last positive event of a sequence from `renderSequence`, else null. */
export function lastOrdinalOf(hit: SequenceHit): Ordinal | null {
  return lastOrdinals.get(hit) ?? null;
}

/**
 * Run a sequence query over a batch. The batch holds every event anyway, so the matcher's state is
 * not limited (an own budget without a limit): the answer is Elasticsearch's, whatever the input.
 */
export function runSequenceQuery(
  plan: SequencePlan & { readonly dateKeys: readonly boolean[] },
  events: readonly EqlEvent[],
  ctx: RunContext,
): SequencesResult {
  const matcher = new SequenceMatcher(plan);
  const relevant: { e: EqlEvent; ord: Ordinal; hits: FilterHits }[] = [];
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (!isEvent(e)) continue;
    const hits = matcher.evaluate(e);
    if (hits)
      relevant.push({ e, ord: strictOrdinal(e, i, ctx.timestamp, ctx.tiebreaker, ctx.parseTime), hits });
  }
  relevant.sort((a, b) => compareOrdinals(a.ord, b.ord));
  const done: Completed[] = [];
  for (const { e, ord, hits } of relevant) {
    for (const c of matcher.push(e, ord, hits)) done.push(c);
  }
  for (const c of matcher.end()) done.push(c);
  done.sort((a, b) => compareOrdinals(a.last, b.last));
  const limited = applyLimits(done, ctx.pipes, ctx.size, ctx.resultPosition);
  return { sequences: limited.map((c) => renderSequence(c, plan.dateKeys)) };
}

/** The plan of a sample query. */
export interface SamplePlan {
  readonly terms: readonly SampleTerm[];
  readonly dateKeys: readonly boolean[];
}

/** Render samples as Elasticsearch does (a date key as epoch millis text). */
export function renderSamples(sample: SamplePlan, collector: SampleCollector, size: number): SequenceHit[] {
  return collector.results(size).map((s) => ({
    join_keys: s.key.map((v, i) => (sample.dateKeys[i] && typeof v === "number" ? String(v) : v)),
    events: s.events.map(hitOf),
  }));
}

/** Run a sample query over a batch (without a state limit, as sequences). */
export function runSampleQuery(
  sample: SamplePlan,
  events: readonly EqlEvent[],
  size: number,
  maxPerKey: number,
): SequencesResult {
  const collector = new SampleCollector(
    sample.terms,
    maxPerKey,
    new StateBudget({ maxBytes: Infinity }).owner(),
  );
  for (const e of events) {
    if (!isEvent(e)) continue;
    const hits = collector.evaluate(e);
    if (hits) collector.add(e, hits);
  }
  return { sequences: renderSamples(sample, collector, size) };
}
