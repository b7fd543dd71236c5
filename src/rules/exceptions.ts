/**
 * Rule exceptions as Kibana models them: an item's entries are ANDed, a list's items are ORed, and an
 * alert is suppressed when an item matches its event. Entry types: `match` (is), `match_any` (is one
 * of), `exists`, `wildcard` (matches), `list` (is in list) and `nested`; `operator: "excluded"` negates
 * (is not, is not one of, does not exist, does not match, is not in list).
 */
import type { Scalar } from "../functions/types.js";
import { ownOptions } from "../options.js";
import { fieldReader } from "../runtime/fields.js";
import { compileWildcard } from "../runtime/wildcard.js";
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
  const compiled = items
    .filter((item) => Array.isArray(item.entries) && item.entries.length > 0)
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

/** Read exception items from parsed JSON: an array of items, `{ items: [...] }`, or one item. */
export function exceptionItemsFrom(doc: unknown): ExceptionItem[] {
  const list = Array.isArray(doc)
    ? doc
    : typeof doc === "object" && doc !== null && Array.isArray((doc as { items?: unknown }).items)
      ? (doc as { items: unknown[] }).items
      : [doc];
  return list.filter(
    (x): x is ExceptionItem =>
      typeof x === "object" && x !== null && Array.isArray((x as ExceptionItem).entries),
  );
}
