/**
 * How events are laid out in a NATS JetStream stream: one stream, subjects
 * `<subject>.<partition>.<key token>`, the partition computed from the event's key as the server's
 * own `{{partition(n,1)}}` subject mapping would compute it from the key token. Pure functions: a
 * publisher and every worker agree on an event's partition without asking the server.
 */
import type { Scalar } from "../../functions/types.js";
import { fieldReader } from "../../runtime/fields.js";
import { fnv1a } from "../../runtime/fnv.js";
import { javaString } from "../../runtime/java.js";

/** The layout of the events stream, recorded by the publisher and read back by workers. */
export interface EventsLayout {
  /** The JetStream stream name (default `MINI_EQL_EVENTS`). */
  readonly stream: string;
  /** The subject prefix (default `events`): the stream holds `<subject>.>`. */
  readonly subject: string;
  /** The number of partitions (default 6). */
  readonly partitions: number;
  /** The fields read for an event's key, in order; the first one present gives the key (default `host.id`, `host.name`). */
  readonly keyFields: readonly string[];
}

/** The default layout: stream `MINI_EQL_EVENTS`, subjects `events.<partition>.<key>`, 6 partitions keyed by `host.id`, else `host.name`. */
export const DEFAULT_LAYOUT: EventsLayout = Object.freeze({
  stream: "MINI_EQL_EVENTS",
  subject: "events",
  partitions: 6,
  keyFields: Object.freeze(["host.id", "host.name"]),
});

const utf8 = new TextEncoder();

/**
 * FNV-1a (32-bit) of the token's UTF-8 bytes, modulo `partitions`: what the server's own
 * `{{partition(n,1)}}` subject mapping computes for that token.
 */
export function partitionOf(token: string, partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1) {
    throw new RangeError(`partitions must be a positive integer, not ${partitions}`);
  }
  return fnv1a(token) % partitions;
}

/** Bytes kept as they are in a key token; every other byte is written `%XX`. */
function plainByte(b: number): boolean {
  return (
    (b >= 0x30 && b <= 0x39) || // 0-9
    (b >= 0x41 && b <= 0x5a) || // A-Z
    (b >= 0x61 && b <= 0x7a) || // a-z
    b === 0x2d || // -
    b === 0x5f || // _
    b === 0x3a || // :
    b === 0x40 || // @
    b === 0x2b || // +
    b === 0x3d // =
  );
}

const HEX = "0123456789ABCDEF";

function percentEncode(text: string): string {
  let out = "";
  for (const b of utf8.encode(text)) {
    out += plainByte(b) ? String.fromCharCode(b) : `%${HEX[b >> 4]}${HEX[b & 15]}`;
  }
  return out;
}

/** Tokens longer than this are shortened (a subject must fit in the protocol's control line). */
const MAX_TOKEN = 200;
/** What a shortened token keeps of its start. */
const KEEP_TOKEN = 160;

/** The canonical text of one key value: strings as they are, numbers and booleans as a keyword field stores them. */
function valueText(v: Scalar): string {
  return javaString(v, "unknown") ?? "";
}

/**
 * The subject token for an event's key: its text percent-encoded so it is a valid single token
 * (no '.', '*', '>', whitespace or control characters; never empty: `_` when no key field is present).
 *
 * Each key field is read as a sequence's `by` field is (nested objects, dotted keys or a mix;
 * arrays flattened; nulls are no value). The first field with a value gives the key:
 * - a string is its own text, a number or boolean its canonical text as a keyword field holds it
 *   (`5` and `"5"` give the same key, as they join the same sequence);
 * - several values (an array) give their distinct texts in order, each encoded, joined by `,`;
 * - the text is UTF-8 percent-encoded: bytes other than `A-Z a-z 0-9 - _ : @ + =` become `%XX`
 *   (so `%` itself, `.`, `*`, `>`, `,`, white space and control characters never appear as such);
 * - an empty text, or no field with a value, gives `_`;
 * - a token longer than 200 characters keeps its first 160, then `~` and the FNV-1a hash (8 hex
 *   digits) of the whole token, so a subject always fits in the protocol's control line.
 */
