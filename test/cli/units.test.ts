/** In-process tests of the CLI's building blocks: JSON array splitting, limits, table, colour, input. */
import { Readable, Writable } from "node:stream";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { applyPipes } from "../../src/cli/commands/pipes.js";
import { parseNow } from "../../src/cli/commands/run.js";
import { type InputRecord, newCounters, readSource, readSources } from "../../src/cli/io/input.js";
import { Output } from "../../src/cli/io/output.js";
import { TableWriter } from "../../src/cli/io/table.js";
import { renderJunit } from "../../src/cli/junit.js";
import { colourEnabled, colours, Progress } from "../../src/cli/term.js";
import type { Pipe } from "../../src/index.js";
import { JsonArraySplitter } from "../../src/node/input/json-array.js";

async function records(
  data: string | Buffer,
  chunk = 7,
): Promise<{ all: InputRecord[]; counters: ReturnType<typeof newCounters> }> {
  const buf = typeof data === "string" ? Buffer.from(data) : data;
  const pieces: Buffer[] = [];
  for (let i = 0; i < buf.length; i += chunk) pieces.push(buf.subarray(i, i + chunk));
  const counters = newCounters();
  const all: InputRecord[] = [];
  for await (const batch of readSource("-", counters, Readable.from(pieces))) all.push(...batch);
  return { all, counters };
}

describe("input", () => {
  it("splits NDJSON across chunk boundaries, with CRLF, a BOM, blank lines and no final newline", async () => {
    const { all, counters } = await records('\uFEFF{"a":1}\r\n\n  \n{"b":"x\\ny"}\r\n[3]\n{"c":"é"}');
    expect(all.map((r) => (r.kind === "event" ? r.event : r.reason))).toEqual([
      { a: 1 },
      { b: "x\ny" },
      "not a JSON object (an array)",
      { c: "é" },
    ]);
    expect(all.map((r) => ("line" in r ? r.line : undefined))).toEqual([1, 4, 5, 6]);
    expect(counters).toMatchObject({ records: 4, events: 3, rejected: 1 });
  });

  it("splits a JSON array one element at a time, with strings holding brackets and quotes", async () => {
    const text = '  [\n {"a":"],[\\"{"},\n {"b":[1,{"c":2}]} ,\n\n {"d":null}\n]\n';
    for (const chunk of [1, 3, 1000]) {
      const { all } = await records(text, chunk);
      expect(all.map((r) => (r.kind === "event" ? r.event : r.reason))).toEqual([
        { a: '],["{' },
        { b: [1, { c: 2 }] },
        { d: null },
      ]);
      expect(all.map((r) => ("line" in r ? r.line : undefined))).toEqual([2, 3, 5]);
    }
  });

  it("reports a truncated array and content after it", async () => {
    const cut = await records('[{"a":1},{"b":');
    expect(cut.all.map((r) => r.kind)).toEqual(["event", "rejected", "rejected"]);
    expect(cut.all.at(-1)).toMatchObject({ reason: "the JSON array is not closed (truncated input?)" });
    const after = await records('[\n{"a":1}]\n{"b":2}\n');
    expect(after.all.at(-1)).toMatchObject({
      kind: "rejected",
      line: 3,
      reason: "content after the closing ] of the JSON array",
    });
  });

  it("detects gzip from its magic bytes, even in chunks of one byte", async () => {
    const { all } = await records(gzipSync('{"a":1}\n{"b":2}\n'), 1);
    expect(all.map((r) => r.kind === "event" && r.event)).toEqual([{ a: 1 }, { b: 2 }]);
    const empty = await records("");
    expect(empty.all).toEqual([]);
  });

  it("JsonArraySplitter keeps the line of each element", () => {
    const s = new JsonArraySplitter();
    const out = [...s.push('[\n{"a":\n1},'), ...s.push('\n{"b":2}]'), ...s.end()];
    expect(out).toEqual([
      { text: '\n{"a":\n1}', line: 2 },
      { text: '\n{"b":2}', line: 4 },
    ]);
  });
});

describe("limits", () => {
  const pipe = (name: "head" | "tail", count: number): Pipe =>
    ({ kind: "pipe", name, count, span: { start: 0, end: 0, line: 1, column: 1 } }) as unknown as Pipe;
  async function run(pipes: Pipe[], size: number | undefined, n: number) {
    const out: number[] = [];
    const sink = applyPipes<number>(pipes, size, async (x) => {
      out.push(x);
    });
    for (let i = 0; i < n && !sink.done; i++) await sink.push(i);
    await sink.end();
    return { out, done: sink.done, printed: sink.printed };
  }

  it("head, tail, chains and size", async () => {
    expect((await run([pipe("head", 3)], undefined, 10)).out).toEqual([0, 1, 2]);
    expect((await run([pipe("tail", 3)], undefined, 10)).out).toEqual([7, 8, 9]);
    expect((await run([pipe("tail", 3)], undefined, 2)).out).toEqual([0, 1]);
    expect((await run([pipe("head", 6), pipe("tail", 2)], undefined, 10)).out).toEqual([4, 5]);
    expect((await run([pipe("tail", 6), pipe("head", 2)], undefined, 10)).out).toEqual([4, 5]);
    expect((await run([], 4, 10)).out).toEqual([0, 1, 2, 3]);
    expect((await run([pipe("tail", 5)], 2, 10)).out).toEqual([5, 6]);
    expect((await run([pipe("head", 0)], undefined, 10)).out).toEqual([]);
    expect((await run([], undefined, 10)).printed).toBe(10);
  });
});

