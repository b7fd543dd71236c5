/**
 * `mini-eql run --follow`: a growing file is read as it grows, across rotation and truncation, and
 * alerts come out while the command runs; SIGINT and SIGTERM end the run as at the end of its input.
 * The events are dated now, since a followed file is live and the clock moves to the wall clock.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { appendFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { CLI, cli, ensureBuilt, ROOT, summary, tempDir, testRuleToml } from "./helpers.js";

beforeAll(() => ensureBuilt());

/** A running command whose output is collected as it comes. */
interface Live {
  readonly child: ChildProcessWithoutNullStreams;
  stdout: string;
  stderr: string;
  readonly exited: Promise<number | null>;
}

const running: Live[] = [];

afterEach(() => {
  for (const l of running.splice(0)) if (l.child.exitCode === null) l.child.kill("SIGKILL");
});

function start(args: readonly string[]): Live {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT });
  const live: Live = {
    child,
    stdout: "",
    stderr: "",
    exited: new Promise((resolve) => child.on("close", (status) => resolve(status))),
  };
  child.stdout.on("data", (b: Buffer) => {
    live.stdout += b.toString("utf8");
  });
  child.stderr.on("data", (b: Buffer) => {
    live.stderr += b.toString("utf8");
  });
  running.push(live);
  return live;
}

/** Wait until `ready()` holds, looking every 50 ms; fails after `ms` with what was printed. */
async function until(live: Live, ready: () => boolean, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}\nstdout:\n${live.stdout}\nstderr:\n${live.stderr}`);
    if (live.child.exitCode !== null)
      throw new Error(`exited (${live.child.exitCode}) before ${what}\nstderr:\n${live.stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The hosts of the alerts printed so far (each alert is one NDJSON line). */
function alertHosts(live: Live): string[] {
  return live.stdout
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => {
      const doc = JSON.parse(l) as Record<string, unknown>;
      return String(doc["host.name"] ?? (doc.host as { name?: string } | undefined)?.name);
    });
}

/** A curl process event on `host`, dated now. */
function curl(host: string): string {
  return JSON.stringify({
    "@timestamp": new Date().toISOString(),
    event: { category: ["process"], type: ["start"] },
    process: { name: "curl" },
    host: { name: host },
  });
}

/** A rule directory: a curl rule that runs every second over the last minute, and `more` files. */
function rules(more: Record<string, string> = {}): string {
  const dir = tempDir();
  writeFileSync(
    join(dir, "curl.toml"),
    testRuleToml("curl", 'process where process.name == "curl"', "", { interval: "1s", from: "now-1m" }),
  );
  for (const [name, text] of Object.entries(more)) writeFileSync(join(dir, name), text);
  return dir;
}

