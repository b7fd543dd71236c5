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
  return { kind: "event", event: value as EqlEvent, file, line };
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
    // JSON.parse accepts surrounding whitespace; blank lines are told apart only when parsing fails.
    if (raw.length === 0) return;
    const record = parseRecord(raw, this.file, this.line);
    if (record.kind === "event" || raw.trim() !== "") out.push(record);
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

  constructor(
    private readonly file: string,
    maxLineBytes: number = DEFAULT_MAX_LINE_BYTES,
  ) {
    this.lines = new LineSplitter(file, maxLineBytes);
  }

  /** The records completed by the next bytes of the source. */
  write(bytes: Uint8Array): InputRecord[] {
    const text = this.decoder.write(bytes as Buffer);
    if (this.mode === "unknown") {
      this.head = (this.head + text).replace(/^\uFEFF/, "");
      return this.decide(false);
    }
    return this.feed(text);
  }

  /** The source has no more bytes: the records still held. */
  end(): InputRecord[] {
    const tail = this.decoder.end();
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
