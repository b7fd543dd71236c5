/**
 * Point a finding about a rule's query into the rule file: the query's position (line and column of
 * the query text) is moved to the file line and column, through the string's escapes and TOML's
 * dropped first newline. The rules layer keeps this mapping internal to loading, so this adapter
 * reads the file again with its scanners.
 */
import { readFileSync } from "node:fs";
import { locate } from "../../errors.js";
import type { LoadedRule } from "../../index.js";
import { decodeString, type KeySite, lineOffset, scanJsonObject, scanToml } from "../../rules/source-map.js";

/** A position in the rule file, with its source line and a caret. */
export interface FilePosition {
  line: number;
  column: number;
  sourceLine: string;
  caret: string;
}

/** The site of the rule's string key `key` (`query` ...) in its file's text. */
function stringSite(text: string, loaded: Pick<LoadedRule, "origin">, key: string): KeySite | undefined {
  const { format, line } = loaded.origin;
  if (format === "toml") {
    const sites = scanToml(text);
    return sites.find((s) => s.path === `rule.${key}`) ?? sites.find((s) => s.path === key);
  }
  if (format === "json" || format === "ndjson") {
    const from = format === "ndjson" ? lineOffset(text, line ?? 1) : 0;
    const top = scanJsonObject(text, from);
    const direct = top.find((s) => s.path === key);
    if (direct) return direct;
    // A detection-rules document in JSON: { "rule": { "query": ... } }.
    const rule = top.find((s) => s.path === "rule");
    return rule ? scanJsonObject(text, rule.offset + 1).find((s) => s.path === key) : undefined;
  }
  return undefined;
}

/** Cache of file texts read during one check. */
const texts = new Map<string, string | null>();

function fileText(path: string): string | null {
  if (!texts.has(path)) {
    try {
      texts.set(path, readFileSync(path, "utf8"));
    } catch {
      texts.set(path, null);
    }
  }
  return texts.get(path) ?? null;
}

let lastQuery: { key: string; found: ReturnType<typeof queryInFile> } | undefined;

/** Where `span` of the rule's query sits in its file, or undefined when it cannot be mapped. */
export function queryPosition(
  loaded: LoadedRule,
  span: { start: number; end: number },
): FilePosition | undefined {
  const file = loaded.origin.file;
  if (file === undefined) return undefined;
  // A rule's findings come one after another: find its query in the file once for all of them.
  const key = `${file}\u0000${loaded.origin.format}\u0000${loaded.origin.line}`;
  if (lastQuery?.key !== key)
    lastQuery = { key, found: queryInFile(file, loaded.origin.format, loaded.origin.line) };
  const found = lastQuery.found;
  if (!found || found.query !== loaded.rule.query) return undefined;
  return found.position(span);
}

/** The format of a rule file, from its extension. */
export function ruleFileFormat(file: string): "toml" | "json" | "ndjson" | undefined {
  if (/\.toml$/i.test(file)) return "toml";
  if (/\.json$/i.test(file)) return "json";
  if (/\.(ndjson|jsonl)$/i.test(file)) return "ndjson";
  return undefined;
}

/**
 * The query text of the rule in `file` (for NDJSON, the rule on `line`), and a mapping of its spans
 * to positions in the file; undefined when the file or its query cannot be read.
 */
export function queryInFile(
  file: string,
  format: string | undefined,
  line?: number,
): { query: string; position(span: { start: number; end: number }): FilePosition } | undefined {
  const text = fileText(file);
  if (text === null || format === undefined) return undefined;
  const origin = { format, ...(line !== undefined ? { line } : {}) } as LoadedRule["origin"];
  const site = stringSite(text, { origin }, "query");
  if (!site?.string) return undefined;
  const mapped = decodeString(text, site.string);
  const query = mapped.value;
  return { query, position: (span) => mapPosition(text, mapped.offsets, query, span) };
}

function mapPosition(
  text: string,
  offsets: readonly number[],
  query: string,
  span: { start: number; end: number },
): FilePosition {
  const at = (i: number) => offsets[Math.min(Math.max(i, 0), query.length)] as number;
  const start = at(span.start);
  const end = Math.max(start + 1, at(span.end));
  const { location, sourceLine, caret } = locate(text, { start, end });
  return { line: location.line, column: location.column, sourceLine, caret };
}

/** The string value of the rule's key `key` in `file` (for NDJSON, the rule on `line`), if it has one. */
export function stringInFile(
  file: string,
  format: string | undefined,
  key: string,
  line?: number,
): string | undefined {
  const text = fileText(file);
  if (text === null || format === undefined) return undefined;
  const origin = { format, ...(line !== undefined ? { line } : {}) } as LoadedRule["origin"];
  const site = stringSite(text, { origin }, key);
  return site?.string ? decodeString(text, site.string).value : undefined;
}
