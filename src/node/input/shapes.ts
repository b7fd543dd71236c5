/**
 * What an input file holds, told from its bytes: plain documents, search hits `{_index,_id,_source}`,
 * Elasticsearch `_search` responses (also scroll and PIT pages, and Kibana Inspect's `rawResponse`
 * wrapper), or a `_bulk` request body. The first JSON object of a file decides its shape; a later
 * record of another shape is rejected with its location, never read as something it is not.
 * Documents that come in an envelope (a hit, a bulk action) keep its `_index` and `_id` as their
 * index and id (`setDocumentMeta`); their bodies never decide them. See grammar/DESIGN.md.
 *
 * No Node imports: this works on parsed JSON values only.
 */
import { type DocumentMeta, setDocumentMeta } from "../../rules/envelope.js";
import type { EqlEvent } from "../../types.js";

/** The shape of a file: what its first JSON object was. */
export type InputShape = "documents" | "hits" | "responses" | "bulk";

/** How the records of a file are laid out: NDJSON lines, one JSON array, or JSON values one after another. */
export type InputLayout = "ndjson" | "array" | "json";

/** What was read of one file's shape. */
export interface SourceShape {
  /** Undefined until a JSON object has been read (an empty file, or one of rejected lines only). */
  readonly shape?: InputShape;
  /** Undefined until the first non-blank bytes have been read. */
  readonly layout?: InputLayout;
  /** The line whose record decided the shape. */
  readonly decidedAt?: number;
  /** Search responses read (pages), of which in Kibana's `rawResponse` wrapper. */
  readonly responses: number;
  readonly kibana: number;
  /** `_bulk` delete actions (they carry no document). */
  readonly deletes: number;
}

/** What the shape stage gives: an event, or a record that cannot be used, with where it is. */
export type ShapedRecord =
  | { readonly kind: "event"; readonly event: EqlEvent; readonly file: string; readonly line: number }
  | { readonly kind: "rejected"; readonly file: string; readonly line: number; readonly reason: string };

