/**
 * Split the text of a top-level JSON array into element texts as chunks arrive, so a huge array file
 * is read in constant memory (one element at a time) and each element keeps the line it starts on.
 */

/** One element's text and the 1-based line it starts on, or a structural problem. */
export type ArrayPiece = { text: string; line: number } | { problem: string; line: number };

/** An incremental splitter of `[ e1, e2, ... ]`. */
export class JsonArraySplitter {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private opened = false;
  private closed = false;
  private line = 1;
  private parts: string[] = [];
  private startLine = 1;
  private hasContent = false;
  private trailingReported = false;

  /** Feed decoded text; returns the elements completed by it. */
  push(chunk: string): ArrayPiece[] {
    const out: ArrayPiece[] = [];
    let from = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === 10) this.line++;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 92) this.escaped = true;
        else if (c === 34) this.inString = false;
        continue;
      }
      if (this.closed) {
        if (!isSpace(c) && !this.trailingReported) {
          this.trailingReported = true;
          out.push({ problem: "content after the closing ] of the JSON array", line: this.line });
        }
        continue;
      }
      if (!this.opened) {
        if (c === 91) {
          this.opened = true;
          from = i + 1;
          this.startLine = this.line;
        }
        continue;
      }
      if (c === 34) {
        this.inString = true;
        this.mark();
      } else if (c === 123 || c === 91) {
        this.depth++;
        this.mark();
      } else if ((c === 125 || c === 93) && this.depth > 0) {
        this.depth--;
      } else if (this.depth === 0 && (c === 44 || c === 93)) {
        this.parts.push(chunk.slice(from, i));
        this.emit(out, c === 93);
        from = i + 1;
        if (c === 93) this.closed = true;
      } else if (!isSpace(c)) this.mark();
    }
    if (this.opened && !this.closed) this.parts.push(chunk.slice(from));
    return out;
  }

  /** The input ended; reports an array that was never closed. */
  end(): ArrayPiece[] {
    const out: ArrayPiece[] = [];
    if (this.opened && !this.closed) {
      if (this.hasContent) out.push({ text: this.parts.join(""), line: this.startLine });
      out.push({ problem: "the JSON array is not closed (truncated input?)", line: this.line });
    }
    this.parts = [];
    return out;
  }

  // The first significant character of an element fixes the line it is reported on.
  private mark(): void {
    if (!this.hasContent) {
      this.hasContent = true;
      this.startLine = this.line;
    }
  }

  private emit(out: ArrayPiece[], closing: boolean): void {
    const text = this.parts.join("");
    this.parts = [];
    if (this.hasContent) out.push({ text, line: this.startLine });
    else if (!closing) out.push({ problem: "empty element in the JSON array", line: this.line });
    this.hasContent = false;
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/**
 * An incremental splitter of JSON values one after another (`{...} {...}`, as `jq .` prints them, or
 * one pretty-printed `_search` response): each top-level value's text and the line it starts on.
 */
export class JsonValueSplitter {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private inValue = false;
  private scalar = false;
  private line = 1;
  private parts: string[] = [];
  private startLine = 1;

  /** Feed decoded text; returns the values completed by it. */
  push(chunk: string): ArrayPiece[] {
    const out: ArrayPiece[] = [];
    let from = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === 10) this.line++;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 92) this.escaped = true;
        else if (c === 34) {
          this.inString = false;
          if (this.depth === 0) {
            this.finish(out, chunk.slice(from, i + 1));
          }
        }
        continue;
      }
      if (this.scalar) {
        // A bare scalar (or stray text) between values ends at white space or the next value.
        if (!isSpace(c) && c !== 123 && c !== 91 && c !== 34) continue;
        this.finish(out, chunk.slice(from, i));
        if (isSpace(c)) continue;
      }
      if (!this.inValue) {
        if (isSpace(c)) continue;
        this.inValue = true;
        this.startLine = this.line;
        from = i;
        if (c === 123 || c === 91) this.depth = 1;
        else if (c === 34) this.inString = true;
        else this.scalar = true;
        continue;
      }
      if (c === 34) this.inString = true;
      else if (c === 123 || c === 91) this.depth++;
      else if (c === 125 || c === 93) {
        this.depth--;
        if (this.depth === 0) this.finish(out, chunk.slice(from, i + 1));
      }
    }
    if (this.inValue) this.parts.push(chunk.slice(from));
    return out;
  }

  /** The input ended; a scalar at the end is given, a value left open is reported. */
  end(): ArrayPiece[] {
    const out: ArrayPiece[] = [];
    if (this.inValue) {
      if (this.scalar) this.finish(out, "");
      else out.push({ problem: "the JSON value is not closed (truncated input?)", line: this.startLine });
    }
    this.parts = [];
    this.inValue = false;
    return out;
  }

  private finish(out: ArrayPiece[], last: string): void {
    this.parts.push(last);
    out.push({ text: this.parts.join(""), line: this.startLine });
    this.parts = [];
    this.inValue = false;
    this.scalar = false;
    this.depth = 0;
  }
}
