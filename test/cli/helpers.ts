/** Spawn the built command line and collect what it printed. */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** The built executable. */
export const CLI = join(ROOT, "dist/cli/index.js");
/** The shipped rule directory and example events. */
export const RULES = join(ROOT, "rules");
export const KUBELET_EVENTS = join(ROOT, "examples/kubelet-events.ndjson");

/**
 * Build once when dist is missing (CI builds before testing). Test files run in parallel workers,
 * so a lock directory keeps two builds from writing dist at the same time.
 */
export function ensureBuilt(): void {
  if (existsSync(CLI)) return;
  const lock = join(ROOT, ".vitest-build-lock");
  try {
    mkdirSync(lock);
  } catch {
    const until = Date.now() + 120_000;
    while (existsSync(lock) && Date.now() < until) spawnSync("sleep", ["0.2"]);
    if (existsSync(CLI)) return;
    throw new Error("another test file is building dist and did not finish");
  }
  try {
    execFileSync("npm", ["run", "-s", "build"], { cwd: ROOT, stdio: "ignore" });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** What one run printed and how it ended. */
export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Run the CLI with optional stdin; NO_COLOR, FORCE_COLOR and COLUMNS are cleared unless given. */
export function cli(
  args: readonly string[],
  options: { input?: string | Buffer; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<Run> {
  const env = { ...process.env };
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  delete env.COLUMNS;
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...env, ...options.env },
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on("data", (b: Buffer) => out.push(b));
  child.stderr.on("data", (b: Buffer) => err.push(b));
  // The command may exit before reading all of stdin (usage errors, --size): ignore EPIPE then.
  child.stdin.on("error", () => {});
  child.stdin.end(options.input ?? "");
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (status) =>
      resolve({
        status,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      }),
    );
  });
}

/** Run a node script asynchronously (for long-lived examples). */
export function spawnNode(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  return spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env } });
}

/** A fresh temporary directory. */
export function tempDir(prefix = "mini-eql-cli-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Lines of NDJSON output, parsed. */
export function ndjson(text: string): Record<string, unknown>[] {
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The counts of the `events: N read, N matched, N unmatched, N rejected` summary line. */
export function summary(stderr: string): {
  read: number;
  matched: number;
  unmatched: number;
  rejected: number;
} {
  const m = /events: (\d+) read, (\d+) matched, (\d+) unmatched, (\d+) rejected/.exec(stderr);
  if (!m) throw new Error(`no summary line in:\n${stderr}`);
  const [read, matched, unmatched, rejected] = m.slice(1).map(Number) as [number, number, number, number];
  return { read, matched, unmatched, rejected };
}

/** A process event at second `s` of 2026-11-20T09:00, with extra fields. */
export function processEvent(s: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    "@timestamp": new Date(Date.UTC(2026, 10, 20, 9, 0, s)).toISOString(),
    event: { category: ["process"], type: ["start"] },
    host: { name: "node-a", os: { type: "linux" } },
    ...extra,
  };
}

/**
 * A detection-rules TOML rule for tests: severity high, index `logs-*`, run every `interval` over
 * `from`; `extra` is appended inside the `[rule]` table (e.g. `max_signals = 7`).
 */
export function testRuleToml(
  id: string,
  query: string,
  extra = "",
  schedule = { interval: "5m", from: "now-10m" },
): string {
  return `[rule]
rule_id = "${id}"
name = "Rule ${id}"
description = "Written by the test."
type = "eql"
language = "eql"
index = ["logs-*"]
query = '''
${query}
'''
severity = "high"
risk_score = 70
from = "${schedule.from}"
interval = "${schedule.interval}"
${extra}
`;
}
