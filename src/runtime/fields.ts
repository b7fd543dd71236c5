/**
 * Field access compiled once per path. A path reads nested objects, literal dotted keys and any
 * mixture of the two; arrays anywhere along the path are mapped over and flattened. Only own
 * properties are read, so `__proto__`, `constructor` or `toString` never reach the prototype chain.
 */
import type { Scalar } from "../functions/types.js";
import { type FieldMapping, type Mapping, resolveField, scalarNullValue } from "../mapping.js";

/** Visits one value; returning true stops the walk. */
export type Visit = (value: Scalar) => boolean;

/** Result codes of `FieldReader.each`. */
export const NONE = 0;
export const SEEN = 1;
export const STOPPED = 2;

/** Reads the value list of one field from events. */
export interface FieldReader {
  /** The dotted field name. */
  readonly name: string;
  /**
   * Calls `visit` for every scalar value (nulls dropped). Returns NONE when the field is missing,
   * SEEN when values were visited, STOPPED when `visit` returned true.
   */
  each(event: unknown, visit: Visit): number;
  /** The value list (allocates; for cold paths). */
  values(event: unknown): Scalar[];
  /** What the reader reads, for code generated to read the same values (see compile/codegen.ts). */
  readonly path?: ReaderPath;
}

/** The path of a reader and the mapping rules applied to its values. */
export interface ReaderPath {
  /** The finest split of the dotted name. */
  readonly segments: readonly string[];
  /** What an explicit null is read as (null: not a value). */
  readonly nullValue: Scalar;
  /** Strings longer than this are not values. */
  readonly ignoreAbove: number;
}

const hasOwn = Object.prototype.hasOwnProperty;

/** Arrays nested deeper than this inside one field are not read. */
const MAX_ARRAY_DEPTH = 32;

/**
 * A hole this far from the end of an array is taken as a sign of a huge sparse array (an in-memory
 * event's `arr[1e9] = x`): the rest is walked by its own indices instead of one by one.
 */
const SPARSE_SPAN = 1024;

/**
 * The indices after `from` at which `a` holds an own element, ascending. JSON arrays have no holes;
 * for a sparse in-memory array only the elements that exist are values, as in a JSON array.
 */
function presentIndices(a: readonly unknown[], from: number): number[] {
  const out: number[] = [];
  const n = a.length;
  // Own index keys come first and in ascending order.
  for (const k of Object.keys(a)) {
    const i = Number(k);
    if (!(i < n)) break;
    if (i > from) out.push(i);
  }
  return out;
}

/** True when index `i` of `a` is a hole with far more of the array after it (see SPARSE_SPAN). */
function sparseAt(a: readonly unknown[], i: number): boolean {
  return a.length - i > SPARSE_SPAN && !hasOwn.call(a, i);
}

function isScalar(v: unknown): v is string | number | boolean {
  const t = typeof v;
  return t === "string" || t === "number" || t === "boolean";
}

/** Options for building a reader. */
export interface ReaderOptions {
  /** Value an explicit JSON null is read as (a mapping's `null_value`). */
  nullValue?: Scalar;
  /** A string longer than this (UTF-16 units) is not a value (a mapping's `ignore_above`). */
  ignoreAbove?: number;
}

/**
 * Readers without a `nullValue`, by dotted name. A reader holds no state, and the same few hundred
 * fields recur across queries: building one per reference was 7% of what compiling the
 * detection-rules corpus allocated. Bounded, so arbitrary field names cannot grow it without end.
 */
const sharedReaders = new Map<string, FieldReader>();
const SHARED_READERS_MAX = 4096;

/** Build a reader for a path given as segments (a segment may contain dots when it was quoted). */
export function fieldReader(segments: readonly string[], options: ReaderOptions = {}): FieldReader {
  // Dotted keys and nested objects are equivalent, so work on the finest split.
  const name = segments.join(".");
  const segs = () => (segments.length === 0 ? [] : name.split("."));
  if (options.nullValue !== undefined || options.ignoreAbove !== undefined)
    return buildReader(segs(), options.nullValue ?? null, options.ignoreAbove ?? Number.POSITIVE_INFINITY);
  let reader = sharedReaders.get(name);
  if (reader === undefined) {
    if (sharedReaders.size >= SHARED_READERS_MAX) sharedReaders.clear();
    reader = buildReader(segs(), null, Number.POSITIVE_INFINITY);
    sharedReaders.set(name, reader);
  }
  return reader;
}

