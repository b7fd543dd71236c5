import type { EqlEvent, SequenceHit } from "../../src/types.js";

/** An event with an id, a timestamp (epoch millis or ISO text), a category and other fields. */
export const e = (
  id: number,
  t: number | string,
  cat: string,
  extra: Record<string, unknown> = {},
): EqlEvent => ({
  id,
  "@timestamp": t,
  event: { category: cat },
  ...extra,
});

/** The ids of a sequence's events, -1 for a missing-stage placeholder. */
export const idsOf = (s: SequenceHit): number[] =>
  s.events.map((h) => (h.missing ? -1 : (h._source.id as number)));
