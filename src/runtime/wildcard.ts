/**
 * EQL wildcard patterns (`like`, `like~`, `:`): `*` matches any run of characters (including none,
 * and including `/`, `\` and newlines), `?` matches exactly one code point, and every other
 * character — a backslash included — is literal. The whole value must match.
 *
 * Matching never backtracks: the pattern is split on `*`, the first and last pieces are anchored to
 * the ends of the value, and each middle piece is taken at its leftmost occurrence. With only `*`
 * between the pieces, leftmost-first is always a correct choice, so the cost is linear in the
 * length of the value for a fixed pattern.
 */
import { foldCase } from "./text.js";

/** True when `pattern` contains a wildcard character (`*` or `?`). */
export function hasWildcard(pattern: string): boolean {
  return pattern.includes("*") || pattern.includes("?");
}

/**
 * A piece of the pattern between two `*`: literal runs alternating with `?`. Encoded as a list in
 * which a string is a literal run and `null` is one `?`.
 */
type Piece = readonly (string | null)[];

function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** Width in UTF-16 units of the code point starting at `i`. */
function widthAt(v: string, i: number): number {
  return isHigh(v.charCodeAt(i)) && i + 1 < v.length && isLow(v.charCodeAt(i + 1)) ? 2 : 1;
}

/** Width in UTF-16 units of the code point ending just before `end`. */
function widthBefore(v: string, end: number): number {
  return end >= 2 && isLow(v.charCodeAt(end - 1)) && isHigh(v.charCodeAt(end - 2)) ? 2 : 1;
}

function parsePiece(text: string): Piece {
  const out: (string | null)[] = [];
  let run = "";
  for (const ch of text) {
    if (ch === "?") {
      if (run) out.push(run);
      run = "";
      out.push(null);
    } else run += ch;
  }
  if (run) out.push(run);
  return out;
}

/** Match `piece` starting at `pos`; return where it ends, or -1. */
function matchForward(v: string, piece: Piece, pos: number): number {
  for (const part of piece) {
    if (part === null) {
      if (pos >= v.length) return -1;
      pos += widthAt(v, pos);
    } else {
      if (!v.startsWith(part, pos)) return -1;
      pos += part.length;
    }
  }
  return pos;
}

/** Match `piece` so that it ends exactly at `end`; return where it starts, or -1. */
function matchBackward(v: string, piece: Piece, end: number): number {
  for (let k = piece.length - 1; k >= 0; k--) {
    const part = piece[k];
    if (part === null || part === undefined) {
      if (end <= 0) return -1;
      end -= widthBefore(v, end);
    } else {
      const start = end - part.length;
      if (start < 0 || !v.startsWith(part, start)) return -1;
      end = start;
    }
  }
  return end;
}

/**
 * Find the leftmost occurrence of `piece` starting at or after `from` and ending at or before
 * `limit`; return its end, or -1.
 */
function findPiece(v: string, piece: Piece, from: number, limit: number): number {
  const first = piece[0];
  if (piece.length === 1 && typeof first === "string") {
    const at = v.indexOf(first, from);
    return at >= 0 && at + first.length <= limit ? at + first.length : -1;
  }
  let p = from;
  while (p <= limit) {
    if (typeof first === "string") {
      // Skip straight to the next place the leading literal occurs.
      const at = v.indexOf(first, p);
      if (at < 0) return -1;
      p = at;
    }
    const end = matchForward(v, piece, p);
    // A later start never ends earlier, so the first start that overshoots settles it.
    if (end >= 0) return end <= limit ? end : -1;
    if (p >= v.length) return -1;
    p += widthAt(v, p);
  }
  return -1;
}

function compileCaseSensitive(pattern: string): (value: string) => boolean {
  if (!hasWildcard(pattern)) return (v) => v === pattern;
  const texts = pattern.split("*");
  if (texts.length === 1) {
    const piece = parsePiece(pattern);
    return (v) => matchForward(v, piece, 0) === v.length;
  }
  const firstText = texts[0] as string;
  const lastText = texts[texts.length - 1] as string;
  const middleTexts = texts.slice(1, -1).filter((t) => t.length > 0);
  const simple =
    !firstText.includes("?") && !lastText.includes("?") && middleTexts.every((t) => !t.includes("?"));
  if (simple && middleTexts.length === 0) {
    if (firstText === "" && lastText === "") return () => true;
    if (lastText === "") return (v) => v.startsWith(firstText);
    if (firstText === "") return (v) => v.endsWith(lastText);
    const min = firstText.length + lastText.length;
    return (v) => v.length >= min && v.startsWith(firstText) && v.endsWith(lastText);
  }
  if (simple && middleTexts.length === 1 && firstText === "" && lastText === "") {
    const inner = middleTexts[0] as string;
    return (v) => v.includes(inner);
  }
  const first = parsePiece(firstText);
  const last = parsePiece(lastText);
  const middle = middleTexts.map(parsePiece);
  return (v) => {
    const head = matchForward(v, first, 0);
    if (head < 0) return false;
    const tail = matchBackward(v, last, v.length);
    if (tail < head) return false;
    let pos = head;
    for (const piece of middle) {
      pos = findPiece(v, piece, pos, tail);
      if (pos < 0) return false;
    }
    return true;
  };
}

/**
 * Compile an EQL wildcard pattern into a whole-value matcher. With `insensitive`, pattern and value
 * are both folded with `foldCase` (per code point, simple mappings) before matching.
 */
export function compileWildcard(pattern: string, insensitive: boolean): (value: string) => boolean {
  if (!insensitive) return compileCaseSensitive(pattern);
  const match = compileCaseSensitive(foldCase(pattern));
  return (v) => match(foldCase(v));
}
