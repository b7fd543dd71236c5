/**
 * ParallelRuleSet (mini-eql/node) over the built package, with real worker threads: the same alerts
 * in the same order, the same reports and the same totals as one compiled rule set fed the same
 * lines, in each mode and however the input is cut; rejected lines are reported once, in place; a
 * worker that dies or cannot start is an error, never a hang.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { compileRules, type LoadedRule, ruleFromText } from "../../src/index.js";
import { ensureBuilt, processEvent, ROOT, testRuleToml as rule, tempDir } from "../cli/helpers.js";

type NodeEntry = typeof import("../../src/node/index.js");
let entry: NodeEntry;

beforeAll(async () => {
  ensureBuilt();
  entry = (await import(join(ROOT, "dist/node/index.js"))) as NodeEntry;
}, 180_000);

const RULES = [
  rule("a", 'process where process.name == "a"'),
  rule("c", 'process where process.name : "c*"', "max_signals = 7"),
  rule(
    "seq",
    'sequence by host.name with maxspan=30s [process where process.name == "a"] [process where process.name == "b"]',
  ),
  rule("head", 'process where process.name == "x" | head 3'),
  rule("any", 'any where host.name == "node-1"', "max_signals = 5"),
  rule(
    "sample",
    'sample by host.name [process where process.name == "x"] [process where process.name == "y"]',
  ),
];

/** Lines of events one second apart, with lines that are not events in the middle. */
function lines(n: number): string[] {
  const names = ["a", "b", "c1", "x", "y"];
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const host = { name: `node-${i % 3}`, os: { type: "linux" } };
    out.push(JSON.stringify(processEvent(i, { host, process: { name: names[(i * 7) % 5], pid: i } })));
    if (i === Math.floor(n / 2)) out.push("not json", "[1, 2]", "", "   ", "42");
  }
  return out;
}

function loaded(): LoadedRule[] {
  return RULES.map((text, i) => ruleFromText(text, { file: `r${i}.toml` }));
}

/** What one rule set in this thread gives for the same lines. */
function inProcess(input: readonly string[], options: Record<string, unknown>) {
  const one = compileRules(loaded(), options);
  const alerts: unknown[] = [];
  let rejected = 0;
  for (const l of input) {
    if (l.trim() === "") continue;
    let v: unknown;
    try {
      v = JSON.parse(l);
    } catch {
      rejected++;
      continue;
    }
    if (typeof v !== "object" || v === null || Array.isArray(v)) rejected++;
    else alerts.push(...one.push(v));
  }
  alerts.push(...one.end());
  return { alerts, rejected, reports: one.reports(), stats: one.stats() };
}

const totals = (s: Record<string, unknown>) => ({
  events: s.events,
  notObjects: s.notObjects,
  matched: s.matched,
  evaluations: s.evaluations,
  candidates: s.candidates,
  alerts: s.alerts,
  clock: s.clock,
});

