/**
 * Recognisers for decimal number text, written as single forward scans: each character is looked
 * at once at most, so a long digit run that fails at its end costs time linear in its length
 * (a regular expression gives no such promise, and an ambiguous one backtracks quadratically).
 */

/** Characters the scans have examined since the process started; tests compare it before and after. */
export const numericScanStats = { examined: 0 };

function at(s: string, i: number): number {
  numericScanStats.examined++;
  return s.charCodeAt(i);
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/** JavaScript's `\s`: whitespace and line terminators. */
function isSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * `[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?` from index `i` of `s`: the index
 * after it, or -1 when there is none. An `e` without exponent digits is left unread, as the
 * optional group would leave it.
 */
function scanDecimal(s: string, i: number): number {
  const n = s.length;
  let c = i < n ? at(s, i) : -1;
  if (c === 0x2b || c === 0x2d) c = ++i < n ? at(s, i) : -1;
  let digits = 0;
  while (isDigit(c)) {
    digits++;
    c = ++i < n ? at(s, i) : -1;
  }
  if (c === 0x2e) {
    c = ++i < n ? at(s, i) : -1;
    while (isDigit(c)) {
      digits++;
      c = ++i < n ? at(s, i) : -1;
    }
  }
  if (digits === 0) return -1;
  if (c === 0x65 || c === 0x45) {
    let j = i + 1;
    let d = j < n ? at(s, j) : -1;
    if (d === 0x2b || d === 0x2d) d = ++j < n ? at(s, j) : -1;
    const from = j;
    while (isDigit(d)) d = ++j < n ? at(s, j) : -1;
    if (j > from) i = j;
  }
  return i;
}

/** Whether all of `s` is `\s*` then a decimal number then `\s*` (what a numeric field accepts). */
export function isNumericText(s: string): boolean {
  const n = s.length;
  let i = 0;
  while (i < n && isSpace(at(s, i))) i++;
  i = scanDecimal(s, i);
  if (i < 0) return false;
  while (i < n && isSpace(at(s, i))) i++;
  return i === n;
}

/** Whether all of `s` is a decimal number with an optional Java `f`/`d` suffix (no whitespace). */
export function isJavaDecimal(s: string): boolean {
  let i = scanDecimal(s, 0);
  if (i < 0) return false;
  if (i < s.length) {
    const c = at(s, i);
    if (c === 0x66 || c === 0x46 || c === 0x64 || c === 0x44) i++;
  }
  return i === s.length;
}
