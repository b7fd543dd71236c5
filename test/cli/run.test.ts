/**
 * `mini-eql run`: alerts and summary, the look-back window, exit statuses, and the same alerts as the
 * library's `runRules` over the whole input (max_signals, exceptions, de-duplication, ordering) although
 * the command keeps only a bounded part of the input in memory.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { exceptionItemsFrom, ruleFromText, runRules } from "../../src/index.js";
import {
  cli,
  ensureBuilt,
  KUBELET_EVENTS,
  ndjson,
  processEvent,
  RULES,
  summary,
  tempDir,
} from "./helpers.js";

const KUBELET = "rules/linux/lateral_movement_direct_kubelet_access_via_process_args";

function ruleToml(id: string, query: string, extra = ""): string {
  return `[rule]
rule_id = "${id}"
name = "Test rule ${id}"
description = "A rule written by the test."
type = "eql"
language = "eql"
index = ["logs-*"]
query = '''
${query}
'''
severity = "high"
risk_score = 70
from = "now-10m"
interval = "5m"
${extra}
`;
}

/** Write a rule (and optional exception items) into a fresh directory. */
function ruleDir(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** The library's alerts for the rules of `dir` over `events`, as one execution. */
function libraryAlerts(dir: string, file: string, events: unknown[], now: string, window = true) {
  const exceptionsPath = join(dir, file.replace(/\.toml$/, ".exceptions.json"));
  let exceptions: ReturnType<typeof exceptionItemsFrom> = [];
  try {
    exceptions = exceptionItemsFrom(JSON.parse(readFileSync(exceptionsPath, "utf8")));
  } catch {}
  const rule = ruleFromText(readFileSync(join(dir, file), "utf8"), { file, exceptions });
  return runRules([rule], events, { now, window });
}

beforeAll(ensureBuilt, 180_000);

describe.concurrent("run over the Kubelet example", { timeout: 60_000 }, () => {
  it("prints alerts as NDJSON and a summary with every event accounted for", async () => {
    const r = await cli(["run", "--rules", RULES, "--no-window", KUBELET_EVENTS]);
    expect(r.status).toBe(0);
    const alerts = ndjson(r.stdout);
    expect(alerts).toHaveLength(3);
    for (const a of alerts) {
      expect(a["kibana.alert.rule.rule_id"]).toBe("6aa52f86-18f1-4a5a-a0ac-e2b5db8af589");
      expect(a["event.kind"]).toBe("signal");
    }
    const s = summary(r.stderr);
    expect(s).toEqual({ read: 8, matched: 3, unmatched: 5, rejected: 0 });
    expect(r.stderr).toMatch(
      /rules: 1 loaded, 0 failed to load, 0 not EQL \(skipped\); 1 alerted, 0 silent, 0 failed to run; 3 alerts; 0 truncated by max_signals/,
    );
    expect(r.stderr).toContain("Potential Direct Kubelet Access via Process Arguments");
  });

  it("applies the look-back window at --now, and says so when nothing falls inside it", async () => {
    const at = await cli(["run", "--rules", RULES, "--now", "2026-11-20T09:05:00Z", KUBELET_EVENTS]);
    const events = ndjson(readFileSync(KUBELET_EVENTS, "utf8"));
    const expected = libraryAlerts(".", `${KUBELET}.toml`, events, "2026-11-20T09:05:00Z");
    expect(ndjson(at.stdout)).toEqual(expected.alerts);
    expect(at.stderr).toMatch(/searched 7, matched 3/);
    const later = await cli(["run", "--rules", RULES, "--now", "2027-01-01T00:00:00Z", KUBELET_EVENTS]);
    expect(later.stdout).toBe("");
    expect(later.stderr).toContain("no event fell inside any rule's look-back window");
    expect(summary(later.stderr)).toEqual({ read: 8, matched: 0, unmatched: 8, rejected: 0 });
  });

  it("without --now runs each rule on its schedule in event time: the same alerts from a file and from stdin", async () => {
    const r = await cli(["run", "--rules", RULES, KUBELET_EVENTS]);
    expect(r.status).toBe(0);
    expect(ndjson(r.stdout)).toHaveLength(3);
    expect(r.stderr).toContain("the last event time was 2026-11-20T09:06:00.000Z");
    const piped = await cli(["run", "--rules", RULES], { input: readFileSync(KUBELET_EVENTS) });
    expect(piped.stdout).toBe(r.stdout);
  });

  it("one far-future event does not move the clock or blind the rule; it is counted", async () => {
    const future = '{"@timestamp":"2099-01-01T00:00:00Z","event":{"category":["x"]}}\n';
    const input = Buffer.concat([readFileSync(KUBELET_EVENTS), Buffer.from(future)]);
    const r = await cli(["run", "--rules", RULES], { input });
    expect(ndjson(r.stdout)).toHaveLength(3);
    expect(r.stderr).toContain("1 event dated more than an hour after the other events");
  });

  it("from a file, a far-future @timestamp anywhere or a far-future event.ingested leaves the example's alerts", async () => {
    const dir = tempDir();
    const kubelet = readFileSync(KUBELET_EVENTS, "utf8");
    // The rule's look-back window reads event.ingested (timestamp_override).
    const first = join(dir, "future-first.ndjson");
    writeFileSync(first, `{"@timestamp":"2099-01-01T00:00:00Z","event":{"category":["x"]}}\n${kubelet}`);
    const ingested = join(dir, "future-ingested.ndjson");
    writeFileSync(
      ingested,
      `${kubelet}{"@timestamp":"2026-11-20T09:06:30Z","event":{"category":["x"],"ingested":"2099-01-01T00:00:00Z"}}\n`,
    );
    for (const file of [first, ingested]) {
      const r = await cli(["run", "--rules", RULES, file]);
      expect(r.status, file).toBe(0);
      expect(ndjson(r.stdout), file).toHaveLength(3);
      expect(r.stderr, file).toContain("the last event time was 2026-11-20T09:06");
    }
  });

  it("reads gzip and stdin, reports malformed lines and keeps the count", async () => {
    const text = readFileSync(KUBELET_EVENTS, "utf8");
    const input = gzipSync(`${text}garbage\n{"truncated":\n`);
    const r = await cli(["run", "-r", RULES, "--no-window"], { input });
    expect(ndjson(r.stdout)).toHaveLength(3);
    expect(r.stderr).toContain("<stdin>:9: warning: not JSON");
    expect(r.stderr).toContain("<stdin>:10: warning: not JSON");
    const s = summary(r.stderr);
    expect(s).toEqual({ read: 10, matched: 3, unmatched: 5, rejected: 2 });
    const strict = await cli(["run", "-r", RULES, "--no-window", "--strict"], { input });
    expect(strict.status).toBe(1);
    expect(strict.stdout).toBe("");
  });

  it("exits 1 with --fail-on-alert when an alert is created, 0 otherwise", async () => {
    expect((await cli(["run", "-r", RULES, "--no-window", "--fail-on-alert", KUBELET_EVENTS])).status).toBe(
      1,
    );
    const none = JSON.stringify(processEvent(1, { process: { name: "ls" } }));
    expect((await cli(["run", "-r", RULES, "--no-window", "--fail-on-alert"], { input: none })).status).toBe(
      0,
    );
  });

  it("exits 2 on usage errors", async () => {
    expect((await cli(["run", KUBELET_EVENTS])).status).toBe(2);
    expect((await cli(["run", "--rules", "/no/such/dir", KUBELET_EVENTS])).status).toBe(2);
    expect((await cli(["run", "--rules", RULES, "--now", "yesterday", KUBELET_EVENTS])).status).toBe(2);
    expect((await cli(["run", "--rules", RULES, "/no/such/file"])).status).toBe(2);
  });

  it("reports a rule that does not load with file:line:col, runs the others and exits 1", async () => {
    const dir = ruleDir({
      "good.toml": ruleToml("good", 'process where process.name == "curl"'),
      "bad.toml": ruleToml("bad", 'process where process.name == "curl" and'),
    });
    const input = JSON.stringify(processEvent(1, { process: { name: "curl" } }));
    const r = await cli(["run", "--rules", dir, "--no-window"], { input });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/bad\.toml:10:\d+: error: /);
    expect(ndjson(r.stdout)).toHaveLength(1);
    expect(r.stderr).toContain("1 failed to load");
  });
});

