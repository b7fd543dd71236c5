/** A stream over a sample query: samples ignore time, so they are computed when the stream ends. */
import type { Plan } from "../compile/plan.js";
import type { SequenceHit } from "../types.js";
import { StateBudget } from "./budget.js";
import { isEvent, renderSamples } from "./run.js";
import { SampleCollector } from "./sample.js";
import { EventTable, SNAPSHOT_VERSION } from "./snapshot.js";
import {
  checkSnapshot,
  liveStats,
  type QueryStream,
  type StreamContext,
  type StreamOptions,
  streamCounters,
} from "./stream.js";

const zero = () => 0;

/** A stream over a sample query. */
export function sampleStream(
  sample: NonNullable<Plan["sample"]>,
  ctx: StreamContext,
  options: StreamOptions,
): QueryStream<SequenceHit> {
  const restore = options.restore;
  if (restore) checkSnapshot(restore, "sample", ctx.query);
  const owner = (options.budget ?? new StateBudget()).owner();
  const collector = new SampleCollector(sample.terms, options.maxSamplesPerKey ?? 1, owner);
  if (restore?.sample) collector.load(restore.sample, restore.events);
  const counters = streamCounters(restore);
  const stream: QueryStream<SequenceHit> = {
    stats: liveStats({
      counters,
      owner: owner.stats,
      matcher: null,
      buffered: zero,
      held: zero,
      futureSetAside: zero,
    }),
    waiting: false,
    evaluate: (event) => (isEvent(event) ? collector.evaluate(event) : null),
    push: (event) => stream.pushEvaluated(event, stream.evaluate(event)),
    pushEvaluated(event, hits) {
      counters.eventsIn++;
      if (!isEvent(event)) counters.notObjects++;
      else if (hits) collector.add(event, hits);
      return [];
    },
    advanceTo: () => [],
    end() {
      const out = renderSamples(sample, collector, Number.MAX_SAFE_INTEGER);
      counters.emitted += out.length;
      return out;
    },
    snapshot() {
      const table = new EventTable();
      const state = collector.save(table);
      return {
        version: SNAPSHOT_VERSION,
        kind: "sample",
        query: ctx.query,
        events: table.events,
        counters: { ...counters, futureSetAside: 0 },
        sample: state,
      };
    },
  };
  return stream;
}
