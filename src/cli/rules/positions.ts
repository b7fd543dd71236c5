/**
 * Point a finding about a rule's query into the rule file: the query's position (line and column of
 * the query text) is moved to the file line and column, through the string's escapes and TOML's
 * dropped first newline. The rules layer keeps this mapping internal to loading, so this adapter
 * reads the file again with its scanners.
 */
import { readFileSync } from "node:fs";
import { locate } from "../../errors.js";
import type { LoadedRule } from "../../index.js";
import { decodeString, type KeySite, scanJsonObject, scanToml } from "../../rules/source-map.js";

/** A position in the rule file, with its source line and a caret. */
export interface FilePosition {
  line: number;
  column: number;
  sourceLine: string;
  caret: string;
}

function offsetOfLine(text: string, line: number): number {
  let at = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf("\n", at);
    if (nl < 0) return text.length;
    at = nl + 1;
  }
  return at;
}

function querySite(text: string, loaded: LoadedRule): KeySite | undefined {
  const { format, line } = loaded.origin;
  if (format === "toml") {
    const sites = scanToml(text);
    return sites.find((s) => s.path === "rule.query") ?? sites.find((s) => s.path === "query");
  }
  if (format === "json" || format === "ndjson") {
    const from = format === "ndjson" ? offsetOfLine(text, line ?? 1) : 0;
    const top = scanJsonObject(text, from);
    const direct = top.find((s) => s.path === "query");
    if (direct) return direct;
    // A detection-rules document in JSON: { "rule": { "query": ... } }.
    const rule = top.find((s) => s.path === "rule");
    return rule ? scanJsonObject(text, rule.offset + 1).find((s) => s.path === "query") : undefined;
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

/** Where `span` of the rule's query sits in its file, or undefined when it cannot be mapped. */
export function queryPosition(
  loaded: LoadedRule,
  span: { start: number; end: number },
): FilePosition | undefined {
  const file = loaded.origin.file;
  if (file === undefined) return undefined;
  const text = fileText(file);
  if (text === null) return undefined;
  const site = querySite(text, loaded);
  if (!site?.string) return undefined;
  const mapped = decodeString(text, site.string);
  const query = loaded.rule.query;
  if (mapped.value !== query) return undefined;
  const at = (i: number) => mapped.offsets[Math.min(Math.max(i, 0), query.length)] as number;
  const start = at(span.start);
  const end = Math.max(start + 1, at(span.end));
  const { location, sourceLine, caret } = locate(text, { start, end });
  return { line: location.line, column: location.column, sourceLine, caret };
}