describe.concurrent("the same alerts as runRules over the whole input", { timeout: 60_000 }, () => {
  it("event rule: newest max_signals in timestamp order, exceptions and duplicates, past the compaction size", async () => {
    const dir = ruleDir({
      "curl.toml": ruleToml("curl", 'process where process.name == "curl"', "max_signals = 7"),
      "curl.exceptions.json": JSON.stringify([
        {
          name: "probe",
          entries: [{ field: "user.name", type: "match", operator: "included", value: "probe" }],
        },
      ]),
    });
    // 3000 events with timestamps out of input order, a tenth excepted, some exact duplicates.
    const events: Record<string, unknown>[] = [];
    for (let i = 0; i < 3000; i++) {
      const second = (i * 7919) % 540; // inside the 10-minute window, shuffled
      events.push(
        processEvent(second, {
          process: { name: i % 3 === 0 ? "ls" : "curl", pid: i },
          user: { name: i % 10 === 1 ? "probe" : "dev" },
        }),
      );
      if (i % 500 === 2) events.push(events[events.length - 1] as Record<string, unknown>);
    }
    // The newest matches are the excepted and duplicated kind too, to test their order of application.
    events.push(processEvent(599, { process: { name: "curl", pid: -1 }, user: { name: "probe" } }));
    const twice = processEvent(598, { process: { name: "curl", pid: -2 }, user: { name: "dev" } });
    events.push(twice, twice);
    const now = "2026-11-20T09:10:00Z";
    const input = events.map((e) => JSON.stringify(e)).join("\n");
    const r = await cli(["run", "--rules", dir, "--now", now], { input });
    expect(r.status).toBe(0);
    const expected = libraryAlerts(dir, "curl.toml", events, now);
    expect(ndjson(r.stdout)).toEqual(expected.alerts);
    const report = expected.reports[0];
    expect(report?.truncated).toBe(true);
    expect(report?.suppressed).toBeGreaterThan(0);
    expect(report?.duplicates).toBeGreaterThan(0);
    expect(r.stderr).toContain(
      `searched ${report?.searched}, matched ${report?.matched}, suppressed ${report?.suppressed}, duplicates ${report?.duplicates}`,
    );
    expect(r.stderr).toContain(`truncated by max_signals: ${report?.dropped} older matches dropped`);
    expect(r.stderr).toContain("1 truncated by max_signals");
  });

  it("sequence rule: shells and building blocks, exceptions, max_signals", async () => {
    const query =
      'sequence by host.name with maxspan=1m [process where process.name == "curl"] [process where process.name == "sh"]';
    const dir = ruleDir({
      "seq.toml": ruleToml("seq", query, "max_signals = 4"),
      "seq.exceptions.json": JSON.stringify({
        items: [
          { name: "h3", entries: [{ field: "host.name", type: "match", operator: "included", value: "h3" }] },
        ],
      }),
    });
    const events: Record<string, unknown>[] = [];
    for (let s = 0; s < 300; s++) {
      events.push(processEvent(s, { host: { name: `h${s % 7}` }, process: { name: s % 2 ? "sh" : "curl" } }));
    }
    const now = "2026-11-20T09:06:00Z";
    const input = events.map((e) => JSON.stringify(e)).join("\n");
    const r = await cli(["run", "--rules", dir, "--now", now], { input });
    expect(r.status).toBe(0);
    const expected = libraryAlerts(dir, "seq.toml", events, now);
    expect(expected.alerts.length).toBeGreaterThan(0);
    expect(ndjson(r.stdout)).toEqual(expected.alerts);
    const report = expected.reports[0];
    expect(report?.truncated).toBe(true);
    expect(report?.suppressed).toBeGreaterThan(0);
    expect(r.stderr).toContain(`matched ${report?.matched}, suppressed ${report?.suppressed}`);
    expect(r.stderr).toContain(`truncated by max_signals: ${report?.dropped} older matches dropped`);
  });

  it("--memory-budget bounds sequence state; evictions are reported and fail the run unless allowed", async () => {
    const query =
      'sequence by host.name [process where process.name == "curl"] [process where process.name == "sh"]';
    const dir = ruleDir({ "seq.toml": ruleToml("seq", query) });
    const events: Record<string, unknown>[] = [];
    for (let s = 0; s < 6000; s++)
      events.push(processEvent(Math.floor(s / 20), { host: { name: `h${s}` }, process: { name: "curl" } }));
    const input = events.map((e) => JSON.stringify(e)).join("\n");
    const r = await cli(["run", "--rules", dir, "--no-window", "--memory-budget", "1"], { input });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/evicted \(memory budget full\)/);
    expect(r.stderr).toContain("raise --memory-budget, or pass --allow-evictions");
    const allowed = await cli(
      ["run", "--rules", dir, "--no-window", "--memory-budget", "1", "--allow-evictions"],
      {
        input,
      },
    );
    expect(allowed.status).toBe(0);
    const roomy = await cli(["run", "--rules", dir, "--no-window"], { input });
    expect(roomy.status).toBe(0);
    expect(roomy.stderr).not.toContain("evicted");
  });

  it("several rule paths, each file's exceptions beside it", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "linux"));
    for (const ext of [".toml", ".exceptions.json", ".fixtures.json"]) {
      copyFileSync(`${KUBELET}${ext}`, join(dir, "linux", `kubelet${ext}`));
    }
    const other = ruleDir({ "curl.toml": ruleToml("curl", 'process where process.name == "curl"') });
    const r = await cli([
      "run",
      "--rules",
      dir,
      "--rules",
      join(other, "curl.toml"),
      "--no-window",
      KUBELET_EVENTS,
    ]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("rules: 2 loaded");
    const byRule = new Map<string, number>();
    for (const a of ndjson(r.stdout)) {
      const id = a["kibana.alert.rule.rule_id"] as string;
      byRule.set(id, (byRule.get(id) ?? 0) + 1);
    }
    expect(byRule.get("curl")).toBe(4);
    expect(byRule.get("6aa52f86-18f1-4a5a-a0ac-e2b5db8af589")).toBe(3);
  });
});
