import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compile, compileRules, explainQuery, fieldMapProblems } from "../../src/index.js";
import {
  BUILTIN_FIELD_MAPS,
  FieldMapError,
  loadRules,
  parseFieldMap,
  readFieldMap,
} from "../../src/node/index.js";

describe("field maps as aliases", () => {
  const map = {
    proc_name: "process.name",
    "proc.args": "process.args",
    ts: "@timestamp",
    cat: "event.category",
  };
  const event = {
    ts: "2026-01-01T00:00:00Z",
    cat: "process",
    proc_name: "CURL",
    proc: { args: ["curl", "https://10.0.0.1:10250/pods"] },
  };

  it("reads an ECS field at its data field", () => {
    const q = compile('process where process.name : "curl" and process.args like "*:10250/*"', {
      fieldMap: map,
    });
    expect(q.matches(event)).toBe(true);
    expect(compile('process where process.name : "curl"').matches(event)).toBe(false);
  });

  it("leaves fields outside the map readable, and ?fields behave as without a mapping", () => {
    const q = compile('process where host.name == "a" and ?user.name == null', { fieldMap: map });
    expect(q.matches({ ...event, host: { name: "a" } })).toBe(true);
    expect(q.matches({ ...event, host: { name: "a" }, user: { name: "x" } })).toBe(false);
  });

  it("orders sequences by the mapped timestamp", () => {
    const q = compile('sequence [process where process.name == "a"] [process where process.name == "b"]', {
      fieldMap: map,
    });
    const a = { ts: "2026-01-01T00:00:02Z", cat: "process", proc_name: "a" };
    const b = { ts: "2026-01-01T00:00:01Z", cat: "process", proc_name: "b" };
    // b is older than a, so no sequence a → b exists.
    const count = (events: Record<string, unknown>[]) => {
      const r = q.run(events);
      return "sequences" in r ? r.sequences.length : -1;
    };
    expect(count([a, b])).toBe(0);
    expect(count([{ ...b, ts: "2026-01-01T00:00:03Z" }, a])).toBe(1);
  });

  it("gives the data field the ECS field's type from a mapping", () => {
    const mapping = { properties: { source: { properties: { ip: { type: "ip" } } } } };
    const q = compile('network where cidrMatch(source.ip, "10.0.0.0/8")', {
      mapping,
      allowUnknownFields: true,
      fieldMap: { src: "source.ip" },
    });
    expect(q.matches({ event: { category: "network" }, src: "10.1.2.3" })).toBe(true);
    expect(q.matches({ event: { category: "network" }, src: "192.168.0.1" })).toBe(false);
  });

  it("explains through the map", () => {
    const tree = explainQuery('process where process.name : "curl"', event, { fieldMap: map });
    expect(tree.result).toBe(true);
  });

  it("rejects maps that cannot be aliases", () => {
    expect(fieldMapProblems({ a: "process.name", b: "process.name" })[0]?.message).toMatch(
      /already held by a/,
    );
    expect(fieldMapProblems({ a: "b", b: "c" })[0]?.message).toMatch(/do not chain/);
    expect(fieldMapProblems({ a: "a" })[0]?.message).toMatch(/itself/);
    expect(fieldMapProblems({ a: 3 })[0]?.message).toMatch(/dotted field name/);
    expect(fieldMapProblems([])).toHaveLength(1);
    expect(() => compile("any where true", { fieldMap: { a: "b", c: "b" } })).toThrow(TypeError);
  });

  it("runs rules through a rule set: category, window time and clock follow the map", () => {
    const { rules } = loadRules("rules");
    const lines = readFileSync("examples/kubelet-events.ndjson", "utf8").trim().split("\n");
    const renamed = lines.map((l) => {
      const e = JSON.parse(l);
      const { "@timestamp": ts, event: ev, process: p, ...rest } = e;
      return { ...rest, ts, ev: { ...ev, cat: ev.category }, proc: p };
    });
    const original = lines.map((l) => JSON.parse(l));
    const count = (events: object[], fieldMap?: Record<string, string>) => {
      const loaded = fieldMap ? loadRules("rules", { compile: { fieldMap } }).rules : rules;
      const set = compileRules(loaded, { window: false });
      return [...set.pushBatch(events), ...set.end()].length;
    };
    const wanted = count(original);
    expect(wanted).toBe(3);
    expect(count(renamed)).toBe(0);
    const fieldMap = {
      ts: "@timestamp",
      "ev.cat": "event.category",
      "ev.type": "event.type",
      "ev.action": "event.action",
      "proc.name": "process.name",
      "proc.args": "process.args",
      "proc.executable": "process.executable",
    };
    expect(count(renamed, fieldMap)).toBe(wanted);
  });
});

describe("field map files", () => {
  it("reads flat and nested YAML, and JSON", () => {
    expect(parseFieldMap("proc_name: process.name\nproc:\n  args: process.args\n")).toEqual({
      proc_name: "process.name",
      "proc.args": "process.args",
    });
    expect(parseFieldMap('{"a": "process.name"}')).toEqual({ a: "process.name" });
  });

  it("points at what is wrong", () => {
    const at = (text: string) => {
      try {
        parseFieldMap(text, "m.yml");
      } catch (e) {
        if (!(e instanceof FieldMapError)) throw e;
        return { code: e.code, line: e.line, column: e.column, message: e.message };
      }
      throw new Error("no error");
    };
    expect(at("a: process.name\nb: process.name\n")).toMatchObject({
      code: "FIELD_MAP_INVALID",
      line: 2,
      column: 1,
    });
    expect(at("a: x\na: y\n")).toMatchObject({ code: "FIELD_MAP_SYNTAX", line: 2 });
    expect(at("a: 3\n")).toMatchObject({ code: "FIELD_MAP_SYNTAX", line: 1, column: 4 });
    expect(at("- a\n")).toMatchObject({ code: "FIELD_MAP_SYNTAX", line: 1 });
    expect(at("a: [x\n").code).toBe("FIELD_MAP_SYNTAX");
    expect(at("x:\n  y: q\nx.y: r\n")).toMatchObject({ code: "FIELD_MAP_INVALID", line: 3 });
    expect(() => parseFieldMap("a: b\n")).not.toThrow();
  });

  it("names built-in maps, and files by their path or ending", () => {
    expect(readFieldMap("sysmon")).toBe(BUILTIN_FIELD_MAPS.sysmon);
    expect(() => readFieldMap("sysmn")).toThrow(/not a built-in field map/);
    expect(() => readFieldMap("./missing.yml")).toThrow(FieldMapError);
    for (const [name, map] of Object.entries(BUILTIN_FIELD_MAPS))
      expect(fieldMapProblems(map), name).toEqual([]);
  });

  it("sysmon: a Winlogbeat Sysmon process event meets an ECS query", () => {
    const event = {
      "@timestamp": "2026-01-01T00:00:00Z",
      event: { category: ["process"], type: ["start"] },
      winlog: {
        computer_name: "ws1",
        event_id: "1",
        event_data: {
          Image: "C:\\Windows\\System32\\cmd.exe",
          CommandLine: "cmd.exe /c whoami",
          User: "CORP\\bob",
        },
      },
    };
    const q = compile(
      'process where process.executable : "*\\\\cmd.exe" and process.command_line : "*whoami*" and host.name == "ws1" and event.code == "1"',
      { fieldMap: BUILTIN_FIELD_MAPS.sysmon },
    );
    expect(q.matches(event)).toBe(true);
  });
});
