/**
 * Read events from files or stdin: NDJSON, one JSON array or JSON values (a pretty-printed `_search`
 * response), any of them gzip-compressed (found by the gzip magic bytes, so `.gz` files and
 * compressed stdin both work), holding plain documents, search hits, `_search` responses or a
 * `_bulk` body (src/node/input/shapes.ts). Everything streams: chunks
 * are pulled with `for await`, so a slow consumer holds the file reader back, and memory stays flat.
 * Lines become records in src/node/input/records.ts (the same code parses lines in rule workers).
 */
import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { Readable as ReadableStream } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { DEFAULT_MAX_LINE_BYTES, type InputRecord, RecordReader } from "../../node/input/records.js";
import type { SourceShape } from "../../node/input/shapes.js";

export { DEFAULT_MAX_LINE_BYTES, DETECT_BYTES, type InputRecord } from "../../node/input/records.js";

/** What one source held: its shape and its records, for the summary's `input:` lines. */
export interface SourceTally {
  readonly file: string;
  /** As read so far; undefined before any byte. */
  shape: SourceShape | undefined;
  events: number;
  rejected: number;
}

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
  /** Each source begun, in order. */
  sources: SourceTally[];
}

/** New zeroed counters. */
export function newCounters(): InputCounters {
  return { records: 0, events: 0, rejected: 0, bytes: 0, unreadable: 0, sources: [] };
}

/** Begin counting a source. */
export function beginSource(counters: InputCounters, file: string): SourceTally {
  const tally: SourceTally = { file, shape: undefined, events: 0, rejected: 0 };
  counters.sources.push(tally);
  return tally;
}

/**
 * Take back the counts of records that were read but never used (the rest of a batch once `--size`
 * is reached), so that the summary counts only what was evaluated.
 */
function uncount(counters: InputCounters, unused: readonly InputRecord[]): void {
  // The unused records are the current source's, the last one begun.
  const tally = counters.sources[counters.sources.length - 1];
  for (const r of unused) {
    if (r.kind === "unreadable") continue;
    counters.records--;
    if (r.kind === "event") {
      counters.events--;
      if (tally) tally.events--;
    } else {
      counters.rejected--;
      if (tally) tally.rejected--;
    }
  }
}

/** The name stdin is shown under in messages. */
export const STDIN_NAME = "<stdin>";

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

/**
 * The (decompressed) bytes of one source, as read (files in chunks of `chunkBytes`): `source` is a
 * path, or `-` for stdin. Corrupt or truncated gzip data ends the source with an `InputError` after
 * the bytes read before it.
 */
export async function* readBytes(
  source: string,
  counters: InputCounters,
  stdin: Readable = process.stdin,
  chunkBytes = 1 << 16,
): AsyncGenerator<Buffer> {
  const file = source === "-" ? STDIN_NAME : source;
  const stream = source === "-" ? stdin : createReadStream(source, { highWaterMark: chunkBytes });
  yield* bytesOf(stream, counters, file);
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
  const reader = new RecordReader(file, options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  const tally = beginSource(counters, file);
  const count = (batch: InputRecord[]) => {
    for (const r of batch) {
      counters.records++;
      if (r.kind === "event") {
        counters.events++;
        tally.events++;
      } else {
        counters.rejected++;
        tally.rejected++;
      }
    }
    tally.shape = reader.shape();
    return batch;
  };
  for await (const bytes of readBytes(source, counters, stdin)) yield count(reader.write(bytes));
  yield count(reader.end());
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
