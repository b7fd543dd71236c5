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
 * The same matcher for a value the caller already case-folded when `insensitive` (a rule set folds
 * each field value once per event for all its rules).
 */
export function compileFoldedPatternList(
  patterns: readonly string[],
  insensitive: boolean,
): (value: string) => boolean {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  const general: ((value: string) => boolean)[] = [];
  for (const raw of patterns) {
    const p = insensitive ? foldCase(raw) : raw;
    if (!hasWildcard(p)) exact.add(p);
    else if (p.endsWith("*") && !hasWildcard(p.slice(0, -1))) prefixes.push(p.slice(0, -1));
    else general.push(compileWildcard(p, false));
  }
  const np = prefixes.length;
  const ng = general.length;
  return (v) => {
    if (exact.has(v)) return true;
    for (let i = 0; i < np; i++) if (v.startsWith(prefixes[i] as string)) return true;
    for (let i = 0; i < ng; i++) if ((general[i] as (s: string) => boolean)(v)) return true;
    return false;
  };
}
