/** Public types shared by compile, run and the result shapes. */
import type { Statement } from "./ast/nodes.js";
import type { QueryStream, StreamOptions } from "./engine/stream.js";
import type { EqlWarning } from "./errors.js";
import type { FunctionDef } from "./functions/types.js";

/** A JSON event: nested objects, dotted keys or a mixture. */
export type EqlEvent = Record<string, unknown>;

/** Options that shape how a query is compiled and run. */
export interface CompileOptions {
  /** Field tested by `category where ...` (default `event.category`; arrays match on any element). */
  eventCategoryField?: string;
  /** Field that orders events (default `@timestamp`). */
  timestampField?: string;
  /** Secondary ordering field; events without it sort after those with it. */
  tiebreakerField?: string;
  /** Maximum number of results (default 10, as Elasticsearch). */
  size?: number;
  /** Which end of the ordered results to keep when there is no pipe (default `"tail"`). */
  resultPosition?: "head" | "tail";
  /**
   * An Elasticsearch index mapping (`{ "properties": ... }` or `{ "mappings": { "properties": ... } }`).
   * Gives aliases, `null_value`, and typed comparison for `ip`, `version` and `date` fields, and
   * rejects what Elasticsearch's verifier rejects against the mapping (unknown columns, field types
   * it cannot query, `text` fields without a keyword form, type clashes).
   */
  mapping?: unknown;
  /**
   * With a `mapping`, a field it does not define is an error (`EQL_UNKNOWN_FIELD`, Elasticsearch's
   * "Unknown column"), unless written `?field`. Set this for a partial mapping: unknown fields are
   * then read from the events without a type, as without a mapping.
   */
  allowUnknownFields?: boolean;
  /**
   * Data field → the ECS field it holds (`{ proc_name: "process.name" }`), applied as Elasticsearch
   * `alias` fields are: a query naming `process.name` reads `proc_name`. Works with or without a
   * `mapping`; without one, fields outside the map are read as they are. See `BUILTIN_FIELD_MAPS` in `mini-eql/node`.
   */
  fieldMap?: Readonly<Record<string, string>>;
  /** Extra or replacement functions, looked up case-insensitively before the standard table. */
  functions?: readonly FunctionDef[];
  /**
   * Events outside this predicate are invisible to the query (like the `filter` of an Elasticsearch
   * EQL request): no stage, `until` or missing-event lookup sees them. A predicate that throws
   * excludes the event.
   */
  filter?: (event: EqlEvent) => boolean;
  /**
   * Compile event conditions to generated JavaScript (`new Function`) for speed (default true).
   * Where `new Function` is not allowed (a browser page whose Content-Security-Policy lacks
   * `unsafe-eval`), or for a query too large to generate, the query falls back to closures by itself,
   * with the same results; `false` uses closures only.
   */
  codegen?: boolean;
}

/** Options for one run; they override the compile options. */
export interface RunOptions {
  size?: number;
  resultPosition?: "head" | "tail";
  /** Samples kept per join key (default 1). */
  maxSamplesPerKey?: number;
  /** Replaces the compile option `filter` for this run. */
  filter?: (event: EqlEvent) => boolean;
  /**
   * The dotted names of the fields that occur in `events`, when the caller already knows them (a
   * rule runner sharing one batch across many queries). Decides which `?field`s fold to null;
   * without it `run` looks for each `?field` in the events itself.
   */
  presentFields?: ReadonlySet<string>;
}

/** An event in a result, shaped as Elasticsearch returns it. */
export interface EventHit {
  _index?: string;
  _id?: string;
  /** The original event object, unchanged. */
  _source: EqlEvent;
  /** Set on the placeholder of a missing-event stage in a sequence. */
  missing?: true;
}

/** A completed sequence or a sample. */
export interface SequenceHit {
  join_keys: unknown[];
  events: EventHit[];
}

/** The result of an event query. */
export interface EventsResult {
  events: EventHit[];
  /** What the run was given; input that is not an event is counted, never dropped silently. */
  stats?: RunStats;
}

/** Counts of one batch run. */
export interface RunStats {
  /** Elements of the input. */
  eventsIn: number;
  /** Elements that are not JSON objects (null, arrays, strings ...), which no query can match. */
  notObjects: number;
}

/** The result of a sequence or sample query. */
export interface SequencesResult {
  sequences: SequenceHit[];
  /** What the run was given (see `EventsResult.stats`). */
  stats?: RunStats;
}

/** A compiled query: compile once, evaluate many times. */
export interface CompiledQuery {
  /** The parsed statement. */
  readonly statement: Statement;
  /** Which kind of query this is. */
  readonly kind: "event" | "sequence" | "sample";
  /** Valid but suspicious constructs found while compiling. */
  readonly warnings: readonly EqlWarning[];
  /**
   * Whether one event satisfies an event query (category and condition). Never throws.
   * For sequences and samples it tells whether the event matches any of their terms.
   */
  matches(event: EqlEvent): boolean;
  /** Run over events and return Elasticsearch-shaped results in Elasticsearch's order. */
  run(events: Iterable<EqlEvent>, options?: RunOptions): EventsResult | SequencesResult;
  /**
   * A push-based runner for events arriving in time order: event queries emit each match at once,
   * sequences emit each completed sequence as soon as it is certain, samples emit at the end.
   * `size`, `resultPosition` and pipes do not apply to streams.
   */
  stream(options?: StreamOptions): QueryStream<EventHit | SequenceHit>;
  /** The stream as an async iterable over a (sync or async) source of events. */
  runAsync(
    source: AsyncIterable<EqlEvent> | Iterable<EqlEvent>,
    options?: StreamOptions,
  ): AsyncIterableIterator<EventHit | SequenceHit>;
}
