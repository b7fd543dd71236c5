/**
 * The default columns of `--format table`: the timestamp, category and host, then fields that suit
 * the query's categories (process, network, file), else the fields the query itself tests.
 */
import { fieldsIn } from "../../ast/walk.js";
import type { Statement } from "../../index.js";

/** Fields shown for events of a category, after the common ones. */
const BY_CATEGORY: Readonly<Record<string, readonly string[]>> = {
  process: ["process.name", "process.args"],
  network: ["source.ip", "source.port", "destination.ip", "destination.port"],
  file: ["file.path"],
};

/** At most this many fields taken from the query when its category has no preset. */
const FROM_QUERY = 3;

/** The filters of a statement: the event query, or each term (and `until`) of a sequence or sample. */
function filtersOf(statement: Statement) {
  const q = statement.query;
  return q.kind === "event"
    ? [q]
    : [...q.terms, ...(q.kind === "sequence" && q.until ? [q.until] : [])].map((t) => t.filter);
}

/** The fields a statement's conditions test, each once, in the order they first appear. */
export function queryFields(statement: Statement): string[] {
  return [...new Set(fieldsIn(filtersOf(statement).map((f) => f.condition)).map((f) => f.name))];
}

/** The default table columns for a statement; `timestamp` and `category` are the fields in use. */
export function defaultColumns(statement: Statement, timestamp: string, category: string): string[] {
  const filters = filtersOf(statement);
  const columns = [timestamp, category, "host.name"];
  const add = (f: string) => {
    if (!columns.includes(f)) columns.push(f);
  };
  let preset = false;
  for (const f of filters) {
    const fields = f.category === null ? undefined : BY_CATEGORY[f.category];
    if (fields) {
      preset = true;
      for (const x of fields) add(x);
    }
  }
  if (!preset) {
    for (const x of queryFields(statement)) {
      if (columns.length >= 3 + FROM_QUERY) break;
      add(x);
    }
    if (columns.length === 3) add("message");
  }
  return columns;
}
