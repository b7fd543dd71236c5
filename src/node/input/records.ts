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
 *
 * JSON values one after another (a pretty-printed `_search` response, `jq .` output): when the first
 * line starts with `{` but is not a whole JSON value, the text from there is checked as JSON: a first
 * value that completes (or is still valid JSON after `DETECT_BYTES`, or at the end) spanning lines
 * makes the input a stream of JSON values; text that stops being JSON keeps it NDJSON (a broken first
 * line is then rejected alone, as before).
 *
 * Each JSON object then goes through the file's shape (shapes.ts): plain documents, search hits,
 * `_search` responses or a `_bulk` body, decided by the first object.
 */
import { isAscii } from "node:buffer";
import { JsonArraySplitter, JsonValueSplitter } from "./json-array.js";
import { type InputLayout, type ShapedRecord, ShapeReader, type SourceShape } from "./shapes.js";

/**
 * One input record: an event, a line that could not be used, or a source that could not be read to
 * its end (a truncated gzip file), with where it came from.
 */
export type InputRecord =
  | ShapedRecord
  | { readonly kind: "unreadable"; readonly file: string; readonly reason: string };

/** The longest NDJSON line read by default (64 MiB); longer lines are rejected without being held. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

/** How much of a first line starting with `[` is held to tell NDJSON from a JSON array document. */
export const DETECT_BYTES = 1024 * 1024;

/** A JSON object parsed from one record's text, or why the text is not one. */
function parseObject(text: string): Record<string, unknown> | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return `not JSON (${(e as Error).message})`;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    const what = value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
    return `not a JSON object (${what})`;
  }
  // Elasticsearch rejects a document with a key twice in one object; JSON.parse keeps the last.
  if (mayRepeatKeys(text, value)) {
    const dup = duplicateKey(text);
    if (dup !== undefined) return `duplicate key ${JSON.stringify(dup)}`;
  }
  return value as Record<string, unknown>;
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

/**
 * How many of `bytes` end on a character boundary: all but the last 1 to 3 when they are the start of
 * a UTF-8 character its lead byte says is longer. Anything else (a complete character, bytes that are
 * not UTF-8) decodes the same whatever follows it.
 */
export function completeLength(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const b = bytes[n - back] as number;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 1;
    return need > back ? n - back : n;
  }
  return n;
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

/** Where a splitter's records go: JSON text to parse, or a record already rejected. */
interface RecordSink {
  text(text: string, line: number, out: InputRecord[]): void;
  reject(line: number, reason: string, out: InputRecord[]): void;
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
    private readonly sink: RecordSink,
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
      this.sink.reject(this.line, `line longer than ${this.max} bytes`, out);
      return;
    }
    if (bad) {
      this.sink.reject(this.line, "invalid UTF-8", out);
      return;
    }
    // Blank means JSON whitespace only: a line of other spaces (no-break, line separator, form feed)
    // is not JSON and is rejected.
    if (raw.length === 0 || /^[ \t\r]*$/.test(raw)) return;
    this.sink.text(raw, this.line, out);
  }
}

/** A number or literal token, from where it starts. */
const TOKEN = /[-+.0-9a-zA-Z]+/y;

/**
 * Where the first JSON value in `text`, which starts with `{` at `at`, ends (the index after it);
 * `"prefix"` when `text` ends inside it with everything so far valid JSON, `"invalid"` when it stops
 * being JSON first. Only the input's head is checked this way, to tell JSON values from NDJSON.
 */