function buildReader(segs: readonly string[], nullValue: Scalar, ignoreAbove: number): FieldReader {
  const n = segs.length;
  const name = segs.join(".");
  // Precompute the dotted key for every segment range [i, j].
  const keys: string[][] = [];
  for (let i = 0; i < n; i++) {
    const row: string[] = [];
    let k = segs[i] as string;
    row.push(k);
    for (let j = i + 1; j < n; j++) {
      k += `.${segs[j]}`;
      row.push(k);
    }
    keys.push(row);
  }

  function leaf(v: unknown, visit: Visit, depth = 0): number {
    if (v === null) {
      if (nullValue === null) return NONE;
      return visit(nullValue) ? STOPPED : SEEN;
    }
    if (isScalar(v)) {
      if (typeof v === "number" && Number.isNaN(v)) return NONE;
      if (typeof v === "string" && v.length > ignoreAbove) return NONE;
      return visit(v) ? STOPPED : SEEN;
    }
    if (Array.isArray(v)) {
      // Nested arrays flatten, as Elasticsearch indexes them; beyond a sane depth (Elasticsearch's own
      // mapping depth limit is 20) they are not values, so hostile nesting cannot exhaust the stack.
      if (depth >= MAX_ARRAY_DEPTH) return NONE;
      let r = NONE;
      for (let i = 0; i < v.length; i++) {
        const el = v[i];
        if (el === undefined && sparseAt(v, i)) {
          for (const j of presentIndices(v, i)) {
            const x = leaf(v[j], visit, depth + 1);
            if (x === STOPPED) return STOPPED;
            if (x === SEEN) r = SEEN;
          }
          return r;
        }
        const x = leaf(el, visit, depth + 1);
        if (x === STOPPED) return STOPPED;
        if (x === SEEN) r = SEEN;
      }
      return r;
    }
    // Objects (and anything else) are not values.
    return NONE;
  }

  function walk(node: unknown, i: number, visit: Visit, depth = 0): number {
    if (i === n) return leaf(node, visit, depth);
    if (typeof node !== "object" || node === null) return NONE;
    if (Array.isArray(node)) {
      if (depth >= MAX_ARRAY_DEPTH) return NONE;
      let r = NONE;
      for (let a = 0; a < node.length; a++) {
        const el = node[a];
        if (el === undefined && sparseAt(node, a)) {
          for (const b of presentIndices(node, a)) {
            const x = walk(node[b], i, visit, depth + 1);
            if (x === STOPPED) return STOPPED;
            if (x === SEEN) r = SEEN;
          }
          return r;
        }
        const x = walk(el, i, visit, depth + 1);
        if (x === STOPPED) return STOPPED;
        if (x === SEEN) r = SEEN;
      }
      return r;
    }
    const row = keys[i] as string[];
    let r = NONE;
    for (let j = 0; j < row.length; j++) {
      const k = row[j] as string;
      // A plain read first (cheap, and undefined for almost every dotted-key attempt); own-ness is
      // checked only for a hit, so inherited names never count.
      const v = (node as Record<string, unknown>)[k];
      if (v === undefined || !hasOwn.call(node, k)) continue;
      const x = walk(v, i + j + 1, visit, depth);
      if (x === STOPPED) return STOPPED;
      if (x === SEEN) r = SEEN;
    }
    return r;
  }

  // The most common path, `a.b` (process.name, event.type ...), unrolled: the same reads in the same
  // order as `walk`, without the recursion and loops, for the case where both levels are objects.
  let each: (event: unknown, visit: Visit) => number = (event, visit) => walk(event, 0, visit);
  if (n === 2) {
    const a = segs[0] as string;
    const b = segs[1] as string;
    const ab = `${a}.${b}`;
    each = (event, visit) => {
      if (typeof event !== "object" || event === null || Array.isArray(event)) return walk(event, 0, visit);
      let r = NONE;
      const outer = (event as Record<string, unknown>)[a];
      if (outer !== undefined && hasOwn.call(event, a)) {
        if (typeof outer === "object" && outer !== null && !Array.isArray(outer)) {
          const inner = (outer as Record<string, unknown>)[b];
          if (inner !== undefined && hasOwn.call(outer, b)) {
            if (typeof inner === "string") {
              if (inner.length <= ignoreAbove) {
                if (visit(inner)) return STOPPED;
                r = SEEN;
              }
            } else {
              const x = leaf(inner, visit);
              if (x === STOPPED) return STOPPED;
              if (x === SEEN) r = SEEN;
            }
          }
        } else {
          const x = walk(outer, 1, visit);
          if (x === STOPPED) return STOPPED;
          if (x === SEEN) r = SEEN;
        }
      }
      const dotted = (event as Record<string, unknown>)[ab];
      if (dotted !== undefined && hasOwn.call(event, ab)) {
        const x = leaf(dotted, visit);
        if (x === STOPPED) return STOPPED;
        if (x === SEEN) r = SEEN;
      }
      return r;
    };
  }

  return {
    name,
    each,
    path: { segments: segs, nullValue, ignoreAbove },
    values(event) {
      const out: Scalar[] = [];
      walk(event, 0, (v) => {
        out.push(v);
        return false;
      });
      return out;
    },
  };
}

/**
 * A reader for a field reference as the mapping sees it: aliases followed, `null_value` applied.
 * Returns the resolved name and definition too.
 */
export function mappedFieldReader(
  mapping: Mapping,
  field: { readonly name: string; readonly path: readonly string[] },
  table?: { reader(segments: readonly string[], options: ReaderOptions): FieldReader },
): { reader: FieldReader; name: string; def: FieldMapping | undefined } {
  const { name, def } = resolveField(mapping, field.name);
  const nullValue = scalarNullValue(def);
  const segments = name === field.name ? field.path : [name];
  const options: ReaderOptions = {
    ...(nullValue === undefined ? {} : { nullValue }),
    ...(def?.ignoreAbove === undefined ? {} : { ignoreAbove: def.ignoreAbove }),
  };
  const reader = table ? table.reader(segments, options) : fieldReader(segments, options);
  return { reader, name, def };
}

/** Add every dotted path that leads to a value or object in `event` to `out`. */
export function collectPaths(event: unknown, out: Set<string>, prefix = ""): void {
  if (typeof event !== "object" || event === null) return;
  if (Array.isArray(event)) {
    for (let i = 0; i < event.length; i++) {
      if (event[i] === undefined && sparseAt(event, i)) {
        for (const j of presentIndices(event, i)) collectPaths(event[j], out, prefix);
        return;
      }
      collectPaths(event[i], out, prefix);
    }
    return;
  }
  for (const k of Object.keys(event)) {
    const v = (event as Record<string, unknown>)[k];
    if (v === null || v === undefined) continue;
    const path = prefix ? `${prefix}.${k}` : k;
    out.add(path);
    if (typeof v === "object") collectPaths(v, out, path);
  }
}
