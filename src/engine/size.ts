/**
 * A cheap estimate of what an event costs in V8's heap: a walk bounded to `MAX_NODES` values that
 * counts object and array slots and string lengths. Property names are not counted: JSON.parse
 * interns them, so events of one shape share them. Values beyond the bound are not visited; the
 * estimate then falls short for very large events.
 */

/** Values visited at most per event. */
export const MAX_NODES = 2048;

// Rough V8 costs on 64-bit with pointer compression off: object header and property slot, array
// header and element slot, string header (one byte per character), boxed number.
const OBJECT = 56;
const SLOT = 16;
const ARRAY = 32;
const ELEMENT = 8;
const STRING = 20;
const NUMBER = 16;

/** Estimated heap bytes of a JSON-like value (see the file comment). */
export function estimateEventSize(event: unknown): number {
  let size = 0;
  // Values visited or waiting to be; nothing is queued beyond the bound.
  let seen = 1;
  const stack: unknown[] = [event];
  try {
    while (stack.length > 0) {
      const v = stack.pop();
      if (typeof v === "string") size += STRING + v.length;
      // Small integers live in the pointer itself; other numbers are boxed.
      else if (typeof v === "number") size += (v | 0) === v ? 0 : NUMBER;
      else if (typeof v === "object" && v !== null) {
        if (Array.isArray(v)) {
          size += ARRAY + ELEMENT * v.length;
          for (let i = 0; i < v.length && seen < MAX_NODES; i++, seen++) stack.push(v[i]);
        } else {
          size += OBJECT;
          // Inherited enumerable properties (none on parsed JSON) would only add to the estimate.
          for (const k in v) {
            if (seen >= MAX_NODES) break;
            size += SLOT;
            seen++;
            stack.push((v as Record<string, unknown>)[k]);
          }
        }
      }
    }
  } catch {
    // A throwing getter or proxy: what was counted so far is the estimate.
  }
  return size;
}
