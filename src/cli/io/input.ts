/**
 * Read events from files or stdin: NDJSON or one JSON array, either of them gzip-compressed (found by
 * the gzip magic bytes, so `.gz` files and compressed stdin both work). Everything streams: chunks
 * are pulled with `for await`, so a slow consumer holds the file reader back, and memory stays flat.
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
import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { Readable as ReadableStream } from "node:stream";
import { pipeline } from "node:stream/promises";
import { StringDecoder } from "node:string_decoder";
import { createGunzip } from "node:zlib";
import type { EqlEvent } from "../../index.js";
import { JsonArraySplitter } from "./json-array.js";

/**
 * One input record: an event, a line that could not be used, or a source that could not be read to
 * its end (a truncated gzip file), with where it came from.
 */
export type InputRecord =
  | { readonly kind: "event"; readonly event: EqlEvent; readonly file: string; readonly line: number }
  | { readonly kind: "rejected"; readonly file: string; readonly line: number; readonly reason: string }
  | { readonly kind: "unreadable"; readonly file: string; readonly reason: string };

/** Running totals, read by the progress line and the summary. */
export interface InputCounters {
  /** Records read: events plus rejected lines (blank lines are not records). */
  records: number;
  events: number;
  rejected: number;
  /** Bytes read from the sources (compressed size for gzip input). */
  bytes: number;
  /** Sources that could not be read to their end (corrupt or truncated gzip data). */
  unreadable: number;
}

/** New zeroed counters. */
export function newCounters(): InputCounters {
  return { records: 0, events: 0, rejected: 0, bytes: 0, unreadable: 0 };
}

/**
 * Take back the counts of records that were read but never used (the rest of a batch once `--size`
 * is reached), so that the summary counts only what was evaluated.
 */
export function uncount(counters: InputCounters, unused: readonly InputRecord[]): void {
  for (const r of unused) {
    if (r.kind === "unreadable") continue;
    counters.records--;
    if (r.kind === "event") counters.events--;
    else counters.rejected--;
  }
}

/** The name stdin is shown under in messages. */
export const STDIN_NAME = "<stdin>";

/** The longest NDJSON line read by default (64 MiB); longer lines are rejected without being held. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

/** How much of a first line starting with `[` is held to tell NDJSON from a JSON array document. */
export const DETECT_BYTES = 1024 * 1024;

/** Options of `readSource`. */
export interface ReadOptions {
  /** The longest NDJSON line, in bytes (default `DEFAULT_MAX_LINE_BYTES`). */
  readonly maxLineBytes?: number;
}

/** A source that cannot be read to its end: corrupt or truncated compressed data. */
export class InputError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = "InputError";
  }
}

async function* rawChunks(stream: Readable, counters: InputCounters): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of stream) {
      const buf = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
      counters.bytes += buf.length;
      yield buf;
    }
  } finally {
    if (stream !== process.stdin) stream.destroy();
  }
}

/** The decompressed bytes of a source: gzip when it starts with the gzip magic, else as is. */
async function* bytesOf(stream: Readable, counters: InputCounters, file: string): AsyncGenerator<Buffer> {
  const it = rawChunks(stream, counters);
  let head: Buffer = Buffer.alloc(0);
  let done = false;
  while (head.length < 2) {
    const n = await it.next();
    if (n.done) {
      done = true;
      break;
    }
    head = head.length === 0 ? n.value : Buffer.concat([head, n.value]);
  }
  async function* rest(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    if (done) return;
    yield* it;
  }
  if (head[0] === 0x1f && head[1] === 0x8b) {
    const gunzip = createGunzip();
    // pipeline carries back-pressure and errors from the source into the gunzip stream.
    const piping = pipeline(ReadableStream.from(rest()), gunzip);
    piping.catch(() => {});
    try {
      for await (const chunk of gunzip) yield chunk as Buffer;
      await piping;
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      // zlib's errors (Z_BUF_ERROR "unexpected end of file", Z_DATA_ERROR ...) mean bad gzip data;
      // anything else (a read error of the file itself) is passed on as it is.
      if (typeof err.code === "string" && err.code.startsWith("Z_")) {
        throw new InputError(file, `${file}: truncated or corrupt gzip data (${err.message})`);
      }
      throw e;
    }
  } else {
    yield* rest();
  }
}

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
 * The records of one source, in batches (one per chunk read) so the per-event cost of async
 * iteration stays small. `source` is a path, or `-` for stdin. Corrupt or truncated gzip data ends
 * the source with an `InputError` after the records read before it.
 */
