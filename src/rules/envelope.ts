/**
 * Where a document came from. Elasticsearch never takes a document's index or id from its body: a
 * body's `_index`, `_id` or `data_stream.*` fields do not decide which rules search it or how its
 * alerts are de-duplicated. They come from the envelope the document arrived in: a search hit
 * `{ _index, _id, _source }` pushed as is, or `meta` given with the document.
 */

/** The index and id of a document, from outside its body. */
export interface DocumentMeta {
  readonly index?: string;
  readonly id?: string;
}

const metas = new WeakMap<object, DocumentMeta>();

/** Record where `doc` came from (kept as long as the object lives). */
export function setDocumentMeta(doc: object, meta: DocumentMeta): void {
  metas.set(doc, meta);
}

/** Where `doc` came from, when known. */
export function documentMeta(doc: unknown): DocumentMeta | undefined {
  return typeof doc === "object" && doc !== null ? metas.get(doc) : undefined;
}

/**
 * The document of `value`: the `_source` of a search hit (an object with `_source` and a string
 * `_index`), its index and id recorded; anything else is a document as it is, and so is a document
 * whose envelope is already known (read from a hit, a search response or a `_bulk` body), whatever
 * its body holds.
 */
export function unwrapHit(value: object): object {
  if (metas.has(value)) return value;
  const hit = value as { _index?: unknown; _id?: unknown; _source?: unknown };
  const source = hit._source;
  if (
    typeof hit._index !== "string" ||
    typeof source !== "object" ||
    source === null ||
    Array.isArray(source)
  )
    return value;
  setDocumentMeta(source, {
    index: hit._index,
    ...(typeof hit._id === "string" ? { id: hit._id } : {}),
  });
  return source;
}
