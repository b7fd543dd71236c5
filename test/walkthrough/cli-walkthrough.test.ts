/**
 * Problems met following the README and using the command line as a new user would. Each known
 * bug is an `it.fails` test: it passes while the bug is there and starts failing once it is fixed,
 * at which point `.fails` should be removed.
 */
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import {
  CLI,
  cli,
  ensureBuilt,
  KUBELET_EVENTS,
  ndjson,
  processEvent,
  ROOT,
  RULES,
  summary,
  tempDir,
} from "../cli/helpers.js";

beforeAll(ensureBuilt, 180_000);

/**
 * Run the CLI with the reading end of its stdout closed straight away, as `| head -1` does once it
 * has its line: every write the command makes meets EPIPE.
 */
function withClosedStdout(args: readonly string[]): Promise<{ status: number | null; stderr: string }> {
  const env = { ...process.env };
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env });
  child.stdout.destroy();
  const err: Buffer[] = [];
  child.stderr.on("data", (b: Buffer) => err.push(b));
  child.stdin.on("error", () => {});
  child.stdin.end("");
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stderr: Buffer.concat(err).toString("utf8") }));
  });
}

const STACK = /EPIPE|Unhandled 'error' event|\n\s+at /;

describe.concurrent("walkthrough: README and first-use problems", { timeout: 60_000 }, () => {
  it("test --junit creates the report's directory (README example)", async () => {
    const junit = join(tempDir(), "reports", "rules.xml");
    const r = await cli(["test", "--rules", RULES, "--junit", junit]);
    expect(r.stderr).not.toContain("ENOENT");
    expect(r.status).toBe(0);
    expect(existsSync(junit)).toBe(true);
  });

  it("query --size does not count unevaluated events as unmatched", async () => {
    const r = await cli(["query", "any where true", "--size", "2", KUBELET_EVENTS]);
    expect(r.status).toBe(0);
    expect(ndjson(r.stdout)).toHaveLength(2);
    const s = summary(r.stderr);
    expect(s.unmatched).toBe(0);
    expect(s.read).toBe(s.matched + s.unmatched + s.rejected);
  });

  it("query -q prints no warnings for rejected lines", async () => {
    const r = await cli(["query", "-q", "any where true"], { input: '42\n{"a":1}\n' });
    expect(r.status).toBe(0);
    expect(ndjson(r.stdout)).toEqual([{ a: 1 }]);
    expect(r.stderr).toBe("");
  });

  it("an NDJSON file whose first line is an array still yields the objects after it", async () => {
    const r = await cli(["query", "any where true"], { input: '[1,2]\n{"a":1}\n{"b":2}\n' });
    expect(ndjson(r.stdout)).toEqual([{ a: 1 }, { b: 2 }]);
    expect(summary(r.stderr).matched).toBe(2);
  });

  it("a truncated gzip file is reported with its name", async () => {
    const dir = tempDir();
    const full = gzipSync(readFileSync(KUBELET_EVENTS));
    const file = join(dir, "events.ndjson.gz");
    writeFileSync(file, full.subarray(0, full.length - 12));
    const r = await cli(["query", "any where true", file]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("events.ndjson.gz");
  });

  // Control for the broken-pipe tests below: `query` already exits quietly.
  it("query | head -1 exits without a stack trace", async () => {
    const r = await withClosedStdout(["query", "any where true", KUBELET_EVENTS]);
    expect(r.stderr).not.toMatch(STACK);
  });

  it("check | head -1 exits without a stack trace", async () => {
    const r = await withClosedStdout(["check", "--rules", RULES]);
    expect(r.stderr).not.toMatch(STACK);
  });

  it("test | head -1 exits without a stack trace", async () => {
    const r = await withClosedStdout(["test", "--rules", RULES]);
    expect(r.stderr).not.toMatch(STACK);
  });

  it("--help | head -1 exits without a stack trace", async () => {
    const r = await withClosedStdout(["query", "--help"]);
    expect(r.stderr).not.toMatch(STACK);
  });
});

// Sanity: the fixture the walkthrough relies on is the shipped one.
it("the shipped example events are the README's eight", () => {
  expect(readFileSync(KUBELET_EVENTS, "utf8").trim().split("\n")).toHaveLength(8);
});

const SEQ_RULE = `[rule]
rule_id = "seq"
name = "Curl then shell"
description = "A sequence rule written by the test."
type = "eql"
language = "eql"
index = ["logs-*"]
query = '''
sequence by host.name [process where process.name == "curl"] [process where process.name == "sh"]
'''
severity = "high"
risk_score = 70
from = "now-10m"
`;

/** A copy of the shipped rule directory's Kubelet rule, with its fixture file replaced. */
function fixtureDir(fixtures: unknown): string {
  const dir = tempDir();
  const base = "rules/linux/lateral_movement_direct_kubelet_access_via_process_args";
  copyFileSync(join(ROOT, `${base}.toml`), join(dir, "kubelet.toml"));
  copyFileSync(join(ROOT, `${base}.exceptions.json`), join(dir, "kubelet.exceptions.json"));
  writeFileSync(join(dir, "kubelet.fixtures.json"), JSON.stringify(fixtures));
  return dir;
}

/** The shipped fixtures of the Kubelet rule (without the "rule" key: found by base name). */
function shippedFixtures(): { fixtures: Record<string, unknown>[] } {
  const base = "rules/linux/lateral_movement_direct_kubelet_access_via_process_args";
  const doc = JSON.parse(readFileSync(join(ROOT, `${base}.fixtures.json`), "utf8"));
  delete doc.rule;
  return doc;
}

describe.concurrent("walkthrough: later problems", { timeout: 60_000 }, () => {
  it("a line over --max-line-bytes is rejected as file:line and counted; the rest is read", async () => {
    const dir = tempDir();
    const file = join(dir, "long.ndjson");
    const long = JSON.stringify(processEvent(1, { message: "x".repeat(2 * 1024 * 1024) }));
    writeFileSync(file, `${long}\n${JSON.stringify(processEvent(2))}\n`);
    const whole = await cli(["query", "any where true", file]);
    expect(ndjson(whole.stdout)).toHaveLength(2);
    const r = await cli(["query", "any where true", "--max-line-bytes", "1000000", file]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`${file}:1: warning: line longer than 1000000 bytes`);
    expect(ndjson(r.stdout)).toHaveLength(1);
    expect(summary(r.stderr)).toEqual({ read: 2, matched: 1, unmatched: 0, rejected: 1 });
  });

  it("examples/service.mjs | head exits quietly", async () => {
    const child = spawn(process.execPath, ["examples/service.mjs"], { cwd: ROOT });
    child.stdout.destroy();
    const err: Buffer[] = [];
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.stdin.on("error", () => {});
    child.stdin.end(readFileSync(KUBELET_EVENTS));
    const status = await new Promise((resolve) => child.on("close", resolve));
    expect(Buffer.concat(err).toString("utf8")).not.toMatch(STACK);
    expect(status).toBe(0);
  });

  it("query --size says that reading stopped there", async () => {
    const r = await cli(["query", "any where true", "--size", "2", KUBELET_EVENTS]);
    expect(r.stderr).toContain("2 events printed (reading stopped at --size 2)");
    expect(summary(r.stderr)).toEqual({ read: 2, matched: 2, unmatched: 0, rejected: 0 });
  });

  it("run: events too late for a sequence rule are in the summary, with --lateness suggested", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "seq.toml"), SEQ_RULE);
    const events = [
      processEvent(10, { process: { name: "curl" } }),
      processEvent(5, { process: { name: "curl" } }),
      processEvent(6, { process: { name: "sh" } }),
    ];
    const input = events.map((e) => JSON.stringify(e)).join("\n");
    const r = await cli(["run", "--rules", dir, "--no-window"], { input });
    expect(r.stderr).toContain("2 events came too late");
    expect(r.stderr).toMatch(/set --lateness MS/);
    const late = await cli(["run", "--rules", dir, "--no-window", "--lateness", "10000"], { input });
    expect(late.stderr).not.toContain("too late");
    expect(ndjson(late.stdout).length).toBeGreaterThan(0);
  });

  it("query -q --strict still stops at a rejected line with status 1", async () => {
    const r = await cli(["query", "-q", "--strict", "any where true"], { input: '{"a":1}\n42\n{"b":2}\n' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("<stdin>:2: error: not a JSON object (a number)");
  });

  it("query --strict prints the results read before the bad line", async () => {
    const good = Array.from({ length: 20 }, (_, i) => JSON.stringify(processEvent(i)));
    const r = await cli(["query", "--strict", "any where true"], { input: `${good.join("\n")}\nnope\n` });
    expect(r.status).toBe(1);
    expect(ndjson(r.stdout)).toHaveLength(20);
    const json = await cli(["query", "--strict", "-f", "json", "any where true"], {
      input: `${good[0]}\nnope\n`,
    });
    expect(JSON.parse(json.stdout)).toHaveLength(1);
  });

  it("a truncated gzip file: the results before it are printed, then the summary, status 1", async () => {
    const dir = tempDir();
    const lines = Array.from({ length: 3000 }, (_, i) => JSON.stringify(processEvent(i % 60, { n: i })));
    const full = gzipSync(`${lines.join("\n")}\n`);
    const file = join(dir, "events.ndjson.gz");
    writeFileSync(file, full.subarray(0, full.length - 100));
    const r = await cli(["query", "any where true", file, KUBELET_EVENTS]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${file}: truncated or corrupt gzip data`);
    const printed = ndjson(r.stdout).length;
    expect(printed).toBeGreaterThan(8); // events of the cut file, then the next file's eight
    const s = summary(r.stderr);
    expect(s.read).toBe(printed);
    expect(r.stderr).toContain("1 file could not be read to the end");
    const help = await cli(["query", "--help"]);
    expect(help.stdout).toContain("truncated or corrupt gzip");
  });

  it("test: a fixture file that does not load is an error, not a failed fixture", async () => {
    const dir = fixtureDir({});
    writeFileSync(join(dir, "kubelet.fixtures.json"), "{ not json");
    const r = await cli(["test", "--rules", dir]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("1 file could not be loaded");
    expect(r.stdout).toContain("0 passed, 0 failed");
  });

  it("test: a bad expect value is reported for that fixture and the others still run", async () => {
    const doc = shippedFixtures();
    const total = doc.fixtures.length;
    (doc.fixtures[1] as { expect: string }).expect = "alerts";
    const junit = join(tempDir(), "report.xml");
    const r = await cli(["test", "--rules", fixtureDir(doc), "--junit", junit]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`${total - 1} passed, 0 failed, 1 error`);
    expect(r.stdout).toMatch(/fixtures\[1\]\.expect must be alert, no-alert or suppressed/);
    expect(readFileSync(junit, "utf8")).toContain(`tests="${total}" failures="0" errors="1"`);
  });

  it('test: "rule": "missing.toml" names the missing file; an empty fixtures list fails', async () => {
    const missing = await cli(["test", "--rules", fixtureDir({ rule: "missing.toml", fixtures: [] })]);
    expect(missing.status).toBe(1);
    expect(missing.stdout).toContain("missing.toml");
    const empty = await cli(["test", "--rules", fixtureDir({ fixtures: [] })]);
    expect(empty.status).toBe(1);
    expect(empty.stdout).toContain("no fixtures");
  });

  it("check reports the first error in the text first", async () => {
    const r = await cli(["check", `process where process.name = "x" and process.args : 'y'`]);
    expect(r.status).toBe(1);
    const heads = r.stdout.split("\n").filter((l) => l.startsWith("<query>"));
    expect(heads[0]).toMatch(/^<query>:1:28: error: .*\[EQL_ASSIGNMENT_AS_EQUALITY\]$/);
    expect(heads[1]).toMatch(/^<query>:1:53: error: single-quoted .*\[EQL_SINGLE_QUOTED_STRING\]$/);
    expect(r.stderr).toContain("check: 2 errors, 0 warnings, 0 notes in the query");
  });

  it("messages: unterminated TOML string, event file given to --rules, missing input file", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "open.toml"), '[rule]\nrule_id = "x"\nname = "never closed\ntype = "eql"\n');
    const toml = await cli(["check", "--rules", join(dir, "open.toml")]);
    expect(toml.stdout).toContain("unterminated string?");
    expect(toml.stderr).toContain("check: 1 error, 0 warnings, 0 notes in 1 rule\n");
    const events = await cli(["run", "--rules", KUBELET_EVENTS, KUBELET_EVENTS]);
    expect(events.status).toBe(1);
    expect(events.stderr).toContain("kubelet-events.ndjson:1:1: error: this looks like an event, not a rule");
    expect(events.stderr).toContain("(and so do 7 more lines of this file");
    expect(events.stderr).toContain("[RULE_EVENT_NOT_RULE]");
    expect(events.stderr).toContain("no rule loaded");
    const none = await cli(["query", "any where true", "nosuch.ndjson"]);
    expect(none.stderr).toContain("cannot read nosuch.ndjson: no such file");
  });

  it("query: a late sequence event mentions --lateness", async () => {
    const input = [
      processEvent(10, { process: { name: "curl" } }),
      processEvent(5, { process: { name: "sh" } }),
    ]
      .map((e) => JSON.stringify(e))
      .join("\n");
    const r = await cli(["query", "sequence [process where true] [process where true]"], { input });
    expect(r.stderr).toMatch(/<stdin>:2: warning: event is older .*--lateness MS/);
  });

  it("plurals, and table columns that suit the query's category", async () => {
    const one = await cli(["query", 'process where process.name == "wget"', KUBELET_EVENTS]);
    expect(one.stderr).toContain("1 event printed");
    const input = JSON.stringify({
      "@timestamp": "2026-11-20T09:00:00Z",
      event: { category: ["network"] },
      host: { name: "node-a" },
      source: { ip: "10.0.0.1", port: 40000 },
      destination: { ip: "10.0.4.17", port: 10250 },
    });
    const net = await cli(["query", "network where destination.port == 10250", "-f", "table"], { input });
    const [head, row] = net.stdout.split("\n");
    expect(head).toMatch(
      /^@timestamp\s+event\.category\s+host\.name\s+source\.ip\s+source\.port\s+destination\.ip\s+destination\.port$/,
    );
    expect(row).toMatch(/10\.0\.0\.1\s+40000\s+10\.0\.4\.17\s+10250$/);
    const any = await cli(["query", 'any where user.name == "svc"', "-f", "table", KUBELET_EVENTS]);
    expect(any.stdout.split("\n")[0]).toMatch(/^@timestamp\s+event\.category\s+host\.name\s+user\.name$/);
  });
});
