/**
 * `mini-eql run --nats URL --partition K/N` against a real nats-server: what the worker prints, its
 * metrics, SIGTERM (checkpoint and exit 0), SIGKILL and a restart (the alerts of one process, none
 * twice), one owner per partition, and its errors.
 */
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { jetstreamManager } from "@nats-io/jetstream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectNats, type NatsConnection } from "../../src/node/nats/connection.js";
import { freePort, type NatsServer, startNatsServer } from "../helpers/nats-server.js";
import { processEvents } from "../helpers/process-events.js";
import { CLI, cli, ensureBuilt, ndjson, spawnNode, tempDir, testRuleToml } from "./helpers.js";

let server: NatsServer;
let nc: NatsConnection;
let dir: string;
let rules: string;
let events: string;
let streamNo = 0;

beforeAll(async () => {
  ensureBuilt();
  server = await startNatsServer();
  nc = await connectNats(server.url, "test");
  dir = tempDir("mini-eql-nats-run-");
  rules = join(dir, "rules");
  mkdirSync(rules);
  const schedule = { interval: "1m", from: "now-2m" };
  writeFileSync(join(rules, "a.toml"), testRuleToml("a", 'process where process.name == "a"', "", schedule));
  writeFileSync(
    join(rules, "seq.toml"),
    testRuleToml(
      "seq",
      'sequence by host.id with maxspan=30s [process where process.name == "a"] [process where process.name == "b"]',
      "",
      schedule,
    ),
  );
  writeFileSync(
    join(rules, "byname.toml"),
    testRuleToml(
      "byname",
      'sequence by process.name with maxspan=5s [process where host.id == "h1"] [process where host.id == "h3"]',
      "",
      schedule,
    ),
  );
  events = join(dir, "events.ndjson");
  writeFileSync(
    events,
    `${processEvents(3000)
      .map((e) => JSON.stringify(e))
      .join("\n")}\n`,
  );
}, 120_000);

afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

/** A fresh stream with the events published to it; `args` points a worker at it and its own alerts stream. */
async function published(partitions: number): Promise<{ stream: string; alerts: string; args: string[] }> {
  streamNo++;
  const stream = `EV${streamNo}`;
  const subject = `ev${streamNo}`;
  const alerts = `AL${streamNo}`;
  const run = await cli([
    "publish",
    "--nats",
    server.url,
    "--stream",
    stream,
    "--subject",
    subject,
    "--partitions",
    String(partitions),
    events,
  ]);
  expect(run.status, run.stderr).toBe(0);
  return {
    stream,
    alerts,
    args: ["--stream", stream, "--alerts-stream", alerts, "--alerts-subject", alerts.toLowerCase()],
  };
}

/** The rules partitions answer alone. */
const PARTITIONED = ["--rule-id", "a", "--rule-id", "seq"];

/** `mini-eql run --rules <rules> --nats <url> ...args` to its end (a worker that fails at start). */
function runNats(args: readonly string[], url = server.url) {
  return cli(["run", "--rules", rules, "--nats", url, ...args]);
}

interface Worker {
  readonly child: ChildProcessWithoutNullStreams;
  stderr: string;
  stdout: string;
  readonly exited: Promise<number | null>;
}

function worker(args: readonly string[]): Worker {
  const child = spawnNode([CLI, "run", "--rules", rules, "--nats", server.url, ...args]);
  const w: Worker = {
    child,
    stderr: "",
    stdout: "",
    exited: new Promise((resolve) => child.on("close", (code) => resolve(code))),
  };
  child.stderr.on("data", (b: Buffer) => {
    w.stderr += b.toString("utf8");
  });
  child.stdout.on("data", (b: Buffer) => {
    w.stdout += b.toString("utf8");
  });
  return w;
}

