/** A stream over a sample query: samples ignore time, so they are computed when the stream ends. */
import type { Plan } from "../compile/plan.js";
import type { SequenceHit } from "../types.js";
import { StateBudget } from "./budget.js";
import { renderSamples } from "./run.js";
import { SampleCollector } from "./sample.js";
import {
  assemble,
  checkSnapshot,
  countersFrom,
  type QueryStream,
  type StreamContext,
  type StreamOptions,
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
  return assemble<SequenceHit>(ctx, countersFrom(restore), {
    kind: "sample",
    sources: { owner: owner.stats, matcher: null, buffered: zero, held: zero, futureSetAside: zero },
    evaluate: (event) => collector.evaluate(event),
    accept(event, hits) {
      if (hits) collector.add(event, hits);
      return [];
    },
    advanceTo: () => [],
    end: () => renderSamples(sample, collector, Number.MAX_SAFE_INTEGER),
    waiting: () => false,
    save: (table) => ({ sample: collector.save(table) }),
  });
}