/** Where shaped records go. */
export interface ShapedOut {
  push(r: ShapedRecord): unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const has = (o: object, key: string): boolean => Object.hasOwn(o, key);

/** Keys a search response may have besides `hits` (any Elasticsearch version). */
const RESPONSE_KEYS = new Set([
  "took",
  "timed_out",
  "terminated_early",
  "_shards",
  "_clusters",
  "hits",
  "aggregations",
  "suggest",
  "profile",
  "_scroll_id",
  "pit_id",
  "num_reduce_phases",
  "phase_took",
  "status",
]);

/**
 * Whether `v` is a `_search` response: a `hits` object holding a `hits` array, and either one of
 * `took`, `timed_out`, `_shards`, `_scroll_id`, `pit_id`, or no key a response cannot have (a
 * response cut down with `filter_path=hits.hits` is `{"hits":{"hits":[...]}}`).
 */
function isSearchResponse(v: unknown): v is { hits: { hits: unknown[] } } {
  if (!isObject(v) || !has(v, "hits")) return false;
  const hits = v.hits;
  if (!isObject(hits) || !has(hits, "hits") || !Array.isArray(hits.hits)) return false;
  if (has(v, "took") || has(v, "timed_out") || has(v, "_shards") || has(v, "_scroll_id") || has(v, "pit_id"))
    return true;
  for (const k in v) if (!RESPONSE_KEYS.has(k)) return false;
  return true;
}

/** Keys of a search hit (or a get response) that do not start with `_`. */
const HIT_KEYS = new Set([
  "fields",
  "sort",
  "highlight",
  "inner_hits",
  "matched_queries",
  "ignored_field_values",
  "found",
]);

/**
 * Whether `v` is a search hit: a string `_index` beside a `_source` (as `unwrapHit` takes it), or an
 * object of hit keys only (`_`-prefixed metadata, `fields`, `sort`, ...) with `_index`, `_id` or
 * `_source`. Elasticsearch never indexes `_index`, `_id` or `_source` in a document's body, so no
 * document has this shape; a hit without `_source` is one (and is rejected: it has no document).
 */
function isSearchHit(v: Record<string, unknown>): boolean {
  const source = has(v, "_source");
  if (source && typeof v._index === "string") return true;
  if (!source && !has(v, "_index") && !has(v, "_id")) return false;
  for (const k in v) if (k.charCodeAt(0) !== 95 && !HIT_KEYS.has(k)) return false;
  return true;
}

/** The operations of a `_bulk` action line. */
export type BulkOp = "index" | "create" | "delete" | "update";

const BULK_OPS = new Set<string>(["index", "create", "delete", "update"]);

/** Parameters of a `_bulk` action that do not start with `_` (any Elasticsearch version). */
const ACTION_KEYS = new Set([
  "routing",
  "parent",
  "op_type",
  "version",
  "version_type",
  "retry_on_conflict",
  "pipeline",
  "if_seq_no",
  "if_primary_term",
  "require_alias",
  "require_data_stream",
  "list_executed_pipelines",
  "dynamic_templates",
]);

/**
 * The operation of a `_bulk` action line, or undefined: an object with one key, `index`, `create`,
 * `delete` or `update`, whose value is an object of action parameters only (`_index`, `_id`,
 * `routing`, `pipeline`, ... : Elasticsearch rejects any other). So `{"index":{"name":"x"}}` is a
 * document; `{"index":{}}` is an action line.
 */
export function bulkAction(v: Record<string, unknown>): BulkOp | undefined {
  let op: string | undefined;
  for (const k in v) {
    if (op !== undefined) return undefined;
    op = k;
  }
  if (op === undefined || !BULK_OPS.has(op)) return undefined;
  const params = v[op];
  if (!isObject(params)) return undefined;
  for (const k in params) if (k.charCodeAt(0) !== 95 && !ACTION_KEYS.has(k)) return undefined;
  return op as BulkOp;
}

/** What one record is, on its own. */
export type RecordKind = "document" | "hit" | "response" | "kibana" | BulkOp;

/** The kind of one JSON object. */
export function recordKind(v: Record<string, unknown>): RecordKind {
  if (has(v, "hits") && isSearchResponse(v)) return "response";
  if (has(v, "rawResponse") && isSearchResponse(v.rawResponse)) return "kibana";
  if (isSearchHit(v)) return "hit";
  return bulkAction(v) ?? "document";
}

const SHAPE_OF: Record<RecordKind, InputShape> = {
  document: "documents",
  hit: "hits",
  response: "responses",
  kibana: "responses",
  index: "bulk",
  create: "bulk",
  delete: "bulk",
  update: "bulk",
};

/** A record's kind in a message: "a search hit". */
const KIND_NAME: Record<RecordKind, string> = {
  document: "a plain document",
  hit: "a search hit",
  response: "a search response",
  kibana: "a search response (Kibana rawResponse)",
  index: "a _bulk action line",
  create: "a _bulk action line",
  delete: "a _bulk action line",
  update: "a _bulk action line",
};

/** A file's shape in messages: "plain documents". */
const SHAPE_NAME: Record<InputShape, string> = {
  documents: "plain documents",
  hits: "search hits",
  responses: "_search responses",
  bulk: "_bulk body",
};

const LAYOUT_NAME: Record<InputLayout, string> = {
  ndjson: "NDJSON",
  array: "JSON array",
  json: "JSON",
};

const typeName = (v: unknown): string =>
  v === null ? "null" : Array.isArray(v) ? "an array" : v === undefined ? "missing" : `a ${typeof v}`;

/** `_source` is a hit's document, when it is one; else why not. */
function hitSource(hit: Record<string, unknown>): Record<string, unknown> | string {
  if (!has(hit, "_source")) {
    return `search hit without _source (a search with "_source": false, or with only "fields", returns none): no document to read`;
  }
  const source = hit._source;
  if (!isObject(source)) return `search hit whose _source is not an object (${typeName(source)})`;
  return source;
}

function hitMeta(hit: Record<string, unknown>): DocumentMeta {
  return {
    ...(typeof hit._index === "string" ? { index: hit._index } : {}),
    ...(typeof hit._id === "string" ? { id: hit._id } : {}),
  };
}

/** A `_bulk` action waiting for its source line. */
interface PendingAction {
  readonly op: "index" | "create" | "update";
  readonly line: number;
  /** Its index and id, or why they cannot be used. */
  readonly meta: DocumentMeta | string;
}

/** The index and id of a bulk action, or why they are not usable (Elasticsearch refuses the action). */
function actionMeta(params: Record<string, unknown>): DocumentMeta | string {
  const index = params._index;
  const id = params._id;
  if (index !== undefined && typeof index !== "string")
    return `_bulk action whose _index is not a string (${typeName(index)})`;
  if (id !== undefined && id !== null && typeof id !== "string" && !Number.isSafeInteger(id))
    return `_bulk action whose _id is not a string (${typeName(id)})`;
  return {
    ...(index !== undefined ? { index } : {}),
    ...(typeof id === "string" ? { id } : typeof id === "number" ? { id: String(id) } : {}),
  };
}

/**
 * Lines of the elements of the array at `path` (object keys from the top) in the JSON text `text`,
 * which starts on `firstLine`: where each hit of a multi-line search response starts.
 */
function arrayElementLines(text: string, firstLine: number, path: readonly string[]): number[] {
  const lines: number[] = [];
  let line = firstLine;
  // Open containers: true for an object, false for an array; and each object's current key.
  const objects: boolean[] = [];
  const keys: (string | undefined)[] = [];
  let expectKey = false;
  let elementNext = false;
  const onPath = (): boolean => {
    if (objects.length !== path.length + 1 || objects[path.length]) return false;
    for (let i = 0; i < path.length; i++) if (!objects[i] || keys[i] !== path[i]) return false;
    return true;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13) continue;
    if (elementNext) {
      elementNext = false;
      if (c !== 93) lines.push(line);
    }
    if (c === 34) {
      const start = i;
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92) i++;
      if (expectKey) {
        expectKey = false;
        keys[keys.length - 1] = JSON.parse(text.slice(start, i + 1)) as string;
      }
    } else if (c === 123) {
      objects.push(true);
      keys.push(undefined);
      expectKey = true;
    } else if (c === 91) {
      objects.push(false);
      keys.push(undefined);
      elementNext = onPath();
    } else if (c === 125 || c === 93) {
      objects.pop();
      keys.pop();
      expectKey = false;
    } else if (c === 44) {
      if (objects[objects.length - 1]) expectKey = true;
      else elementNext = onPath();
    }
  }
  return lines;
}

