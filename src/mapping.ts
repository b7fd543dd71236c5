/**
 * Elasticsearch index mappings, flattened to what evaluation needs: each field's type, aliases,
 * `null_value` and date `format`.
 */

/** What a mapping says about one field. */
export interface FieldMapping {
  /** The Elasticsearch type (`keyword`, `long`, `ip`, `version`, `date`, `alias`, ...). */
  readonly type: string;
  /** For `alias` fields: the dotted path of the target field. */
  readonly path?: string;
  /** The value an explicit JSON `null` is indexed as. */
  readonly nullValue?: unknown;
  /** For `date` fields: the `format` setting. */
  readonly format?: string;
  /** For `keyword` fields: the `normalizer` setting. */
  readonly normalizer?: string;
  /**
   * For `keyword` and `wildcard` fields: `ignore_above`. A longer string (in UTF-16 units, as Java
   * counts) is not indexed, so no query sees it: it reads as missing.
   */
  readonly ignoreAbove?: number;
  /** The dotted names of the field's multi-fields (`fields: { keyword: ... }`). */
  readonly multiFields?: readonly string[];
  /** The nearest enclosing field of type `nested`, when there is one. */
  readonly nestedIn?: string;
}

/** A flattened mapping: dotted field name to its definition (aliases not yet resolved). */
export interface Mapping {
  readonly fields: ReadonlyMap<string, FieldMapping>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** True when `v` already is a flattened mapping. */
export function isMapping(v: unknown): v is Mapping {
  return isObject(v) && v.fields instanceof Map;
}

/**
 * Flatten an Elasticsearch mapping (`{ properties }`, `{ mappings: { properties } }` or an index-keyed
 * response `{ idx: { mappings: ... } }`). Unknown shapes give an empty mapping rather than an error
 * only when `input` is undefined; anything else malformed throws a `TypeError` (API misuse).
 */
export function parseMapping(input: unknown): Mapping {
  const fields = new Map<string, FieldMapping>();
  if (input === undefined || input === null) return { fields };
  if (isMapping(input)) return input;
  if (!isObject(input)) throw new TypeError("mapping must be an Elasticsearch mapping object");
  let root: Record<string, unknown> | undefined;
  if (isObject(input.properties)) root = input;
  else if (isObject(input.mappings) && isObject(input.mappings.properties)) root = input.mappings;
  else {
    // `GET idx/_mapping` shape: { "idx": { "mappings": { "properties": ... } } }
    for (const v of Object.values(input)) {
      if (isObject(v) && isObject(v.mappings) && isObject(v.mappings.properties)) {
        walk(v.mappings.properties, "", fields);
        runtime(v.mappings, fields);
      }
    }
    return { fields };
  }
  walk(root.properties as Record<string, unknown>, "", fields);
  runtime(root, fields);
  return { fields };
}

/** Runtime fields (`runtime: { name: { type } }`) are queryable like mapped ones. */
function runtime(root: Record<string, unknown>, out: Map<string, FieldMapping>): void {
  if (!isObject(root.runtime)) return;
  for (const [name, def] of Object.entries(root.runtime)) {
    if (isObject(def) && typeof def.type === "string" && !out.has(name)) out.set(name, { type: def.type });
  }
}

type MutableField = { -readonly [K in keyof FieldMapping]: FieldMapping[K] };

function walk(
  props: Record<string, unknown>,
  prefix: string,
  out: Map<string, FieldMapping>,
  nestedIn?: string,
): void {
  for (const [name, def] of Object.entries(props)) {
    if (!isObject(def)) continue;
    const full = prefix ? `${prefix}.${name}` : name;
    const type = typeof def.type === "string" ? def.type : "object";
    const entry: MutableField = { type };
    if (typeof def.path === "string") entry.path = def.path;
    if ("null_value" in def) entry.nullValue = def.null_value;
    if (typeof def.format === "string") entry.format = def.format;
    if (typeof def.normalizer === "string") entry.normalizer = def.normalizer;
    if (
      (type === "keyword" || type === "wildcard") &&
      typeof def.ignore_above === "number" &&
      Number.isInteger(def.ignore_above) &&
      def.ignore_above >= 0
    )
      entry.ignoreAbove = def.ignore_above;
    if (nestedIn !== undefined) entry.nestedIn = nestedIn;
    if (isObject(def.fields)) {
      entry.multiFields = Object.keys(def.fields)
        .filter((k) => isObject((def.fields as Record<string, unknown>)[k]))
        .map((k) => `${full}.${k}`);
    }
    out.set(full, entry);
    const inner = type === "nested" ? full : nestedIn;
    if (isObject(def.properties)) walk(def.properties, full, out, inner);
    // Multi-fields (`fields: { keyword: {...} }`) are separate searchable names.
    if (isObject(def.fields)) walk(def.fields, full, out, nestedIn);
  }
}

/** Resolve `name` through aliases; returns the target name and its mapping (if any). */
export function resolveField(
  mapping: Mapping,
  name: string,
): { name: string; def: FieldMapping | undefined } {
  let current = name;
  for (let hops = 0; hops < 8; hops++) {
    const def = mapping.fields.get(current);
    if (def?.type !== "alias" || def.path === undefined) return { name: current, def };
    current = def.path;
  }
  return { name: current, def: mapping.fields.get(current) };
}

/** Merge several mappings (later definitions of a name win). */
export function mergeMappings(mappings: readonly Mapping[]): Mapping {
  const fields = new Map<string, FieldMapping>();
  for (const m of mappings) for (const [k, v] of m.fields) fields.set(k, v);
  return { fields };
}

/** The `null_value` of a mapped field when it is a scalar (the only kind a reader can substitute). */
export function scalarNullValue(def: FieldMapping | undefined): string | number | boolean | undefined {
  const v = def?.nullValue;
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? v : undefined;
}

/** Elasticsearch's numeric field types. */
export const NUMERIC_TYPES: ReadonlySet<string> = new Set([
  "long",
  "integer",
  "short",
  "byte",
  "double",
  "float",
  "half_float",
  "scaled_float",
  "unsigned_long",
  "token_count",
]);

/** Elasticsearch's string field types, which EQL compares as strings. */
export const STRING_TYPES: ReadonlySet<string> = new Set([
  "keyword",
  "constant_keyword",
  "wildcard",
  "text",
  "match_only_text",
]);
