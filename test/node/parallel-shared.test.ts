/**
 * ParallelRuleSet sharing events out (one execution, more than one worker): event rules search a
 * share of the events in each worker, everything else runs whole in one. Over random event streams
 * (many hosts, several or no host.id, events out of time order, repeated documents whose alerts
 * collide) it gives exactly what one compiled rule set gives: the same alerts in the same order, the
 * same reports field by field and the same totals, with 2 and 3 workers, with a limit on alerts, with
 * none (alerts stream) and with a `seen` set given; scheduled runs are checked too (nothing is shared).
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { rng } from "../../bench/random.mjs";
import { compileRules, type LoadedRule, ruleFromText } from "../../src/index.js";
import { partitionableRules, spreadSlots } from "../../src/node/parallel/rule-set.js";
import { bucketOf, HOST_BUCKETS } from "../../src/node/parallel/shard.js";
import { ensureBuilt, ROOT, testRuleToml as rule } from "../cli/helpers.js";

type NodeEntry = typeof import("../../src/node/index.js");
let entry: NodeEntry;

beforeAll(async () => {
  ensureBuilt();
  entry = (await import(join(ROOT, "dist/node/index.js"))) as NodeEntry;
}, 180_000);

const RULES = [
  rule("a", 'process where process.name == "a"', "max_signals = 4"),
  rule("c", 'process where process.name : "c*"', "max_signals = 7"),
  rule("net", "network where true", "max_signals = 3"),
  rule("any", 'any where user.name == "u1"'),
  rule("host", 'process where host.id == "h3"', "max_signals = 2"),
  rule(
    "seq-host",
    'sequence by host.id with maxspan=30s [process where process.name == "a"] [process where process.name == "b"]',
  ),
  rule(
    "seq-opt",
    'sequence by host.id, ?user.name with maxspan=1m [process where process.name == "x"] [network where true]',
  ),
  rule("seq-user", 'sequence by user.name [process where process.name == "a"] [network where true]'),
  rule("sample", 'sample by host.id [process where process.name == "x"] [process where process.name == "y"]'),
  rule("head", 'process where process.name == "x" | head 3'),
  // Two rules with one rule_id: their alerts could share ids, so they run whole, together.
  rule("twin", 'process where process.name == "y"'),
  rule("twin", "network where destination.port == 443", "max_signals = 2"),
];

function loaded(): LoadedRule[] {
  return RULES.map((text, i) => ruleFromText(text, { file: `r${i}.toml` }));
}

/**
 * NDJSON lines of `n` events on many hosts: some with two host ids or none, some dated before events
 * already given, some repeating an earlier document exactly, and a few lines that are not events.
 */
function lines(n: number, seed: number): string[] {
  const r = rng(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(r() * list.length)] as T;
  const names = ["a", "b", "c1", "c2", "x", "y", "z"];
  const out: string[] = [];
  let t = Date.UTC(2026, 10, 20, 9, 0, 0);
  for (let i = 0; i < n; i++) {
    if (i > 10 && r() < 0.04) {
      out.push(out[Math.floor(r() * out.length)] as string);
      continue;
    }
    t += Math.floor(r() * 2000);
    const late = r() < 0.1 ? Math.floor(r() * 20_000) : 0;
    const roll = r();
    const hostId =
      roll < 0.1 ? undefined : roll < 0.2 ? [`h${i % 7}`, `h${(i + 3) % 7}`] : `h${Math.floor(r() * 12)}`;
    const network = r() < 0.3;
    const event: Record<string, unknown> = {
      "@timestamp": new Date(t - late).toISOString(),
      event: { category: [network ? "network" : "process"], type: ["start"] },
      host: { ...(hostId === undefined ? {} : { id: hostId }), name: `node-${i % 5}`, os: { type: "linux" } },
      ...(r() < 0.7 ? { user: { name: pick(["u1", "u2", "u3"]) } } : {}),
      process: { name: pick(names), pid: i },
      ...(network ? { destination: { port: pick([22, 443, 8080]) } } : {}),
    };
    out.push(JSON.stringify(event));
    if (i === Math.floor(n / 3)) out.push("not json", "[1]", "");
  }
  return out;
}