describe("run --follow", () => {
  it("prints alerts for lines appended after it starts, across rotation and truncation; SIGTERM ends it with the summary", async () => {
    const dir = tempDir();
    const file = join(dir, "events.ndjson");
    writeFileSync(file, "");
    const live = start(["run", "--follow", "--rules", rules(), file]);
    const alerts = () => alertHosts(live);

    appendFileSync(file, `${curl("appended")}\n`);
    await until(live, () => alerts().includes("appended"), "the alert of an appended line");

    // Rotation: the file is renamed and a new one takes its name.
    renameSync(file, join(dir, "events.ndjson.1"));
    writeFileSync(file, `${curl("rotated")}\n`);
    await until(live, () => alerts().includes("rotated"), "the alert of the new file");
    expect(live.stderr).toContain("was replaced by a new file; reading it from its start");

    // Truncation: the same file cut to nothing, then written again.
    writeFileSync(file, "");
    await until(live, () => live.stderr.includes("was truncated"), "the truncation to be seen");
    appendFileSync(file, `${curl("truncated")}\n`);
    await until(live, () => alerts().includes("truncated"), "the alert after truncation");

    live.child.kill("SIGTERM");
    expect(await live.exited).toBe(0);
    expect(alerts()).toEqual(["appended", "rotated", "truncated"]);
    expect(live.stderr).toContain("stopped by SIGTERM");
    expect(summary(live.stderr)).toEqual({ read: 3, matched: 3, unmatched: 0, rejected: 0 });
  }, 120_000);

  it("holds an unfinished last line until its newline comes", async () => {
    const dir = tempDir();
    const file = join(dir, "events.ndjson");
    const second = curl("second");
    const cut = Math.floor(second.length / 2);
    // The first half of the second line comes with the first line, so it has been read once the
    // first line's alert is out.
    writeFileSync(file, `${curl("first")}\n${second.slice(0, cut)}`);
    const live = start(["run", "--follow", "--rules", rules(), file]);
    await until(live, () => alertHosts(live).includes("first"), "the first alert");
    appendFileSync(file, `${second.slice(cut)}\n`);
    await until(live, () => alertHosts(live).includes("second"), "the alert of the finished line");
    live.child.kill("SIGINT");
    expect(await live.exited).toBe(0);
    expect(summary(live.stderr)).toEqual({ read: 2, matched: 2, unmatched: 0, rejected: 0 });
  }, 120_000);

  it("on SIGTERM prints the alerts of runs not yet due, with two worker threads", async () => {
    const dir = tempDir();
    const file = join(dir, "events.ndjson");
    // A daily rule's run is due at the next midnight (UTC): only the end of the run gives its alert.
    const hourly = testRuleToml("hourly", 'process where process.name == "wget"', "", {
      interval: "24h",
      from: "now-48h",
    });
    writeFileSync(file, "");
    const live = start([
      "run",
      "--follow",
      "--workers",
      "2",
      "--rules",
      rules({ "hourly.toml": hourly }),
      file,
    ]);
    const wget = curl("hourly").replace('"curl"', '"wget"');
    appendFileSync(file, `${wget}\n${curl("quick")}\n`);
    await until(live, () => alertHosts(live).includes("quick"), "the curl alert");
    expect(alertHosts(live)).not.toContain("hourly");
    live.child.kill("SIGTERM");
    expect(await live.exited).toBe(0);
    expect(alertHosts(live).sort()).toEqual(["hourly", "quick"]);
    expect(live.stderr).toMatch(/Rule hourly \[hourly\]: 1 alert/);
  }, 120_000);

  it("SIGTERM during a run over stdin ends it with the alerts of end(), the summary and status 0", async () => {
    const live = start(["run", "--rules", rules(), "-"]);
    // The second event, ten minutes on, moves the clock past the first one's run.
    const later = JSON.stringify({
      ...(JSON.parse(curl("later")) as object),
      "@timestamp": new Date(Date.now() + 600_000).toISOString(),
    });
    live.child.stdin.write(`${curl("piped")}\n${later}\n`);
    await until(live, () => alertHosts(live).includes("piped"), "the first alert");
    live.child.kill("SIGTERM");
    expect(await live.exited).toBe(0);
    expect(live.stderr).toContain("stopped by SIGTERM");
    expect(alertHosts(live)).toEqual(["piped", "later"]);
    expect(summary(live.stderr).read).toBe(2);
  }, 60_000);

  it("takes one event file, not stdin nor gzip, and only with scheduled runs", async () => {
    const dir = tempDir();
    const a = join(dir, "a.ndjson");
    const b = join(dir, "b.ndjson");
    const gz = join(dir, "c.ndjson.gz");
    writeFileSync(a, "");
    writeFileSync(b, "");
    writeFileSync(gz, gzipSync(`${curl("x")}\n`));
    const r = rules();
    for (const args of [[a, b], ["-"], [gz]]) {
      const run = await cli(["run", "--follow", "--rules", r, ...args]);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/--follow (takes exactly one event file|cannot follow gzip)/);
    }
    const help = await cli(["run", "--help"]);
    expect(help.stdout).toContain("--follow FILE reads one file as it grows");
    expect(help.stdout).toContain("--watch-rules loads the rules again");
    const now = await cli(["run", "--follow", "--now", "2026-11-20T09:00:00Z", "--rules", r, a]);
    expect(now.status).toBe(2);
    expect(now.stderr).toContain("cannot be used with --now or --no-window");
  }, 60_000);
});

