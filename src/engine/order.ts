/** Event ordering by (timestamp, tiebreaker, input position) and the limits of `size` and pipes. */
import type { Pipe } from "../ast/nodes.js";
import type { Scalar } from "../functions/types.js";
import type { FieldReader } from "../runtime/fields.js";
import { compareCodePoints } from "../runtime/text.js";
import { compareInstants, type Instant, parseInstant } from "../runtime/timestamp.js";
import { parseWithFormat } from "../runtime/values.js";

/** Reads a timestamp value into an instant, or null when it is not a usable date. */
export type InstantParser = (value: unknown) => Instant | null;

let lastText: string | undefined;
let lastInstant: Instant | null = null;

/**
 * `parseInstant` remembering its last string: the many rules of a rule set parse the same event's
 * timestamp one after another. Instants are never modified, so the result can be shared.
 */
function parseInstantOnce(v: unknown): Instant | null {
  if (typeof v !== "string") return parseInstant(v);
  if (v !== lastText) {
    lastInstant = parseInstant(v);
    lastText = v;
  }
  return lastInstant;
}

/** The timestamp parser for a field, honouring a mapped date `format` (e.g. `dd-MM-yyyy||epoch_millis`). */
export function instantParser(format: string | undefined): InstantParser {
  if (!format) return parseInstantOnce;
  return (v) => {
    if (typeof v === "string") {
      const t = parseWithFormat(v, format);
      if (!Number.isNaN(t)) return { millis: t, nanos: 0 };
    }
    return parseInstant(v);
  };
}

/** The sort key of one event. */
export interface Ordinal {
  readonly timestamp: Instant | null;
  readonly tiebreaker: Scalar;
  readonly index: number;
}

/** First value of a field, or null. */
export function firstValue(reader: FieldReader, event: unknown): Scalar {
  let found: Scalar = null;
  reader.each(event, (v) => {
    found = v;
    return true;
  });
  return found;
}

/** First value of a field, or null when there is none or it cannot be read (a getter that throws). */
function readFirst(reader: FieldReader, event: unknown): Scalar {
  try {
    return firstValue(reader, event);
  } catch {
    return null;
  }
}

/** Build the ordinal of an event. */
export function ordinalOf(
  event: unknown,
  index: number,
  timestamp: FieldReader,
  tiebreaker: FieldReader | null,
  parseTime: InstantParser = parseInstant,
): Ordinal {
  return {
    timestamp: parseTime(readFirst(timestamp, event)),
    tiebreaker: tiebreaker ? readFirst(tiebreaker, event) : null,
    index,
  };
}

function compareTiebreakers(a: Scalar, b: Scalar): number {
  if (a === null) return b === null ? 0 : 1;
  if (b === null) return -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return compareCodePoints(String(a), String(b));
}

/** Compare two ordinals; missing timestamps and tiebreakers sort last. */
export function compareOrdinals(a: Ordinal, b: Ordinal): number {
  return (
    compareInstants(a.timestamp, b.timestamp) ||
    compareTiebreakers(a.tiebreaker, b.tiebreaker) ||
    a.index - b.index
  );
}

/**
 * Apply `size`, the result position and the pipes to an ascending list, as Elasticsearch does: the
 * first pipe (or the result position) is capped by `size`, later pipes narrow the window, and the
 * output stays ascending.
 */
export function applyLimits<T>(
  sorted: readonly T[],
  pipes: readonly Pipe[],
  size: number,
  resultPosition: "head" | "tail",
): T[] {
  const take = (list: readonly T[], dir: "head" | "tail", n: number): T[] =>
    n <= 0 ? [] : dir === "head" ? list.slice(0, n) : list.slice(Math.max(0, list.length - n));
  if (pipes.length === 0) return take(sorted, resultPosition, size);
  const [first, ...rest] = pipes as [Pipe, ...Pipe[]];
  let out = take(sorted, first.name, Math.min(first.count, size));
  for (const p of rest) out = take(out, p.name, p.count);
  return out;
}
