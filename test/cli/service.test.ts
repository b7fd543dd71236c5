/**
 * examples/service.mjs over HTTP, as a client sees it: the real service on 127.0.0.1 (an ephemeral
 * port, read from its stderr), events posted with fetch, then /metrics scraped and read as the
 * Prometheus text exposition format.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, ndjson, ROOT, tempDir, testRuleToml } from "./helpers.js";

beforeAll(ensureBuilt, 180_000);

let child: ChildProcess | null = null;

afterEach(async () => {
  if (child && child.exitCode === null) {
    child.kill("SIGTERM");
    await once(child, "exit");
  }
  child = null;
});

/** Start the service over `rulesDir` with extra environment; resolves to its port. */
async function startService(rulesDir: string, env: Record<string, string> = {}): Promise<number> {
  const c = spawn(process.execPath, ["examples/service.mjs", rulesDir], {
    cwd: ROOT,
    env: { ...process.env, PORT: "0", ...env },
  });
  child = c;
  let err = "";
  c.stderr.setEncoding("utf8");
  return new Promise<number>((resolve, reject) => {
    c.stderr.on("data", (text: string) => {
      err += text;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(err);
      if (m) resolve(Number(m[1]));
    });
    c.on("exit", () => reject(new Error(`service exited:\n${err}`)));
  });
}

/** The samples of a scrape: `name{labels}` → value (comments left out). */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

/** A curl process event on `host`, `minutesAgo` minutes before now. */
function curl(host: string, minutesAgo: number): string {
  return JSON.stringify({
    "@timestamp": new Date(Date.now() - minutesAgo * 60_000).toISOString(),
    event: { category: ["process"], type: ["start"] },
    process: { name: "curl" },
    host: { name: host },
  });
}

describe("examples/service.mjs /metrics", () => {
  it("counts events, rejected lines, alerts per rule, de-duplication evictions and lag", async () => {
    const dir = tempDir();
    // A name with a quote, a backslash and a line break, which label values must escape.
    const tricky = testRuleToml("curl", 'process where process.name == "curl"', "", {
      interval: "1m",
      from: "now-5m",
    }).replace('name = "Rule curl"', 'name = "Say \\"hi\\" \\\\ then\\nbye"');
    writeFileSync(join(dir, "curl.toml"), tricky);
    writeFileSync(
      join(dir, "wget.toml"),
      testRuleToml("wget", 'process where process.name == "wget"', "", { interval: "1m", from: "now-5m" }),
    );
    const port = await startService(dir, { DEDUP_MAX_IDS: "1" });
    const base = `http://127.0.0.1:${port}`;

    const before = await fetch(`${base}/metrics`);
    expect(before.status).toBe(200);
    expect(before.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    expect(samples(await before.text()).get("mini_eql_events_total")).toBe(0);

    const body = `${curl("a", 3)}\nnot json\n${curl("b", 3)}\n`;
    const posted = await fetch(`${base}/events`, { method: "POST", body });
    expect(posted.status).toBe(200);
    const alerts = ndjson(await posted.text());
    expect(alerts).toHaveLength(2);

    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain("# TYPE mini_eql_events_total counter");
    expect(text).toContain("# TYPE mini_eql_lag_seconds gauge");
    const m = samples(text);
    expect(m.get("mini_eql_events_total")).toBe(2);
    expect(m.get("mini_eql_rejected_total")).toBe(1);
    expect(m.get("mini_eql_alerts_total")).toBe(2);
    const curlLabels = '{rule_id="curl",rule_name="Say \\"hi\\" \\\\ then\\nbye"}';
    expect(m.get(`mini_eql_rule_matches_total${curlLabels}`)).toBe(2);
    expect(m.get(`mini_eql_rule_alerts_total${curlLabels}`)).toBe(2);
    expect(m.get('mini_eql_rule_matches_total{rule_id="wget",rule_name="Rule wget"}')).toBe(0);
    // At most one id is kept: the second alert's id evicted the first.
    expect(m.get("mini_eql_dedup_ids")).toBe(1);
    expect(m.get("mini_eql_dedup_evicted_total")).toBe(1);
    expect(m.get("mini_eql_dedup_expired_total")).toBe(0);
    expect(m.get("mini_eql_late_events_total")).toBe(0);
    expect(m.get("mini_eql_state_evicted_total")).toBe(0);
    // The newest event is about three minutes old.
    const lag = m.get("mini_eql_lag_seconds") as number;
    expect(lag).toBeGreaterThanOrEqual(170);
    expect(lag).toBeLessThan(3600);
    // Every sample line is `name{labels} value` on one line.
    for (const line of text.split("\n")) {
      if (line !== "" && !line.startsWith("#"))
        expect(line).toMatch(/^mini_eql_[a-z_]+(\{.*\})? [0-9.e+-]+$/);
    }
  }, 60_000);

  it("forgets alert ids after their time to live", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "curl.toml"),
      testRuleToml("curl", 'process where process.name == "curl"', "", { interval: "1m", from: "now-5m" }),
    );
    const port = await startService(dir, { DEDUP_TTL_SECONDS: "0.001" });
    const base = `http://127.0.0.1:${port}`;
    const posted = await fetch(`${base}/events`, { method: "POST", body: `${curl("a", 3)}\n` });
    expect(ndjson(await posted.text())).toHaveLength(1);
    // The id expires a millisecond after it was added: a scrape soon finds it forgotten.
    const deadline = Date.now() + 30_000;
    let m = samples(await (await fetch(`${base}/metrics`)).text());
    while (m.get("mini_eql_dedup_expired_total") !== 1 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      m = samples(await (await fetch(`${base}/metrics`)).text());
    }
    expect(m.get("mini_eql_dedup_expired_total")).toBe(1);
    expect(m.get("mini_eql_dedup_ids")).toBe(0);
    expect(m.get("mini_eql_alerts_total")).toBe(1);
  }, 60_000);
});
