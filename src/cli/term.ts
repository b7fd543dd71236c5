/** Terminal concerns: colour only on a TTY without NO_COLOR, and a progress line only on a TTY. */

/** Minimal styling functions; identity functions when colour is off. */
export interface Colours {
  readonly enabled: boolean;
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

/** Whether colour may be used on `stream`: a TTY, NO_COLOR unset or empty (no-color.org), no --no-color. */
export function colourEnabled(
  stream: { isTTY?: boolean },
  flag: boolean | undefined,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return stream.isTTY === true;
}

/** Styling functions for `stream`. */
export function colours(enabled: boolean): Colours {
  const wrap = (open: number, close: number) => (text: string) =>
    enabled ? `\x1b[${open}m${text}\x1b[${close}m` : text;
  return {
    enabled,
    red: wrap(31, 39),
    yellow: wrap(33, 39),
    green: wrap(32, 39),
    dim: wrap(2, 22),
    bold: wrap(1, 22),
  };
}

/** What the progress line shows. */
export interface ProgressSource {
  readonly events: number;
  readonly bytes: number;
}

function human(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

/**
 * A single self-overwriting progress line on stderr. It appears only on a TTY and only once the
 * input has taken over a second, so short runs and pipes (CI logs, files) never see it.
 */
export class Progress {
  private readonly started = Date.now();
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly stream: NodeJS.WriteStream | { isTTY?: boolean; write(s: string): boolean },
    private readonly enabled: boolean = stream.isTTY === true,
  ) {}

  /** Redraw at most a few times a second; cheap to call per batch. */
  tick(source: ProgressSource): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.started < 1000 || now - this.lastDraw < 250) return;
    this.lastDraw = now;
    const secs = (now - this.started) / 1000;
    const rate = Math.round(source.events / secs);
    const line = `${source.events.toLocaleString("en-US")} events  ${rate.toLocaleString("en-US")} events/s  ${human(source.bytes)}`;
    this.stream.write(`\r\x1b[2K${line}`);
    this.drawn = true;
  }

  /** Remove the line before the summary is printed. */
  clear(): void {
    if (this.drawn) this.stream.write("\r\x1b[2K");
    this.drawn = false;
  }
}

/**
 * Characters a terminal may act on rather than show: C0 controls (tab and, where asked, line feed
 * aside), DEL, C1 controls, line and paragraph separators, and the bidirectional marks, embeddings,
 * overrides and isolates that can make text read other than it is.
 */
const UNPRINTABLE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
const UNPRINTABLE_OR_NEWLINE = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

function escapeChar(ch: string): string {
  const code = ch.charCodeAt(0);
  return code < 0x100
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}

/**
 * Text from input, rules or the file system made safe to print for people: every character a terminal
 * could act on (see `UNPRINTABLE`) is written as `\xHH` or `\uHHHH`. Line feeds are kept with
 * `keepNewlines` (messages of several lines), else escaped too. Machine output (NDJSON, JSON) is never
 * passed through this: it stays exact JSON.
 */
export function printable(text: string, keepNewlines = false): string {
  const re = keepNewlines ? UNPRINTABLE : UNPRINTABLE_OR_NEWLINE;
  re.lastIndex = 0;
  return re.test(text) ? text.replace(re, escapeChar) : text;
}

/**
 * The width tables are fitted to: COLUMNS when it is set to a positive number, else the terminal's
 * width when stdout is one; undefined (lines printed whole) when stdout is a pipe or a file.
 */
export function outputWidth(
  stdout: { isTTY?: boolean; columns?: number },
  env: NodeJS.ProcessEnv,
): number | undefined {
  const columns = Number(env.COLUMNS);
  if (Number.isInteger(columns) && columns > 0) return columns;
  return stdout.isTTY ? (stdout.columns ?? 120) : undefined;
}
