/**
 * Where a sequence or sample joins its events on a field: what lets events be split between workers
 * by that field's value (a parallel rule set by `host.id`, NATS partitions by their key) with every
 * joined event in the worker that holds its key.
 */
import type { Expr, Field, Statement } from "../ast/nodes.js";

/**
 * The position in the query's key tuples (the query's `by` keys, then each term's own) at which every
 * term, `until` included, reads `field`; null when the query is not a sequence or sample, or when
 * events it joins may differ in `field`.
 */
export function joinIndex(statement: Statement, field: string): number | null {
  const q = statement.query;
  if (q.kind === "event") return null;
  const reads = (e: Expr | undefined) => e?.kind === "field" && (e as Field).name === field;
  const top = q.by.findIndex(reads);
  if (top >= 0) return top;
  const terms = q.kind === "sequence" && q.until ? [...q.terms, q.until] : q.terms;
  const width = Math.min(...terms.map((t) => t.by.length));
  for (let i = 0; i < width; i++) if (terms.every((t) => reads(t.by[i]))) return q.by.length + i;
  return null;
}