/**
 * Turns the JSON objects of one file into events and rejected records by the file's shape (decided
 * by its first object). Events from an envelope (hit, bulk action) have its index and id recorded.
 */
export class ShapeReader {
  private shapeOf: InputShape | undefined;
  private decidedAt: number | undefined;
  private responses = 0;
  private kibana = 0;
  private deletes = 0;
  private pending: PendingAction | null = null;
  /** How the records are laid out, once known (set by the reader). */
  layout: InputLayout | undefined;

  constructor(private readonly file: string) {}

  private event(event: object, line: number, out: ShapedOut): void {
    out.push({ kind: "event", event: event as EqlEvent, file: this.file, line });
  }

  private reject(line: number, reason: string, out: ShapedOut): void {
    out.push({ kind: "rejected", file: this.file, line, reason });
  }

  /** What is known of the file's shape so far. */
  shape(): SourceShape {
    return {
      ...(this.shapeOf === undefined ? {} : { shape: this.shapeOf, decidedAt: this.decidedAt as number }),
      ...(this.layout === undefined ? {} : { layout: this.layout }),
      responses: this.responses,
      kibana: this.kibana,
      deletes: this.deletes,
    };
  }

  /**
   * A record the splitter rejected (not JSON, not an object, ...). In a bulk body, a line after an
   * action is its source whatever it holds: the action is spent.
   */
  rejected(): void {
    this.pending = null;
  }

  /**
   * One JSON object of the file, with the line it starts on; `text` when it spans lines (to place
   * the hits of a search response on their lines).
   */
  push(value: Record<string, unknown>, line: number, text: string | undefined, out: ShapedOut): void {
    if (this.shapeOf === undefined) {
      this.shapeOf = SHAPE_OF[recordKind(value)];
      this.decidedAt = line;
    }
    if (this.shapeOf === "documents") this.document(value, line, out);
    else if (this.shapeOf === "hits") this.hit(value, line, out);
    else if (this.shapeOf === "responses") this.response(value, line, text, out);
    else this.bulk(value, line, out);
  }

