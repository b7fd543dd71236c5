/**
 * Input text to records: NDJSON lines or the elements of one JSON array, each parsed into an event or
 * a rejected line with its location. The same code runs wherever events are parsed: in the thread
 * that reads a source, and in each rule worker of a `ParallelRuleSet`, which is sent the raw bytes.
 *
 * NDJSON lines are split in time linear in the input: the pieces of a line that spans chunks are kept
 * in a list and joined once, when its newline arrives. A line longer than the maximum line length
 * (`DEFAULT_MAX_LINE_BYTES`, or `--max-line-bytes`) is not held: its pieces are dropped once it passes
 * the limit, and it is reported and counted as a rejected line.
 *
 * NDJSON or JSON array: the input is one JSON array document when its first non-blank character is
 * `[`, unless that first line is a complete JSON value on its own and more lines follow it (then it is
 * NDJSON whose first line is rejected as "not a JSON object (an array)"). Only the first line is held
 * to decide, up to `DETECT_BYTES`: a longer first line that starts with `[` is taken for an array.
 */
import { StringDecoder } from "node:string_decoder";
import type { EqlEvent } from "../../types.js";
import { JsonArraySplitter } from "./json-array.js";

/**
 * One input record: an event, a line that could not be used, or a source that could not be read to
 * its end (a truncated gzip file), with where it came from.
 */
export type InputRecord =
  | { readonly kind: "event"; readonly event: EqlEvent; readonly file: string; readonly line: number }
  | { readonly kind: "rejected"; readonly file: string; readonly line: number; readonly reason: string }
  | { readonly kind: "unreadable"; readonly file: string; readonly reason: string };

/** The longest NDJSON line read by default (64 MiB); longer lines are rejected without being held. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

/** How much of a first line starting with `[` is held to tell NDJSON from a JSON array document. */
export const DETECT_BYTES = 1024 * 1024;

function parseRecord(text: string, file: string, line: number): InputRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { kind: "rejected", file, line, reason: `not JSON (${(e as Error).message})` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    const what = value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
    return { kind: "rejected", file, line, reason: `not a JSON object (${what})` };
  }
  // Elasticsearch rejects a document with a key twice in one object; JSON.parse keeps the last.
  if (mayRepeatKeys(text, value)) {
    const dup = duplicateKey(text);
    if (dup !== undefined)
      return { kind: "rejected", file, line, reason: `duplicate key ${JSON.stringify(dup)}` };
  }
  return { kind: "event", event: value as EqlEvent, file, line };
}

/**
 * Whether valid JSON `text` may write a key twice in one object, cheaply: its quotes are counted, and
 * the string tokens (keys and string values, two quotes each) of the parsed value, where a repeated key
 * is gone. Without escaped quotes the counts are equal exactly when no key repeats; an escaped quote
 * adds one, and then `duplicateKey` decides.
 */
function mayRepeatKeys(text: string, value: unknown): boolean {
  let quotes = 0;
  for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) quotes++;
  return quotes > 2 * stringTokens(value);
}

/** Keys and string values in a parsed JSON value. */
function stringTokens(value: unknown): number {
  let n = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === "string") n++;
    else if (Array.isArray(v)) {
      for (const x of v)
        if (typeof x === "object" && x !== null) stack.push(x);
        else if (typeof x === "string") n++;
    } else if (typeof v === "object" && v !== null) {
      for (const k in v) {
        n++;
        const x = (v as Record<string, unknown>)[k];
        if (typeof x === "string") n++;
        else if (typeof x === "object" && x !== null) stack.push(x);
      }
    }
  }
  return n;
}

/** The first key that repeats within one object of valid JSON `text`, or undefined. */
export function duplicateKey(text: string): string | undefined {
  // One entry per open object (a set of its keys) or array (null).
  const open: (Set<string> | null)[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "{") open.push(new Set());
    else if (c === "[") open.push(null);
    else if (c === "}" || c === "]") open.pop();
    else if (c === '"') {
      const start = i;
      for (i++; text[i] !== '"'; i++) if (text[i] === "\\") i++;
      const keys = open[open.length - 1];
      if (!keys) continue;
      let j = i + 1;
      while (text[j] === " " || text[j] === "\t" || text[j] === "\n" || text[j] === "\r") j++;
      if (text[j] !== ":") continue;
      const key = JSON.parse(text.slice(start, i + 1)) as string;
      if (keys.has(key)) return key;
      keys.add(key);
    }
  }
  return undefined;
}

