/** `compile`: turn EQL text (or a parsed statement) into an evaluator. */
import type { Statement } from "./ast/nodes.js";
import { fieldsIn, statementExprs } from "./ast/walk.js";
import { codegenDefault } from "./compile/codegen.js";
import { buildPlan, type Plan } from "./compile/plan.js";
import { safeTest } from "./engine/filter.js";
import { instantParser } from "./engine/order.js";
import { type RunContext, runEventQuery, runSampleQuery, runSequenceQuery } from "./engine/run.js";
import { sampleStream } from "./engine/sample-stream.js";
import { sequenceStream } from "./engine/sequence-stream.js";
import { eventStream, type QueryStream, type StreamContext, type StreamOptions } from "./engine/stream.js";
import { EqlSemanticError, ErrorCodes } from "./errors.js";
import { effectiveMapping } from "./field-map.js";
import { type Mapping, resolveField } from "./mapping.js";
import { ownOptions } from "./options.js";
import { parse } from "./parse.js";
import type { FieldTable } from "./runtime/field-table.js";
import { type FieldReader, fieldReader, mappedFieldReader, NONE } from "./runtime/fields.js";
import type {
  CompiledQuery,
  CompileOptions,
  EqlEvent,
  EventHit,
  EventsResult,
  RunOptions,
  SequenceHit,
  SequencesResult,
} from "./types.js";

const DEFAULT_SIZE = 10;

function hasValue(reader: FieldReader, event: unknown): boolean {
  try {
    return reader.each(event, () => true) !== NONE;
  } catch {
    return false;
  }
}

