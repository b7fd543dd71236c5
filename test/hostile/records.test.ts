/** Input lines that are not good events are rejected with their line number, never dropped or repaired. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  completeLength,
  duplicateKey,
  type InputRecord,
  RecordReader,
} from "../../src/node/input/records.js";

function read(chunks: (string | Uint8Array)[]): InputRecord[] {
  const reader = new RecordReader("in.ndjson");
  const out: InputRecord[] = [];
  for (const c of chunks) out.push(...reader.write(typeof c === "string" ? Buffer.from(c) : c));
  out.push(...reader.end());
  return out;
}

const summary = (records: InputRecord[]) =>
  records.map((r) =>
    r.kind === "rejected" ? `${r.line}: ${r.reason}` : r.kind === "event" ? `${r.line}: event` : r.kind,
  );

const bytes = (...parts: (string | readonly number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : Buffer.from(p))));

describe("input lines", () => {
  it("invalid and overlong UTF-8 is rejected as invalid UTF-8 on its line; a real U+FFFD is kept", () => {
    const input = bytes(
      '{"a":"ok"}\n{"a":"',
      [0xff],
      '"}\n{"a":"',
      [0xc0, 0xaf],
      '"}\n{"a":"\uFFFD"}\n{"a":"',
      [0xed, 0xa0, 0x80],
      '"}\n',
    );
    expect(summary(read([input]))).toEqual([
      "1: event",
      "2: invalid UTF-8",
      "3: invalid UTF-8",
      "4: event",
      "5: invalid UTF-8",
    ]);
  });

  it("invalid UTF-8 split across chunks is still found, valid text split across chunks is not", () => {
    const euro = Buffer.from('{"a":"€"}\n');
    const chunks = [
      euro.subarray(0, 7),
      euro.subarray(7),
      bytes('{"a":"', [0xe2, 0x82]),
      bytes('"}\n{"b":1}\n'),
    ];
    expect(summary(read(chunks))).toEqual(["1: event", "2: invalid UTF-8", "3: event"]);
    expect(summary(read([bytes('{"a":1}\n{"a":"', [0xe2])]))).toEqual(["1: event", "2: invalid UTF-8"]);
  });

  it("a leading BOM, even cut between chunks, is dropped once; a second one is text", () => {
    const bom = [0xef, 0xbb, 0xbf];
    const events = (records: InputRecord[]) =>
      records.map((r) => (r.kind === "event" ? r.event : r.kind === "rejected" ? r.reason : r.kind));
    expect(events(read([bytes([0xef]), bytes([0xbb, 0xbf], '{"a":1}\n')]))).toEqual([{ a: 1 }]);
    // A BOM inside a string value is a character of the value, not a BOM.
    expect(events(read([bytes(bom, '{"a":"', bom, '"}\n')]))).toEqual([{ a: "\uFEFF" }]);
    // Two BOMs: the first marks the encoding, the second is a character JSON does not allow there.
    expect(summary(read([bytes(bom, bom, '{"a":1}\n{"b":2}\n')]))).toEqual([
      expect.stringMatching(/^1: not JSON/),
      "2: event",
    ]);
  });

  it("a line of spaces JSON does not know (NBSP, U+2028, form feed) is rejected; blank lines are skipped", () => {
    const records = read(["{}\n\u00a0\n\u2028\n\f\n \t\r\n\n{}\n"]);
    expect(summary(records)).toEqual([
      "1: event",
      expect.stringMatching(/^2: not JSON/),
      expect.stringMatching(/^3: not JSON/),
      expect.stringMatching(/^4: not JSON/),
      "7: event",
    ]);
  });

  it("a key twice in one object is rejected, as Elasticsearch does", () => {
    const records = read([
      '{"a":1,"a":2}\n{"a":{"b":1,"b":2}}\n{"a":1,"\\u0061":2}\n{"x":{"a":1},"y":{"a":1}}\n{"t":"10:01","s":"\\":"}\n{"a" : 1 , "a" : 2}\n',
    ]);
    expect(summary(records)).toEqual([
      '1: duplicate key "a"',
      '2: duplicate key "b"',
      '3: duplicate key "a"',
      "4: event",
      "5: event",
      '6: duplicate key "a"',
    ]);
  });

  it("duplicateKey looks only at keys of the same object", () => {
    expect(duplicateKey('{"a":["a","a"],"b":{"a":1},"c":"a:"}')).toBeUndefined();
    expect(duplicateKey('[{"k":1},{"k":2,"k":3}]')).toBe("k");
  });

  it("a top-level __proto__ key stays an own key of the event", () => {
    const [r] = read(['{"__proto__":{"x":1},"a":1}\n']);
    expect(r?.kind).toBe("event");
    const event = (r as { event: Record<string, unknown> }).event;
    expect(Object.hasOwn(event, "__proto__")).toBe(true);
  });

  it("however the bytes are cut, the records are those of the bytes read at once", () => {
    // Lines of ASCII, multi-byte characters (2, 3 and 4 bytes) and bytes that are not UTF-8.
    const piece = fc.oneof(
      fc.constantFrom("a", "é", "€", "😀", "\uFFFD", " "),
      fc.constantFrom([0xff], [0xe2, 0x82], [0xf0, 0x9f], [0xc0, 0xaf], [0x80], [0xed, 0xa0, 0x80]),
    );
    const line = fc.array(piece, { maxLength: 6 }).map((parts) => bytes('{"v":"', ...parts, '"}\n'));
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (lines, cuts) => {
          const all = Buffer.concat(lines);
          const at = [...new Set(cuts.map((c) => c % (all.length + 1)))].sort((a, b) => a - b);
          const chunks: Uint8Array[] = [];
          let from = 0;
          for (const c of [...at, all.length]) {
            chunks.push(all.subarray(from, c));
            from = c;
          }
          const once = read([all]);
          expect(read(chunks)).toEqual(once);
          // And the text is what Node's UTF-8 decoder gives for the whole.
          const text = all.toString("utf8").split("\n").slice(0, -1);
          once.forEach((r, i) => {
            if (r.kind === "event") expect(r.event).toEqual(JSON.parse(text[i] as string));
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it("a chunk ends on a character boundary unless a character's lead byte says it goes on", () => {
    const len = (...b: number[]) => completeLength(Uint8Array.from(b));
    expect(len()).toBe(0);
    expect(len(0x61)).toBe(1);
    expect(len(0x61, 0xe2, 0x82, 0xac)).toBe(4);
    expect(len(0x61, 0xe2, 0x82)).toBe(1);
    expect(len(0x61, 0xf0, 0x9f, 0x98)).toBe(1);
    expect(len(0xf0, 0x9f, 0x98, 0x80)).toBe(4);
    expect(len(0x61, 0xc3)).toBe(1);
    // Not the start of a character: decoded as it is.
    expect(len(0x61, 0xff)).toBe(2);
    expect(len(0x61, 0xc0)).toBe(2);
    expect(len(0x80, 0x80, 0x80)).toBe(3);
  });
});
