/**
 * Join keys of sequences and samples. A mandatory key must have a value; an optional key (`?f`)
 * without one contributes null; several values expand to one key tuple per combination.
 */
import type { Expr, Field } from "../ast/nodes.js";
import type { Scalar } from "../functions/types.js";
import type { Mapping } from "../mapping.js";
import type { FieldTable } from "../runtime/field-table.js";
import { type FieldReader, mappedFieldReader } from "../runtime/fields.js";
import { javaString } from "../runtime/java.js";
import { compareCodePoints } from "../runtime/text.js";
import { parseInstant } from "../runtime/timestamp.js";
import { type FieldKind, fieldKindOf, parseNumber, parseWithFormat } from "../runtime/values.js";

/** One compiled key field. */
export interface KeySpec {
  readonly reader: FieldReader;
  readonly optional: boolean;
  readonly kind: FieldKind;
  readonly format?: string;
}

/** A key tuple: its values and a string that identifies it exactly (type-aware). */
export interface KeyTuple {
  readonly values: readonly Scalar[];
  readonly id: string;
}

/** Compile key expressions (the parser guarantees they are plain fields). */
export function compileKeys(keys: readonly Expr[], mapping: Mapping, table?: FieldTable): KeySpec[] {
  return keys.map((k) => {
    const f = k as Field;
    const { reader, def } = mappedFieldReader(mapping, f, table);
    const spec: KeySpec = { reader, optional: f.optional, kind: fieldKindOf(def?.type) };
    return def?.format === undefined ? spec : { ...spec, format: def.format };
  });
}

/** Normalise a key value as the mapped type stores it, so "5" and 5 join on a numeric field. */
function normalise(v: Scalar, spec: KeySpec): Scalar {
  switch (spec.kind) {
    case "numeric": {
      const n = typeof v === "number" ? v : typeof v === "string" ? parseNumber(v) : Number.NaN;
      return Number.isNaN(n) ? v : n;
    }
    case "keyword":
      return typeof v === "string" || v === null ? v : javaString(v, "unknown");
    case "date": {
      if (typeof v === "string" && spec.format) {
        const t = parseWithFormat(v, spec.format);
        if (!Number.isNaN(t)) return t;
      }
      const inst = parseInstant(v);
      return inst === null ? v : inst.millis;
    }
    default:
      return v;
  }
}

function encode(v: Scalar): string {
  if (v === null) return "n";
  if (typeof v === "string") return `s${v.length}:${v}`;
  if (typeof v === "number") return `d${v}`;
  return v ? "t" : "f";
}

/** Values of one key field, read without allocating (`keyTuples` is not re-entered while it reads). */
const scratch: Scalar[] = [];
let scratchCount = 0;
const collectScratch = (v: Scalar): boolean => {
  scratch[scratchCount++] = v;
  // Past two values the general path reads them again: stop.
  return scratchCount > 1;
};

/**
 * The key tuples of an event (the cartesian product of the keys' values), or an empty list when
 * a mandatory key is missing.
 */
export function keyTuples(event: unknown, specs: readonly KeySpec[]): KeyTuple[] {
  const n = specs.length;
  if (n === 0) return [EMPTY_KEY];
  // Most events have exactly one value for each key: one tuple, built without the product.
  let values: Scalar[] | null = null;
  let id = "";
  for (let i = 0; i < n; i++) {
    const spec = specs[i] as KeySpec;
    scratchCount = 0;
    spec.reader.each(event, collectScratch);
    if (scratchCount !== 1) {
      values = null;
      break;
    }
    const v = normalise(scratch[0] as Scalar, spec);
    values ??= new Array<Scalar>(n);
    values[i] = v;
    id = i === 0 ? encode(v) : `${id}|${encode(v)}`;
  }
  scratchCount = 0;
  if (values !== null) return [{ values, id }];
  const lists: Scalar[][] = [];
  for (const spec of specs) {
    const raw = spec.reader.values(event);
    if (raw.length === 0) {
      if (!spec.optional) return [];
      lists.push([null]);
      continue;
    }
    // Duplicate values of one field join once.
    const seen = new Set<string>();
    const vals: Scalar[] = [];
    for (const r of raw) {
      const v = normalise(r, spec);
      const id = encode(v);
      if (!seen.has(id)) {
        seen.add(id);
        vals.push(v);
      }
    }
    lists.push(vals);
  }
  let tuples: Scalar[][] = [[]];
  for (const list of lists) {
    const next: Scalar[][] = [];
    for (const t of tuples) for (const v of list) next.push([...t, v]);
    tuples = next;
  }
  return tuples.map((values) => ({ values, id: values.map(encode).join("|") }));
}

/** The key of a sequence without `by`. */
export const EMPTY_KEY: KeyTuple = { values: [], id: "" };

/** Compare key values in natural order (null first, then numbers, then strings by code point). */
export function compareKeyValues(a: Scalar, b: Scalar): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  const ta = typeof a;
  const tb = typeof b;
  if (ta !== tb) return ta < tb ? -1 : 1;
  return compareCodePoints(String(a), String(b));
}

/** `keyTuples` that never throws: an event whose keys cannot be read (a throwing getter) has none. */
export function safeKeyTuples(event: unknown, specs: readonly KeySpec[]): KeyTuple[] {
  try {
    return keyTuples(event, specs);
  } catch {
    return [];
  }
}

/** The key tuple an id stands for (the inverse of the id encoding), for restoring snapshots. */
export function keyTupleOf(id: string): KeyTuple {
  if (id === "") return EMPTY_KEY;
  const values: Scalar[] = [];
  let i = 0;
  while (i < id.length) {
    const tag = id[i];
    if (tag === "s") {
      const colon = id.indexOf(":", i);
      const len = Number(id.slice(i + 1, colon));
      values.push(id.slice(colon + 1, colon + 1 + len));
      i = colon + 1 + len;
    } else {
      let end = id.indexOf("|", i);
      if (end < 0) end = id.length;
      const body = id.slice(i + 1, end);
      values.push(tag === "n" ? null : tag === "t" ? true : tag === "f" ? false : Number(body));
      i = end;
    }
    if (i < id.length) {
      if (id[i] !== "|") throw new RangeError(`Malformed key id ${JSON.stringify(id)}`);
      i++;
    }
  }
  return { values, id };
}