export async function* readSource(
  source: string,
  counters: InputCounters,
  stdin: Readable = process.stdin,
  options: ReadOptions = {},
): AsyncGenerator<InputRecord[]> {
  const file = source === "-" ? STDIN_NAME : source;
  const stream = source === "-" ? stdin : createReadStream(source, { highWaterMark: 1 << 16 });
  const decoder = new StringDecoder("utf8");
  let mode: "unknown" | "ndjson" | "array" = "unknown";
  let head = "";
  const lines = new LineSplitter(file, options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  const splitter = new JsonArraySplitter();
  const count = (batch: InputRecord[]) => {
    for (const r of batch) {
      counters.records++;
      if (r.kind === "event") counters.events++;
      else counters.rejected++;
    }
    return batch;
  };
  const fromArray = (pieces: ReturnType<JsonArraySplitter["push"]>): InputRecord[] =>
    pieces.map((p) =>
      "problem" in p
        ? { kind: "rejected", file, line: p.line, reason: p.problem }
        : parseRecord(p.text, file, p.line),
    );
  const feed = (text: string): InputRecord[] => {
    if (mode === "array") return fromArray(splitter.push(text));
    const batch: InputRecord[] = [];
    lines.push(text, batch);
    return batch;
  };
  const decide = (ended: boolean): InputRecord[] => {
    const found = detect(head, ended);
    if (found === undefined) return [];
    mode = found;
    const text = head;
    head = "";
    return feed(text);
  };
  for await (const bytes of bytesOf(stream, counters, file)) {
    const text = decoder.write(bytes);
    if (mode === "unknown") {
      head = (head + text).replace(/^\uFEFF/, "");
      yield count(decide(false));
    } else yield count(feed(text));
  }
  const tail = decoder.end();
  let batch: InputRecord[];
  if (mode === "unknown") {
    head = (head + tail).replace(/^\uFEFF/, "");
    batch = decide(true);
  } else batch = feed(tail);
  if ((mode as string) === "array") batch.push(...fromArray(splitter.end()));
  else lines.end(batch);
  yield count(batch);
}

/**
 * The records of every source in turn. A source that cannot be read to its end (corrupt gzip data)
 * yields an `unreadable` record after the records read from it, and the next source is read.
 */
export async function* readSources(
  sources: readonly string[],
  counters: InputCounters,
  stdin: Readable = process.stdin,
  options: ReadOptions = {},
): AsyncGenerator<InputRecord[]> {
  for (const s of sources) {
    try {
      yield* readSource(s, counters, stdin, options);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      counters.unreadable++;
      yield [{ kind: "unreadable", file: e.file, reason: e.message }];
    }
  }
}

/** What `acceptedEvents` reports problems to: rejected lines and unreadable sources, and whether to stop. */
export interface RejectSink {
  /** Report a rejected line; true when the run must stop (--strict). */
  reject(r: Extract<InputRecord, { kind: "rejected" }>): boolean;
  /** Report a source that could not be read to its end; true when the run must stop. */
  unreadableSource(r: Extract<InputRecord, { kind: "unreadable" }>): boolean;
}

/**
 * The events of every source, one at a time: rejected lines and unreadable sources go to `rejects`,
 * which may stop the run; `afterBatch` runs after each batch (the progress line). When the consumer
 * stops early, the records of the current batch that it never saw are taken off the counters, so
 * the summary counts only what was evaluated.
 */
export async function* acceptedEvents(
  sources: readonly string[],
  counters: InputCounters,
  stdin: Readable,
  options: ReadOptions,
  rejects: RejectSink,
  afterBatch: () => void = () => {},
): AsyncGenerator<Extract<InputRecord, { kind: "event" }>> {
  let batch: InputRecord[] = [];
  let i = 0;
  try {
    for await (batch of readSources(sources, counters, stdin, options)) {
      for (i = 0; i < batch.length; i++) {
        const r = batch[i] as InputRecord;
        if (r.kind === "event") yield r;
        else if (r.kind === "unreadable" ? rejects.unreadableSource(r) : rejects.reject(r)) return;
      }
      afterBatch();
    }
  } finally {
    if (i < batch.length) uncount(counters, batch.slice(i + 1));
  }
}
