/** Rule schedule values: intervals such as `5m` and look-back starts such as `now-9m`. */

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  H: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/** Kibana's run interval syntax: a positive integer and one of s, m, h, d. */
const INTERVAL = /^([1-9][0-9]*)([smhd])$/;
/** The date math the rules use for `from`: `now-<n><unit>` (`now` alone means no look-back). */
const FROM = /^now(?:-([0-9]+)([smhHdw]))?$/;

/** Milliseconds of an interval such as `5m`, or null when it is not one. */
export function parseInterval(text: unknown): number | null {
  if (typeof text !== "string") return null;
  const m = INTERVAL.exec(text);
  if (!m) return null;
  return Number(m[1]) * (UNIT_MS[m[2] as string] as number);
}

/** Look-back in milliseconds of a `from` such as `now-9m`, or null when it is not that form. */
export function parseFrom(text: unknown): number | null {
  if (typeof text !== "string") return null;
  const m = FROM.exec(text);
  if (!m) return null;
  if (m[1] === undefined) return 0;
  return Number(m[1]) * (UNIT_MS[m[2] as string] as number);
}

/** A point in time given as a Date, epoch milliseconds or an ISO string, in epoch milliseconds. */
export function toMillis(t: Date | number | string): number {
  const ms = t instanceof Date ? t.getTime() : typeof t === "number" ? t : Date.parse(t);
  if (!Number.isFinite(ms)) throw new RangeError(`not a point in time: ${String(t)}`);
  return ms;
}
