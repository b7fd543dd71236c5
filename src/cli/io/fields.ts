/** Read a dotted field from an event for display: nested objects, dotted keys or a mixture. */

/** The value at `path` (`process.args`), or undefined; arrays along the path are mapped over. */
export function fieldValue(event: unknown, path: string): unknown {
  return lookup(event, path.split("."), 0);
}

function lookup(value: unknown, segs: readonly string[], i: number): unknown {
  if (i === segs.length) return value;
  if (Array.isArray(value)) {
    const found = value.map((v) => lookup(v, segs, i)).filter((v) => v !== undefined);
    return found.length === 0 ? undefined : found.flat();
  }
  if (typeof value !== "object" || value === null) return undefined;
  // Try the longest dotted key first (`{"process.name": ...}`), then shorter ones down to one segment.
  for (let j = segs.length; j > i; j--) {
    const key = segs.slice(i, j).join(".");
    if (Object.hasOwn(value, key)) {
      const found = lookup((value as Record<string, unknown>)[key], segs, j);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
