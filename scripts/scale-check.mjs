#!/usr/bin/env node
/**
 * The scale-out check, end to end with real processes: start nats-server (JetStream, 127.0.0.1, a
 * temporary directory), publish a generated stream with `mini-eql publish` over 6 partitions, run 3
 * workers (`mini-eql run --nats ... --partition K,K+3/6`, the first with --whole-stream), kill one with SIGKILL once about 40% of the
 * events are evaluated and start it again, wait until every partition is caught up, then compare every
 * alert in the alerts stream with `mini-eql run` of the same rules over the same events in one process.
 *
 *   npm run build && node scripts/scale-check.mjs [--events N (20000)] [--seed N (7)] [--hosts N (200)]
 *                                               [--workers N (3)] [--partitions N (6)] [--keep DIR] [--no-kill]
 *
 * Rules: Elastic's corpus ($MINI_EQL_CORPUS or ../shared/corpus/detection-rules-eql.jsonl) when it is
 * there, else the rules/ folder of this repository, all but samples (they alert only when input
 * ends); the first worker also consumes the whole stream (--whole-stream) for the rules a partition
 * cannot answer alone (sequences not joined by host.id, the partition key). Events: the
 * corpus-shaped generator of bench/corpus-events.mjs over many hosts, its sequences' stages in bursts
 * that the kill falls in the middle of. Prints progress on stderr and, last, exactly one line:
 *
 *   scale-out: <n> alerts, identical to one process: yes|no, lost <n>, duplicated <n>, <events/s> events/s
 *
 * and exits 1 unless the answer is yes with nothing lost or duplicated.
 */
import { spawn, spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { intOption } from "../bench/args.mjs";
import { corpusEvents, stageTemplates } from "../bench/corpus-events.mjs";
import { startNatsServer } from "./lib/nats-server.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const cli = join(root, "dist/cli/index.js");
const argv = process.argv.slice(2);
const EVENTS = intOption(argv, "--events", 20_000);
const SEED = intOption(argv, "--seed", 7);
const HOSTS = intOption(argv, "--hosts", 200);
const WORKERS = intOption(argv, "--workers", 3);
const PARTITIONS = intOption(argv, "--partitions", 6);
const keepAt = argv.indexOf("--keep");
const NO_KILL = argv.includes("--no-kill");
const say = (line) => process.stderr.write(`scale-check: ${line}\n`);

if (!existsSync(cli)) {
  say("run npm run build first");
  process.exit(2);
}
const node = await import(pathToFileURL(join(root, "dist/node/index.js")).href);
const { ruleFromObject } = await import(pathToFileURL(join(root, "dist/index.js")).href);
const { jetstream, jetstreamManager } = await import("@nats-io/jetstream");

const work =
  keepAt >= 0 ? resolve(argv[keepAt + 1] ?? "scale-check") : mkdtempSync(join(tmpdir(), "mini-eql-scale-"));
mkdirSync(work, { recursive: true });
const rulesDir = join(work, "rules");
rmSync(rulesDir, { recursive: true, force: true });
mkdirSync(rulesDir);

// ---------- rules ----------
const corpusPath = process.env.MINI_EQL_CORPUS
  ? resolve(process.env.MINI_EQL_CORPUS)
  : resolve(root, "../shared/corpus/detection-rules-eql.jsonl");
let loaded;
let queries = [];
if (existsSync(corpusPath)) {
  const rows = readFileSync(corpusPath, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l));
  queries = rows.map((r) => r.query);
  loaded = rows.map(({ path: _p, kind: _k, ...row }) => {
    const object = { ...row, type: "eql", language: "eql", description: row.name };
    return {
      ...ruleFromObject(object),
      write: (dir) => writeFileSync(join(dir, `${row.rule_id}.json`), JSON.stringify(object)),
    };
  });
  say(`rules: ${rows.length} from ${corpusPath}`);
} else {
  loaded = node.loadRules(join(root, "rules")).rules.map((r) => ({
    ...r,
    write: (dir) => copyFileSync(r.origin.file, join(dir, basename(r.origin.file))),
  }));
  say(`rules: ${loaded.length} from rules/ (no corpus at ${corpusPath})`);
}
// Every rule but samples (which alert only when input ends, and a stream does not end). Those a
// partition cannot answer alone run in the first worker over the whole stream (--whole-stream).
const kept = loaded.filter((r) => r.compiled.statement.query.kind !== "sample");
for (const r of kept) r.write(rulesDir);
const whole = node.crossPartitionRules(kept, "host.id").length;
say(
  `rules kept: ${kept.length}, of them ${kept.filter((r) => r.compiled.statement.query.kind === "sequence").length} sequences; ` +
    `${whole} run over the whole stream (not joined by host.id, or with head/tail); left out: ${loaded.length - kept.length} samples`,
);

