/**
 * `mini-eql run` output: the formats (JSON, table, CSV, summary), compact alerts, the rule filters,
 * --max-signals, --from/--to, and the stderr summary that lists only the rules with something to say.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  CLI,
  cli,
  ensureBuilt,
  KUBELET_EVENTS,
  ndjson,
  processEvent,
  RULES,
  spawnNode,
  summary,
  tempDir,
  testRuleToml,
} from "./helpers.js";

beforeAll(ensureBuilt, 180_000);

const KUBELET_ID = "6aa52f86-18f1-4a5a-a0ac-e2b5db8af589";

/** A directory of rule files. */
function ruleDir(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** RFC 4180 CSV parsed back into rows of fields. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += c;
  }
  if (field !== "" || row.length > 0)
    throw new Error(`CSV does not end with CRLF: ${JSON.stringify(text.slice(-40))}`);
  return rows;
}

/** Events as NDJSON text. */
const lines = (events: readonly unknown[]) => events.map((e) => JSON.stringify(e)).join("\n");

describe.concurrent("run --format", { timeout: 60_000 }, () => {
  it("json: one valid array holding the NDJSON alerts", async () => {
    const [json, nd] = await Promise.all([
      cli(["run", "--rules", RULES, "--format", "json", KUBELET_EVENTS]),
      cli(["run", "--rules", RULES, KUBELET_EVENTS]),
    ]);
    expect(json.status).toBe(0);
    const parsed = JSON.parse(json.stdout) as unknown[];
    expect(parsed).toHaveLength(3);
    expect(parsed).toEqual(ndjson(nd.stdout));
    const none = await cli(["run", "--rules", RULES, "--format", "json", "--rule-name", "kubelet"], {
      input: lines([processEvent(1, { process: { name: "ls" } })]),
    });
    expect(JSON.parse(none.stdout)).toEqual([]);
  });

  it("csv: a header, RFC 4180 quoting, the table's columns with rule_id and alert id, formulas defused", async () => {
    const dir = ruleDir({ "curl.toml": testRuleToml("curl", 'process where process.name == "curl"') });
    const events = [
      processEvent(1, {
        process: { name: "curl", command_line: 'curl -d "a,b" \n http://x' },
        user: { name: '=HYPERLINK("http://evil")' },
      }),
      processEvent(2, { process: { name: "curl", command_line: "-X POST" }, user: { name: "@sum" } }),
      processEvent(3, { process: { name: "curl", command_line: "+1" }, user: { name: "\tx" } }),
    ];
    const r = await cli(["run", "--rules", dir, "--no-window", "--format", "csv"], { input: lines(events) });
    expect(r.status).toBe(0);
    const nd = await cli(["run", "--rules", dir, "--no-window"], { input: lines(events) });
    const alerts = ndjson(nd.stdout);
    const rows = parseCsv(r.stdout);
    expect(rows[0]).toEqual([
      "time",
      "severity",
      "rule",
      "rule_id",
      "host",
      "user",
      "process",
      "matched_field",
      "matched",
      "alert_id",
    ]);
    expect(rows.slice(1)).toEqual(
      alerts.map((a, i) => [
        (events[i] as { "@timestamp": string })["@timestamp"],
        "high",
        "Rule curl",
        "curl",
        "node-a",
        ['\'=HYPERLINK("http://evil")', "'@sum", "'\tx"][i],
        "curl",
        "process.command_line",
        ['curl -d "a,b" \n http://x', "'-X POST", "'+1"][i],
        a["kibana.alert.uuid"],
      ]),
    );
  });

  it("table: the columns a person reads, control characters escaped, cut to COLUMNS", async () => {
    const dir = ruleDir({ "curl.toml": testRuleToml("curl", 'process where process.name == "curl"') });
    const long = `curl https://10.0.4.17:10250/${"p".repeat(200)}`;
    const events = [
      processEvent(1, {
        host: { name: "evil\u001b[2J\u0007host" },
        process: { name: "curl", command_line: long },
        user: { name: "root" },
      }),
    ];
    const whole = await cli(["run", "--rules", dir, "--no-window", "--format", "table"], {
      input: lines(events),
    });
    expect(whole.status).toBe(0);
    const [header, row] = whole.stdout.trimEnd().split("\n") as [string, string];
    expect(header.split(/\s+/)).toEqual(["time", "severity", "rule", "host", "user", "process", "matched"]);
    expect(whole.stdout).not.toMatch(/[\u0007\u001b]/);
    expect(row).toContain("evil\\x1b[2J\\x07host");
    expect(row).toContain("2026-11-20T09:00:01.000Z  high");
    expect(row.endsWith(long)).toBe(true);
    const narrow = await cli(["run", "--rules", dir, "--no-window", "--format", "table"], {
      input: lines(events),
      env: { COLUMNS: "140" },
    });
    const cut = narrow.stdout.trimEnd().split("\n");
    for (const line of cut) expect(line.length).toBeLessThanOrEqual(140);
    expect(cut[1]).toMatch(/curl https:\/\/10\.0\.4\.17:10250\/p+…$/);
    expect(cut[1]).toContain("2026-11-20T09:00:01.000Z");
  });

  it("table: the matched column shows the field the query tests, not the context fields", async () => {
    const r = await cli(["run", "--rules", RULES, "--format", "table", KUBELET_EVENTS]);
    const rows = r.stdout.trimEnd().split("\n");
    expect(rows).toHaveLength(4);
    expect(rows[1]).toMatch(/node-a\s+www-data\s+curl\s+curl -sk https:\/\/10\.0\.4\.17:10250\/pods$/);
  });

  it("summary: the rules that alerted by severity, with counts, tactics, first and last times, and totals", async () => {
    const dir = ruleDir({
      "curl.toml": testRuleToml(
        "curl",
        'process where process.name == "curl"',
        'tags = ["Tactic: Discovery"]',
      ).replace('severity = "high"', 'severity = "critical"'),
      "sh.toml": `${testRuleToml("sh", 'process where process.name == "sh"')}
[[rule.threat]]
framework = "MITRE ATT&CK"
[rule.threat.tactic]
id = "TA0002"
name = "Execution"
reference = "https://attack.mitre.org/tactics/TA0002/"
`,
      "never.toml": testRuleToml("never", 'process where process.name == "nothing"'),
      "seq.toml": testRuleToml(
        "seq",
        'sequence by host.name [process where process.name == "sh"] [process where process.name == "curl"]',
      ).replace('severity = "high"', 'severity = "medium"'),
    });
    const events = [
      processEvent(1, { process: { name: "sh" } }),
      processEvent(2, { process: { name: "curl" } }),
      processEvent(5, { process: { name: "sh" } }),
      processEvent(9, { process: { name: "sh" } }),
    ];
    const r = await cli(["run", "--rules", dir, "--no-window", "--format", "summary"], {
      input: lines(events),
    });
    expect(r.status).toBe(0);
    const out = r.stdout;
    expect(out.indexOf("critical: 1 alert from 1 rule")).toBeGreaterThanOrEqual(0);
    expect(out.indexOf("critical:")).toBeLessThan(out.indexOf("high: 3 alerts from 1 rule"));
    expect(out).toMatch(
      / 1 {2}Rule curl {2}Discovery +2026-11-20T09:00:02\.000Z {2}2026-11-20T09:00:02\.000Z\n/,
    );
    expect(out).toMatch(
      / 3 {2}Rule sh +Execution {2}2026-11-20T09:00:01\.000Z {2}2026-11-20T09:00:09\.000Z\n/,
    );
    expect(out).not.toContain("never");
    // The sequence's shell and two building blocks are one alert.
    expect(out.indexOf("high:")).toBeLessThan(out.indexOf("medium: 1 alert from 1 rule"));
    expect(out.trimEnd().split("\n").at(-1)).toBe(
      "total: 5 alerts from 3 rules (1 critical, 3 high, 1 medium)",
    );
  });
});

