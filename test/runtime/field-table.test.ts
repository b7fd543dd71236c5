import { describe, expect, it } from "vitest";
import { FieldTable } from "../../src/runtime/field-table.js";

describe("cached field readers", () => {
  it("give each event its own values, one value or several, and read an event again at the next epoch", () => {
    const table = new FieldTable();
    const name = table.reader(["process", "name"]);
    const a = { process: { name: "curl" } };
    const b = { process: { name: ["sh", "bash"] } };
    const c = { "process.name": "wget", process: { name: "nested" } };
    table.next();
    expect([...name.list(a)]).toEqual(["curl"]);
    table.next();
    expect([...name.list(b)]).toEqual(["sh", "bash"]);
    table.next();
    expect([...name.list(a)]).toEqual(["curl"]);
    expect(name.folded(a)).toEqual(["curl"]);
    table.next();
    // Nested first, then the dotted key, as the reader walks them.
    expect([...name.list(c)]).toEqual(["nested", "wget"]);
    table.next();
    expect(name.list({ process: {} })).toHaveLength(0);
    // The same object changed between epochs is read again.
    a.process.name = "nc";
    table.next();
    expect([...name.list(a)]).toEqual(["nc"]);
    expect(name.folded(a)).toEqual(["nc"]);
  });

  it("read a second event within one epoch without mixing it with the first", () => {
    const table = new FieldTable();
    const name = table.reader(["process", "name"]);
    table.next();
    expect([...name.list({ process: { name: "one" } })]).toEqual(["one"]);
    expect([...name.list({ process: { name: "two" } })]).toEqual(["two"]);
    expect([...name.list({ process: { name: ["x", "y", "z"] } })]).toEqual(["x", "y", "z"]);
    expect([...name.list({ process: { name: "three" } })]).toEqual(["three"]);
  });
});
