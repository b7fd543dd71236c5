/**
 * `npm run bench`: throughput of the built library against a hand-written predicate, in the same run.
 *
 *   1. The Kubelet rule: `compiled.matches(e)` and `kubeletBaseline(e)` over the same in-memory events
 *      (200k by default), alternating rounds after a warm-up; median events/s, ratio, match counts.
 *   2. Many rules: every event-kind rule of the detection-rules corpus, each `matches` on every event
 *      (20k by default); median events/s, event by event (each event against all rules, as a stream
 *      would arrive) and rule by rule (each rule over the whole batch).
 *   3. Streaming sequences (sequence.mjs): `compiled.stream()` over 1M and 5M generated events, each in
 *      a fresh child process; events/s, sequences, stream stats, peak RSS, the RSS curve and whether
 *      memory stays flat; the batch `run()` over 1M events for comparison.
 *
 * Options: --events N (200000) --many-events N (20000) --rounds N (7) --seed N (42),
 * --sequence-events N (stream and batch N events instead of 1M and 5M), --gc (live heap samples in the
 * sequence runs), --no-sequence (skip part 3).
 * The corpus path is $MINI_EQL_CORPUS or ../shared/corpus/detection-rules-eql.jsonl from the repo root.
 * Results go to bench/results/latest.json. Exit 2 without a build, exit 1 if the match counts differ
 * or the sequence stream and batch runs find different numbers of sequences.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const dist = resolve(root, "dist/index.js");
if (!existsSync(dist)) {
  console.error("run npm run build first");
  process.exit(2);
}

const { compile, ruleFromObject, runRules } = await import(pathToFileURL(dist).href);
const { parse: parseToml } = await import("smol-toml");
const { kubeletBaseline } = await import("./baseline.mjs");
const { generateEvents } = await import("./generate.mjs");
const { sequenceBench } = await import("./sequence.mjs");
const { intOption } = await import("./args.mjs");

const argv = process.argv.slice(2);
const EVENTS = intOption(argv, "--events", 200_000);
const MANY_EVENTS = intOption(argv, "--many-events", 20_000);
const ROUNDS = intOption(argv, "--rounds", 7);
const SEED = intOption(argv, "--seed", 42);
const SEQUENCE_EVENTS = intOption(argv, "--sequence-events", 0);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (n) => Math.round(n).toLocaleString("en-US");

/** Time one pass of `loop` (which returns a match count) in seconds. */
function timed(loop) {
  const t0 = process.hrtime.bigint();
  const count = loop();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { seconds, count };
}

// ---------- 1. The Kubelet rule: compiled vs hand-written ----------

const rulePath = resolve(root, "rules/linux/lateral_movement_direct_kubelet_access_via_process_args.toml");
const query = parseToml(readFileSync(rulePath, "utf8")).rule.query;
const compiled = compile(query);

const { events, intendedHits } = generateEvents({ count: EVENTS, seed: SEED });

// Separate loop functions keep each call site monomorphic, so neither side pays for the other.
function loopCompiled() {
  let n = 0;
  for (let i = 0; i < events.length; i++) if (compiled.matches(events[i])) n++;
  return n;
}
function loopBaseline() {
  let n = 0;
  for (let i = 0; i < events.length; i++) if (kubeletBaseline(events[i])) n++;
  return n;
}

for (let w = 0; w < 2; w++) {
  loopCompiled();
  loopBaseline();
}
const compiledRates = [];
const baselineRates = [];
let compiledCount = -1;
let baselineCount = -1;
for (let r = 0; r < ROUNDS; r++) {
  // Alternate which side goes first, so drift (GC, frequency) does not favour one of them.
  const order = r % 2 ? ["baseline", "compiled"] : ["compiled", "baseline"];
  for (const side of order) {
    if (side === "compiled") {
      const { seconds, count } = timed(loopCompiled);
      compiledRates.push(events.length / seconds);
      compiledCount = count;
    } else {
      const { seconds, count } = timed(loopBaseline);
      baselineRates.push(events.length / seconds);
      baselineCount = count;
    }
  }
}
const compiledEps = median(compiledRates);
const baselineEps = median(baselineRates);
const ratio = compiledEps / baselineEps;

// ---------- 2. Many rules over one stream ----------

const corpusPath = process.env.MINI_EQL_CORPUS
  ? resolve(process.env.MINI_EQL_CORPUS)
  : resolve(root, "../shared/corpus/detection-rules-eql.jsonl");

