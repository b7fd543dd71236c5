/**
 * Timestamps for ordering: epoch-millis numbers, digit strings (epoch millis, Elasticsearch's
 * `epoch_millis`), and ISO-8601 strings with up to nanosecond precision.
 */

/** A point in time: whole epoch milliseconds plus the nanoseconds within that millisecond. */
export interface Instant {
  readonly millis: number;
  readonly nanos: number;
}

const ISO =
  /^(\d{4,})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Parse a timestamp value; null when it is not a usable single instant. */
export function parseInstant(value: unknown): Instant | null {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return null;
    const millis = Math.floor(value);
    return { millis, nanos: Math.round((value - millis) * 1e6) };
  }
  if (typeof value === "bigint") return { millis: Number(value), nanos: 0 };
  if (typeof value !== "string") return null;
  const s = value.trim();
  if (/^-?\d+$/.test(s)) return { millis: Number(s), nanos: 0 };
  if (/^-?\d+\.\d+$/.test(s)) {
    const [whole, frac] = s.split(".") as [string, string];
    return { millis: Number(whole), nanos: Number(frac.padEnd(6, "0").slice(0, 6)) };
  }
  const m = ISO.exec(s);
  if (!m) return null;
  const [, y, mo, d, h = "0", mi = "0", sec = "0", frac = "", zone] = m;
  let millis = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec));
  if (Number.isNaN(millis)) return null;
  const digits = frac.padEnd(9, "0");
  millis += Number(digits.slice(0, 3));
  const nanos = Number(digits.slice(3, 9));
  if (zone && zone !== "Z") {
    const sign = zone[0] === "-" ? -1 : 1;
    const z = zone.slice(1).replace(":", "");
    const offset = Number(z.slice(0, 2)) * 60 + Number(z.slice(2, 4) || "0");
    millis -= sign * offset * 60000;
  }
  return { millis, nanos };
}

/** Compare two instants; a null instant sorts after every other. */
export function compareInstants(a: Instant | null, b: Instant | null): number {
  if (a === null) return b === null ? 0 : 1;
  if (b === null) return -1;
  return a.millis - b.millis || a.nanos - b.nanos;
}