// ---------- events ----------
const eventsFile = join(work, "events.ndjson");
const templates = stageTemplates(queries);
const events = corpusEvents({
  count: EVENTS,
  seed: SEED,
  templates,
  hosts: HOSTS,
  start: Date.parse("2026-05-04T10:00:00Z"),
});
writeFileSync(eventsFile, `${events.map((e) => JSON.stringify(e)).join("\n")}\n`);
say(`events: ${events.length} over ${HOSTS} hosts in ${eventsFile}`);

// ---------- one process ----------
// max_signals caps each run of a rule within one process: a partitioned deployment caps it per
// partition, so both sides run without the cap here (see the README's "Scale out").
const oneStart = performance.now();
const one = spawnSync(
  process.execPath,
  [cli, "run", "--rules", rulesDir, "--workers", "1", "--max-signals", "0", "--quiet", eventsFile],
  {
    maxBuffer: 1 << 30,
    encoding: "utf8",
  },
);
if (one.status !== 0) {
  say(`one process failed (${one.status}): ${one.stderr}`);
  process.exit(2);
}
const expected = new Map();
for (const line of one.stdout.split("\n")) {
  if (line === "") continue;
  expected.set(JSON.parse(line)["kibana.alert.uuid"], line);
}
const oneSeconds = (performance.now() - oneStart) / 1000;
say(
  `one process: ${expected.size} alerts in ${oneSeconds.toFixed(1)} s (${Math.round(EVENTS / oneSeconds)} events/s, start-up included)`,
);

