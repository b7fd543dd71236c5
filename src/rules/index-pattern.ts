/**
 * A rule's index patterns against an event's index. Patterns go through picomatch's posix build
 * (micromatch's own matcher without Node imports); index names hold no `/`, so its glob rules reduce
 * to Elasticsearch's `*` wildcard. An entry starting with `-` excludes what earlier entries matched.
 */
import picomatch from "picomatch/posix.js";
import { documentMeta } from "./envelope.js";

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

/**
 * The index an event belongs to, from where it came (see `envelope.ts`): a search hit's `_index` (a
 * data stream backing index `.ds-<name>-<date>-<gen>` counts as the data stream `<name>`), never the
 * event's own fields; undefined otherwise, and such events are searched by every rule.
 */
export function eventIndex(event: unknown): string | undefined {
  return indexName(documentMeta(event)?.index);
}

/** An index name as rules match it: a data stream's backing index is the data stream. */
export function indexName(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === "") return undefined;
  const ds = /^\.ds-(.+)-\d{4}\.\d{2}\.\d{2}-\d+$/.exec(raw);
  return ds ? (ds[1] as string) : raw;
}