export function firstValueEnd(text: string, at: number): number | "prefix" | "invalid" {
  // Open containers (true: object) and what comes next.
  const open: boolean[] = [];
  type Next = "value" | "key" | "keyOrEnd" | "colon" | "commaOrEnd" | "valueOrEnd";
  let next = "value" as Next;
  let i = at;
  const afterValue = (): number | undefined => {
    next = "commaOrEnd";
    return open.length === 0 ? i : undefined;
  };
  while (i < text.length) {
    const c = text[i] as string;
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
      continue;
    }
    if (c === "{" || c === "[") {
      if (next !== "value" && next !== "valueOrEnd") return "invalid";
      open.push(c === "{");
      next = c === "{" ? "keyOrEnd" : "valueOrEnd";
      i++;
    } else if (c === "}" || c === "]") {
      const obj = open[open.length - 1];
      if (obj === undefined || obj !== (c === "}")) return "invalid";
      if (!(next === "commaOrEnd" || (obj ? next === "keyOrEnd" : next === "valueOrEnd"))) return "invalid";
      open.pop();
      i++;
      const end = afterValue();
      if (end !== undefined) return end;
    } else if (c === ",") {
      if (next !== "commaOrEnd") return "invalid";
      next = open[open.length - 1] ? "key" : "value";
      i++;
    } else if (c === ":") {
      if (next !== "colon") return "invalid";
      next = "value";
      i++;
    } else if (c === '"') {
      const isKey = next === "key" || next === "keyOrEnd";
      if (!isKey && next !== "value" && next !== "valueOrEnd") return "invalid";
      let j = i + 1;
      for (; j < text.length; j++) {
        const d = text.charCodeAt(j);
        if (d === 34) break;
        if (d < 0x20) return "invalid";
        if (d === 92) {
          const e = text[j + 1];
          if (e === undefined) return "prefix";
          if (e === "u") {
            const hex = text.slice(j + 2, j + 6);
            if (!/^[0-9a-fA-F]*$/.test(hex)) return "invalid";
            if (hex.length < 4) return "prefix";
            j += 5;
          } else if ('"\\/bfnrt'.includes(e)) j++;
          else return "invalid";
        }
      }
      if (j >= text.length) return "prefix";
      i = j + 1;
      if (isKey) next = "colon";
      else {
        const end = afterValue();
        if (end !== undefined) return end;
      }
    } else {
      if (next !== "value" && next !== "valueOrEnd") return "invalid";
      TOKEN.lastIndex = i;
      const m = TOKEN.exec(text);
      if (!m) return "invalid";
      const token = m[0];
      if (i + token.length >= text.length) {
        // The input may stop inside the token: it need only begin a number or a literal.
        if (
          !/^-?(\d+\.?\d*([eE][-+]?\d*)?)?$/.test(token) &&
          !["true", "false", "null"].some((l) => l.startsWith(token))
        )
          return "invalid";
        return "prefix";
      }
      if (
        !/^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?$/.test(token) &&
        token !== "true" &&
        token !== "false" &&
        token !== "null"
      )
        return "invalid";
      i += token.length;
      afterValue();
    }
  }
  return "prefix";
}

/**
 * Decide NDJSON, JSON array or JSON values from the start of the input (without a BOM); undefined
 * while more text is needed. `ended` says the input has no more text.
 */
function detect(head: string, ended: boolean): InputLayout | undefined {
  const at = head.search(/\S/);
  if (at < 0) return ended || head.length > DETECT_BYTES ? "ndjson" : undefined;
  const first = head[at];
  if (first !== "[" && first !== "{") return "ndjson";
  const nl = head.indexOf("\n", at);
  const full = ended || head.length - at > DETECT_BYTES;
  if (nl < 0) return full ? (first === "[" ? "array" : "ndjson") : undefined;
  if (first === "{") {
    if (isJsonValue(head.slice(at, nl))) return "ndjson";
    // A first line that begins a JSON value spanning lines: JSON values, unless the text stops being JSON.
    const end = firstValueEnd(head, at);
    if (end === "invalid") return "ndjson";
    if (end === "prefix") return full ? "json" : undefined;
    return "json";
  }
  // A first line that is not a whole JSON value is the start of a multi-line array.
  if (!isJsonValue(head.slice(at, nl))) return "array";
  // A whole JSON value on the first line: NDJSON if more lines follow, else a one-line array.
  if (/\S/.test(head.slice(nl + 1))) return "ndjson";
  return full ? "array" : undefined;
}

/**
 * The records of one source, from its (decompressed) bytes as they arrive: UTF-8 decoding, a leading
 * BOM, NDJSON, JSON array or JSON values, line numbers and long lines, and the file's shape (plain
 * documents, search hits, `_search` responses, `_bulk` body) are handled here.
 */
export class RecordReader {
  /** The first bytes of a character cut at the end of the last chunk (see `decode`). */
  private held: Uint8Array | null = null;
  private mode: "unknown" | InputLayout = "unknown";
  private head = "";
  private readonly lines: LineSplitter;
  private splitter: JsonArraySplitter | JsonValueSplitter | null = null;
  private readonly shapes: ShapeReader;
  /** Newlines in the bytes so far. */
  private newlines = 0;
  private readonly badLines = new Set<number>();
  private readonly sink: RecordSink;

  constructor(
    private readonly file: string,
    maxLineBytes: number = DEFAULT_MAX_LINE_BYTES,
  ) {
    this.sink = {
      text: (text, line, out) => this.record(text, line, false, out),
      reject: (line, reason, out) => this.reject(line, reason, out),
    };
    this.lines = new LineSplitter(this.sink, maxLineBytes, this.badLines);
    this.shapes = new ShapeReader(file);
  }

