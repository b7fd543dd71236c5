/**
 * A list of `like` / `like~` / `:` patterns compiled into one matcher: exact patterns go into a set,
 * `prefix*` patterns into a list of prefixes, and only the rest become wildcard matchers. The value
 * is case-folded once for the whole list, not once per pattern.
 */
import { foldCase } from "./text.js";
import { compileWildcard, hasWildcard } from "./wildcard.js";

/** Compile `patterns` (any one matching is enough); `insensitive` folds case on both sides. */
export function compilePatternList(
  patterns: readonly string[],
  insensitive: boolean,
): (value: string) => boolean {
  const folded = compileFoldedPatternList(patterns, insensitive);
  return insensitive ? (value) => folded(foldCase(value)) : folded;
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