describe("terminal", () => {
  it("colour only on a TTY, never with a non-empty NO_COLOR or --no-color", () => {
    expect(colourEnabled({ isTTY: true }, undefined, {})).toBe(true);
    expect(colourEnabled({ isTTY: false }, undefined, {})).toBe(false);
    expect(colourEnabled({}, undefined, {})).toBe(false);
    expect(colourEnabled({ isTTY: true }, undefined, { NO_COLOR: "1" })).toBe(false);
    expect(colourEnabled({ isTTY: true }, undefined, { NO_COLOR: "" })).toBe(true);
    expect(colourEnabled({ isTTY: true }, false, {})).toBe(false);
    expect(colours(true).red("x")).toBe("\x1b[31mx\x1b[39m");
    expect(colours(false).red("x")).toBe("x");
  });

  it("the progress line is drawn only on a TTY", () => {
    const written: string[] = [];
    const fake = (isTTY: boolean) => ({ isTTY, write: (s: string) => written.push(s) > 0 });
    const now = Date.now();
    const realNow = Date.now;
    try {
      const p = new Progress(fake(false));
      Date.now = () => now + 5000;
      p.tick({ events: 10, bytes: 100 });
      expect(written).toEqual([]);
      Date.now = () => now;
      const q = new Progress(fake(true));
      Date.now = () => now + 5000;
      q.tick({ events: 50_000, bytes: 3 * 1024 * 1024 });
      expect(written.join("")).toMatch(/50,000 events {2}10,000 events\/s {2}3\.0 MB/);
      q.clear();
      expect(written.at(-1)).toBe("\r\x1b[2K");
    } finally {
      Date.now = realNow;
    }
  });
});

describe("table, junit and --now", () => {
  it("sizes columns from the first rows and cuts long cells", async () => {
    let text = "";
    const sink = new Writable({
      write(chunk, _enc, cb) {
        text += String(chunk);
        cb();
      },
    });
    const out = new Output(sink);
    const t = new TableWriter(out, ["a", "b"], 50);
    await t.write({ a: "x".repeat(60), b: "short" });
    await t.write({ a: "y", b: "z".repeat(30) });
    await t.end();
    const lines = text.trimEnd().split("\n");
    // The first column gives up two characters so that the last keeps its 10 within the 50.
    expect(lines[0]).toMatch(/^a {39}b$/);
    expect(lines[1]).toBe(`${"x".repeat(37)}…  short`);
    expect(lines[2]).toBe(`y${" ".repeat(39)}${"z".repeat(9)}…`);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(50);
  });

  it("escapes XML and counts failures and errors", () => {
    const xml = renderJunit([
      {
        name: "s<1>",
        cases: [
          { name: 'a "q"', classname: "c&d" },
          { name: "b", classname: "c", failure: "line1\nline2\u0001" },
          { name: "c", classname: "c", error: "boom" },
        ],
      },
    ]);
    expect(xml).toContain('tests="3" failures="1" errors="1"');
    expect(xml).toContain('name="s&lt;1&gt;"');
    expect(xml).toContain('name="a &quot;q&quot;" classname="c&amp;d"/>');
    expect(xml).toContain('<failure message="line1">line1\nline2</failure>');
  });

  it("parses --now", () => {
    expect(parseNow("2026-11-20T09:00:00Z")).toBe(Date.UTC(2026, 10, 20, 9));
    expect(parseNow("1700000000000")).toBe(1_700_000_000_000);
    expect(parseNow(undefined, () => 42)).toBe(42);
    expect(() => parseNow("soon")).toThrow(/--now expects/);
  });
});

