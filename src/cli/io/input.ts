/**
 * Read events from files or stdin: NDJSON or one JSON array, either of them gzip-compressed (found by
 * the gzip magic bytes, so `.gz` files and compressed stdin both work). Everything streams: chunks
 * are pulled with `for await`, so a slow consumer holds the file reader back, and memory stays flat.
 */
import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { Readable as ReadableStream } from "node:stream";
import { pipeline } from "node:stream/promises";
import { StringDecoder } from "node:string_decoder";
import { createGunzip } from "node:zlib";
import type { EqlEvent } from "../../index.js";
import { JsonArraySplitter } from "./json-array.js";

/** One input record: an event, or a line that could not be used, with where it came from. */
export type InputRecord =
  | { readonly kind: "event"; readonly event: EqlEvent; readonly file: string; readonly line: number }
  | { readonly kind: "rejected"; readonly file: string; readonly line: number; readonly reason: string };

/** Running totals, read by the progress line and the summary. */
export interface InputCounters {
  /** Records read: events plus rejected lines (blank lines are not records). */
  records: number;
  events: number;
  rejected: number;
  /** Bytes read from the sources (compressed size for gzip input). */
  bytes: number;
}

/** New zeroed counters. */
export function newCounters(): InputCounters {
  return { records: 0, events: 0, rejected: 0, bytes: 0 };
}

/** The name stdin is shown under in messages. */
export const STDIN_NAME = "<stdin>";

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
async function* bytesOf(stream: Readable, counters: InputCounters): AsyncGenerator<Buffer> {
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
    // pipeline carries back-pressure and errors (a corrupt file) from the source into the gunzip stream.
    const piping = pipeline(ReadableStream.from(rest()), gunzip);
    piping.catch(() => {});
    for await (const chunk of gunzip) yield chunk as Buffer;
    await piping;
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

/**
 * The records of one source, in batches (one per chunk read) so the per-event cost of async
 * iteration stays small. `source` is a path, or `-` for stdin.
 */
export async function* readSource(
  source: string,
  counters: InputCounters,
  stdin: Readable = process.stdin,
): AsyncGenerator<InputRecord[]> {
  const file = source === "-" ? STDIN_NAME : source;
  const stream = source === "-" ? stdin : createReadStream(source, { highWaterMark: 1 << 16 });
  const decoder = new StringDecoder("utf8");
  let mode: "unknown" | "ndjson" | "array" = "unknown";
  let carry = "";
  let line = 0;
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
  const fromLines = (text: string, final: boolean): InputRecord[] => {
    const batch: InputRecord[] = [];
    let start = 0;
    for (;;) {
      const nl = text.indexOf("\n", start);
      if (nl < 0) break;
      line++;
      const raw = text.slice(start, nl);
      start = nl + 1;
      // JSON.parse accepts surrounding whitespace; blank lines are told apart only when parsing fails.
      if (raw.length === 0) continue;
      const record = parseRecord(raw, file, line);
      if (record.kind === "event" || raw.trim() !== "") batch.push(record);
    }
    carry = text.slice(start);
    if (final && carry.trim() !== "") {
      line++;
      batch.push(parseRecord(carry.trim(), file, line));
      carry = "";
    }
    return batch;
  };
  for await (const bytes of bytesOf(stream, counters)) {
    let text = decoder.write(bytes);
    if (mode === "unknown") {
      const lead = carry + text;
      const first = lead.replace(/^\uFEFF/, "").trimStart();
      if (first === "") {
        carry = lead;
        continue;
      }
      mode = first.startsWith("[") ? "array" : "ndjson";
      text = lead.replace(/^\uFEFF/, "");
      carry = "";
    }
    if (mode === "array") yield count(fromArray(splitter.push(text)));
    else yield count(fromLines(carry + text, false));
  }
  const tail = decoder.end();
  if (mode === "array") yield count(fromArray([...splitter.push(tail), ...splitter.end()]));
  else if (mode === "ndjson" || carry + tail !== "") {
    if (mode === "unknown" && (carry + tail).trim().startsWith("[")) {
      yield count(fromArray([...splitter.push(carry + tail), ...splitter.end()]));
    } else yield count(fromLines(carry + tail, true));
  }
}

/** The records of every source in turn. */
export async function* readSources(
  sources: readonly string[],
  counters: InputCounters,
  stdin: Readable = process.stdin,
): AsyncGenerator<InputRecord[]> {
  for (const s of sources) yield* readSource(s, counters, stdin);
}
