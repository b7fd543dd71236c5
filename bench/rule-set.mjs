/**
 * The corpus rules as one compiled rule set, measured two ways (run alone or from run.mjs):
 *
 *   a. end to end: `mini-eql run --rules <the corpus rules as files> --no-window FILE` against the bare
 *      read + JSON.parse floor (../shared/bench/io-floor.mjs) over the same NDJSON, wall time of each
 *      process, alternating, for events from ../shared/bench/gen-events.mjs and from corpus-events.mjs;
 *      with `--workers 1` and `--workers 2` (when the command line has `--workers`) in the same rounds,
 *      and the two-worker / one-worker throughput ratio (one worker's median time over two's); the
 *      start-up alone (the same command over a file without events) against the same floor;
 *   b. in memory: events/s (CPU time) of `compileRules(...).pushBatch(events)` with 100, 300 and all
 *      rules, and the cost per event at each size (a fresh rule set per round, compiled outside the
 *      timing).
 *
 *   node bench/rule-set.mjs [--events N (20000)] [--rounds N (3)] [--mem-rounds N (5)] [--seed N (42)]
 *
 * The corpus is $MINI_EQL_CORPUS or ../shared/corpus/detection-rules-eql.jsonl from the repository
 * root; without it the script says so and exits 0. Prints a table and one `RESULT {json}` line.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { intOption } from "./args.mjs";
import { corpusEvents, stageTemplates } from "./corpus-events.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const shared = resolve(root, "../shared/bench");
const cli = resolve(root, "dist/cli/index.js");
const argv = process.argv.slice(2);
const EVENTS = intOption(argv, "--events", 20_000);
const ROUNDS = intOption(argv, "--rounds", 3);
const MEM_ROUNDS = intOption(argv, "--mem-rounds", 5);
const SEED = intOption(argv, "--seed", 42);

const corpusPath = process.env.MINI_EQL_CORPUS
  ? resolve(process.env.MINI_EQL_CORPUS)
  : resolve(root, "../shared/corpus/detection-rules-eql.jsonl");
if (!existsSync(resolve(root, "dist/index.js"))) {
  console.error("run npm run build first");
  process.exit(2);
}
if (!existsSync(corpusPath) || !existsSync(join(shared, "gen-events.mjs"))) {
  console.log(`rule set: skipped (no corpus at ${corpusPath} or no ${shared})`);
  process.exit(0);
}

const { compileRules, ruleFromObject } = await import(pathToFileURL(resolve(root, "dist/index.js")).href);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const spread = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs) });
const fmt = (n) => Math.round(n).toLocaleString("en-US");

const rows = readFileSync(corpusPath, "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "")
  .map((l) => JSON.parse(l));
/** A corpus row as a Kibana rule object. */
const ruleObject = ({ path: _path, kind: _kind, ...row }) => ({
  ...row,
  type: "eql",
  language: "eql",
  description: row.name,
});

