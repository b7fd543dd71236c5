/**
 * Timestamps for ordering, read as Elasticsearch reads a `date` field with its default format
 * `strict_date_optional_time||epoch_millis`: numbers are epoch millis; a string is first tried as
 * `strict_date_optional_time`, then as `epoch_millis`; anything else is not a date. The grammar is
 * recorded in grammar/DESIGN.md ("Timestamps").
 */

/** A point in time: whole epoch milliseconds plus the nanoseconds within that millisecond. */
export interface Instant {
  readonly millis: number;
  readonly nanos: number;
}

/** The widest instant a JavaScript Date can hold; anything further is not a usable date. */
export const MAX_EPOCH_MILLIS = 8.64e15;

/** True when `millis` is a whole number of epoch milliseconds a Date can represent. */
export function isDateMillis(millis: number): boolean {
  return Number.isInteger(millis) && Math.abs(millis) <= MAX_EPOCH_MILLIS;
}

// yyyy[-MM[-dd]][T[HH[:mm[:ss[(.|,)fraction]]]][zone]], every field with its fixed width.
const ISO =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T(?:(\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?)?(Z|[+-]\d{2}(?::?\d{2}(?::\d{2})?)?)?)?$/;

// [-]digits[.[fraction of a millisecond, at most six digits]]
const EPOCH_MILLIS = /^(-?)(\d{1,19})(?:\.(\d{0,6}))?$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (month 1-12). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * Epoch millis of a proleptic Gregorian date and time of day in UTC (month 1-12), or null when a
 * field is out of its range: 30 February or hour 24 is rejected, never rolled over.
 */
export function utcMillis(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  sec: number,
): number | null {
  if (mo < 1 || mo > 12 || d < 1) return null;
  if (d > (mo === 2 && isLeap(y) ? 29 : (DAYS_IN_MONTH[mo - 1] as number))) return null;
  if (h > 23 || mi > 59 || sec > 59) return null;
  return daysFromCivil(y, mo, d) * 86_400_000 + ((h * 60 + mi) * 60 + sec) * 1000;
}

/** Offset of a zone suffix in minutes east of UTC, or null when out of range. */
function zoneMinutes(zone: string): number | null {
  if (zone === "Z") return 0;
  const digits = zone.slice(1).replace(/:/g, "");
  const h = Number(digits.slice(0, 2));
  const m = Number(digits.slice(2, 4) || "0");
  const s = Number(digits.slice(4, 6) || "0");
  if (m > 59 || s > 59 || h * 3600 + m * 60 + s > 18 * 3600) return null;
  const total = h * 60 + m + s / 60;
  return zone[0] === "-" ? -total : total;
}

/** `strict_date_optional_time`: a four-digit year, optional month, day, time and zone; no rollover. */
export function parseIsoInstant(s: string): Instant | null {
  const common = parseCommonIso(s);
  return common !== undefined ? common : parseIsoByPattern(s);
}

/** The digit at `i` of `s` (0-9), or -1. */
function digitAt(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

/** The two-digit number at `i`, or -1. */
function twoDigits(s: string, i: number): number {
  const a = digitAt(s, i);
  const b = digitAt(s, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

/**
 * `yyyy-MM-ddTHH:mm:ss[.fraction]Z`, the form nearly every event's timestamp has, read without a
 * regular expression or a string allocated; undefined for any other text (`parseIsoByPattern`
 * decides those). Gives what `parseIsoByPattern` gives for the text it accepts (a property test
 * compares them).
 */
export function parseCommonIso(s: string): Instant | null | undefined {
  const n = s.length;
  if (n < 20 || n > 30 || s.charCodeAt(n - 1) !== 90 /* Z */) return undefined;
  if (s[4] !== "-" || s[7] !== "-" || s[10] !== "T" || s[13] !== ":" || s[16] !== ":") return undefined;
  const y0 = twoDigits(s, 0);
  const y1 = twoDigits(s, 2);
  const mo = twoDigits(s, 5);
  const d = twoDigits(s, 8);
  const h = twoDigits(s, 11);
  const mi = twoDigits(s, 14);
  const sec = twoDigits(s, 17);
  if (y0 < 0 || y1 < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || sec < 0) return undefined;
  let millis = 0;
  let nanos = 0;
  if (n > 20) {
    // A fraction of 1 to 9 digits after `.` or `,`.
    const sep = s[19];
    const digits = n - 21;
    if ((sep !== "." && sep !== ",") || digits < 1 || digits > 9) return undefined;
    for (let k = 0; k < 9; k++) {
      const v = k < digits ? digitAt(s, 20 + k) : 0;
      if (v < 0) return undefined;
      if (k < 3) millis = millis * 10 + v;
      else nanos = nanos * 10 + v;
    }
  }
  const local = utcMillis(y0 * 100 + y1, mo, d, h, mi, sec);
  if (local === null) return null;
  return { millis: local + millis, nanos };
}

/** `parseIsoInstant` by the grammar's regular expression, for every form. */
export function parseIsoByPattern(s: string): Instant | null {
  const m = ISO.exec(s);
  if (!m) return null;
  const [, ys, mos = "1", ds = "1", hs = "0", mis = "0", ss = "0", frac = "", zone] = m;
  const local = utcMillis(Number(ys), Number(mos), Number(ds), Number(hs), Number(mis), Number(ss));
  if (local === null) return null;
  const offset = zone ? zoneMinutes(zone) : 0;
  if (offset === null) return null;
  const digits = frac.padEnd(9, "0");
  const millis = local + Number(digits.slice(0, 3)) - Math.round(offset * 60_000);
  return { millis, nanos: Number(digits.slice(3, 9)) };
}

/** `epoch_millis`: optionally signed whole milliseconds with up to six digits of a millisecond. */
export function parseEpochMillis(s: string): Instant | null {
  const m = EPOCH_MILLIS.exec(s);
  if (!m) return null;
  const [, sign, whole, frac = ""] = m as unknown as [string, string, string, string | undefined];
  const magnitude = Number(whole);
  if (magnitude > MAX_EPOCH_MILLIS) return null;
  const fraction = Number(frac.padEnd(6, "0"));
  if (sign === "") return { millis: magnitude, nanos: fraction };
  // -1.5 is a millisecond and a half before the epoch: -2 ms plus 500000 ns.
  if (fraction === 0) return { millis: magnitude === 0 ? 0 : -magnitude, nanos: 0 };
  if (magnitude + 1 > MAX_EPOCH_MILLIS) return null;
  return { millis: -magnitude - 1, nanos: 1_000_000 - fraction };
}

/** Parse a timestamp value; null when it is not a usable single instant. */
export function parseInstant(value: unknown): Instant | null {
  if (typeof value === "number") {
    if (!Number.isFinite(value) || Math.abs(value) > MAX_EPOCH_MILLIS) return null;
    let millis = Math.floor(value);
    let nanos = Math.round((value - millis) * 1e6);
    if (nanos >= 1e6) {
      millis += 1;
      nanos -= 1e6;
    }
    return isDateMillis(millis) ? { millis, nanos } : null;
  }
  if (typeof value === "bigint") {
    const millis = Number(value);
    return isDateMillis(millis) ? { millis, nanos: 0 } : null;
  }
  if (typeof value !== "string") return null;
  return parseIsoInstant(value) ?? parseEpochMillis(value);
}

/** Compare two instants; a null instant sorts after every other. */
export function compareInstants(a: Instant | null, b: Instant | null): number {
  if (a === null) return b === null ? 0 : 1;
  if (b === null) return -1;
  return a.millis - b.millis || a.nanos - b.nanos;
}
