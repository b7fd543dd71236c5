/** Input lines that are not good events are rejected with their line number, never dropped or repaired. */
import { describe, expect, it } from "vitest";
import { duplicateKey, type InputRecord, RecordReader } from "../../src/node/input/records.js";

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

const bytes = (...parts: (string | number[])[]) =>
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
});