/** What one rule set in this thread gives for the same lines. */
function inProcess(input: readonly string[], options: Record<string, unknown>, rules = loaded()) {
  const one = compileRules(rules, options);
  const alerts: unknown[] = [];
  for (const l of input) {
    let v: unknown;
    try {
      v = JSON.parse(l);
    } catch {
      continue;
    }
    if (typeof v === "object" && v !== null && !Array.isArray(v)) alerts.push(...one.push(v));
  }
  alerts.push(...one.end());
  return { alerts, reports: one.reports(), stats: one.stats() };
}

const totals = (s: Record<string, unknown>) => ({
  events: s.events,
  notObjects: s.notObjects,
  matched: s.matched,
  evaluations: s.evaluations,
  candidates: s.candidates,
  alerts: s.alerts,
  clock: s.clock,
  outsideTime: s.outsideTime,
});

const ids = (alerts: readonly unknown[]) =>
  alerts.map((a) => (a as Record<string, unknown>)["kibana.alert.uuid"] as string);

const NOW = "2026-11-20T12:00:00Z";
const MODES: [string, Record<string, unknown>][] = [
  ["one execution, max_signals", { window: false, now: NOW }],
  ["one execution, no limit", { window: false, now: NOW, maxSignals: Number.POSITIVE_INFINITY }],
  ["one execution at now, with its window", { now: "2026-11-20T09:16:00Z" }],
  ["one execution, a time range", { window: false, now: NOW, timeRange: { from: "2026-11-20T09:05:00Z" } }],
  ["scheduled runs", {}],
  ["scheduled runs, no limit", { maxSignals: Number.POSITIVE_INFINITY }],
];

describe("ParallelRuleSet sharing events out", { timeout: 300_000 }, () => {
  for (const [label, options] of MODES) {
    for (const seed of [1, 2]) {
      it(`gives what one rule set gives: ${label}, seed ${seed}, 2 and 3 workers`, async () => {
        const input = lines(1500, seed);
        const expected = inProcess(input, options);
        // Alerts of every kind, some left out by max_signals and some duplicates, or the test says little.
        expect(expected.alerts.length).toBeGreaterThan(20);
        expect(expected.reports.some((r) => r.duplicates > 0)).toBe(true);
        const text = `${input.join("\n")}\n`;
        for (const workers of [2, 3]) {
          const set = new entry.ParallelRuleSet(loaded(), { ...options, workers });
          const alerts: unknown[] = [];
          // Cut anywhere, even inside a line, in pieces of a few hundred events.
          for (let i = 0; i < text.length; i += 60_011) {
            const outcome = await set.feed(text.slice(i, i + 60_011));
            for (const g of outcome.alerts) alerts.push(...g.alerts);
          }
          alerts.push(...(await set.end()));
          await set.close();
          expect(ids(alerts)).toEqual(ids(expected.alerts));
          expect(alerts).toEqual(expected.alerts);
          expect(JSON.parse(JSON.stringify(set.reports()))).toEqual(
            JSON.parse(JSON.stringify(expected.reports)),
          );
          expect(totals(set.stats() as never)).toEqual(totals(expected.stats as never));
        }
      });
    }
  }

  it("leaves out alerts a given seen set holds, as one rule set does, and adds the new ones to it", async () => {
    const input = lines(1500, 3);
    for (const maxSignals of [undefined, Number.POSITIVE_INFINITY]) {
      const options = { window: false, now: NOW, ...(maxSignals ? { maxSignals } : {}) };
      const before = ids(inProcess(input, options).alerts).filter((_, i) => i % 3 === 0);
      const seenOne = new Set(before);
      const expected = inProcess(input, { ...options, seen: seenOne });
      const seenTwo = new Set(before);
      const set = new entry.ParallelRuleSet(loaded(), { ...options, seen: seenTwo, workers: 2 });
      const alerts = await set.write(`${input.join("\n")}\n`);
      alerts.push(...(await set.end()));
      await set.close();
      expect(alerts).toEqual(expected.alerts);
      expect(JSON.parse(JSON.stringify(set.reports()))).toEqual(JSON.parse(JSON.stringify(expected.reports)));
      expect([...seenTwo].sort()).toEqual([...seenOne].sort());
    }
  });

  it("runs the whole rules in one worker with the whole memory budget: evictions as in one rule set", async () => {
    // Event rules and one whole rule, which holds state: its worker has the whole budget. (A
    // sequence joined on host.id would be shared out, its state split between the workers.)
    const ids = ["a", "c", "net", "any", "host", "seq-user"];
    const rules = () => loaded().filter((r) => ids.includes(r.rule.rule_id));
    const input = lines(1500, 5);
    const options = { window: false, now: NOW, memoryBudget: 2_000 };
    const expected = inProcess(input, options, rules());
    expect(expected.reports.some((r) => r.capped > 0)).toBe(true);
    const set = new entry.ParallelRuleSet(rules(), { ...options, workers: 2 });
    const alerts = await set.write(`${input.join("\n")}\n`);
    alerts.push(...(await set.end()));
    await set.close();
    expect(alerts).toEqual(expected.alerts);
    expect(JSON.parse(JSON.stringify(set.reports()))).toEqual(JSON.parse(JSON.stringify(expected.reports)));
  });

  it("replaceRules keeps the shared rules' state; the same for 1, 2 and 3 workers", async () => {
    const input = lines(1500, 4);
    const half = Math.floor(input.length / 2);
    const options = { window: false, now: NOW };
    const next = [
      ...loaded().filter((r) => r.rule.rule_id !== "c"),
      ruleFromText(rule("d", 'process where process.name == "z"', "max_signals = 5"), { file: "d.toml" }),
    ];
    let first: unknown[] | null = null;
    for (const workers of [1, 2, 3]) {
      const set = new entry.ParallelRuleSet(loaded(), { ...options, workers });
      const alerts = await set.write(`${input.slice(0, half).join("\n")}\n`);
      await set.replaceRules(next);
      alerts.push(...(await set.write(`${input.slice(half).join("\n")}\n`)));
      alerts.push(...(await set.end()));
      await set.close();
      expect(alerts.length).toBeGreaterThan(10);
      first ??= alerts;
      expect(alerts).toEqual(first);
    }
  });
});