function checkCount(name: string, n: number, min: number): void {
  if (!Number.isInteger(n) || n < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${n}`);
}

/**
 * Compile an EQL query. Throws `EqlSyntaxError` or `EqlSemanticError` (both `EqlError`) for bad
 * query text; the returned query never throws on event data.
 */
export function compile(query: string | Statement, options: CompileOptions = {}): CompiledQuery {
  return compileShared(typeof query === "string" ? parse(query) : query, options);
}

/**
 * Compile a parsed statement whose field reads go through `table` (shared with the other queries of a
 * rule set, each field read once per event). Throws like `compile`.
 */
export function compileShared(
  statement: Statement,
  options: CompileOptions,
  table?: FieldTable,
): CompiledQuery {
  try {
    return compileStatement(statement, options, table);
  } catch (e) {
    // Deeply nested text (thousands of parentheses, `not`s or calls) must give a clear error, not a
    // stack overflow from the compiler's recursion.
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      throw new EqlSemanticError(
        statement.source,
        ErrorCodes.TOO_DEEP,
        "Query nests too deeply to compile",
        { start: 0, end: Math.min(1, statement.source.length) },
        "flatten the nesting (parentheses, not, function calls)",
      );
    }
    throw e;
  }
}

function compileStatement(statement: Statement, given: CompileOptions, table?: FieldTable): CompiledQuery {
  const options = ownOptions(given);
  const read = (segments: readonly string[]) => (table ? table.reader(segments) : fieldReader(segments));
  // Both are remembered per mapping object, so the rules of a set sharing one parse it once.
  const dataMapping = effectiveMapping({ mapping: options.mapping });
  const mapping: Mapping = effectiveMapping(options);
  // A field map alone is not a mapping of the data: fields outside it stay readable, untyped.
  const allowUnknownFields =
    options.allowUnknownFields === true || (dataMapping.fields.size === 0 && options.fieldMap !== undefined);
  const categoryField = options.eventCategoryField ?? "event.category";
  const timestampField = resolveField(mapping, options.timestampField ?? "@timestamp").name;
  const size = options.size ?? DEFAULT_SIZE;
  checkCount("size", size, 0);
  const optional = fieldsIn(statementExprs(statement))
    .filter((f) => f.optional)
    .map((f) => mappedFieldReader(mapping, f, table));

  const checkPosition = (p: unknown): "head" | "tail" => {
    if (p === undefined) return "tail";
    if (p !== "head" && p !== "tail")
      throw new RangeError(`resultPosition must be "head" or "tail", got ${String(p)}`);
    return p;
  };
  const defaultPosition = checkPosition(options.resultPosition);
  // Over a shared field table the closures every rule shares measured faster than generated
  // filters (grammar/DESIGN.md), so there code is generated only when asked for.
  const codegen = options.codegen ?? (table ? false : codegenDefault());
  const build = (knownFields: ReadonlySet<string> | null, gate = options.filter): Plan =>
    buildPlan(
      statement,
      {
        source: statement.source,
        mapping,
        knownFields,
        functions: options.functions ?? [],
        timestampField,
        ...(allowUnknownFields ? { allowUnknownFields: true } : {}),
        warnings: [],
        codegen,
        ...(table ? { fields: table } : {}),
      },
      categoryField,
      gate,
    );

  // Without data, `?field` is an ordinary field unless the mapping says which fields exist.
  const knownFromMapping = dataMapping.fields.size > 0 ? new Set(mapping.fields.keys()) : null;
  const base = build(knownFromMapping);
  const kind = statement.query.kind;
  const timestamp = read([timestampField]);
  const parseTime = instantParser(mapping.fields.get(timestampField)?.format);
  const tiebreaker = options.tiebreakerField
    ? read([resolveField(mapping, options.tiebreakerField).name])
    : null;
  const order: StreamContext = { timestamp, tiebreaker, parseTime, query: statement.source };
  const baseMatch = base.matchAny;
  const byKnownFields = new Map<string, Plan>();

  function matches(event: EqlEvent): boolean {
    if (typeof event !== "object" || event === null || Array.isArray(event)) return false;
    // Values cached in a shared table belong to the last event read: this is a new read.
    table?.next();
    return safeTest(baseMatch, event);
  }

  function run(events: Iterable<EqlEvent>, givenRun: RunOptions = {}): EventsResult | SequencesResult {
    const runOptions = ownOptions(givenRun);
    const list = Array.isArray(events) ? (events as EqlEvent[]) : [...events];
    const runSize = runOptions.size ?? size;
    checkCount("size", runSize, 0);
    const resultPosition =
      runOptions.resultPosition === undefined ? defaultPosition : checkPosition(runOptions.resultPosition);
    const gate = runOptions.filter ?? options.filter;
    table?.next();
    let plan = base;
    if (optional.length > 0) {
      // Elasticsearch folds `?field` to null when no document (nor the mapping) has the field: find
      // which optional fields some event has (stopping at the first one that does).
      const known = new Set<string>(knownFromMapping ?? []);
      for (const { name, reader } of optional) {
        if (known.has(name)) continue;
        const present = runOptions.presentFields;
        if (present ? present.has(name) : list.some((e) => hasValue(reader, e))) known.add(name);
      }
      // A rule run again and again over new batches meets the same few answers: compile each once.
      const key = optional.map(({ name }) => (known.has(name) ? "1" : "0")).join("");
      if (gate !== options.filter) plan = build(known, gate);
      else {
        let cached = byKnownFields.get(key);
        if (!cached) {
          cached = build(known, gate);
          byKnownFields.set(key, cached);
        }
        plan = cached;
      }
    } else if (gate !== options.filter) {
      plan = build(knownFromMapping, gate);
    }
    const ctx: RunContext = {
      timestamp,
      tiebreaker,
      parseTime,
      size: runSize,
      resultPosition,
      pipes: statement.pipes,
    };
    let notObjects = 0;
    for (const e of list) if (typeof e !== "object" || e === null || Array.isArray(e)) notObjects++;
    const stats = { eventsIn: list.length, notObjects };
    if (plan.sequence) {
      const { sequences } = runSequenceQuery(plan.sequence, list, ctx);
      return { sequences, stats };
    }
    if (plan.sample) {
      const maxPerKey = runOptions.maxSamplesPerKey ?? 1;
      checkCount("maxSamplesPerKey", maxPerKey, 1);
      return { ...runSampleQuery(plan.sample, list, runSize, maxPerKey), stats };
    }
    return { ...runEventQuery(plan.matchAny, list, ctx), stats };
  }

  function openStream(givenStream: StreamOptions = {}): QueryStream<EventHit | SequenceHit> {
    const streamOptions = ownOptions(givenStream);
    if (streamOptions.maxSamplesPerKey !== undefined)
      checkCount("maxSamplesPerKey", streamOptions.maxSamplesPerKey, 1);
    if (base.sequence) return sequenceStream(base.sequence, order, streamOptions);
    if (base.sample) return sampleStream(base.sample, order, streamOptions);
    return eventStream(base.matchAny, order, streamOptions);
  }

  function stream(givenStream: StreamOptions = {}): QueryStream<EventHit | SequenceHit> {
    const s = openStream(givenStream);
    return table ? newReadEachCall(s, table) : s;
  }

  async function* runAsync(
    source: AsyncIterable<EqlEvent> | Iterable<EqlEvent>,
    streamOptions: StreamOptions = {},
  ): AsyncIterableIterator<EventHit | SequenceHit> {
    const s = stream(streamOptions);
    for await (const event of source) yield* s.push(event);
    yield* s.end();
  }

  const compiled: CompiledQuery = {
    statement,
    kind,
    warnings: base.warnings,
    matches,
    run,
    stream,
    runAsync,
  };
  internals.set(compiled, { plan: base, order, openStream, table: table ?? null, options: given, codegen });
  return compiled;
}

/**
 * A stream whose calls read events afresh from a shared table (a caller may change an event between
 * calls); a rule set instead uses `QueryInternals.openStream` and starts an epoch per event.
 * `pushEvaluated` takes the hits `evaluate` just gave for the same event, so it keeps what was read.
 */
function newReadEachCall<H>(s: QueryStream<H>, table: FieldTable): QueryStream<H> {
  const fresh = <A extends unknown[], R>(f: (...args: A) => R) => {
    const bound = f.bind(s);
    return (...args: A): R => {
      table.next();
      return bound(...args);
    };
  };
  const own = s as { -readonly [K in keyof QueryStream<H>]: QueryStream<H>[K] };
  own.push = fresh(s.push);
  own.evaluate = fresh(s.evaluate);
  own.advanceTo = fresh(s.advanceTo);
  own.end = fresh(s.end);
  return s;
}

/** What a rule set needs from a compiled query beyond its public face. */
export interface QueryInternals {
  /** The plan compiled without data (`?field` is an ordinary field unless the mapping knows it). */
  readonly plan: Plan;
  /** How the query orders events (its timestamp and tiebreaker fields). */
  readonly order: StreamContext;
  /** A stream that leaves the shared table's epochs to its caller (a rule set starts one per event). */
  readonly openStream: (options?: StreamOptions) => QueryStream<EventHit | SequenceHit>;
  /** The table the query reads fields through, or null for a query with readers of its own. */
  readonly table: FieldTable | null;
  /** The options object it was compiled with (as given). */
  readonly options: CompileOptions;
  /** Whether its event filters may be generated as JavaScript. */
  readonly codegen: boolean;
}

const internals = new WeakMap<CompiledQuery, QueryInternals>();

/** The plan and ordering of a query compiled by `compile` or `compileShared`. */
export function queryInternals(compiled: CompiledQuery): QueryInternals | undefined {
  return internals.get(compiled);
}
