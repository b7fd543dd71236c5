/**
 * Buffered output with back-pressure: text is gathered into ~64 KB writes, and when the stream's
 * buffer is full the writer waits for 'drain' before taking more, so a slow reader (a pager, a
 * network pipe) slows the command down instead of filling memory.
 */
import { once } from "node:events";
import type { Writable } from "node:stream";

const FLUSH_AT = 1 << 16;

/** A buffered writer that respects back-pressure. */
export class Output {
  private parts: string[] = [];
  private size = 0;

  constructor(private readonly stream: Writable | NodeJS.WriteStream) {}

  /** Queue text; waits when the stream asks it to. */
  async write(text: string): Promise<void> {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= FLUSH_AT) await this.flush();
  }

  /** Write what is queued and wait for 'drain' if the stream's buffer is full. */
  async flush(): Promise<void> {
    if (this.size === 0) return;
    const text = this.parts.join("");
    this.parts = [];
    this.size = 0;
    if (!this.stream.write(text)) await once(this.stream as Writable, "drain");
  }
}

const guarded = new WeakSet<object>();

/**
 * Exit quietly when the reader of stdout goes away (`mini-eql query ... | head`): EPIPE is the normal
 * end of such a pipe, not an error worth a stack trace, so the process exits with status 0. The
 * executable installs this once for every command and for help output; installing it again is a no-op.
 */
export function exitOnBrokenPipe(stream: NodeJS.WriteStream = process.stdout): void {
  if (guarded.has(stream)) return;
  guarded.add(stream);
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    throw e;
  });
}
