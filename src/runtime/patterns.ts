/**
 * A list of `like` / `like~` / `:` patterns compiled into one matcher: exact patterns go into a set,
 * `prefix*` patterns into a list of prefixes, and only the rest become wildcard matchers. The value
 * is case-folded once for the whole list, not once per pattern.
 */
import { compileLuceneRegex } from "./regex/index.js";
import { foldCase, hasOneWayFold } from "./text.js";
import { compileWildcard, hasWildcard } from "./wildcard.js";

/**
 * Compile `patterns` (any one matching is enough); `insensitive` folds case on both sides. A
 * case-insensitive pattern holding `İ` or `ı` is matched on the raw value, each literal character
 * against its Lucene case variants (as `regex~` does), because those letters fold one way only.
 */
export function compilePatternList(
  patterns: readonly string[],
  insensitive: boolean,
): (value: string) => boolean {
  const oneWay = insensitive ? patterns.filter(hasOneWayFold) : [];
  const rest = oneWay.length === 0 ? patterns : patterns.filter((p) => !hasOneWayFold(p));
  const folded = compileFoldedPatternList(rest, insensitive);
  const plain = insensitive ? (value: string) => folded(foldCase(value)) : folded;
  if (oneWay.length === 0) return plain;
  const raw = oneWay.map((p) => compileLuceneRegex(wildcardAsRegex(p), true));
  return (value) => plain(value) || raw.some((m) => m(value));
}

/** True when the case-folded form of a value cannot decide `patterns` (see `compilePatternList`). */
export function needsRawValue(patterns: readonly string[], insensitive: boolean): boolean {
  return insensitive && patterns.some(hasOneWayFold);
}

/**
 * A wildcard pattern as a Lucene regular expression: `*` and `?` become `.*` and `.`, everything
 * else is quoted (a `"` is escaped), so each literal folds as a `regex~` literal does. With
 * `wildcards` false, `*` and `?` are literal too.
 */
export function wildcardAsRegex(pattern: string, wildcards = true): string {
  let out = "";
  let literal = "";
  const flush = () => {
    if (literal.length > 0) out += `"${literal}"`;
    literal = "";
  };
  for (const ch of pattern) {
    if (((ch === "*" || ch === "?") && wildcards) || ch === '"') {
      flush();
      out += ch === "*" ? ".*" : ch === "?" ? "." : '\\"';
    } else literal += ch;
  }
  flush();
  return out;
}

/**
 * A pattern list taken apart (patterns case-folded when `insensitive`): patterns without wildcards,
 * `prefix*` patterns, and the others as they are.
 */
export interface PatternParts {
  readonly exact: readonly string[];
  readonly prefixes: readonly string[];
  readonly general: readonly string[];
}

/** Take `patterns` apart for matching (see `PatternParts`). */
export function patternParts(patterns: readonly string[], insensitive: boolean): PatternParts {
  const exact: string[] = [];
  const prefixes: string[] = [];
  const general: string[] = [];
  for (const raw of patterns) {
    const p = insensitive ? foldCase(raw) : raw;
    if (!hasWildcard(p)) exact.push(p);
    else if (p.endsWith("*") && !hasWildcard(p.slice(0, -1))) prefixes.push(p.slice(0, -1));
    else general.push(p);
  }
  return { exact, prefixes, general };
}

/**
 * The same matcher for a value the caller already case-folded when `insensitive` (a rule set folds
 * each field value once per event for all its rules).
 */
export function compileFoldedPatternList(
  patterns: readonly string[],
  insensitive: boolean,
): (value: string) => boolean {
  const parts = patternParts(patterns, insensitive);
  const exact = new Set(parts.exact);
  const prefixes = parts.prefixes;
  const general = parts.general.map((p) => compileWildcard(p, false));
  const np = prefixes.length;
  const ng = general.length;
  return (v) => {
    if (exact.has(v)) return true;
    for (let i = 0; i < np; i++) if (v.startsWith(prefixes[i] as string)) return true;
    for (let i = 0; i < ng; i++) if ((general[i] as (s: string) => boolean)(v)) return true;
    return false;
  };
}
