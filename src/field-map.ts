/**
 * Field maps: queries written for the Elastic Common Schema run over data with other field names.
 * A field map pairs each field of the data with the ECS field it holds (`proc_name: process.name`)
 * and is applied when a query compiles, as Elasticsearch `alias` fields would be: the query reads
 * `process.name`, the event is read at `proc_name`. Nothing is copied or renamed in the events.
 */
import { type FieldMapping, type Mapping, parseMapping } from "./mapping.js";

/** Field of the data → the ECS field it holds (dotted names on both sides). */
export type FieldMap = Readonly<Record<string, string>>;

/** A problem with a field map, keyed by the data field it concerns. */
export interface FieldMapProblem {
  /** The data field (the key) the problem is about. */
  readonly key: string;
  readonly message: string;
}

const FIELD_NAME = /^[^\s.][^\s]*$/;

/**
 * What is wrong with `map`: a key or target that is not a dotted field name, a key mapped to itself,
 * two data fields for one ECS field (an alias has one path), or a target that is itself a key of the
 * map (aliases do not chain). Empty when the map can be applied.
 */
export function fieldMapProblems(map: unknown): FieldMapProblem[] {
  if (typeof map !== "object" || map === null || Array.isArray(map))
    return [{ key: "", message: "a field map is an object of data field → ECS field" }];
  const problems: FieldMapProblem[] = [];
  const byTarget = new Map<string, string>();
  const entries = Object.entries(map as Record<string, unknown>);
  for (const [key, target] of entries) {
    if (!FIELD_NAME.test(key) || key.endsWith(".")) {
      problems.push({ key, message: `${JSON.stringify(key)} is not a field name` });
      continue;
    }
    if (typeof target !== "string" || !FIELD_NAME.test(target) || target.endsWith(".")) {
      problems.push({ key, message: `the ECS field of ${key} must be a dotted field name` });
      continue;
    }
    if (target === key) {
      problems.push({ key, message: `${key} is mapped to itself` });
      continue;
    }
    const earlier = byTarget.get(target);
    if (earlier !== undefined) {
      problems.push({
        key,
        message: `${target} is already held by ${earlier}: one data field per ECS field`,
      });
      continue;
    }
    byTarget.set(target, key);
  }
  for (const [key, target] of entries) {
    if (typeof target === "string" && Object.hasOwn(map, target) && target !== key)
      problems.push({
        key,
        message: `${target} is itself a data field of this map; aliases do not chain`,
      });
  }
  return problems;
}

/**
 * The mapping `mapping` with `map` applied: each ECS field becomes an alias of its data field, and
 * the data field takes the ECS field's definition (type, `ignore_above`, ...) unless the mapping
 * defines it already. Throws a `TypeError` for a map `fieldMapProblems` rejects (API misuse).
 */
function applyFieldMap(mapping: Mapping, map: FieldMap): Mapping {
  const problems = fieldMapProblems(map);
  if (problems.length > 0) {
    const p = problems[0] as FieldMapProblem;
    throw new TypeError(`fieldMap${p.key ? ` (${p.key})` : ""}: ${p.message}`);
  }
  const fields = new Map<string, FieldMapping>(mapping.fields);
  for (const [source, target] of Object.entries(map)) {
    const targetDef = mapping.fields.get(target);
    if (!fields.has(source) && targetDef !== undefined && targetDef.type !== "alias") {
      const { multiFields: _multi, ...def } = targetDef;
      fields.set(source, def);
    }
    fields.set(target, { type: "alias", path: source });
  }
  return { fields };
}

const NO_MAPPING = {};
/** Results of `effectiveMapping` by mapping object, then by field map object (many rules share both). */
const effective = new WeakMap<object, WeakMap<object, Mapping>>();

/**
 * The mapping a query compiles against: `options.mapping` with `options.fieldMap` applied. The
 * result is remembered for the same pair of objects, which every rule of a set shares.
 */
export function effectiveMapping(options: {
  readonly mapping?: unknown;
  readonly fieldMap?: FieldMap;
}): Mapping {
  const { mapping, fieldMap } = options;
  const outer = typeof mapping === "object" && mapping !== null ? mapping : NO_MAPPING;
  const inner = typeof fieldMap === "object" && fieldMap !== null ? fieldMap : NO_MAPPING;
  if (outer === NO_MAPPING && inner === NO_MAPPING) return parseMapping(mapping);
  let byMap = effective.get(outer);
  const known = byMap?.get(inner);
  if (known) return known;
  const base = parseMapping(mapping);
  const result = fieldMap === undefined ? base : applyFieldMap(base, fieldMap);
  if (!byMap) {
    byMap = new WeakMap();
    effective.set(outer, byMap);
  }
  byMap.set(inner, result);
  return result;
}