describe.concurrent("run: compact alerts, filters, limits and time bounds", { timeout: 60_000 }, () => {
  it("--alert compact leaves out the rule text repeated in every alert, and keeps the rest", async () => {
    const [full, compact] = await Promise.all([
      cli(["run", "--rules", RULES, KUBELET_EVENTS]),
      cli(["run", "--rules", RULES, "--alert", "compact", KUBELET_EVENTS]),
    ]);
    const f = ndjson(full.stdout);
    const c = ndjson(compact.stdout);
    expect(c).toHaveLength(3);
    const bytes = (text: string) => Buffer.byteLength(text) / 3;
    expect(bytes(full.stdout)).toBeGreaterThan(7000);
    expect(bytes(compact.stdout)).toBeLessThan(3000);
    expect(JSON.stringify(f[0]?.["kibana.alert.rule.parameters"])).toContain(
      "Investigating Potential Direct Kubelet",
    );
    expect(compact.stdout).not.toContain("Investigating");
    const first = c[0] as Record<string, unknown>;
    expect(first["kibana.alert.rule.description"]).toBeUndefined();
    expect(first["kibana.alert.rule.parameters"]).toBeUndefined();
    expect(
      (first["kibana.alert.rule.threat"] as { tactic: { name: string } }[]).map((t) => t.tactic.name),
    ).toContain("Lateral Movement");
    for (const k of [
      "kibana.alert.rule.name",
      "kibana.alert.rule.rule_id",
      "kibana.alert.severity",
      "kibana.alert.risk_score",
      "kibana.alert.uuid",
      "process",
      "host",
    ]) {
      expect(first[k]).toEqual(f[0]?.[k]);
    }
  });

  it("--min-severity, --tag, --rule-id and --rule-name choose the rules; none left is a usage error", async () => {
    const dir = ruleDir({
      "a.toml": testRuleToml(
        "a",
        'process where process.name == "curl"',
        'tags = ["Tactic: Discovery"]',
      ).replace('severity = "high"', 'severity = "low"'),
      "b.toml": testRuleToml("b", 'process where process.name == "curl"', 'tags = ["Tactic: Execution"]'),
      "c.toml": testRuleToml("c", 'process where process.name == "curl"').replace(
        'name = "Rule c"',
        'name = "Curl To Kubelet"',
      ),
    });
    const input = lines([processEvent(1, { process: { name: "curl" } })]);
    const ids = async (...args: string[]) => {
      const r = await cli(["run", "--rules", dir, "--no-window", ...args], { input });
      return {
        ids: ndjson(r.stdout)
          .map((a) => a["kibana.alert.rule.rule_id"])
          .sort(),
        r,
      };
    };
    const all = await ids();
    expect(all.ids).toEqual(["a", "b", "c"]);
    expect(all.r.stderr).toContain("rules: 3 loaded, 0 failed");
    const severe = await ids("--min-severity", "medium");
    expect(severe.ids).toEqual(["b", "c"]);
    expect(severe.r.stderr).toContain("rules: 3 loaded, 2 after filters,");
    expect((await ids("--tag", "Tactic: Discovery", "--tag", "Tactic: Execution")).ids).toEqual(["a", "b"]);
    expect((await ids("--tag", "tactic: discovery")).r.status).toBe(2);
    expect((await ids("--rule-id", "c", "--rule-id", "a")).ids).toEqual(["a", "c"]);
    expect((await ids("--rule-name", "kubelet")).ids).toEqual(["c"]);
    expect((await ids("--rule-name", "kubelet", "--min-severity", "critical")).r.status).toBe(2);
    const none = await ids("--rule-id", "zz");
    expect(none.r.status).toBe(2);
    expect(none.r.stderr).toContain("no rule is left after the filters");
    expect((await ids("--min-severity", "severe")).r.status).toBe(2);
  });

  it("--max-signals N replaces max_signals; 0 is no limit, with --no-window and on the schedule", async () => {
    const dir = ruleDir({ "curl.toml": testRuleToml("curl", 'process where process.name == "curl"') });
    // 300 matches between 09:00:01 and 09:03:20: the runs at 09:05 and 09:10 (10-minute look-back)
    // both search them, each alerting the newest max_signals not alerted yet.
    const input = lines(
      Array.from({ length: 300 }, (_, i) =>
        processEvent(1 + (i % 200), { process: { name: "curl", pid: i } }),
      ),
    );
    const count = async (...args: string[]) => {
      const r = await cli(["run", "--rules", dir, ...args], { input });
      expect(r.status).toBe(0);
      return { n: ndjson(r.stdout).length, stderr: r.stderr };
    };
    const byDefault = await count("--no-window");
    expect(byDefault.n).toBe(100);
    expect(byDefault.stderr).toContain("--max-signals N raises the limit");
    expect((await count("--no-window", "--max-signals", "7")).n).toBe(7);
    const unlimited = await count("--no-window", "--max-signals", "0");
    expect(unlimited.n).toBe(300);
    expect(unlimited.stderr).toContain("0 truncated by max_signals");
    expect((await count("--now", "2026-11-20T09:05:00Z", "--max-signals", "0")).n).toBe(300);
    expect((await count("--max-signals", "0")).n).toBe(300);
    expect((await count()).n).toBe(200);
    expect((await count("--max-signals", "3")).n).toBe(6);
  });

  it("--max-signals 0 prints each alert as it is found, before the input ends", async () => {
    const child = spawnNode([
      CLI,
      "run",
      "--rules",
      RULES,
      "--no-window",
      "--max-signals",
      "0",
      "--workers",
      "1",
      "-",
    ]);
    const first = readFileSync(KUBELET_EVENTS, "utf8").split("\n")[0] as string;
    let out = "";
    const seen = new Promise<void>((resolve) => {
      child.stdout.on("data", (b: Buffer) => {
        out += b.toString();
        if (out.includes("\n")) resolve();
      });
    });
    child.stdin.write(`${first}\n`);
    // stdin is still open: the alert can only come out because it streams.
    await seen;
    expect(ndjson(out)[0]?.["kibana.alert.rule.rule_id"]).toBe(KUBELET_ID);
    const done = new Promise((resolve) => child.on("close", resolve));
    child.stdin.end();
    expect(await done).toBe(0);
  });

  it("--from/--to search events of that time only and count the others", async () => {
    const r = await cli([
      "run",
      "--rules",
      RULES,
      "--no-window",
      "--from",
      "2026-11-20T09:01:00Z",
      "--to",
      "2026-11-20T09:02:30Z",
      KUBELET_EVENTS,
    ]);
    expect(r.status).toBe(0);
    expect(ndjson(r.stdout).map((a) => a["kibana.alert.original_time"])).toEqual([
      "2026-11-20T09:02:00.000Z",
    ]);
    expect(summary(r.stderr)).toEqual({ read: 8, matched: 1, unmatched: 1, rejected: 0 });
    expect(r.stderr).toContain("6 outside --from/--to");
    const epoch = await cli([
      "run",
      "--rules",
      RULES,
      "--from",
      String(Date.parse("2026-11-20T09:02:30Z")),
      KUBELET_EVENTS,
    ]);
    expect(ndjson(epoch.stdout).map((a) => a["kibana.alert.original_time"])).toEqual([
      "2026-11-20T09:03:00.000Z",
    ]);
    expect(epoch.stderr).toContain("4 outside --from/--to");
    expect((await cli(["run", "--rules", RULES, "--from", "soon", KUBELET_EVENTS])).status).toBe(2);
    const backwards = await cli([
      "run",
      "--rules",
      RULES,
      "--from",
      "2026-11-21",
      "--to",
      "2026-11-20",
      KUBELET_EVENTS,
    ]);
    expect(backwards.status).toBe(2);
  });

  it("the stderr summary lists the rules that alerted or failed, and counts the silent ones", async () => {
    const dir = ruleDir({
      "loud.toml": testRuleToml("loud", 'process where process.name == "curl"'),
      "quiet1.toml": testRuleToml("quiet1", 'process where process.name == "nothing"'),
      "quiet2.toml": testRuleToml("quiet2", 'process where process.name == "nothing either"'),
    });
    const input = lines([processEvent(1, { process: { name: "curl" } }), "not json"]);
    const r = await cli(["run", "--rules", dir, "--no-window"], { input: `${input}\nnot json\n` });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(
      "rules: 3 loaded, 0 failed to load, 0 not EQL (skipped); 1 alerted, 2 silent, 0 failed to run; 1 alert;",
    );
    expect(r.stderr).toContain("Rule loud [loud]: 1 alert; searched 1, matched 1");
    expect(r.stderr).not.toContain("quiet1");
    expect(r.stderr).not.toContain("quiet2");
    expect(summary(r.stderr)).toEqual({ read: 3, matched: 1, unmatched: 0, rejected: 2 });
  });
});

