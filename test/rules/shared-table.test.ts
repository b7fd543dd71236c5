/**
 * A loaded rule's query reads fields through the table every rule set reads through, and a rule set
 * runs that very query instead of compiling it again. The cached values must never outlive the read
 * they belong to: a caller may change an event between calls, and several rule sets may take turns.
 */
import { describe, expect, it } from "vitest";
import { queryInternals } from "../../src/compile.js";
import { ruleFromObject } from "../../src/rules/from-object.js";
import { compileRules } from "../../src/rules/rule-set.js";
import { FieldTable, sharedFieldTable } from "../../src/runtime/field-table.js";
import type { EqlEvent, SequenceHit } from "../../src/types.js";
import { ruleObject } from "./helpers.js";

const rule = (id: string, query: string) =>
  ruleFromObject(ruleObject({ rule_id: id, name: id, query, index: ["*"] }));

const proc = (name: string, ts = "2026-05-04T10:00:00Z", host = "h1"): EqlEvent => ({
  "@timestamp": ts,
  event: { category: ["process"] },
  host: { id: host },
  process: { name },
});

describe("loaded queries read through the shared table", () => {
  it("are compiled against it, and a rule set runs them as loaded", () => {
    const loaded = rule("a", 'process where process.name == "curl"');
    expect(queryInternals(loaded.compiled)?.table).toBe(sharedFieldTable());
    const set = compileRules([loaded], { window: false, maxSignals: Number.POSITIVE_INFINITY });
    expect(set.push(proc("curl"))).toHaveLength(1);
  });

  it("matches reads an event again after the caller changed it", () => {
    const { compiled } = rule("b", 'process where process.name == "curl"');
    const e = proc("curl") as { process: { name: string } };
    expect(compiled.matches(e)).toBe(true);
    e.process.name = "bash";
    expect(compiled.matches(e)).toBe(false);
    e.process.name = "curl";
    expect(compiled.matches(e)).toBe(true);
    expect((compiled.run([e]) as { events: unknown[] }).events).toHaveLength(1);
    e.process.name = "wget";
    expect((compiled.run([e]) as { events: unknown[] }).events).toHaveLength(0);
  });

  it("a stream of a loaded query reads a pushed event again after the caller changed it", () => {
    const { compiled } = rule(
      "c",
      'sequence by host.id [process where process.name == "a"] [process where process.name == "b"]',
    );
    const s = compiled.stream();
    const e = proc("a", "2026-05-04T10:00:00Z") as { process: { name: string }; "@timestamp": string };
    expect(s.push(e)).toEqual([]);
    // The same object, changed, pushed again as a later event.
    e.process.name = "b";
    e["@timestamp"] = "2026-05-04T10:00:01Z";
    const hits = [...s.push(e), ...s.end()] as SequenceHit[];
    expect(hits).toHaveLength(1);
  });

  it("rule sets taking turns give the answers each gives alone", () => {
    const rules = [
      rule("d", 'process where process.name == "curl"'),
      rule(
        "e",
        'sequence by host.id [process where process.name == "a"] [process where process.name == "curl"]',
      ),
    ];
    const events = [
      proc("a", "2026-05-04T10:00:00Z", "h1"),
      proc("curl", "2026-05-04T10:00:01Z", "h1"),
      proc("a", "2026-05-04T10:00:02Z", "h2"),
      proc("bash", "2026-05-04T10:00:03Z", "h2"),
      proc("curl", "2026-05-04T10:00:04Z", "h2"),
    ];
    const alone = (list: EqlEvent[]) => {
      const set = compileRules(rules, { window: false, maxSignals: Number.POSITIVE_INFINITY });
      const out = list.flatMap((e) => set.push(e));
      return [...out, ...set.end()].map((a) => a["kibana.alert.uuid"]);
    };
    const first = alone(events);
    const second = alone(
      [...events].reverse().map((e, i) => ({ ...e, "@timestamp": events[i]?.["@timestamp"] })),
    );
    const a = compileRules(rules, { window: false, maxSignals: Number.POSITIVE_INFINITY });
    const b = compileRules(rules, { window: false, maxSignals: Number.POSITIVE_INFINITY });
    const outA: unknown[] = [];
    const outB: unknown[] = [];
    const reversed = [...events].reverse().map((e, i) => ({ ...e, "@timestamp": events[i]?.["@timestamp"] }));
    events.forEach((e, i) => {
      outA.push(...a.push(e).map((x) => x["kibana.alert.uuid"]));
      outB.push(...b.push(reversed[i] as EqlEvent).map((x) => x["kibana.alert.uuid"]));
    });
    outA.push(...a.end().map((x) => x["kibana.alert.uuid"]));
    outB.push(...b.end().map((x) => x["kibana.alert.uuid"]));
    expect(first.length).toBeGreaterThan(1);
    expect(outA).toEqual(first);
    expect(outB).toEqual(second);
  });

  it("a loaded rule given other compile options is compiled again with them", () => {
    const loaded = rule("f", 'process where process.name : "CURL"');
    const other = { ...loaded, compileOptions: { ...loaded.compileOptions, eventCategoryField: "kind" } };
    const set = compileRules([other], { window: false, maxSignals: Number.POSITIVE_INFINITY });
    expect(set.push(proc("curl"))).toHaveLength(0);
    expect(set.push({ ...proc("curl"), kind: "process" })).toHaveLength(1);
  });
});

describe("the shared table holds no event past its epoch", () => {
  it("a reader lets go of the event and values it read once the next event starts", () => {
    const table = new FieldTable();
    const reader = table.reader(["process", "name"]);
    const big = { process: { name: "x".repeat(1_000_000) } };
    expect(reader.list(big)).toEqual([big.process.name]);
    expect(reader.folded(big)).toHaveLength(1);
    table.next();
    // What a reader keeps between reads (a reader no rule reads any more would keep it for good).
    const kept = reader as unknown as { event: unknown; values_: unknown[]; folded_: unknown[] };
    expect(kept.event).toBeUndefined();
    expect(kept.values_).toHaveLength(0);
    expect(kept.folded_).toHaveLength(0);
    // And it still reads the next event, and the same object again, afresh.
    expect(reader.list({ process: { name: "y" } })).toEqual(["y"]);
    table.next();
    expect(reader.list(big)).toEqual([big.process.name]);
  });
});
