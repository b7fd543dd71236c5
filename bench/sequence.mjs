/**
 * Streaming sequence benchmark: throughput and memory of `compiled.stream()` on
 *
 *   sequence by host.id, process.entity_id with maxspan=1m
 *     [process where event.type == "start"] [network where true]
 *
 * over events made on the fly by sequence-events.mjs (about one per millisecond, 500 hosts, a new
 * entity id per process start: tens of thousands of partial sequences open at once, a few percent
 * completing, the rest expiring). Each size runs in a fresh child process (sequence-worker.mjs), so
 * peak RSS (`resourceUsage().maxRSS`) is per size; the largest run also samples RSS every 100k events
 * to show whether memory stays flat as the stream grows (see `verdict`). The batch `run()` over the same events held
 * in an array, and the generator alone, are measured for comparison.
 *
 *   node bench/sequence.mjs [--events N] [--full] [--gc] [--seed N]
 *   node bench/sequence.mjs --budget [--budget-events N] [--budget-mb N] [--budget-overhead X] [--runs N]
 *
 * Default: stream 1M and 5M events, batch 1M. --events N: stream and batch N only. --gc starts the
 * stream workers with --expose-gc and records the live heap (after a full GC) at each sample.
 *
 * `budgetBench` (--budget runs it alone, 3 times; the default run ends with it once, at the --events
 * size when given): 2M process starts, each on a host.id never seen before, through one sequence
 * stream of a corpus rule (BUDGET_RULE; the worker's own query without the corpus) under a
 * StateBudget of --budget-mb MiB (256), so the budget fills within the first few hundred thousand
 * events and then evicts on nearly every event. It reports throughput (events per CPU-second) before the first
 * eviction and once the budget is full, peak RSS against the same run with a 1 MiB budget (the
 * process without the state), and the live heap the state holds after a full GC against what the
 * budget charged (how well the size estimate tracks V8). Each run is in a fresh process; figures are
 * medians with min–max over --runs.
 *
 * It merges its results into bench/results/latest.json under "sequence" and "sequenceBudget";
 * `npm run bench` (run.mjs) runs it as its part d.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { intOption } from "./args.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const worker = resolve(here, "sequence-worker.mjs");
const MB = 1024 * 1024;
/** The heap growth `mini-eql run` sets (read from its source, so the two cannot drift apart). */
const CLI_HEAP_GROWING_PERCENT = Number(
  /HEAP_GROWING_PERCENT = (\d+)/.exec(readFileSync(resolve(here, "../src/cli/heap.ts"), "utf8"))?.[1] ?? 0,
);
/**
 * The corpus rule the budget run pushes its events through: a two-stage sequence joined by host.id
 * (and the process) whose first stage every process start of the generated events matches.
 */
const BUDGET_RULE = "rules/macos/execution_script_via_automator_workflows.toml";
const corpusPath = process.env.MINI_EQL_CORPUS
  ? resolve(process.env.MINI_EQL_CORPUS)
  : resolve(here, "../../shared/corpus/detection-rules-eql.jsonl");

/** The budget rule from the corpus, or null (with the reason) when the corpus or the rule is absent. */
function budgetRule() {
  if (!existsSync(corpusPath)) return { rule: null, reason: `no corpus at ${corpusPath}` };
  for (const line of readFileSync(corpusPath, "utf8").split("\n")) {
    if (!line.includes(BUDGET_RULE)) continue;
    const rule = JSON.parse(line);
    if (rule.path === BUDGET_RULE) return { rule, reason: null };
  }
  return { rule: null, reason: `${BUDGET_RULE} is not in ${corpusPath}` };
}

/** Memory is called flat when RSS at the end of the largest run is within this of RSS at 1M events. */
export const FLAT_TOLERANCE = 0.15;