describe("run --workers 2", { timeout: 120_000 }, () => {
  it("formats and filters give what one thread gives", async () => {
    const dir = ruleDir({
      "a.toml": testRuleToml("a", 'process where process.name == "curl"'),
      "b.toml": testRuleToml("b", 'process where process.name : "c*"').replace(
        'severity = "high"',
        'severity = "low"',
      ),
      "c.toml": testRuleToml("c", 'process where process.name == "sh"'),
    });
    const input = lines(
      Array.from({ length: 40 }, (_, i) =>
        processEvent(i, { process: { name: i % 2 ? "curl" : "sh", pid: i } }),
      ),
    );
    for (const format of ["csv", "table", "summary", "json"]) {
      const args = [
        "run",
        "--rules",
        dir,
        "--no-window",
        "--now",
        "2026-11-20T09:10:00Z",
        "--format",
        format,
        "--min-severity",
        "medium",
        "--max-signals",
        "0",
      ];
      const [one, two] = await Promise.all([
        cli([...args, "--workers", "1"], { input }),
        cli([...args, "--workers", "2"], { input }),
      ]);
      expect(two.status).toBe(0);
      expect(two.stdout).toBe(one.stdout);
      expect(two.stderr).toBe(one.stderr);
      expect(two.stdout).not.toContain("Rule b");
      expect(two.stderr).toContain("rules: 3 loaded, 2 after filters");
    }
  });
});