export function keyToken(event: unknown, keyFields: readonly string[]): string {
  for (const field of keyFields) {
    let values: Scalar[];
    try {
      values = fieldReader(field.split(".")).values(event);
    } catch {
      // An in-memory event whose getter throws has no value there.
      continue;
    }
    if (values.length === 0) continue;
    const seen = new Set<string>();
    const parts: string[] = [];
    for (const v of values) {
      const text = valueText(v);
      if (seen.has(text)) continue;
      seen.add(text);
      parts.push(percentEncode(text));
    }
    return shortened(parts.join(","));
  }
  return "_";
}

/** `_` for an empty token; past 200 characters, the first 160, `~` and the FNV-1a hash of the whole. */
function shortened(token: string): string {
  if (token === "") return "_";
  if (token.length <= MAX_TOKEN) return token;
  return `${token.slice(0, KEEP_TOKEN)}~${fnv1a(token).toString(16).padStart(8, "0")}`;
}

/** Any text as one subject token, encoded and shortened as key tokens are (alert subjects use it for rule ids). */
export function subjectToken(text: string): string {
  return shortened(percentEncode(text));
}

/** Where an event goes: its key token, its partition, and the subject made of them. */
export interface EventRoute {
  readonly token: string;
  readonly partition: number;
  /** `${subject}.${partition}.${token}` */
  readonly subject: string;
}

/** The key token, partition and subject of an event under `layout`. */
export function eventRoute(layout: EventsLayout, event: unknown): EventRoute {
  const token = keyToken(event, layout.keyFields);
  const partition = partitionOf(token, layout.partitions);
  return { token, partition, subject: `${layout.subject}.${partition}.${token}` };
}

/** The subject an event is published to: `${subject}.${partition}.${token}`. */
export function eventSubject(layout: EventsLayout, event: unknown): string {
  return eventRoute(layout, event).subject;
}

/**
 * The message header that carries the index a document came from (a search hit's or `_bulk`
 * action's `_index`), when it came in such an envelope: the message body is the document only.
 * The value is the JSON text of the string (`"logs-a"`, quotes included), so that any text,
 * line breaks too, fits in a header; read it back with `JSON.parse`.
 */
export const INDEX_HEADER = "Mini-Eql-Index";

/** The message header that carries a document's `_id` from its envelope, as JSON text (see `INDEX_HEADER`). */
export const ID_HEADER = "Mini-Eql-Id";

/** The filter subject of partition k: `${subject}.${k}.*`. */
export function partitionFilter(layout: EventsLayout, k: number): string {
  return `${layout.subject}.${k}.*`;
}

/** Characters a stream name may not hold. */
const BAD_STREAM = /[\s.*>/\\\x00-\x1f\x7f]/;
/** A subject token: no wildcard, white space or control character, not empty. */
const SUBJECT_TOKEN = /^[^\s.*>\x00-\x1f\x7f]+$/;

/**
 * What is wrong with a layout, in words, or undefined when it can be used: the stream a valid
 * JetStream name, the subject one or more plain tokens (`events`, `acme.events`), the partitions
 * an integer from 1 to 1,000, at least one key field, none empty.
 */
export function layoutProblem(layout: EventsLayout): string | undefined {
  if (layout.stream === "" || BAD_STREAM.test(layout.stream) || layout.stream.length > 255)
    return `${JSON.stringify(layout.stream)} is not a stream name (no '.', '*', '>', '/', '\\', white space or control characters)`;
  if (!layout.subject.split(".").every((t) => SUBJECT_TOKEN.test(t)))
    return `${JSON.stringify(layout.subject)} is not a subject prefix (tokens separated by '.', without '*', '>', white space or control characters)`;
  if (!Number.isInteger(layout.partitions) || layout.partitions < 1 || layout.partitions > 1000)
    return `the number of partitions must be an integer from 1 to 1000, not ${layout.partitions}`;
  if (layout.keyFields.length === 0 || layout.keyFields.some((f) => f.trim() === ""))
    return "at least one key field is needed, and none may be empty";
  return undefined;
}
