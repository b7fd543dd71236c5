/**
 * A rule's index patterns against an event's index. Patterns go through picomatch's posix build
 * (micromatch's own matcher without Node imports); index names hold no `/`, so its glob rules reduce
 * to Elasticsearch's `*` wildcard. An entry starting with `-` excludes what earlier entries matched.
 */
import picomatch from "picomatch/posix.js";
import { fieldReader } from "../runtime/fields.js";

/** Tells whether an index name is searched by the patterns. */
export type IndexMatcher = (index: string) => boolean;

/** Compile a rule's `index` list once. An empty or absent list (a data view rule) searches everything. */
export function compileIndexPatterns(patterns: readonly string[] | undefined): IndexMatcher {
  if (!patterns || patterns.length === 0) return () => true;
  const steps = patterns.map((p) => {
    const exclude = p.startsWith("-");
    const glob = exclude ? p.slice(1) : p;
    return { exclude, test: picomatch(glob, { dot: true, nonegate: true, noextglob: true, nobrace: true }) };
  });
  // A stream holds few distinct index names: remember each answer (bounded, so hostile input
  // with endless names cannot grow it without limit).
  const memo = new Map<string, boolean>();
  return (index) => {
    const known = memo.get(index);
    if (known !== undefined) return known;
    let included = false;
    // Elasticsearch resolves the list in order: an exclusion removes what the entries before it added.
    for (const s of steps) if (s.test(index)) included = !s.exclude;
    if (memo.size >= 4096) memo.clear();
    memo.set(index, included);
    return included;
  };
}

const dsType = fieldReader(["data_stream", "type"]);
const dsDataset = fieldReader(["data_stream", "dataset"]);
const dsNamespace = fieldReader(["data_stream", "namespace"]);

function first(values: unknown[]): string | undefined {
  const v = values[0];
  return typeof v === "string" ? v : undefined;
}

/**
 * The index an event belongs to: its `_index` (a data stream backing index `.ds-<name>-<date>-<gen>`
 * counts as the data stream `<name>`), else `data_stream.type-dataset-namespace`; undefined when the
 * event carries neither, and such events are searched by every rule.
 */
export function eventIndex(event: unknown): string | undefined {
  if (typeof event !== "object" || event === null) return undefined;
  const raw = (event as Record<string, unknown>)._index;
  if (typeof raw === "string" && raw !== "") {
    const ds = /^\.ds-(.+)-\d{4}\.\d{2}\.\d{2}-\d+$/.exec(raw);
    return ds ? (ds[1] as string) : raw;
  }
  try {
    const t = first(dsType.values(event));
    const d = first(dsDataset.values(event));
    const n = first(dsNamespace.values(event));
    if (t && d && n) return `${t}-${d}-${n}`;
  } catch {
    // A hostile event (throwing getter) has no usable index.
  }
  return undefined;
}
