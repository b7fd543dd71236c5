/** `compile`: turn EQL text (or a parsed statement) into an evaluator. */
import type { Field, Statement } from "./ast/nodes.js";
import type { CompileEnv } from "./compile/env.js";
import { compileEventFilter, type EventFilter } from "./compile/query.js";
import { applyLimits, compareOrdinals, type Ordinal, ordinalOf } from "./engine/order.js";
import { EqlSemanticError, type EqlWarning, ErrorCodes } from "./errors.js";
import { type Mapping, parseMapping, resolveField } from "./mapping.js";
import { parse } from "./parse.js";
import { collectPaths, fieldReader } from "./runtime/fields.js";
import type {
  CompiledQuery,
  CompileOptions,
  EqlEvent,
  EventHit,
  EventsResult,
  RunOptions,
  SequencesResult,
} from "./types.js";

const DEFAULT_SIZE = 10;

function hasOptionalField(node: unknown): boolean {
  if (typeof node !== "object" || node === null) return false;
  if ((node as { kind?: string }).kind === "field") return (node as Field).optional;
  for (const [k, v] of Object.entries(node)) {
    if (k === "span" || k === "nameSpan" || k === "categorySpan") continue;
    if (Array.isArray(v) ? v.some(hasOptionalField) : hasOptionalField(v)) return true;
  }
  return false;
}

interface Compiled {
  filters: EventFilter[];
  warnings: EqlWarning[];
}

function compileFilters(statement: Statement, env: CompileEnv, categoryField: string): Compiled {
  const q = statement.query;
  const filters: EventFilter[] = [];
  if (q.kind === "event") {
    filters.push(compileEventFilter(q, env, categoryField));
  } else {
    const terms = q.kind === "sequence" && q.until ? [...q.terms, q.until] : q.terms;
    for (const t of terms) filters.push(compileEventFilter(t.filter, env, categoryField));
  }
  return { filters, warnings: env.warnings };
}

/**
 * Compile an EQL query. Throws `EqlSyntaxError` or `EqlSemanticError` (both `EqlError`) for bad
 * query text; the returned query never throws on event data.
 */
export function compile(query: string | Statement, options: CompileOptions = {}): CompiledQuery {
  const statement = typeof query === "string" ? parse(query) : query;
  const mapping: Mapping = parseMapping(options.mapping);
  const categoryField = options.eventCategoryField ?? "event.category";
  const timestampField = options.timestampField ?? "@timestamp";
  const size = options.size ?? DEFAULT_SIZE;
  const resultPosition = options.resultPosition ?? "tail";
  if (!Number.isInteger(size) || size < 0) throw new RangeError("size must be an integer >= 0");
  const withOptional = hasOptionalField(statement);

  const build = (knownFields: ReadonlySet<string> | null) =>
    compileFilters(
      statement,
      {
        source: statement.source,
        mapping,
        knownFields,
        functions: options.functions ?? [],
        timestampField: resolveField(mapping, timestampField).name,
        warnings: [],
      },
      categoryField,
    );

  // Without data, `?field` is an ordinary field unless the mapping says which fields exist.
  const knownFromMapping = mapping.fields.size > 0 ? new Set(mapping.fields.keys()) : null;
  const base = build(knownFromMapping);
  const kind = statement.query.kind;

  const tsReader = fieldReader([resolveField(mapping, timestampField).name]);
  const tbReader = options.tiebreakerField
    ? fieldReader([resolveField(mapping, options.tiebreakerField).name])
    : null;

  const anyFilter = (filters: EventFilter[]) =>
    filters.length === 1
      ? (filters[0] as EventFilter)
      : (e: unknown) => {
          for (const f of filters) if (f(e)) return true;
          return false;
        };
  const baseMatch = anyFilter(base.filters);

  function matches(event: EqlEvent): boolean {
    if (typeof event !== "object" || event === null || Array.isArray(event)) return false;
    try {
      return baseMatch(event);
    } catch {
      // Evaluation never throws; a hostile object (throwing getter, proxy) simply does not match.
      return false;
    }
  }

  function run(events: Iterable<EqlEvent>, runOptions: RunOptions = {}): EventsResult | SequencesResult {
    if (kind !== "event") {
      throw new EqlSemanticError(
        statement.source,
        "EQL_NOT_IMPLEMENTED",
        `Running ${kind} queries is not supported yet`,
        statement.query.span,
      );
    }
    const list = Array.isArray(events) ? (events as EqlEvent[]) : [...events];
    let match = baseMatch;
    if (withOptional) {
      // Elasticsearch folds `?field` to null when no document (nor the mapping) has the field.
      const known = new Set<string>(knownFromMapping ?? []);
      for (const e of list) collectPaths(e, known);
      match = anyFilter(build(known).filters);
    }
    const hits: { ord: Ordinal; event: EqlEvent }[] = [];
    for (let i = 0; i < list.length; i++) {
      const e = list[i] as EqlEvent;
      if (typeof e !== "object" || e === null || Array.isArray(e)) continue;
      let ok = false;
      try {
        ok = match(e);
      } catch {
        ok = false;
      }
      if (ok) hits.push({ ord: ordinalOf(e, i, tsReader, tbReader), event: e });
    }
    hits.sort((a, b) => compareOrdinals(a.ord, b.ord));
    const limited = applyLimits(
      hits,
      statement.pipes,
      runOptions.size ?? size,
      runOptions.resultPosition ?? resultPosition,
    );
    return { events: limited.map((h): EventHit => ({ _source: h.event })) };
  }

  return { statement, kind, warnings: base.warnings, matches, run };
}

export { ErrorCodes };