const fmt = (n) => Math.round(n).toLocaleString("en-US");
const mb = (bytes) => (bytes / MB).toFixed(0);
const millions = (n) => (n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}M` : n.toLocaleString("en-US"));

/** Run one worker in a fresh process and return its JSON result. */
function measure(mode, events, { seed, gc, extra = [], node = [] }) {
  const args = [...process.execArgv, ...node];
  if (gc) args.push("--expose-gc");
  args.push(worker, "--mode", mode, "--events", String(events), "--seed", String(seed), ...extra);
  const child = spawnSync(process.execPath, args, {
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
    maxBuffer: 64 * MB,
  });
  if (child.status !== 0) {
    throw new Error(
      `sequence worker (${mode}, ${events} events) exited with ${child.status ?? child.signal}`,
    );
  }
  const lines = child.stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

/** The RSS curve of a stream run: one point per million events (or per sample for short runs). */
function curve(run) {
  const perMillion = run.samples.filter((s) => s.events % 1_000_000 === 0);
  return perMillion.length >= 2 ? perMillion : run.samples;
}

/** Largest value of `key` over the samples in (from, to]. */
function windowMax(samples, key, from, to) {
  let max = 0;
  for (const s of samples) if (s.events > from && s.events <= to && s[key] > max) max = s[key];
  return max;
}

/**
 * Flatness of memory over the largest stream run. RSS sampled at one instant swings by a third with
 * the garbage collector's cycle, so the verdict compares the highest RSS over the first million events
 * with the highest over the last million; the RSS at 1M and at the end are reported too. With --gc the
 * live heap (after a full GC) is compared the same way.
 */
function verdict(run) {
  const samples = run.samples;
  const at1M = samples.find((s) => s.events === 1_000_000);
  const last = samples[samples.length - 1];
  if (!at1M || !last || last.events < 2_000_000) {
    return { verdict: "n/a", reason: "needs a stream run of at least 2M events" };
  }
  const firstPeak = windowMax(samples, "rss", 0, 1_000_000);
  const lastPeak = windowMax(samples, "rss", last.events - 1_000_000, last.events);
  const peakRatio = lastPeak / firstPeak;
  const out = {
    verdict: peakRatio <= 1 + FLAT_TOLERANCE ? "flat" : "growing",
    tolerance: FLAT_TOLERANCE,
    from: at1M.events,
    to: last.events,
    rssFrom: at1M.rss,
    rssTo: last.rss,
    rssRatio: last.rss / at1M.rss,
    rssPeakFirstMillion: firstPeak,
    rssPeakLastMillion: lastPeak,
    rssPeakRatio: peakRatio,
  };
  if (at1M.heapUsedAfterGc !== undefined) {
    out.liveHeapFrom = at1M.heapUsedAfterGc;
    out.liveHeapTo = last.heapUsedAfterGc;
    out.liveHeapPeakFirstMillion = windowMax(samples, "heapUsedAfterGc", 0, 1_000_000);
    out.liveHeapPeakLastMillion = windowMax(samples, "heapUsedAfterGc", last.events - 1_000_000, last.events);
    out.liveHeapPeakRatio = out.liveHeapPeakLastMillion / out.liveHeapPeakFirstMillion;
    // Live heap per open partial sequence (the open count moves with the expiry sweep's cadence).
    out.liveHeapPerOpenSequence = last.heapUsedAfterGc / Math.max(1, last.openSequences);
  }
  return out;
}

/**
 * Run the benchmark and print a table.
 * @param {{streamSizes?: number[], batchSize?: number, seed?: number, gc?: boolean}} [options]
 */
export function sequenceBench(options = {}) {
  const { streamSizes = [1_000_000, 5_000_000], batchSize = 1_000_000, seed = 1, gc = false } = options;
  const stream = [];
  for (const n of streamSizes) {
    process.stderr.write(`sequence stream, ${millions(n)} events\n`);
    stream.push(measure("stream", n, { seed, gc }));
  }
  process.stderr.write(`sequence batch run(), ${millions(batchSize)} events\n`);
  const batch = measure("batch", batchSize, { seed, gc: false });
  const generator = measure("generate", Math.min(batchSize, 1_000_000), { seed, gc: false });
  const largest = stream.reduce((a, b) => (b.events > a.events ? b : a));
  const memory = verdict(largest);
  const sameSize = stream.find((s) => s.events === batch.events);
  const agreement = sameSize
    ? { events: batch.events, stream: sameSize.sequences, batch: batch.sequences }
    : null;
  if (agreement) agreement.agree = agreement.stream === agreement.batch;

  // ---------- report ----------
  console.log(`\nstreaming sequence: ${largest.query}`);
  console.log(`(events generated on the fly, ~1 ms apart, 500 hosts, one new process.entity_id per start)\n`);
  const head = ["", "events/s", "sequences", "open", "expired", "dropped", "peak RSS"];
  const rows = stream.map((s) => [
    `stream ${millions(s.events)}`,
    fmt(s.eventsPerSecond),
    fmt(s.sequences),
    fmt(s.stats.openSequences),
    fmt(s.stats.expired),
    fmt(s.stats.droppedByCap),
    `${fmt(s.maxRssKB / 1024)} MB`,
  ]);
  rows.push([
    `batch run() ${millions(batch.events)} (array)`,
    fmt(batch.eventsPerSecond),
    fmt(batch.sequences),
    "",
    "",
    "",
    `${fmt(batch.maxRssKB / 1024)} MB`,
  ]);
  rows.push([
    `generator alone ${millions(generator.events)}`,
    fmt(generator.eventsPerSecond),
    "",
    "",
    "",
    "",
    "",
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  console.log(line(head));
  for (const r of rows) console.log(line(r));
  console.log(
    "(stream events/s include generating the events; batch events/s time run() alone, after the array is built)",
  );

  const points = curve(largest);
  console.log(
    `\nRSS while streaming ${millions(largest.events)} events (MB): ${points
      .map((s) => `${millions(s.events)} ${mb(s.rss)}`)
      .join(", ")}`,
  );
  if (points[0]?.heapUsedAfterGc !== undefined) {
    console.log(
      `live heap after GC (MB):               ${points
        .map((s) => `${millions(s.events)} ${mb(s.heapUsedAfterGc)}`)
        .join(", ")}`,
    );
  }
  if (memory.verdict === "n/a") console.log(`memory: ${memory.reason}`);
  else {
    console.log(
      `memory: ${memory.verdict} — peak RSS ${mb(memory.rssPeakFirstMillion)} MB over the first 1M events, ${mb(memory.rssPeakLastMillion)} MB over the last 1M (×${memory.rssPeakRatio.toFixed(2)}, flat means ≤ ×${(1 + FLAT_TOLERANCE).toFixed(2)}); RSS ${mb(memory.rssFrom)} MB at ${millions(memory.from)}, ${mb(memory.rssTo)} MB at ${millions(memory.to)} (×${memory.rssRatio.toFixed(2)})`,
    );
    if (memory.liveHeapPeakRatio !== undefined) {
      console.log(
        `        live heap peak ${mb(memory.liveHeapPeakFirstMillion)} → ${mb(memory.liveHeapPeakLastMillion)} MB (×${memory.liveHeapPeakRatio.toFixed(2)}); at the end ${fmt(memory.liveHeapPerOpenSequence)} bytes per open sequence`,
      );
    }
  }
  if (agreement) {
    console.log(
      agreement.agree
        ? `stream and batch agree: ${fmt(agreement.stream)} sequences over ${millions(agreement.events)} events`
        : `stream and batch DISAGREE over ${millions(agreement.events)} events: stream ${agreement.stream}, batch ${agreement.batch}`,
    );
  }
  return { query: largest.query, seed, stream, batch, generator, memory, agreement };
}

/** Median, min and max of a list of numbers. */
function spread(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

const showSpread = (s, f) => `${f(s.median)} (${f(s.min)}–${f(s.max)})`;

/**
 * The state-budget benchmark (see the file comment).
 * @param {{events?: number, budgetMb?: number, runs?: number, overhead?: number}} [options]
 */
export function budgetBench(options = {}) {
  const { events = 2_000_000, budgetMb = 256, runs = 3, overhead } = options;
  const full = [];
  const empty = [];
  const { rule, reason } = budgetRule();
  if (!rule) console.log(`state budget: ${reason}; running the built-in query instead`);
  const query = rule ? ["--query", rule.query] : [];
  if (overhead !== undefined) query.push("--overhead", String(overhead));
  // What `mini-eql run` asks of V8 (src/cli/heap.ts), unless this process was given its own.
  const heap = process.execArgv.some((a) => a.startsWith("--heap-growing-percent"))
    ? []
    : [`--heap-growing-percent=${CLI_HEAP_GROWING_PERCENT}`];
  for (let r = 0; r < runs; r++) {
    process.stderr.write(
      `state budget ${budgetMb} MiB, ${millions(events)} distinct hosts, run ${r + 1}/${runs}\n`,
    );
    full.push(
      measure("budget", events, {
        seed: 1,
        gc: true,
        node: heap,
        extra: ["--budget-mb", String(budgetMb), ...query],
      }),
    );
    empty.push(
      measure("budget", events, { seed: 1, gc: true, node: heap, extra: ["--budget-mb", "1", ...query] }),
    );
  }
  const below = spread(full.map((x) => x.belowBudget.eventsPerCpuSecond));
  const atFull = spread(full.map((x) => x.budgetFull?.eventsPerCpuSecond ?? Number.NaN));
  const ratio = spread(
    full.map((x) => x.belowBudget.eventsPerCpuSecond / (x.budgetFull?.eventsPerCpuSecond ?? Number.NaN)),
  );
  const peak = spread(full.map((x) => x.maxRssKB * 1024));
  const basePeak = spread(empty.map((x) => x.maxRssKB * 1024));
  const added = spread(full.map((x, i) => x.maxRssKB * 1024 - empty[i].maxRssKB * 1024));
  const live = spread(full.map((x) => x.liveHeapAfterGc));
  const first = full[0];
  const budgetBytes = budgetMb * MB;
  const result = {
    rule: rule ? { name: rule.name, path: rule.path } : null,
    query: first.query,
    events,
    budgetBytes,
    runs,
    firstEviction: first.firstEviction,
    eventsPerCpuSecondBelowBudget: below,
    eventsPerCpuSecondBudgetFull: atFull,
    slowdownWhenFull: ratio,
    peakRss: peak,
    peakRssWithoutState: basePeak,
    peakRssAddedByState: added,
    liveHeapHeldByState: live,
    withinTwoTimes: ratio.median <= 2,
    rssWithinBudget: added.median <= budgetBytes,
    sequences: first.sequences,
    evicted: first.budget.evicted,
    held: first.budget.entries,
    windows: first.windows.map((w) => ({ events: w.events, eventsPerCpuSecond: w.eventsPerCpuSecond })),
  };

  const f = (n) => fmt(n);
  console.log(`\nstate budget: ${rule ? `${rule.name} (${rule.path})\n` : ""}${first.query}`);
  console.log(
    `(${millions(events)} process starts, each on a new host.id; budget ${budgetMb} MiB, full after ${fmt(first.firstEviction)} events; events per second of CPU time; ${runs} run${runs === 1 ? "" : "s"}, median (min–max); ${overhead === undefined ? "" : `budget overhead ${overhead}; `}V8 ${heap.length > 0 ? `${heap[0]}, as mini-eql run sets it` : "heap growth as given to this process"})\n`,
  );
  console.log(`events per CPU-second below the budget:    ${showSpread(below, f)}`);
  console.log(
    `events per CPU-second with the budget full: ${showSpread(atFull, f)}  (below/full ×${showSpread(ratio, (n) => n.toFixed(2))}; within 2×: ${result.withinTwoTimes ? "yes" : "NO"})`,
  );
  const step = first.windows[0]?.events ?? 0;
  console.log(
    `events per CPU-second, each ${millions(step)} events (run 1): ${first.windows.map((w) => `${millions(w.events)} ${fmt(w.eventsPerCpuSecond)}`).join(", ")}`,
  );
  console.log(
    `peak RSS: ${showSpread(peak, mb)} MB; same run with a 1 MiB budget ${showSpread(basePeak, mb)} MB; added by the state ${showSpread(added, mb)} MB for a ${budgetMb} MiB budget (within: ${result.rssWithinBudget ? "yes" : "no"})`,
  );
  console.log(
    `live heap held by the state after a full GC: ${showSpread(live, mb)} MB for ${mb(first.budget.bytes)} MB charged (at most ${mb(first.budget.maxCharged)} MB: the budget over its overhead)`,
  );
  console.log(
    `held ${fmt(first.budget.entries)} partial sequences, evicted ${fmt(first.budget.evicted)}, ${fmt(first.sequences)} sequences completed`,
  );
  return result;
}

/** Merge `sequence` into bench/results/latest.json, keeping what run.mjs wrote there. */
function writeResults(sequence, sequenceBudget) {
  const outDir = resolve(here, "results");
  mkdirSync(outDir, { recursive: true });
  const file = resolve(outDir, "latest.json");
  let results = {};
  try {
    results = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    results = {};
  }
  const date = new Date().toISOString();
  if (sequence) results.sequence = { date, ...sequence };
  if (sequenceBudget) results.sequenceBudget = { date, ...sequenceBudget };
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(
    `\nwrote bench/results/latest.json (${[sequence && "sequence", sequenceBudget && "sequenceBudget"].filter(Boolean).join(", ")})`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  if (!existsSync(resolve(here, "../dist/index.js"))) {
    console.error("run npm run build first");
    process.exit(2);
  }
  const argv = process.argv.slice(2);
  const budgetOnly = argv.includes("--budget");
  const events = intOption(argv, "--events", 0);
  const seed = intOption(argv, "--seed", 1);
  // Alone (--budget) the budget run is repeated; as part of the whole benchmark it runs once, at the
  // size given by --events when there is one (run.mjs --quick passes a small one).
  const budget = {
    events: intOption(argv, "--budget-events", events || 2_000_000),
    budgetMb: intOption(argv, "--budget-mb", 256),
    runs: intOption(argv, "--runs", budgetOnly ? 3 : 1),
  };
  // The budget's memory per byte charged (default the library's HEAP_OVERHEAD; 1 compares with a
  // budget that counts the live estimate alone).
  const overheadAt = argv.indexOf("--budget-overhead");
  if (overheadAt >= 0) budget.overhead = Number(argv[overheadAt + 1]);
  const options = events
    ? { streamSizes: [events], batchSize: events, seed }
    : { streamSizes: [1_000_000, 5_000_000], batchSize: 1_000_000, seed };
  const result = budgetOnly ? null : sequenceBench({ ...options, gc: argv.includes("--gc") });
  const budgetResult = budgetBench(budget);
  writeResults(result, budgetResult);
  if (result?.agreement && !result.agreement.agree) process.exit(1);
}
