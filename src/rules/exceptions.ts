/**
 * Rule exceptions as Kibana models them: an item's entries are ANDed, a list's items are ORed, and an
 * alert is suppressed when an item matches its event. Entry types: `match` (is), `match_any` (is one
 * of), `exists`, `wildcard` (matches), `list` (is in list) and `nested`; `operator: "excluded"` negates
 * (is not, is not one of, does not exist, does not match, is not in list).
 *
 * An item that is not valid (unknown type or operator, a missing operator, a value of the wrong
 * shape, a list that cannot be resolved) never matches: a mistake in an exception must not hide
 * alerts. `exceptionProblems` names what is wrong, and `exceptionItemsFrom` rejects it when loading.
 */
import type { Scalar } from "../functions/types.js";
import { ownOptions } from "../options.js";
import { fieldReader } from "../runtime/fields.js";
import { compileWildcard } from "../runtime/wildcard.js";
import { RuleErrorCodes, RuleLoadError } from "./errors.js";
import type { ExceptionEntry, ExceptionItem } from "./types.js";

/** Returns the first exception item that matches an event, or undefined. Never throws. */
export type ExceptionMatcher = (event: unknown) => ExceptionItem | undefined;

/** Options for compiling exceptions. */
export interface ExceptionOptions {
  /** Values of value lists referenced by `list` entries, by list id. */
  valueLists?: Record<string, readonly unknown[]>;
}

type Test = (event: unknown) => boolean;

function text(v: Scalar): string {
  return typeof v === "string" ? v : String(v);
}

/** Objects at a path (nested objects, dotted keys, arrays flattened), for `nested` entries. */
function objectsAt(value: unknown, segs: readonly string[]): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.flatMap((v) => objectsAt(v, segs));
  if (typeof value !== "object" || value === null) return [];
  if (segs.length === 0) return [value as Record<string, unknown>];
  const out: Record<string, unknown>[] = [];
  for (let k = 1; k <= segs.length; k++) {
    const key = segs.slice(0, k).join(".");
    if (Object.hasOwn(value, key))
      out.push(...objectsAt((value as Record<string, unknown>)[key], segs.slice(k)));
  }
  return out;
}

function anyValue(field: string, pred: (s: string) => boolean): Test {
  const reader = fieldReader([field]);
  return (event) => {
    let hit = false;
    reader.each(event, (v) => {
      hit = pred(text(v));
      return hit;
    });
    return hit;
  };
}