  /** What the file holds, as far as it has been read (its shape is decided by its first JSON object). */
  shape(): SourceShape {
    return this.shapes.shape();
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

  /**
   * The text of the next bytes, a character cut at their end held back for the next ones (the text of
   * all chunks is that of their bytes decoded at once). ASCII, which NDJSON mostly is, is read as
   * Latin-1, which gives the same one-byte string without decoding UTF-8: reading and parsing 100,000
   * lines of ~1 KB took about 0.6 of the time it took through StringDecoder.
   */
  private decode(bytes: Uint8Array): { text: string; decoded: Uint8Array } {
    let all = bytes;
    if (this.held) {
      all = new Uint8Array(this.held.length + bytes.length);
      all.set(this.held);
      all.set(bytes, this.held.length);
      this.held = null;
    }
    const cut = completeLength(all);
    if (cut < all.length) this.held = all.slice(cut);
    const buf = Buffer.from(all.buffer, all.byteOffset, cut);
    return { text: isAscii(buf) ? buf.toString("latin1") : buf.toString("utf8"), decoded: buf };
  }

  /** The records completed by the next bytes of the source. */
  write(bytes: Uint8Array): InputRecord[] {
    const { text, decoded } = this.decode(bytes);
    // The bytes decoded, with those held from the last chunk: a U+FFFD in the data cut between two
    // chunks is still its three bytes.
    if (text.includes("\uFFFD")) this.checkUtf8(decoded, text);
    for (let i = bytes.indexOf(0x0a); i >= 0; i = bytes.indexOf(0x0a, i + 1)) this.newlines++;
    if (this.mode === "unknown") {
      this.head = (this.head + text).replace(/^\uFEFF/, "");
      return this.decide(false);
    }
    return this.feed(text);
  }

  /** The source has no more bytes: the records still held. */
  end(): InputRecord[] {
    const tail = this.held ? Buffer.from(this.held).toString("utf8") : "";
    this.held = null;
    // Bytes left over at the end are an incomplete character.
    if (tail.includes("\uFFFD")) this.badLines.add(this.newlines + 1);
    let batch: InputRecord[];
    if (this.mode === "unknown") {
      this.head = (this.head + tail).replace(/^\uFEFF/, "");
      batch = this.decide(true);
    } else batch = this.feed(tail);
    if (this.splitter) this.fromPieces(this.splitter.end(), batch);
    else this.lines.end(batch);
    this.shapes.end(batch);
    return batch;
  }

  /** One record's text: parsed, then read by the file's shape. */
  private record(text: string, line: number, multiLine: boolean, out: InputRecord[]): void {
    const value = parseObject(text);
    if (typeof value === "string") {
      this.reject(line, value, out);
      return;
    }
    this.shapes.push(value, line, multiLine && text.includes("\n") ? text : undefined, out);
  }

  private reject(line: number, reason: string, out: InputRecord[]): void {
    this.shapes.rejected();
    out.push({ kind: "rejected", file: this.file, line, reason });
  }

  private fromPieces(pieces: ReturnType<JsonArraySplitter["push"]>, out: InputRecord[]): void {
    for (const p of pieces) {
      if ("problem" in p) this.reject(p.line, p.problem, out);
      else {
        const bad = this.badLine(p.text, p.line);
        if (bad !== undefined) this.reject(bad, "invalid UTF-8", out);
        else this.record(p.text, p.line, true, out);
      }
    }
  }

  /** The first line of a value's text (from `line` on) whose bytes are not UTF-8, if any. */
  private badLine(text: string, line: number): number | undefined {
    if (this.badLines.size === 0) return undefined;
    if (this.badLines.has(line)) return line;
    // Only a text with U+FFFD can hold a bad line (see checkUtf8).
    if (!text.includes("\uFFFD")) return undefined;
    let at = line;
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) {
      at++;
      if (this.badLines.has(at)) return at;
    }
    return undefined;
  }

  private feed(text: string): InputRecord[] {
    const batch: InputRecord[] = [];
    if (this.splitter) this.fromPieces(this.splitter.push(text), batch);
    else this.lines.push(text, batch);
    return batch;
  }

  private decide(ended: boolean): InputRecord[] {
    const found = detect(this.head, ended);
    if (found === undefined) return [];
    this.mode = found;
    if (/\S/.test(this.head)) this.shapes.layout = found;
    if (found === "array") this.splitter = new JsonArraySplitter();
    else if (found === "json") this.splitter = new JsonValueSplitter();
    const text = this.head;
    this.head = "";
    return this.feed(text);
  }
}
