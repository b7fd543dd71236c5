/** Result formats: NDJSON (default), one JSON array, or an aligned text table; `run` adds CSV and a summary. */
import type { EventHit, SequenceHit } from "../../index.js";
import type { Output } from "./output.js";
import { TableWriter } from "./table.js";

/** The formats `--format` accepts. */
export const FORMATS = ["ndjson", "json", "table"] as const;

/** One of the output formats. */
export type Format = (typeof FORMATS)[number];

/** The formats `run --format` accepts: those of `query`, CSV and a summary by rule (see alerts.ts). */
export const ALERT_FORMATS = [...FORMATS, "csv", "summary"] as const;

/** One of the alert formats. */
export type AlertFormat = (typeof ALERT_FORMATS)[number];

/** Writes results one at a time in a format. */
export interface ResultWriter {
  write(value: unknown): Promise<void>;
  end(): Promise<void>;
}

/** What a result prints as: an event query's hit is the event itself; a sequence keeps its shape. */
export function printable(hit: EventHit | SequenceHit): unknown {
  return "_source" in hit ? hit._source : hit;
}

/** A writer for `format` over `out`. */
export function resultWriter(
  format: Format,
  out: Output,
  table: { columns: readonly string[]; width: number | undefined },
): ResultWriter {
  if (format === "ndjson") {
    return { write: (v) => out.write(`${JSON.stringify(v)}\n`), end: () => out.flush() };
  }
  if (format === "json") {
    // Streamed as an array: the opening bracket first, elements as they come, the bracket last.
    let first = true;
    return {
      async write(v) {
        await out.write(`${first ? "[\n" : ",\n"}${JSON.stringify(v)}`);
        first = false;
      },
      async end() {
        await out.write(first ? "[]\n" : "\n]\n");
        await out.flush();
      },
    };
  }
  return new TableWriter(out, table.columns, table.width);
}