let many = { corpus: null, reason: `corpus absent (${corpusPath})` };
if (existsSync(corpusPath)) {
  const rules = readFileSync(corpusPath, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line))
    .filter((rule) => rule.kind === "event");
  const matchers = [];
  const failed = [];
  for (const rule of rules) {
    try {
      const options = rule.event_category_override
        ? { eventCategoryField: rule.event_category_override }
        : {};
      matchers.push(compile(rule.query, options));
    } catch (err) {
      failed.push({
        path: rule.path,
        code: err?.code ?? "?",
        message: String(err?.reason ?? err?.message ?? err),
      });
    }
  }
  const { events: stream } = generateEvents({ count: MANY_EVENTS, seed: SEED + 1, mixed: true });
  const loopMany = () => {
    let n = 0;
    for (let i = 0; i < stream.length; i++) {
      const e = stream[i];
      for (let j = 0; j < matchers.length; j++) if (matchers[j].matches(e)) n++;
    }
    return n;
  };
  loopMany();
  const rates = [];
  let hits = 0;
  const manyRounds = Math.max(3, Math.ceil(ROUNDS / 2));
  for (let r = 0; r < manyRounds; r++) {
    const { seconds, count } = timed(loopMany);
    rates.push(stream.length / seconds);
    hits = count;
  }
  const eps = median(rates);
  // The same work rule by rule (each rule over the whole batch): what a batch caller can do, and a hint
  // of how much of the event-by-event cost comes from call sites shared by many rules.
  const loopRuleMajor = () => {
    let n = 0;
    for (let j = 0; j < matchers.length; j++) {
      const m = matchers[j];
      for (let i = 0; i < stream.length; i++) if (m.matches(stream[i])) n++;
    }
    return n;
  };
  loopRuleMajor();
  const ruleMajorRates = [];
  let ruleMajorHits = 0;
  for (let r = 0; r < manyRounds; r++) {
    const { seconds, count } = timed(loopRuleMajor);
    ruleMajorRates.push(stream.length / seconds);
    ruleMajorHits = count;
  }
  // Every corpus rule (event, sequence and sample) as a loaded rule through runRules: what a SIEM
  // prototype calls, with its per-batch category index and shared field knowledge.
  const loaded = [];
  for (const line of readFileSync(corpusPath, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    const rule = JSON.parse(line);
    try {
      loaded.push(ruleFromObject({ ...rule, type: "eql", language: "eql", description: rule.name }));
    } catch {
      // Counted below as not loaded.
    }
  }
  const runAll = () => runRules(loaded, stream, { now: 0, window: false }).alerts.length;
  runAll();
  const runRulesRates = [];
  let runRulesAlerts = 0;
  for (let r = 0; r < manyRounds; r++) {
    const { seconds, count } = timed(runAll);
    runRulesRates.push(stream.length / seconds);
    runRulesAlerts = count;
  }
  many = {
    corpus: corpusPath,
    loadedRules: loaded.length,
    runRulesEventsPerSecond: median(runRulesRates),
    runRulesAlerts,
    eventRules: rules.length,
    compiledRules: matchers.length,
    failedRules: failed,
    events: stream.length,
    rounds: manyRounds,
    eventsPerSecond: eps,
    ruleEvaluationsPerSecond: eps * matchers.length,
    matches: hits,
    ruleMajorEventsPerSecond: median(ruleMajorRates),
    ruleMajorMatches: ruleMajorHits,
  };
}

// ---------- report ----------

const rows = [
  ["compiled.matches (Kubelet rule)", fmt(compiledEps), String(compiledCount)],
  ["hand-written baseline", fmt(baselineEps), String(baselineCount)],
];
const w0 = Math.max(...rows.map((r) => r[0].length), 32);
const w1 = Math.max(...rows.map((r) => r[1].length), 10);
console.log(`mini-eql bench  node ${process.version}  ${os.cpus()[0]?.model ?? "cpu ?"}`);
console.log(
  `${EVENTS.toLocaleString("en-US")} events (seed ${SEED}), ${ROUNDS} rounds after 2 warm-up passes, median\n`,
);
console.log(`${"".padEnd(w0)}  ${"events/s".padStart(w1)}  matches`);
for (const [a, b, c] of rows) console.log(`${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`);
console.log(`${"ratio compiled / baseline".padEnd(w0)}  ${ratio.toFixed(2).padStart(w1)}`);
console.log(`(generator planted ${intendedHits} Kubelet hits)\n`);
if (many.corpus) {
  console.log(
    `many rules: ${many.compiledRules}/${many.eventRules} event rules of the corpus over ${fmt(many.events)} mixed events`,
  );
  console.log(
    `  ${fmt(many.eventsPerSecond)} events/s (each against every rule) = ${fmt(many.ruleEvaluationsPerSecond)} rule evaluations/s, ${many.matches} matches`,
  );
  console.log(
    `  ${fmt(many.ruleMajorEventsPerSecond)} events/s when each rule runs over the whole batch in turn, ${many.ruleMajorMatches} matches`,
  );
  console.log(
    `  ${fmt(many.runRulesEventsPerSecond)} events/s through runRules with all ${many.loadedRules} corpus rules (event, sequence, sample), ${many.runRulesAlerts} alert documents`,
  );
  if (many.failedRules.length)
    console.log(`  ${many.failedRules.length} rules did not compile (see scripts/corpus.mjs)`);
} else {
  console.log(`many rules: skipped, ${many.reason}`);
}

// ---------- 3. Streaming sequences (child processes) ----------

let sequence = { skipped: "--no-sequence" };
if (!process.argv.includes("--no-sequence")) {
  sequence = sequenceBench({
    ...(SEQUENCE_EVENTS
      ? { streamSizes: [SEQUENCE_EVENTS], batchSize: SEQUENCE_EVENTS }
      : { streamSizes: [1_000_000, 5_000_000], batchSize: 1_000_000 }),
    gc: process.argv.includes("--gc"),
  });
}

const countsAgree = compiledCount === baselineCount;
const sequencesAgree = !sequence.agreement || sequence.agreement.agree;
const results = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: os.cpus()[0]?.model ?? null,
  kubelet: {
    events: EVENTS,
    seed: SEED,
    rounds: ROUNDS,
    compiledEventsPerSecond: compiledEps,
    baselineEventsPerSecond: baselineEps,
    ratio,
    compiledMatches: compiledCount,
    baselineMatches: baselineCount,
    plantedHits: intendedHits,
    compiledRounds: compiledRates,
    baselineRounds: baselineRates,
  },
  manyRules: many,
  sequence,
};
const outDir = resolve(here, "results");
mkdirSync(outDir, { recursive: true });
writeFileSync(resolve(outDir, "latest.json"), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwrote bench/results/latest.json`);

if (!countsAgree) {
  console.error(`match counts differ: compiled ${compiledCount}, baseline ${baselineCount}`);
  process.exit(1);
}
if (!sequencesAgree) {
  console.error("stream and batch found different numbers of sequences");
  process.exit(1);
}
