/**
 * A plain-text table that still streams: column widths are taken from the first rows (kept in a small
 * buffer), later rows are cut to those widths, so memory does not grow with the number of results.
 * Given a width (a terminal's), no line is longer: wide columns are narrowed first, and whatever
 * still does not fit is cut with an ellipsis.
 */

import { printable } from "../term.js";
import { fieldValue } from "./fields.js";
import type { Output } from "./output.js";

const SAMPLE_ROWS = 50;
const MAX_COLUMN = 40;
/** Columns are not narrowed below this many characters (or their header) to make room. */
const MIN_COLUMN = 8;

function cell(value: unknown): string {
  if (value === undefined || value === null) return "";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return printable(text.replace(/[\t\r\n]+/g, " "));
}

function fitCell(text: string, width: number): string {
  if (text.length <= width) return text.padEnd(width);
  return width <= 1 ? text.slice(0, width) : `${text.slice(0, width - 1)}…`;
}

/** Writes events (or the events of sequences, one row each) as a table with a header. */
export class TableWriter {
  private readonly header: string[];
  private pending: string[][] | null = [];
  private widths: number[] = [];
  private sequence = 0;

  /** `width` is the terminal width when printing to one; the last column is cut to fit it. */
  constructor(
    private readonly out: Output,
    private readonly columns: readonly string[],
    private readonly width: number | undefined,
  ) {
    this.header = [...columns];
  }

  /** Add one result: an event, or a sequence `{ join_keys, events }`. */
  async write(value: unknown): Promise<void> {
    for (const row of this.rowsOf(value)) {
      if (this.pending) {
        this.pending.push(row);
        if (this.pending.length >= SAMPLE_ROWS) await this.release();
      } else await this.out.write(this.render(row));
    }
  }

  /** Print whatever is still buffered. */
  async end(): Promise<void> {
    if (this.pending) await this.release();
    await this.out.flush();
  }

  private rowsOf(value: unknown): string[][] {
    const v = value as { join_keys?: unknown; events?: { _source?: unknown; missing?: boolean }[] };
    if (Array.isArray(v.events) && "join_keys" in v) {
      this.sequence++;
      if (this.header[0] !== "seq") this.header.unshift("seq", "join_keys");
      return v.events.map((hit) => [
        String(this.sequence),
        cell(v.join_keys),
        ...this.columns.map((c) => (hit.missing ? "(missing)" : cell(fieldValue(hit._source, c)))),
      ]);
    }
    return [this.columns.map((c) => cell(fieldValue(value, c)))];
  }

  private async release(): Promise<void> {
    const rows = this.pending ?? [];
    this.pending = null;
    this.widths = this.header.map((h, i) =>
      Math.max(h.length, ...rows.map((r) => Math.min(MAX_COLUMN, (r[i] ?? "").length))),
    );
    if (this.width !== undefined) {
      // The last column takes what is left of the terminal, but never less than its header or 10:
      // the widest other columns give up room for it, down to MIN_COLUMN (or their header).
      const widths = this.widths;
      const last = widths.length - 1;
      const least = Math.max(this.header[last]?.length ?? 1, 10);
      const room = () => (this.width as number) - widths.slice(0, -1).reduce((a, b) => a + b + 2, 0);
      while (room() < least) {
        let widest = -1;
        for (let i = 0; i < last; i++) {
          const floor = Math.max(MIN_COLUMN, this.header[i]?.length ?? 0);
          if (
            (widths[i] as number) > floor &&
            (widest < 0 || (widths[i] as number) > (widths[widest] as number))
          )
            widest = i;
        }
        if (widest < 0) break;
        widths[widest] = (widths[widest] as number) - 1;
      }
      widths[last] = Math.max(least, room());
    } else {
      // Not a terminal: the last column is printed whole.
      this.widths[this.widths.length - 1] = Number.POSITIVE_INFINITY;
    }
    await this.out.write(this.render(this.header));
    for (const row of rows) await this.out.write(this.render(row));
  }

  private render(row: readonly string[]): string {
    const cells = row.map((c, i) => {
      const w = this.widths[i] ?? MAX_COLUMN;
      return i === row.length - 1 && !Number.isFinite(w) ? c : fitCell(c, w);
    });
    const line = cells.join("  ").trimEnd();
    return `${this.width !== undefined && line.length > this.width ? fitCell(line, this.width) : line}\n`;
  }
}
