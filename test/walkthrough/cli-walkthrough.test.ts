/**
 * Problems met following the README and using the command line as a new user would. Each known
 * bug is an `it.fails` test: it passes while the bug is there and starts failing once it is fixed,
 * at which point `.fails` should be removed.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import {
  CLI,
  cli,
  ensureBuilt,
  KUBELET_EVENTS,
  ndjson,
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