describe("ParallelRuleSet", { timeout: 120_000 }, () => {
  for (const options of [{ now: "2026-11-20T09:40:00Z" }, { window: false, now: 0 }, {}]) {
    for (const workers of [1, 2, 3]) {
      it(`gives what one rule set gives (${JSON.stringify(options)}, ${workers} workers)`, async () => {
        const input = lines(2000);
        const expected = inProcess(input, options);
        const set = new entry.ParallelRuleSet(loaded(), { ...options, workers });
        expect(set.workers).toBe(workers);
        const text = `${input.join("\n")}\n`;
        const alerts: unknown[] = [];
        let rejected = 0;
        // Cut anywhere, even inside a line; strings and bytes alike.
        for (let i = 0; i < text.length; i += 7919) {
          const piece = text.slice(i, i + 7919);
          const outcome = await set.feed(i % 2 ? piece : Buffer.from(piece));
          rejected += outcome.rejected.length;
          for (const g of outcome.alerts) alerts.push(...g.alerts);
        }
        alerts.push(...(await set.end()));
        await set.close();
        expect(alerts.length).toBeGreaterThan(10);
        expect(alerts).toEqual(expected.alerts);
        expect(rejected).toBe(expected.rejected);
        expect(JSON.parse(JSON.stringify(set.reports()))).toEqual(
          JSON.parse(JSON.stringify(expected.reports)),
        );
        expect(totals(set.stats() as never)).toEqual(totals(expected.stats as never));
      });
    }
  }

  it("replaceRules keeps the state of unchanged rules in every thread; the same for any number of threads", async () => {
    const input = lines(2000);
    const half = Math.floor(input.length / 2);
    const expected = inProcess(input, {});
    const byRule = (alerts: readonly unknown[], id: string) =>
      alerts.filter((a) => (a as Record<string, unknown>)["kibana.alert.rule.rule_id"] === id);
    // "c" changes, "head" goes, "d" comes; the others (a sequence and a sample among them) stay.
    const next = [
      ...loaded().filter((r) => !["c", "head"].includes(r.rule.rule_id)),
      ruleFromText(rule("c", 'process where process.name : "c*"', "max_signals = 3"), { file: "c.toml" }),
      ruleFromText(rule("d", 'process where process.name == "y"'), { file: "d.toml" }),
    ];
    let first: unknown[] | null = null;
    for (const workers of [1, 2, 3]) {
      const set = new entry.ParallelRuleSet(loaded(), { workers });
      const alerts: unknown[] = [];
      alerts.push(...(await set.write(`${input.slice(0, half).join("\n")}\n`)));
      await set.replaceRules(next);
      alerts.push(...(await set.write(`${input.slice(half).join("\n")}\n`)));
      alerts.push(...(await set.end()));
      await set.close();
      for (const id of ["a", "seq", "any", "sample"]) {
        expect(byRule(alerts, id).length).toBeGreaterThan(0);
        expect(byRule(alerts, id)).toEqual(byRule(expected.alerts, id));
      }
      expect(set.reports().map((r) => r.rule_id)).toEqual(["a", "seq", "any", "sample", "c", "d"]);
      const kept = (reports: readonly { rule_id: string }[]) =>
        JSON.parse(JSON.stringify(reports.filter((r) => ["a", "seq", "any", "sample"].includes(r.rule_id))));
      expect(kept(set.reports())).toEqual(kept(expected.reports));
      first ??= alerts;
      expect(alerts).toEqual(first);
    }
  });

  it("write() and end() give the alerts; overlapping calls keep input order", async () => {
    const input = lines(600);
    const options = { now: "2026-11-20T09:40:00Z" };
    const expected = inProcess(input, options);
    const set = new entry.ParallelRuleSet(loaded(), { ...options, workers: 2 });
    const pending = input.map((l) => set.write(`${l}\n`));
    const alerts = (await Promise.all(pending)).flat();
    alerts.push(...(await set.end()));
    await set.close();
    expect(alerts).toEqual(expected.alerts);
  });

  it("runs the first share in the calling thread: N workers start N - 1 threads", async () => {
    const dir = tempDir("mini-eql-parallel-");
    const log = join(dir, "starts.log");
    const script = join(dir, "counted.mjs");
    // A thread that notes its start, then runs the shipped worker.
    writeFileSync(
      script,
      `import { appendFileSync } from "node:fs";\nappendFileSync(${JSON.stringify(log)}, "start\\n");\n` +
        `await import(${JSON.stringify(join(ROOT, "dist/node/rule-worker.js"))});\n`,
    );
    const input = lines(300);
    const options = { window: false, now: 0 };
    const expected = inProcess(input, options);
    for (const workers of [1, 2, 3]) {
      writeFileSync(log, "");
      const set = new entry.ParallelRuleSet(loaded(), { ...options, workers, workerScript: script });
      const alerts = await set.write(`${input.join("\n")}\n`);
      alerts.push(...(await set.end()));
      await set.close();
      expect(alerts).toEqual(expected.alerts);
      expect(readFileSync(log, "utf8").match(/start/g)?.length ?? 0).toBe(workers - 1);
    }
  });

  it("fails with a WorkerError when a worker dies, and does not hang", async () => {
    const dir = tempDir("mini-eql-parallel-");
    const script = join(dir, "dies.mjs");
    writeFileSync(
      script,
      'import { parentPort } from "node:worker_threads";\nparentPort.on("message", () => process.exit(3));\n',
    );
    const set = new entry.ParallelRuleSet(loaded(), { workers: 2, workerScript: script });
    await expect(set.write(lines(50).join("\n"))).rejects.toThrow(
      /rule worker \d of 2 stopped unexpectedly \(exit code 3\)/,
    );
    await expect(set.write("{}\n")).rejects.toBeInstanceOf(entry.WorkerError);
    await set.close();
  });

  it("fails with a WorkerError when a worker cannot start", async () => {
    const dir = tempDir("mini-eql-parallel-");
    const script = join(dir, "throws.mjs");
    writeFileSync(script, 'throw new Error("no rules today");\n');
    const set = new entry.ParallelRuleSet(loaded(), { workers: 2, workerScript: script });
    await expect(set.end()).rejects.toThrow(/rule worker \d of 2 failed: no rules today/);
    await set.close();
  });
});