describe("input: long lines and the NDJSON/array decision", () => {
  async function read(pieces: readonly (string | Buffer)[], maxLineBytes?: number) {
    const counters = newCounters();
    const all: InputRecord[] = [];
    const options = maxLineBytes === undefined ? {} : { maxLineBytes };
    const source = Readable.from(pieces.map((p) => (typeof p === "string" ? Buffer.from(p) : p)));
    for await (const batch of readSource("-", counters, source, options)) all.push(...batch);
    return { all, counters };
  }
  /** `text` cut into 64 KiB chunks, as a file is read. */
  const chunked = (text: string) => {
    const buf = Buffer.from(text);
    const out: Buffer[] = [];
    for (let i = 0; i < buf.length; i += 1 << 16) out.push(buf.subarray(i, i + (1 << 16)));
    return out;
  };

  it("reads a line of several MB spanning many chunks", async () => {
    const big = "é".repeat(2 * 1024 * 1024); // 4 MiB of UTF-8, split inside characters too
    const text = `{"a":1}\n${JSON.stringify({ big })}\n{"b":2}\n`;
    const { all, counters } = await read(chunked(text));
    expect(all.map((r) => r.kind)).toEqual(["event", "event", "event"]);
    const second = all[1];
    expect(second?.kind === "event" && (second.event as { big: string }).big).toBe(big);
    expect(all.map((r) => ("line" in r ? r.line : 0))).toEqual([1, 2, 3]);
    expect(counters).toMatchObject({ records: 3, events: 3, rejected: 0 });
  });

  it("rejects and counts a line over the limit, and reads on", async () => {
    const long = JSON.stringify({ pad: "x".repeat(3 * 1024 * 1024) });
    const text = `{"a":1}\n${long}\n{"b":2}\n${long}`;
    const { all, counters } = await read(chunked(text), 1024 * 1024);
    expect(all.map((r) => (r.kind === "event" ? r.event : r.kind === "rejected" && r.reason))).toEqual([
      { a: 1 },
      "line longer than 1048576 bytes",
      { b: 2 },
      "line longer than 1048576 bytes",
    ]);
    expect(all.map((r) => ("line" in r ? r.line : 0))).toEqual([1, 2, 3, 4]);
    expect(counters).toMatchObject({ records: 4, events: 2, rejected: 2 });
    // Within one chunk too, counting bytes rather than characters.
    const small = await read(['{"s":"éé"}\n{"s":"e"}\n'], 10);
    expect(small.all.map((r) => r.kind)).toEqual(["rejected", "event"]);
  });

  it("takes NDJSON whose first line is an array for NDJSON, and a one-line array for an array", async () => {
    const ndjsonFirstArray = await read(['[1,2]\n{"a":1}\n{"b":2}\n']);
    expect(
      ndjsonFirstArray.all.map((r) => (r.kind === "event" ? r.event : r.kind === "rejected" && r.reason)),
    ).toEqual(["not a JSON object (an array)", { a: 1 }, { b: 2 }]);
    for (const text of ['[{"a":1},{"b":2}]', '[{"a":1},{"b":2}]\n\n', '  [{"a":1},\n{"b":2}]\n']) {
      const { all } = await read([text]);
      expect(all.map((r) => r.kind === "event" && r.event)).toEqual([{ a: 1 }, { b: 2 }]);
    }
  });

  it("reports truncated gzip data as an unreadable source after the events before it", async () => {
    const lines = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ i, pad: `${i}`.repeat(20) }));
    const gz = gzipSync(`${lines.join("\n")}\n`);
    const counters = newCounters();
    const all: InputRecord[] = [];
    for await (const batch of readSources(["-"], counters, Readable.from([gz.subarray(0, gz.length - 40)])))
      all.push(...batch);
    const last = all.at(-1);
    expect(last).toMatchObject({ kind: "unreadable", file: "<stdin>" });
    expect(last?.kind === "unreadable" && last.reason).toMatch(/^<stdin>: truncated or corrupt gzip data \(/);
    expect(all.filter((r) => r.kind === "event").length).toBeGreaterThan(1000);
    expect(counters.unreadable).toBe(1);
  });
});

describe("run on a terminal", () => {
  it("prints a table fitted to the terminal by default, NDJSON elsewhere", async () => {
    const { runCommand } = await import("../../src/cli/commands/run.js");
    const { readFileSync } = await import("node:fs");
    const events = readFileSync(new URL("../../examples/kubelet-events.ndjson", import.meta.url));
    const run = async (tty: boolean) => {
      let text = "";
      const stdout = Object.assign(
        new Writable({
          write(chunk, _enc, cb) {
            text += String(chunk);
            cb();
          },
        }),
        tty ? { isTTY: true, columns: 90 } : {},
      );
      const stderr = new Writable({ write: (_c, _e, cb) => cb() });
      const status = await runCommand(
        [],
        { rules: ["rules"], window: false, space: "default", quiet: true, workers: 1 },
        {
          stdin: Readable.from([events]),
          stdout,
          stderr,
          env: {},
          err: colours(false),
          out: colours(false),
        },
      );
      expect(status).toBe(0);
      return text;
    };
    const table = (await run(true)).trimEnd().split("\n");
    expect(table[0]?.split(/\s+/)).toEqual([
      "time",
      "severity",
      "rule",
      "host",
      "user",
      "process",
      "matched",
    ]);
    expect(table).toHaveLength(4);
    for (const line of table) expect(line.length).toBeLessThanOrEqual(90);
    const piped = (await run(false)).trimEnd().split("\n");
    expect(piped.map((l) => (JSON.parse(l) as Record<string, unknown>)["event.kind"])).toEqual([
      "signal",
      "signal",
      "signal",
    ]);
  });
});