const server = await startNatsServer();
const workers = [];
let exit = 1;
try {
  // ---------- publish ----------
  const pub = spawnSync(
    process.execPath,
    [cli, "publish", "--nats", server.url, "--partitions", String(PARTITIONS), eventsFile],
    { encoding: "utf8" },
  );
  if (pub.status !== 0) throw new Error(`publish failed (${pub.status}): ${pub.stderr}`);
  say(pub.stderr.trim().split("\n").at(-1));

  // ---------- workers ----------
  const shares = Array.from({ length: WORKERS }, (_, w) =>
    Array.from({ length: PARTITIONS }, (_, k) => k).filter((k) => k % WORKERS === w),
  );
  const startWorker = (w) => {
    const args = [
      cli,
      "run",
      "--rules",
      rulesDir,
      "--nats",
      server.url,
      "--partition",
      `${shares[w].join(",")}/${PARTITIONS}`,
      "--checkpoint-events",
      "1000",
      "--idle-advance",
      "1000",
      "--metrics",
      "0",
      "--max-signals",
      "0",
      ...(w === 0 ? ["--whole-stream"] : []),
    ];
    const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"] });
    const proc = { child, port: null, log: "" };
    child.stderr.on("data", (b) => {
      proc.log += b.toString("utf8");
      const m = /metrics: http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(proc.log);
      if (m) proc.port = Number(m[1]);
    });
    return proc;
  };
  const metrics = async (proc) => {
    if (proc.port === null) return null;
    try {
      const text = await (await fetch(`http://127.0.0.1:${proc.port}/metrics`)).text();
      const sum = (name) =>
        text
          .split("\n")
          .filter((l) => l.startsWith(`${name}{`))
          .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);
      return {
        events: sum("mini_eql_events_total"),
        lag: sum("mini_eql_lag_messages"),
        alerts: sum("mini_eql_alerts_total"),
      };
    } catch {
      return null;
    }
  };
  const t0 = performance.now();
  for (let w = 0; w < WORKERS; w++) workers[w] = startWorker(w);

  // Kill the second worker (or the only one) with SIGKILL once about 40% of the events are evaluated.
  const victim = Math.min(1, WORKERS - 1);
  let firstEvent = null;
  for (;;) {
    const all = await Promise.all(workers.map(metrics));
    const evaluated = all.reduce((n, m) => n + (m?.events ?? 0), 0);
    if (firstEvent === null && evaluated > 0) firstEvent = performance.now();
    if (evaluated >= EVENTS * 0.4 || NO_KILL) break;
    if (performance.now() - t0 > 300_000) throw new Error("the workers made no progress for 5 minutes");
    await new Promise((r) => setTimeout(r, 25));
  }
  let killedAt = null;
  if (!NO_KILL) {
    const before = await metrics(workers[victim]);
    workers[victim].child.kill("SIGKILL");
    await new Promise((r) => workers[victim].child.once("exit", r));
    killedAt = performance.now();
    say(
      `killed worker ${victim} (partitions ${shares[victim].join(", ")}) with SIGKILL after ${before?.events ?? "?"} of its events; starting it again`,
    );
    workers[victim] = startWorker(victim);
  }

  // Caught up: nothing pending anywhere, and the alerts stream has stopped growing for 3 s.
  const nc = await node.connectNats(server.url, "scale-check");
  const jsm = await jetstreamManager(nc);
  let stable = 0;
  let last = -1;
  let recovered = null;
  let caughtUp = null;
  while (stable < 3000) {
    await new Promise((r) => setTimeout(r, 250));
    const all = await Promise.all(workers.map(metrics));
    if (firstEvent === null && all.some((m) => (m?.events ?? 0) > 0)) firstEvent = performance.now();
    if (killedAt !== null && recovered === null && all[victim] !== null && all[victim].events > 0)
      recovered = performance.now() - killedAt;
    const pending = all.every((m) => m !== null) && all.every((m) => m.lag === 0);
    let count = -1;
    try {
      count = (await jsm.streams.info("MINI_EQL_ALERTS")).state.messages;
    } catch {}
    if (pending && count === last) {
      caughtUp ??= performance.now();
      stable += 250;
    } else {
      stable = 0;
      caughtUp = null;
    }
    last = count;
    if (performance.now() - t0 > 600_000) throw new Error("the workers did not catch up in 10 minutes");
  }
  const end = caughtUp ?? performance.now();
  const seconds = (end - t0) / 1000;
  const consuming = (end - (firstEvent ?? t0)) / 1000;
  say(
    `throughput: ${EVENTS} events caught up ${seconds.toFixed(1)} s after the workers started (${Math.round(EVENTS / seconds)} events/s, ` +
      `start-up${NO_KILL ? "" : ", the kill and the restart"} included); ${consuming.toFixed(1)} s from the first event evaluated (${Math.round(EVENTS / consuming)} events/s); ` +
      `one process took ${oneSeconds.toFixed(1)} s, so the workers took ${(seconds / oneSeconds).toFixed(2)}× its time`,
  );
  for (const w of workers) w.child.kill("SIGTERM");
  await Promise.all(
    workers.map((w) => new Promise((r) => (w.child.exitCode !== null ? r() : w.child.once("exit", r)))),
  );

  // ---------- compare ----------
  const js = jetstream(nc);
  const consumer = await js.consumers.get("MINI_EQL_ALERTS");
  const got = new Map();
  let messages = 0;
  let duplicated = 0;
  for (let remaining = last; remaining > 0; ) {
    const batch = await consumer.fetch({ max_messages: 1000, expires: 2000 });
    let n = 0;
    for await (const m of batch) {
      n++;
      messages++;
      const text = m.string();
      const id = JSON.parse(text)["kibana.alert.uuid"];
      if (got.has(id)) duplicated++;
      else got.set(id, text);
    }
    if (n === 0) break;
    remaining -= n;
  }
  await nc.close();
  let lost = 0;
  let differ = 0;
  for (const [id, text] of expected) {
    if (!got.has(id)) lost++;
    else if (got.get(id) !== text) differ++;
  }
  const extra = [...got.keys()].filter((id) => !expected.has(id)).length;
  say(
    `alerts stream: ${messages} messages, ${got.size} distinct; ${extra} not in one process's, ${differ} with other content; ` +
      (NO_KILL
        ? "no worker killed (--no-kill)"
        : `recovery: the restarted worker evaluated again ${recovered === null ? "?" : `${Math.round(recovered)} ms`} after the kill`),
  );
  for (const [w, proc] of workers.entries()) {
    const lines = proc.log.split("\n").filter((l) => /^partition (\d+|all): \d+ events/.test(l));
    for (const l of lines) say(`worker ${w}: ${l}`);
  }
  if (keepAt >= 0) {
    writeFileSync(join(work, "alerts-one-process.ndjson"), `${[...expected.values()].join("\n")}\n`);
    writeFileSync(join(work, "alerts-stream.ndjson"), `${[...got.values()].join("\n")}\n`);
    say(`kept in ${work}: rules/, events.ndjson, alerts-one-process.ndjson, alerts-stream.ndjson`);
  }
  const identical = lost === 0 && extra === 0 && differ === 0 && duplicated === 0;
  console.log(
    `scale-out: ${got.size} alerts, identical to one process: ${identical ? "yes" : "no"}, lost ${lost}, duplicated ${duplicated}, ${Math.round(EVENTS / seconds)} events/s`,
  );
  exit = identical ? 0 : 1;
} catch (e) {
  say(e instanceof Error ? (e.stack ?? e.message) : String(e));
  for (const [w, proc] of workers.entries()) if (proc) say(`worker ${w} said:\n${proc.log}`);
  exit = 2;
} finally {
  for (const w of workers) if (w && w.child.exitCode === null) w.child.kill("SIGKILL");
  await server.stop();
  if (keepAt < 0) rmSync(work, { recursive: true, force: true });
}
process.exit(exit);
