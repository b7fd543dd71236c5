/** The event transforms a suite can ask for (`filetime-to-millis`, `filetime-as-nanos`). */

/** Milliseconds between 1601-01-01 (FILETIME epoch) and 1970-01-01. */
const FILETIME_EPOCH_OFFSET_MS = 11644473600000n;

/** The transform names a suite may use. */
export const TRANSFORMS = ["filetime-to-millis", "filetime-as-nanos"] as const;

/** One of {@link TRANSFORMS}. */
export type TransformName = (typeof TRANSFORMS)[number];

/** Whether `name` is a known transform. */
export function isTransformName(name: string): name is TransformName {
  return (TRANSFORMS as readonly string[]).includes(name);
}

/** Floor division for bigint (rounds towards negative infinity, unlike `/`). */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** Read an integer exactly from a bigint, a safe integer number or a decimal integer string. */
export function toExactInteger(value: unknown): bigint | undefined {
  if (typeof value === "bigint") return value;
  if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === "string" && /^-?\d+$/.test(value.trim())) return BigInt(value.trim());
  return undefined;
}

/** Epoch milliseconds of a Windows FILETIME (100-ns ticks since 1601-01-01), floored. */
export function filetimeToEpochMillis(filetime: bigint): bigint {
  return floorDiv(filetime, 10000n) - FILETIME_EPOCH_OFFSET_MS;
}

/** ISO-8601 text with 9 fractional digits for nanoseconds since 1970 (`...T...123456789Z`). */
export function nanosToIso(nanos: bigint): string {
  const seconds = floorDiv(nanos, 1_000_000_000n);
  const fraction = nanos - seconds * 1_000_000_000n;
  const whole = new Date(Number(seconds) * 1000).toISOString();
  return `${whole.slice(0, whole.lastIndexOf("."))}.${fraction.toString().padStart(9, "0")}Z`;
}

/**
 * Apply a transform to one event in place; `timestamp` is read exactly (bigint or integer).
 * Events without an integer `timestamp` are left unchanged.
 */
export function applyTransform(event: Record<string, unknown>, transform: TransformName): void {
  const ts = toExactInteger(event.timestamp);
  if (ts === undefined) return;
  if (transform === "filetime-to-millis") {
    event["@timestamp"] = Number(filetimeToEpochMillis(ts));
    event.timestamp = Number(ts);
  } else {
    event["@timestamp"] = nanosToIso(ts);
    event.timestamp = Number(floorDiv(ts, 1_000_000n));
  }
}
