/** Loading a suite folder: `suite.json`, its spec TOML files, data and mappings. */
import { readFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { parse as parseToml } from "smol-toml";
import type { EqlEvent } from "../../types.js";
import { parseJsonExact, stripCommentLines, toPlainNumbers } from "./json.js";
import { type Mapping, mergeMappings, parseMappingText } from "./mapping.js";
import { applyTransform, isTransformName } from "./transforms.js";
import type { LoadedDataset, LoadedSpec, LoadedSuite, SuiteCase, SuiteDefaults } from "./types.js";

interface IndexConfig {
  name?: string;
  data: string;
  mapping?: string;
  transform?: string;
}

interface DatasetConfig {
  indices: IndexConfig[];
  tiebreakerField?: string;
  idField: string;
}

interface SuiteConfig {
  defaults?: SuiteDefaults;
  datasets: Record<string, DatasetConfig>;
  specs: { file: string; dataset: string }[];
}

function fail(where: string, message: string): never {
  throw new Error(`${where}: ${message}`);
}

/** Read events from data text: `//` comment lines dropped, long integers kept exact then transformed. */
export function parseEvents(text: string, transform?: string, where = "data"): EqlEvent[] {
  const value = parseJsonExact(stripCommentLines(text, "//"));
  if (!Array.isArray(value)) fail(where, "expected a JSON array of events");
  if (transform !== undefined && !isTransformName(transform)) fail(where, `unknown transform "${transform}"`);
  return value.map((event, i) => {
    if (event === null || typeof event !== "object" || Array.isArray(event))
      fail(where, `item ${i} is not an object`);
    const e = event as EqlEvent;
    if (transform !== undefined) applyTransform(e, transform);
    return toPlainNumbers(e);
  });
}

/** Load one dataset of `suite.json`: the events of its indices concatenated, mappings merged. */
export function loadDataset(dir: string, name: string, config: DatasetConfig): LoadedDataset {
  const where = `dataset "${name}"`;
  if (!Array.isArray(config.indices) || config.indices.length === 0) fail(where, "has no indices");
  if (typeof config.idField !== "string") fail(where, "has no idField");
  const events: EqlEvent[] = [];
  const mappings: Mapping[] = [];
  for (const index of config.indices) {
    const dataPath = resolve(dir, index.data);
    events.push(...parseEvents(readFileSync(dataPath, "utf8"), index.transform, dataPath));
    if (index.mapping !== undefined) {
      const mappingPath = resolve(dir, index.mapping);
      try {
        mappings.push(parseMappingText(readFileSync(mappingPath, "utf8")));
      } catch (e) {
        fail(mappingPath, (e as Error).message);
      }
    }
  }
  const merged = mappings.length > 0 ? mergeMappings(mappings) : undefined;
  const dataset: LoadedDataset = {
    name,
    events,
    mappingConflicts: merged?.conflicts ?? [],
    idField: config.idField,
  };
  if (merged) dataset.mapping = merged.mapping;
  if (config.tiebreakerField !== undefined) dataset.tiebreakerField = config.tiebreakerField;
  return dataset;
}

function optionalInteger(value: unknown, where: string, key: string): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === "bigint" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n)) fail(where, `${key} must be an integer`);
  return n;
}

/** Read the `[[queries]]` cases of a spec file's TOML text (repeated names get ` #2`, ...). */
export function parseSpecCases(text: string, where = "spec"): SuiteCase[] {
  const doc = parseToml(text) as { queries?: unknown };
  const queries = doc.queries ?? [];
  if (!Array.isArray(queries)) fail(where, "`queries` is not an array of tables");
  const seen = new Map<string, number>();
  return queries.map((q: Record<string, unknown>, i) => {
    const base = typeof q.name === "string" ? q.name : `#${i + 1}`;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    const name = count === 1 ? base : `${base} #${count}`;
    const at = `${where} case "${name}"`;
    if (typeof q.query !== "string") fail(at, "has no query");
    if (!Array.isArray(q.expected_event_ids)) fail(at, "has no expected_event_ids array");
    const joinKeys = q.join_keys ?? [];
    if (!Array.isArray(joinKeys)) fail(at, "join_keys is not an array");
    const c: SuiteCase = {
      name,
      query: q.query,
      expectedEventIds: q.expected_event_ids,
      joinKeys: joinKeys.map((k) => String(k)),
    };
    const size = optionalInteger(q.size, at, "size");
    if (size !== undefined) c.size = size;
    const perKey = optionalInteger(q.max_samples_per_key, at, "max_samples_per_key");
    if (perKey !== undefined) c.maxSamplesPerKey = perKey;
    return c;
  });
}

/** Load a suite folder: read `suite.json`, every spec it lists and the datasets those specs use. */
export function loadSuite(suiteDir: string): LoadedSuite {
  const dir = resolve(suiteDir);
  const configPath = resolve(dir, "suite.json");
  let config: SuiteConfig;
  try {
    config = JSON.parse(readFileSync(configPath, "utf8")) as SuiteConfig;
  } catch (e) {
    fail(configPath, (e as Error).message);
  }
  if (!Array.isArray(config.specs)) fail(configPath, "has no specs array");
  const datasets = new Map<string, LoadedDataset>();
  const specs: LoadedSpec[] = config.specs.map((spec) => {
    const datasetConfig = config.datasets?.[spec.dataset];
    if (!datasetConfig) fail(configPath, `spec ${spec.file} names unknown dataset "${spec.dataset}"`);
    let dataset = datasets.get(spec.dataset);
    if (!dataset) {
      dataset = loadDataset(dir, spec.dataset, datasetConfig);
      datasets.set(spec.dataset, dataset);
    }
    const specPath = resolve(dir, spec.file);
    return { file: spec.file, dataset, cases: parseSpecCases(readFileSync(specPath, "utf8"), specPath) };
  });
  return { name: basename(dir), dir, defaults: config.defaults ?? {}, specs };
}