const work = mkdtempSync(join(os.tmpdir(), "mini-eql-bench-"));
try {
  // The rules as one JSON file each, as a user would keep them; and the two event files.
  const rulesDir = join(work, "rules");
  mkdirSync(rulesDir);
  for (const row of rows)
    writeFileSync(join(rulesDir, `${row.rule_id}.json`), JSON.stringify(ruleObject(row)));
  const genFile = join(work, "gen.ndjson");
  execFileSync(
    process.execPath,
    [join(shared, "gen-events.mjs"), String(EVENTS), genFile, `--seed=${SEED}`],
    {
      stdio: "ignore",
    },
  );
  const corpusFile = join(work, "corpus.ndjson");
  const templates = stageTemplates(rows.map((r) => r.query));
  writeFileSync(
    corpusFile,
    `${corpusEvents({ count: EVENTS, seed: SEED, templates })
      .map((e) => JSON.stringify(e))
      .join("\n")}\n`,
  );

  // ---------- a. end to end ----------
  const help = spawnSync(process.execPath, [cli, "run", "--help"], { encoding: "utf8" }).stdout;
  const workerCounts = help.includes("--workers") ? [1, 2] : [1];
  const wall = (args) => {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"], maxBuffer: 1 << 26 });
    if (r.status !== 0)
      throw new Error(`${args.join(" ")} exited ${r.status}: ${String(r.stderr).slice(-500)}`);
    return Number(process.hrtime.bigint() - t0) / 1e9;
  };
  // Start-up alone: the same command over a file without events (loading and compiling the rules).
  const emptyFile = join(work, "empty.ndjson");
  writeFileSync(emptyFile, "");
  const endToEnd = [];
  /** Start-up of one worker over no events, against the floor of each event file in the same rounds. */
  const startUp = [];
  /** Two workers' throughput over one worker's, per event file. */
  const twoToOne = [];
  for (const [label, file] of [
    ["gen-events", genFile],
    ["corpus-events", corpusFile],
  ]) {
    const floor = [];
    const start = [];
    const runs = new Map(workerCounts.map((w) => [w, []]));
    for (let r = 0; r < ROUNDS; r++) {
      floor.push(wall([join(shared, "io-floor.mjs"), file, "--what=parse", "--reps=1"]));
      start.push(wall([cli, "run", "--rules", rulesDir, "--no-window", "-q", emptyFile]));
      for (const w of workerCounts) {
        const extra = help.includes("--workers") ? ["--workers", String(w)] : [];
        runs.get(w).push(wall([cli, "run", "--rules", rulesDir, "--no-window", "-q", ...extra, file]));
      }
    }
    const f = spread(floor);
    const st = spread(start);
    startUp.push({ events: label, seconds: st, floor: f, ratio: st.median / f.median });
    for (const w of workerCounts) {
      const s = spread(runs.get(w));
      endToEnd.push({ events: label, workers: w, seconds: s, floor: f, ratio: s.median / f.median });
    }
    if (workerCounts.length > 1) {
      const one = spread(runs.get(1)).median;
      const two = spread(runs.get(2)).median;
      twoToOne.push({ events: label, throughput: one / two });
    }
  }

  // How much a second thread gets on this machine now: the same loop in one thread and in two at
  // once (2.0x the time means no second core was free, and two workers cannot be faster).
  const loop = async (threads) => {
    const code =
      'let x = 0; for (let i = 0; i < 3e8; i++) x += i % 7; require("node:worker_threads").parentPort.postMessage(x);';
    const t0 = process.hrtime.bigint();
    await Promise.all(
      Array.from(
        { length: threads },
        () => new Promise((res) => new Worker(code, { eval: true }).on("message", res)),
      ),
    );
    return Number(process.hrtime.bigint() - t0) / 1e9;
  };
  const oneLoop = await loop(1);
  const twoLoops = await loop(2);
  const secondCore = twoLoops / oneLoop;

  // The same for this work: a whole rule set of the corpus rules over the generated events, one copy
  // alone and two at once, each compiled and run once untimed first; as threads of this process
  // and as separate processes, taking turns. Two workers that split the work without repeating any
  // of it would reach 2 / this at best.
  const copyCode = (send, receive) => `
    const { readFileSync } = require("node:fs");
    (async () => {
      const data = JSON.parse(readFileSync(process.env.MINI_EQL_COPY_DATA, "utf8"));
      const L = await import(data.dist);
      const rules = data.rules.map((r) => L.ruleFromObject(r));
      const events = readFileSync(data.file, "utf8").split("\\n").filter((l) => l !== "").map((l) => JSON.parse(l));
      const pass = () => { const set = L.compileRules(rules, { window: false }); set.pushBatch(events); set.end(); };
      pass();
      ${receive}(() => { pass(); ${send}("done"); });
      ${send}("ready");
    })();`;
  const copyData = {
    dist: pathToFileURL(resolve(root, "dist/index.js")).href,
    rules: rows.map(ruleObject),
    file: genFile,
  };
  const threadCode = `const { parentPort } = require("node:worker_threads");${copyCode(
    "parentPort.postMessage.bind(parentPort)",
    "parentPort.once.bind(parentPort, 'message')",
  )}`;
  const processCode = copyCode("process.send.bind(process)", "process.once.bind(process, 'message')");
  // Both kinds read what they run from one file, named in their environment.
  const dataFile = join(work, "copy-data.json");
  writeFileSync(dataFile, JSON.stringify(copyData));
  const copyEnv = { ...process.env, MINI_EQL_COPY_DATA: dataFile };
  const startCopy = (kind) => {
    if (kind === "thread") {
      const w = new Worker(threadCode, { eval: true, env: copyEnv });
      return {
        once: () => new Promise((res) => w.once("message", res)),
        go: () => w.postMessage("go"),
        stop: () => w.terminate(),
      };
    }
    const p = spawn(process.execPath, ["-e", processCode], {
      stdio: ["ignore", "ignore", "inherit", "ipc"],
      env: copyEnv,
    });
    return {
      once: () => new Promise((res) => p.once("message", res)),
      go: () => p.send("go"),
      stop: () => p.kill(),
    };
  };
  const copies = async (kind, n) => {
    const running = Array.from({ length: n }, () => startCopy(kind));
    await Promise.all(running.map((c) => c.once()));
    const t0 = process.hrtime.bigint();
    await Promise.all(
      running.map((c) => {
        const done = c.once();
        c.go();
        return done;
      }),
    );
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    await Promise.all(running.map((c) => c.stop()));
    return seconds;
  };
  const copyPairs = { thread: [], process: [] };
  for (let r = 0; r < ROUNDS; r++)
    for (const kind of r % 2 === 0 ? ["thread", "process"] : ["process", "thread"])
      copyPairs[kind].push((await copies(kind, 2)) / (await copies(kind, 1)));
  const secondCoreWork = spread(copyPairs.thread);
  const secondCoreProcesses = spread(copyPairs.process);

  // ---------- b. in memory ----------
  const loaded = rows.map((row) => ruleFromObject(ruleObject(row)));
  const events = readFileSync(genFile, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l));
  const inMemory = [];
  for (const n of [100, 300, loaded.length]) {
    const rules = loaded.slice(0, n);
    const rates = [];
    let stats = null;
    for (let r = 0; r < MEM_ROUNDS; r++) {
      const set = compileRules(rules, { window: false });
      const c0 = process.cpuUsage();
      set.pushBatch(events);
      const c = process.cpuUsage(c0);
      rates.push(events.length / ((c.user + c.system) / 1e6));
      set.end();
      stats = set.stats();
    }
    const s = spread(rates);
    inMemory.push({
      rules: n,
      eventsPerSecond: s,
      microsPerEvent: 1e6 / s.median,
      candidatesPerEvent: stats.candidates / stats.events,
      indexed: stats.presearch.indexedRules,
      always: stats.presearch.alwaysRules,
    });
  }

  console.log(`rule set: ${rows.length} corpus rules, ${EVENTS} events of ~1 KB, ${os.cpus().length} cores`);
  console.log("a. end to end (wall seconds, median (min-max) of %d rounds)", ROUNDS);
  for (const e of endToEnd) {
    console.log(
      `   ${e.events.padEnd(14)} workers ${e.workers}: ${e.seconds.median.toFixed(2)} s (${e.seconds.min.toFixed(2)}-${e.seconds.max.toFixed(2)})` +
        `  floor ${e.floor.median.toFixed(2)} s (${e.floor.min.toFixed(2)}-${e.floor.max.toFixed(2)})  ratio ${e.ratio.toFixed(2)}x the floor`,
    );
  }
  for (const t of startUp) {
    console.log(
      `   ${t.events.padEnd(14)} start-up alone (no events): ${t.seconds.median.toFixed(2)} s (${t.seconds.min.toFixed(2)}-${t.seconds.max.toFixed(2)}), ${t.ratio.toFixed(2)}x the floor`,
    );
  }
  for (const t of twoToOne) {
    console.log(`   ${t.events.padEnd(14)} two workers / one: ${t.throughput.toFixed(2)}x the throughput`);
  }
  console.log(
    `   the same loop in two threads at once took ${secondCore.toFixed(2)}x the time of one (1.0: a free second core; 2.0: none)`,
  );
  console.log(
    `   a whole rule set over the gen-events in two threads at once took ${secondCoreWork.median.toFixed(2)}x (${secondCoreWork.min.toFixed(2)}-${secondCoreWork.max.toFixed(2)}) the time of one:` +
      ` two workers could reach ${(2 / secondCoreWork.median).toFixed(2)}x at best`,
  );
  console.log(
    `   the same in two processes at once took ${secondCoreProcesses.median.toFixed(2)}x (${secondCoreProcesses.min.toFixed(2)}-${secondCoreProcesses.max.toFixed(2)}) the time of one (threads and processes taking turns)`,
  );
  console.log("b. in memory (events/s of CPU time, median (min-max) of %d rounds)", MEM_ROUNDS);
  for (const m of inMemory) {
    console.log(
      `   ${String(m.rules).padStart(5)} rules: ${fmt(m.eventsPerSecond.median)} (${fmt(m.eventsPerSecond.min)}-${fmt(m.eventsPerSecond.max)})` +
        `  ${m.microsPerEvent.toFixed(1)} us/event  ${m.candidatesPerEvent.toFixed(1)} candidate rules/event`,
    );
  }
  const all = inMemory[inMemory.length - 1];
  const hundred = inMemory[0];
  console.log(
    `   cost per event, all rules vs 100: ${(all.microsPerEvent / hundred.microsPerEvent).toFixed(2)}x; indexed ${all.indexed}, always evaluated ${all.always}`,
  );
  console.log(
    `RESULT ${JSON.stringify({ what: "rule-set", events: EVENTS, endToEnd, startUp, twoToOne, secondCore, secondCoreWork, secondCoreProcesses, inMemory })}`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
