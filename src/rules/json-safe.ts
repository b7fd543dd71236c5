/**
 * Copies of event values that any JSON writer accepts, for alert documents: a source document may
 * nest deeper than a call stack allows, hold BigInt values, or (in memory) refer to itself.
 *
 * - A container nested deeper than `MAX_ALERT_DEPTH` levels is replaced by `"[too deep]"`
 *   (Elasticsearch refuses documents nested deeper than 1,000 levels as well).
 * - A container that contains itself is replaced by `"[cycle]"` where it repeats.
 * - A BigInt becomes its exact decimal text (a number would lose digits past 2^53; Elasticsearch
 *   coerces numeric text into numeric fields).
 * - A valid Date becomes its ISO text, as `JSON.stringify` writes it.
 *
 * Each replacement is counted. An own `__proto__` key (as `JSON.parse` creates it) stays a key.
 */

/** Nesting levels (objects and arrays) an alert keeps from its source event. */
export const MAX_ALERT_DEPTH = 1000;

export const TOO_DEEP = "[too deep]";
export const CYCLE = "[cycle]";

/** Counts of what making values JSON-safe replaced. */
export interface SafeNotes {
  replaced: number;
}

/** Set `key` as an own data property, also when it is `__proto__`. */
export function put(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  } else out[key] = value;
}

/** A JSON-safe copy of `value` (see the module comment); `notes.replaced` counts the replacements. */
export function jsonSafe(value: unknown, notes: SafeNotes): unknown {
  const open = new Set<object>();
  const copy = (v: unknown, depth: number): unknown => {
    if (typeof v === "bigint") return v.toString();
    if (typeof v !== "object" || v === null) return v;
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
    if (open.has(v)) {
      notes.replaced++;
      return CYCLE;
    }
    if (depth >= MAX_ALERT_DEPTH) {
      notes.replaced++;
      return TOO_DEEP;
    }
    open.add(v);
    let out: unknown;
    if (Array.isArray(v)) {
      const list: unknown[] = new Array(v.length);
      for (let i = 0; i < v.length; i++) list[i] = copy(v[i], depth + 1);
      out = list;
    } else {
      const obj: Record<string, unknown> = {};
      for (const k of Object.keys(v)) put(obj, k, copy((v as Record<string, unknown>)[k], depth + 1));
      out = obj;
    }
    open.delete(v);
    return out;
  };
  return copy(value, 0);
}