async function until(what: () => boolean | Promise<boolean>, ms = 30_000, say = () => ""): Promise<void> {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error(`timed out waiting ${say()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The alerts in a stream, as JSON text by alert id; and how many messages it holds. */
async function streamAlerts(stream: string): Promise<{ byId: Map<string, string>; messages: number }> {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(stream);
  const byId = new Map<string, string>();
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
    const m = await jsm.streams.getMessage(stream, { seq });
    if (m) byId.set(String(JSON.parse(m.string())["kibana.alert.uuid"]), m.string());
  }
  return { byId, messages: info.state.messages };
}

async function streamCount(stream: string): Promise<number> {
  try {
    return (await (await jetstreamManager(nc)).streams.info(stream)).state.messages;
  } catch {
    return -1;
  }
}

/** The alerts of one process over the events (of the rules given; all when none is). */
async function oneProcess(ids: readonly string[] = ["a", "seq"]): Promise<Map<string, string>> {
  const run = await cli([
    "run",
    "--rules",
    rules,
    ...ids.flatMap((id) => ["--rule-id", id]),
    "--workers",
    "1",
    events,
  ]);
  expect(run.status, run.stderr).toBe(0);
  return new Map(ndjson(run.stdout).map((a) => [String(a["kibana.alert.uuid"]), JSON.stringify(a)]));
}

describe("run --nats", { timeout: 120_000 }, () => {
  it("prints what it consumes and publishes, serves metrics, and checkpoints and exits 0 on SIGTERM", async () => {
    const { alerts, args } = await published(2);
    const expected = await oneProcess();
    const port = await freePort();
    const w = worker([
      ...PARTITIONED,
      ...args,
      "--partition",
      "0,1/2",
      "--idle-advance",
      "300",
      "--metrics",
      String(port),
      "--print",
      "--format",
      "ndjson",
    ]);
    await until(
      async () => (await streamCount(alerts)) === expected.size,
      60_000,
      () => w.stderr,
    );
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/^# TYPE mini_eql_events_total counter$/m);
    expect(metrics).toMatch(/^mini_eql_lag_messages\{partition="1"\} 0$/m);
    const evaluated = [...metrics.matchAll(/^mini_eql_events_total\{partition="\d"\} (\d+)$/gm)].reduce(
      (n, m) => n + Number(m[1]),
      0,
    );
    expect(evaluated).toBe(3000);
    w.child.kill("SIGTERM");
    expect(await w.exited).toBe(0);
    expect(w.stderr).toContain("worker: consuming partitions 0, 1 of 2 from");
    expect(w.stderr).toMatch(/partition 0: checkpointed at stream sequence \d+ and released/);
    expect(w.stderr).toContain("stopped by SIGTERM: every partition checkpointed");
    // --print writes the alerts published, each once.
    const printed = ndjson(w.stdout).map((a) => String(a["kibana.alert.uuid"]));
    expect(printed.sort()).toEqual([...expected.keys()].sort());
    const { byId } = await streamAlerts(alerts);
    expect(new Map([...byId].sort())).toEqual(new Map([...expected].sort()));
  });

  it("after SIGKILL, started again, gives the alerts of one process, none twice", async () => {
    const { alerts, args: target } = await published(3);
    const expected = await oneProcess();
    const args = [
      ...PARTITIONED,
      ...target,
      "--partition",
      "0,1,2/3",
      "--checkpoint-events",
      "100",
      "--batch",
      "50",
      "--idle-advance",
      "300",
    ];
    const first = worker(args);
    await until(
      async () => (await streamCount(alerts)) > expected.size / 3,
      60_000,
      () => first.stderr,
    );
    first.child.kill("SIGKILL");
    await first.exited;
    const second = worker(args);
    await until(
      async () => (await streamCount(alerts)) === expected.size,
      60_000,
      () => second.stderr,
    );
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
    expect(second.stderr).toMatch(/partition \d: restored the checkpoint at stream sequence \d+/);
    const { byId, messages } = await streamAlerts(alerts);
    expect(messages).toBe(expected.size);
    expect(new Map([...byId].sort())).toEqual(new Map([...expected].sort()));
  });

  it("with --whole-stream, runs the rules a partition cannot answer alone over the whole stream: one process's alerts", async () => {
    const { alerts, args } = await published(2);
    const expected = await oneProcess([]);
    const common = [...args, "--idle-advance", "300"];
    const whole = worker([...common, "--partition", "0/2", "--whole-stream"]);
    const other = worker([...common, "--partition", "1/2"]);
    await until(
      async () => (await streamCount(alerts)) === expected.size,
      60_000,
      () => whole.stderr + other.stderr,
    );
    expect([...expected.values()].some((a) => a.includes('"kibana.alert.rule.rule_id":"byname"'))).toBe(true);
    whole.child.kill("SIGTERM");
    other.child.kill("SIGTERM");
    expect(await whole.exited).toBe(0);
    expect(await other.exited).toBe(0);
    expect(whole.stderr).toContain("worker: consuming partition 0 of 2 and the whole stream from");
    expect(whole.stderr).toContain(
      "1 rule not joined by host.id (the partition key) or with head/tail pipes runs here over the whole stream",
    );
    expect(whole.stderr).toMatch(/partition all: checkpointed at stream sequence 3000 and released/);
    const { byId, messages } = await streamAlerts(alerts);
    expect(messages).toBe(expected.size);
    expect(new Map([...byId].sort())).toEqual(new Map([...expected].sort()));
  });

  it("names the rules a partition cannot answer alone, and refuses a partition another worker owns", async () => {
    const { stream } = await published(2);
    const first = worker(["--stream", stream, "--partition", "0/2", "--worker-name", "one"]);
    await until(
      () => first.stderr.includes("worker: consuming"),
      30_000,
      () => first.stderr,
    );
    expect(first.stderr).toContain(
      "1 rule not joined by host.id (the partition key) or with head/tail pipes runs only in the worker that consumes the whole stream (--whole-stream)",
    );
    const second = await runNats(["--stream", stream, "--partition", "0/2", "--worker-name", "two"]);
    expect(second.status).toBe(1);
    expect(second.stderr).toMatch(/NATS_PARTITION_OWNED: partition 0 is owned by worker one \(pid \d+/);
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    // Released on the way out: another worker may take it at once.
    const third = worker(["--stream", stream, "--partition", "0/2", "--worker-name", "three"]);
    await until(
      () => third.stderr.includes("worker: consuming"),
      30_000,
      () => third.stderr,
    );
    third.child.kill("SIGTERM");
    expect(await third.exited).toBe(0);
  });

  it("says what is wrong with the server, the stream or the options", async () => {
    const port = await freePort();
    const unreachable = await runNats(["--partition", "0/2"], `nats://127.0.0.1:${port}`);
    expect(unreachable.status).toBe(1);
    expect(unreachable.stderr).toContain("NATS_UNREACHABLE");
    const missing = await runNats(["--stream", "NOPE", "--partition", "0/2"]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("NATS_NO_STREAM");
    const { stream } = await published(2);
    const wrongCount = await runNats(["--stream", stream, "--partition", "0/4"]);
    expect(wrongCount.status).toBe(1);
    expect(wrongCount.stderr).toContain(`NATS_LAYOUT_MISMATCH: stream ${stream} has 2 partitions, not 4`);
    for (const [args, message] of [
      [["--nats", server.url], "--nats needs --partition K/N"],
      [["--nats", server.url, "--partition", "2/2"], "K must be below N"],
      [
        ["--nats", server.url, "--partition", "0/2", "--partition", "1/3"],
        "every partition must be of the same N",
      ],
      [["--nats", server.url, "--partition", "0/2", "--now", "now"], "cannot be used with --now"],
      [["--nats", server.url, "--partition", "0/2", events], "cannot be used with event files"],
      [["--partition", "0/2", events], "--partition needs --nats"],
    ] as const) {
      const run = await cli(["run", "--rules", rules, ...args]);
      expect(run.status, run.stderr).toBe(2);
      expect(run.stderr).toContain(message);
    }
  });
});