describe("run --follow --watch-rules", () => {
  /** A process event named `name` on host `host`, dated now. */
  const proc = (name: string, host = "h1") => curl(host).replace('"curl"', JSON.stringify(name));
  const schedule = { interval: "1s", from: "now-1m" };

  it.each([1, 2])(
    "reloads changed rule files; an unchanged sequence rule keeps its partial sequence across the reload (%i workers)",
    async (workers) => {
      const dir = rules({
        "seq.toml": testRuleToml(
          "seq",
          'sequence by host.name [process where process.name == "first"] [process where process.name == "second"]',
          "",
          schedule,
        ),
        "gone.toml": testRuleToml("gone", 'process where process.name == "never"', "", schedule),
      });
      const file = join(tempDir(), "events.ndjson");
      writeFileSync(file, "");
      const live = start([
        "run",
        "--follow",
        "--watch-rules",
        "--workers",
        String(workers),
        "--rules",
        dir,
        file,
      ]);
      const ruleIds = () =>
        live.stdout
          .split("\n")
          .filter((l) => l.trim() !== "")
          .map((l) => (JSON.parse(l) as Record<string, unknown>)["kibana.alert.rule.rule_id"]);

      // The sequence's first event, then a curl alert that shows it has been read.
      appendFileSync(file, `${proc("first")}\n${curl("before")}\n`);
      await until(live, () => alertHosts(live).includes("before"), "the curl alert");

      // The curl rule now looks for wget; a rule is added and one removed; the sequence rule stays.
      writeFileSync(
        join(dir, "curl.toml"),
        testRuleToml("curl", 'process where process.name == "wget"', "", schedule),
      );
      writeFileSync(
        join(dir, "new.toml"),
        testRuleToml("new", 'process where process.name == "ssh"', "", schedule),
      );
      unlinkSync(join(dir, "gone.toml"));
      // One reload, or more when the machine is slow enough for the watcher to see the writes apart.
      const reloaded = () => {
        const sum = [0, 0, 0];
        for (const m of live.stderr.matchAll(/rules reloaded: (\d+) changed, (\d+) added, (\d+) removed/g))
          for (let k = 0; k < 3; k++) sum[k] = (sum[k] as number) + Number(m[k + 1]);
        return sum.join(",");
      };
      await until(live, () => reloaded() === "1,1,1", "the reload to be reported");

      appendFileSync(file, `${proc("second")}\n${proc("wget")}\n${proc("ssh")}\n${curl("after")}\n`);
      await until(
        live,
        () => ruleIds().includes("seq") && ruleIds().includes("new"),
        "the alerts after the reload",
      );

      // A file that does not load: reported, and the other rules go on.
      writeFileSync(join(dir, "broken.toml"), "[rule\nrule_id = ");
      await until(
        live,
        () => /broken\.toml/.test(live.stderr) && /1 file failed to load/.test(live.stderr),
        "the load error",
      );
      appendFileSync(file, `${proc("ssh", "h2")}\n`);
      await until(
        live,
        () => ruleIds().filter((id) => id === "new").length === 2,
        "an alert after the failed reload",
      );

      live.child.kill("SIGTERM");
      await live.exited;
      const ids = ruleIds();
      // The sequence (its shell and two building blocks), wget by the edited rule; curl no longer alerts.
      expect(ids.filter((id) => id === "seq")).toHaveLength(3);
      expect(alertHosts(live).filter((h) => h === "after")).toEqual([]);
      expect(ids.filter((id) => id === "curl")).toHaveLength(2);
      // The sequence rule's report spans the reloads; the edited rule counts from its reload.
      expect(live.stderr).toMatch(/Rule seq \[seq\]: 3 alerts; searched 7, matched 1/);
      expect(live.stderr).toMatch(/Rule curl \[curl\]: 1 alert; searched 5, matched 1/);
    },
    180_000,
  );
});