/** Whether `text` is one complete JSON value. */
function isJsonValue(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Whether `s` takes more than `budget` bytes in UTF-8 (a UTF-16 unit takes 1 to 3 bytes). */
function longerThan(s: string, budget: number): boolean {
  if (s.length > budget) return true;
  if (s.length * 3 <= budget) return false;
  return Buffer.byteLength(s) > budget;
}

/**
 * Splits NDJSON text into records as it arrives, in time linear in the input: only each new chunk is
 * scanned for newlines, and a line spanning chunks is joined once. A line over `max` bytes is dropped
 * as soon as it passes the limit and reported when it ends.
 */
class LineSplitter {
  private pending: string[] = [];
  private pendingBytes = 0;
  private tooLong = false;
  private line = 0;

  constructor(
    private readonly file: string,
    private readonly max: number,
    /** Lines (1-based) whose bytes are not valid UTF-8. */
    private readonly badLines: Set<number>,
  ) {}

  push(text: string, out: InputRecord[]): void {
    let start = 0;
    for (;;) {
      const nl = text.indexOf("\n", start);
      if (nl < 0) {
        if (start < text.length && !this.tooLong) {
          const piece = text.slice(start);
          this.pending.push(piece);
          this.pendingBytes += Buffer.byteLength(piece);
          if (this.pendingBytes > this.max) this.drop();
        }
        return;
      }
      const piece = text.slice(start, nl);
      start = nl + 1;
      this.line++;
      this.finishLine(piece, out);
    }
  }

  end(out: InputRecord[]): void {
    if (this.tooLong || this.pending.length > 0) {
      this.line++;
      this.finishLine("", out);
    }
  }

  private drop(): void {
    this.tooLong = true;
    this.pending = [];
    this.pendingBytes = 0;
  }

  private finishLine(last: string, out: InputRecord[]): void {
    const bad = this.badLines.delete(this.line);
    let raw = last;
    let tooLong = this.tooLong;
    if (!tooLong && this.pending.length > 0) {
      tooLong = this.pendingBytes + Buffer.byteLength(last) > this.max;
      if (!tooLong) raw = this.pending.join("") + last;
    } else if (!tooLong) tooLong = longerThan(last, this.max);
    this.pending = [];
    this.pendingBytes = 0;
    this.tooLong = false;
    if (tooLong) {
      out.push({
        kind: "rejected",
        file: this.file,
        line: this.line,
        reason: `line longer than ${this.max} bytes`,
      });
      return;
    }
    if (bad) {
      out.push({ kind: "rejected", file: this.file, line: this.line, reason: "invalid UTF-8" });
      return;
    }
    // JSON.parse accepts surrounding whitespace; blank lines are told apart only when parsing fails.
    // Blank means JSON whitespace only: a line of other spaces (no-break, line separator, form feed)
    // is not JSON and is rejected.
    if (raw.length === 0) return;
    const record = parseRecord(raw, this.file, this.line);
    if (record.kind === "event" || !/^[ \t\r]*$/.test(raw)) out.push(record);
  }
}

/**
 * Decide NDJSON or JSON array from the start of the input (without a BOM); undefined while more text
 * is needed. `ended` says the input has no more text.
 */
function detect(head: string, ended: boolean): "ndjson" | "array" | undefined {
  const at = head.search(/\S/);
  if (at < 0) return ended || head.length > DETECT_BYTES ? "ndjson" : undefined;
  if (head[at] !== "[") return "ndjson";
  const nl = head.indexOf("\n", at);
  if (nl < 0) return ended || head.length - at > DETECT_BYTES ? "array" : undefined;
  // A first line that is not a whole JSON value is the start of a multi-line array.
  if (!isJsonValue(head.slice(at, nl))) return "array";
  // A whole JSON value on the first line: NDJSON if more lines follow, else a one-line array.
  if (/\S/.test(head.slice(nl + 1))) return "ndjson";
  return ended || head.length - at > DETECT_BYTES ? "array" : undefined;
}

/**
 * The records of one source, from its (decompressed) bytes as they arrive: UTF-8 decoding, a leading
 * BOM, NDJSON or JSON array, line numbers and long lines are handled here.
 */
export class RecordReader {
  private readonly decoder = new StringDecoder("utf8");
  private mode: "unknown" | "ndjson" | "array" = "unknown";
  private head = "";
  private readonly lines: LineSplitter;
  private readonly splitter = new JsonArraySplitter();
  /** Newlines in the bytes so far. */
  private newlines = 0;
  private readonly badLines = new Set<number>();

  constructor(
    private readonly file: string,
    maxLineBytes: number = DEFAULT_MAX_LINE_BYTES,
  ) {
    this.lines = new LineSplitter(file, maxLineBytes, this.badLines);
  }

  /**
   * Note the lines of a chunk that held bytes that are not UTF-8 (the decoder made them U+FFFD): a
   * line whose text has more U+FFFD than its bytes encode (EF BF BD). A newline byte is never part of
   * a multi-byte character, so the chunk's byte lines and text lines correspond.
   */
  private checkUtf8(bytes: Uint8Array, text: string): void {
    let from = 0;
    let at = 0;
    let line = this.newlines + 1;
    for (;;) {
      const nl = bytes.indexOf(0x0a, from);
      const tnl = text.indexOf("\n", at);
      const piece = text.slice(at, tnl < 0 ? text.length : tnl);
      if (piece.includes("\uFFFD")) {
        let replaced = 0;
        for (let i = piece.indexOf("\uFFFD"); i >= 0; i = piece.indexOf("\uFFFD", i + 1)) replaced++;
        let encoded = 0;
        const end = nl < 0 ? bytes.length : nl;
        for (let i = from; i + 2 < end; i++) {
          if (bytes[i] === 0xef && bytes[i + 1] === 0xbf && bytes[i + 2] === 0xbd) encoded++;
        }
        if (replaced > encoded) this.badLines.add(line);
      }
      if (nl < 0 || tnl < 0) break;
      from = nl + 1;
      at = tnl + 1;
      line++;
    }
  }

  /** The records completed by the next bytes of the source. */
  write(bytes: Uint8Array): InputRecord[] {
    const text = this.decoder.write(bytes as Buffer);
    if (text.includes("\uFFFD")) this.checkUtf8(bytes, text);
    for (let i = bytes.indexOf(0x0a); i >= 0; i = bytes.indexOf(0x0a, i + 1)) this.newlines++;
    if (this.mode === "unknown") {
      this.head = (this.head + text).replace(/^\uFEFF/, "");
      return this.decide(false);
    }
    return this.feed(text);
  }

  /** The source has no more bytes: the records still held. */
  end(): InputRecord[] {
    const tail = this.decoder.end();
    // Bytes left over at the end are an incomplete character.
    if (tail.includes("\uFFFD")) this.badLines.add(this.newlines + 1);
    let batch: InputRecord[];
    if (this.mode === "unknown") {
      this.head = (this.head + tail).replace(/^\uFEFF/, "");
      batch = this.decide(true);
    } else batch = this.feed(tail);
    if ((this.mode as string) === "array") batch.push(...this.fromArray(this.splitter.end()));
    else this.lines.end(batch);
    return batch;
  }

  private fromArray(pieces: ReturnType<JsonArraySplitter["push"]>): InputRecord[] {
    return pieces.map((p) =>
      "problem" in p
        ? { kind: "rejected", file: this.file, line: p.line, reason: p.problem }
        : this.badLines.has(p.line)
          ? { kind: "rejected", file: this.file, line: p.line, reason: "invalid UTF-8" }
          : parseRecord(p.text, this.file, p.line),
    );
  }

  private feed(text: string): InputRecord[] {
    if (this.mode === "array") return this.fromArray(this.splitter.push(text));
    const batch: InputRecord[] = [];
    this.lines.push(text, batch);
    return batch;
  }

  private decide(ended: boolean): InputRecord[] {
    const found = detect(this.head, ended);
    if (found === undefined) return [];
    this.mode = found;
    const text = this.head;
    this.head = "";
    return this.feed(text);
  }
}