describe("sharing events out: which rules, how many events each", () => {
  it("shares event rules without pipes whose rule_id and uuid are their own", () => {
    const rules = loaded();
    const shared = partitionableRules(rules).map((i) => (rules[i] as LoadedRule).rule.rule_id);
    expect(shared).toEqual(["a", "c", "net", "any", "host"]);
    // With a limit on alerts, sequences joined on host.id too (by the query or every term).
    const withSequences = partitionableRules(rules, true).map((i) => (rules[i] as LoadedRule).rule.rule_id);
    expect(withSequences).toEqual(["a", "c", "net", "any", "host", "seq-host", "seq-opt"]);
  });

  it("puts host.id values that join as one key in one bucket", () => {
    // A keyword field joins 5 and "5"; a numeric one "5.0" too: the bucket must not part them.
    expect(bucketOf(5)).toBe(bucketOf("5"));
    expect(bucketOf("5.0")).toBe(bucketOf(5));
    expect(bucketOf(true)).toBe(bucketOf("true"));
    expect(bucketOf("1e400")).toBe(bucketOf(Number.POSITIVE_INFINITY));
    expect(bucketOf(1e21)).toBe(bucketOf("1.0E21"));
    // No value joins as null: one bucket for all of them.
    expect([bucketOf(undefined), bucketOf(null), bucketOf({})]).toEqual([0, 0, 0]);
    const spread = new Set(Array.from({ length: 200 }, (_, i) => bucketOf(`host-${i}`)));
    expect(spread.size).toBeGreaterThan(50);
    expect([...spread].every((b) => b >= 0 && b < HOST_BUCKETS)).toBe(true);
  });

  it("gives each worker slots in proportion to its part, interleaved", () => {
    expect(spreadSlots([1, 1], 8)).toEqual([0, 1, 0, 1, 0, 1, 0, 1]);
    const slots = spreadSlots([1, 3], 64);
    expect(slots.filter((w) => w === 0).length).toBe(16);
    expect(slots.slice(0, 4).sort()).toEqual([0, 1, 1, 1]);
    expect(spreadSlots([0, 1, 1], 6)).toEqual([1, 2, 1, 2, 1, 2]);
  });
});