const TYPES = new Set(["match", "match_any", "exists", "wildcard", "list", "nested"]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isScalarValue(v: unknown): boolean {
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean";
}

/** What is wrong with one entry (`at` names it), or nothing. */
function entryProblems(entry: unknown, at: string, options: ExceptionOptions, inNested: boolean): string[] {
  if (!isRecord(entry)) return [`${at} must be an object`];
  const out: string[] = [];
  const { type, operator, field } = entry;
  if (typeof field !== "string" || field === "") out.push(`${at} needs a field`);
  if (typeof type !== "string" || !TYPES.has(type)) {
    out.push(`${at} has unknown type ${JSON.stringify(type)}`);
    return out;
  }
  // Kibana's nested entries carry no operator; every other entry says included or excluded.
  if (
    type === "nested"
      ? operator !== undefined && operator !== "included"
      : operator !== "included" && operator !== "excluded"
  )
    out.push(
      operator === undefined
        ? `${at} has no operator (included or excluded)`
        : `${at} has unknown operator ${JSON.stringify(operator)}`,
    );
  const value = entry.value;
  if ((type === "match" || type === "wildcard") && !isScalarValue(value))
    out.push(`${at} (${type}) needs a value`);
  if (type === "match_any" && !(Array.isArray(value) && value.length > 0 && value.every(isScalarValue)))
    out.push(`${at} (match_any) needs a list of values`);
  if (type === "list") {
    const list = entry.list;
    const values = isRecord(list) ? list.values : undefined;
    const id = isRecord(list) ? list.id : undefined;
    if (values !== undefined) {
      if (!Array.isArray(values)) out.push(`${at} has list values that are not a list`);
    } else if (typeof id !== "string") out.push(`${at} (list) needs a list id or values`);
    else if (!Array.isArray(options.valueLists?.[id]))
      out.push(`${at} refers to value list ${JSON.stringify(id)}, which was not supplied`);
  }
  if (type === "nested") {
    if (inNested) out.push(`${at} nests a nested entry`);
    const inner = entry.entries;
    if (!Array.isArray(inner) || inner.length === 0) out.push(`${at} (nested) needs entries`);
    else
      inner.forEach((e, j) => {
        out.push(...entryProblems(e, `${at}.entries[${j}]`, options, true));
      });
  }
  return out;
}

/** The name of item `i` in messages: its `item_id`, else its `name`, else its position. */
function itemLabel(item: unknown, i: number): string {
  const r = isRecord(item) ? item : {};
  if (typeof r.item_id === "string") return `exception item ${JSON.stringify(r.item_id)}`;
  if (typeof r.name === "string") return `exception item ${JSON.stringify(r.name)}`;
  return `exception item #${i + 1}`;
}

/**
 * What makes each exception item unusable, one message per problem naming the item and entry
 * (empty when every item is valid). A `list` entry must have inline values or an id found in
 * `options.valueLists`.
 */
export function exceptionProblems(items: readonly unknown[], options: ExceptionOptions = {}): string[] {
  const own = ownOptions(options);
  const out: string[] = [];
  items.forEach((item, i) => {
    out.push(...itemProblems(item, i, own));
  });
  return out;
}

function itemProblems(item: unknown, i: number, options: ExceptionOptions): string[] {
  const label = itemLabel(item, i);
  if (!isRecord(item)) return [`${label} must be an object`];
  const entries = item.entries;
  if (!Array.isArray(entries) || entries.length === 0) return [`${label} needs a non-empty entries list`];
  const out: string[] = [];
  entries.forEach((e, j) => {
    out.push(...entryProblems(e, `${label}: entries[${j}]`, options, false));
  });
  return out;
}

function compileEntry(entry: ExceptionEntry, item: ExceptionItem, options: ExceptionOptions): Test {
  const positive = ((): Test => {
    switch (entry.type) {
      case "match":
        return anyValue(entry.field, (s) => s === String(entry.value));
      case "match_any": {
        const set = new Set((Array.isArray(entry.value) ? entry.value : [entry.value]).map(String));
        return anyValue(entry.field, (s) => set.has(s));
      }
      case "exists": {
        const reader = fieldReader([entry.field]);
        return (event) => reader.values(event).length > 0;
      }
      case "wildcard": {
        const match = compileWildcard(String(entry.value), item.case_insensitive === true);
        return anyValue(entry.field, match);
      }
      case "list": {
        const values =
          entry.list?.values ?? (entry.list?.id ? options.valueLists?.[entry.list.id] : undefined) ?? [];
        const set = new Set(values.map(String));
        return anyValue(entry.field, (s) => set.has(s));
      }
      case "nested": {
        const segs = entry.field.split(".");
        const inner = (entry.entries ?? []).map((e) => compileEntry(e, item, options));
        return (event) =>
          objectsAt(event, segs).some((obj) => inner.length > 0 && inner.every((t) => t(obj)));
      }
      default:
        // An entry type we do not know never matches, so it cannot hide alerts by accident.
        return () => false;
    }
  })();
  return entry.operator === "excluded" ? (event) => !positive(event) : positive;
}

/** Compile exception items once into a matcher. */
export function compileExceptions(
  items: readonly ExceptionItem[],
  given: ExceptionOptions = {},
): ExceptionMatcher {
  const options = ownOptions(given);
  // An invalid item never matches (see the file comment).
  const compiled = items
    .filter((item, i) => itemProblems(item, i, options).length === 0)
    .map((item) => ({ item, tests: item.entries.map((e) => compileEntry(e, item, options)) }));
  if (compiled.length === 0) return () => undefined;
  return (event) => {
    try {
      for (const c of compiled) if (c.tests.every((t) => t(event))) return c.item;
    } catch {
      // Evaluation never throws on event data; a hostile event is not excepted.
    }
    return undefined;
  };
}

/** Where exception items come from, for `exceptionItemsFrom`'s errors. */
export interface ExceptionSourceOptions extends ExceptionOptions {
  /** File the items were read from, named in errors. */
  file?: string;
}

/**
 * Read exception items from parsed JSON: an array of items, `{ items: [...] }`, or one item. Throws a
 * `RuleLoadError` (`RULE_BAD_VALUE`, naming the file and the item) when the document has another
 * shape or an item is not valid (see `exceptionProblems`): a malformed exception list must not quietly
 * mean "no exceptions", nor one that suppresses everything.
 */
export function exceptionItemsFrom(doc: unknown, options: ExceptionSourceOptions = {}): ExceptionItem[] {
  const own = ownOptions(options);
  const fail = (reason: string, key?: string) =>
    new RuleLoadError({
      code: RuleErrorCodes.BAD_VALUE,
      reason,
      ...(key !== undefined ? { key } : {}),
      ...(own.file !== undefined ? { file: own.file } : {}),
    });
  let list: unknown[];
  if (Array.isArray(doc)) list = doc;
  else if (isRecord(doc) && "items" in doc) {
    if (!Array.isArray(doc.items)) throw fail("exception items must be a list", "items");
    list = doc.items;
  } else if (isRecord(doc) && "entries" in doc) list = [doc];
  else throw fail("exceptions must be a list of items, { items: [...] } or one item with entries");
  const problems = exceptionProblems(list, own);
  if (problems.length > 0) throw fail(problems.join("; "), "items");
  return list as ExceptionItem[];
}
