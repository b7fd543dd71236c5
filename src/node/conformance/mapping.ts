/** Cleaning and merging Elasticsearch index mappings of a suite. */
import { parseJsonExact, stripCommentLines } from "./json.js";

/** The placeholder Elasticsearch's QA harness replaces with a random string type. */
export const KEYWORD_PLACEHOLDER = "[runtime_random_keyword_type]";

/** Elasticsearch's format of a `date` field that gives none. */
const DEFAULT_DATE_FORMAT = "strict_date_optional_time||epoch_millis";

/** A mapping reduced to its top-level `properties`. */
export interface Mapping {
  properties: Record<string, unknown>;
}

/** Parse mapping text: drop `#` comment lines and read the placeholder type as `keyword`. */
export function parseMappingText(text: string): Mapping {
  const cleaned = stripCommentLines(text, "#").split(KEYWORD_PLACEHOLDER).join("keyword");
  return mappingOf(parseJsonExact(cleaned));
}

/** The `properties` of a mapping given as `{properties}` or `{mappings: {properties}}`. */
export function mappingOf(value: unknown): Mapping {
  const obj = isObject(value) && isObject(value.mappings) ? value.mappings : value;
  if (!isObject(obj) || !isObject(obj.properties)) throw new Error("mapping has no `properties` object");
  return { properties: obj.properties };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The result of merging several mappings, with a note for every field defined differently. */
export interface MergedMapping {
  mapping: Mapping;
  conflicts: string[];
}

/**
 * Merge the `properties` of several indices into one mapping (as a multi-index query sees them).
 * Object fields merge recursively; `date` fields whose formats differ get both formats joined with
 * `||` (Elasticsearch's syntax for alternatives); any other disagreement keeps the first definition
 * and is reported in `conflicts`.
 */
export function mergeMappings(mappings: readonly Mapping[]): MergedMapping {
  const conflicts: string[] = [];
  const properties: Record<string, unknown> = {};
  for (const m of mappings) mergeProperties(properties, m.properties, "", conflicts);
  return { mapping: { properties }, conflicts };
}

function mergeProperties(
  into: Record<string, unknown>,
  from: Record<string, unknown>,
  prefix: string,
  conflicts: string[],
): void {
  for (const [name, def] of Object.entries(from)) {
    const path = prefix + name;
    const have = into[name];
    if (have === undefined) {
      into[name] = structuredClone(def);
      continue;
    }
    if (!isObject(have) || !isObject(def)) {
      if (JSON.stringify(have) !== JSON.stringify(def)) conflicts.push(`${path}: kept the first definition`);
      continue;
    }
    if (isObject(have.properties) && isObject(def.properties)) {
      mergeProperties(have.properties, def.properties, `${path}.`, conflicts);
      continue;
    }
    if (have.type === "date" && def.type === "date" && have.format !== def.format) {
      const formats = new Set(
        [have.format, def.format].flatMap((f) =>
          (typeof f === "string" ? f : DEFAULT_DATE_FORMAT).split("||"),
        ),
      );
      into[name] = { ...have, format: [...formats].join("||") };
      continue;
    }
    if (JSON.stringify(have) !== JSON.stringify(def)) {
      conflicts.push(`${path}: ${JSON.stringify(have)} vs ${JSON.stringify(def)}; kept the first`);
    }
  }
}