  /** The file ended: a bulk action still waiting for its source is rejected. */
  end(out: ShapedOut): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    this.reject(p.line, `_bulk ${p.op} action without its source line: the input ends (truncated?)`, out);
  }

  private contradiction(line: number, kind: RecordKind, out: ShapedOut): void {
    this.reject(
      line,
      `${KIND_NAME[kind]} in a file of ${SHAPE_NAME[this.shapeOf as InputShape]} (line ${this.decidedAt} decided the file's shape)`,
      out,
    );
  }

  private document(v: Record<string, unknown>, line: number, out: ShapedOut): void {
    const kind = recordKind(v);
    if (kind !== "document") this.contradiction(line, kind, out);
    else this.event(v, line, out);
  }

  private hit(v: Record<string, unknown>, line: number, out: ShapedOut): void {
    const kind = recordKind(v);
    const source = kind === "hit" ? hitSource(v) : undefined;
    if (source === undefined) this.contradiction(line, kind, out);
    else if (typeof source === "string") this.reject(line, source, out);
    else {
      setDocumentMeta(source, hitMeta(v));
      this.event(source, line, out);
    }
  }

  private response(v: Record<string, unknown>, line: number, text: string | undefined, out: ShapedOut): void {
    const kind = recordKind(v);
    if (kind !== "response" && kind !== "kibana") {
      this.contradiction(line, kind, out);
      return;
    }
    this.responses++;
    if (kind === "kibana") this.kibana++;
    const response = (kind === "kibana" ? v.rawResponse : v) as { hits: { hits: unknown[] } };
    const hits = response.hits.hits;
    let lines: number[] | undefined;
    if (text !== undefined && hits.length > 0) {
      lines = arrayElementLines(
        text,
        line,
        kind === "kibana" ? ["rawResponse", "hits", "hits"] : ["hits", "hits"],
      );
      if (lines.length !== hits.length) lines = undefined;
    }
    for (let i = 0; i < hits.length; i++) {
      const hit = hits[i];
      const at = lines ? (lines[i] as number) : line;
      const source = isObject(hit) ? hitSource(hit) : `search hit that is not an object (${typeName(hit)})`;
      if (typeof source === "string") {
        this.reject(at, `hit ${i + 1} of ${hits.length}: ${source}`, out);
        continue;
      }
      setDocumentMeta(source, hitMeta(hit as Record<string, unknown>));
      this.event(source, at, out);
    }
  }

  private bulk(v: Record<string, unknown>, line: number, out: ShapedOut): void {
    const p = this.pending;
    const op = bulkAction(v);
    if (p) {
      if (op !== undefined) {
        // Elasticsearch would take any line as the source; a second action line is far likelier a
        // lost source line than a document, so it is read as the next action.
        this.reject(
          p.line,
          `_bulk ${p.op} action without its source line (line ${line} is another action line)`,
          out,
        );
      } else {
        this.pending = null;
        if (typeof p.meta === "string") this.reject(line, `${p.meta} (line ${p.line})`, out);
        else if (p.op === "update") {
          this.reject(
            line,
            `partial document of the _bulk update action on line ${p.line} ("doc", "script" or "upsert"): not the whole document`,
            out,
          );
        } else {
          setDocumentMeta(v, p.meta);
          this.event(v, line, out);
        }
        return;
      }
    }
    this.pending = null;
    if (op === undefined) {
      const kind = recordKind(v);
      this.reject(
        line,
        `not a _bulk action line (index, create, delete or update) where one was expected${
          kind === "document" ? "" : ` (${KIND_NAME[kind]})`
        }`,
        out,
      );
      return;
    }
    if (op === "delete") {
      this.deletes++;
      return;
    }
    this.pending = { op, line, meta: actionMeta(v[op] as Record<string, unknown>) };
  }
}

/** A file's shape in the summary: `_bulk body (NDJSON, 2 delete actions)`. */
export function describeShape(s: SourceShape): string {
  if (s.shape === undefined) return s.layout === undefined ? "empty" : "no JSON object";
  let text = SHAPE_NAME[s.shape];
  const notes: string[] = s.layout === undefined ? [] : [LAYOUT_NAME[s.layout]];
  if (s.shape === "responses") {
    if (s.responses === 1)
      text = s.kibana === 1 ? "_search response in Kibana's rawResponse" : "_search response";
    else {
      notes.push(`${s.responses} pages`);
      if (s.kibana > 0) notes.push(`${s.kibana} in Kibana's rawResponse`);
    }
  }
  if (s.deletes > 0) notes.push(`${s.deletes} delete action${s.deletes === 1 ? "" : "s"}`);
  return notes.length > 0 ? `${text} (${notes.join(", ")})` : text;
}
