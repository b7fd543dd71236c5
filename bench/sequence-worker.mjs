/**
 * One measurement of the streaming sequence benchmark, in a process of its own so that its peak RSS
 * is its own. Started by sequence.mjs; prints one JSON object on stdout, progress on stderr.
 *
 *   node [--expose-gc] bench/sequence-worker.mjs --mode stream|batch|generate|budget --events N [--seed N]
 *        [--sample-every N] [--budget-mb N] [--query Q] [--overhead X]
 *
 *   stream:   events from the generator are pushed one by one through `compiled.stream()`; RSS (and
 *             heap) sampled every --sample-every events. With --expose-gc a full GC runs before each
 *             sample, so `heapUsedAfterGc` is the live heap; the time spent sampling is not counted.
 *   batch:    the same events are first collected into an array, then `compiled.run(events)` once.
 *   generate: the generator alone (its cost is inside the stream figure).
 *   budget:   every process start on a host never seen before (a distinct host.id per event, so a
 *             partial sequence per event that never expires within the run), pushed through a
 *             stream of --query (default BUDGET_QUERY; sequence.mjs gives a corpus rule's) whose
 *             StateBudget is --budget-mb MiB (0: no limit; --overhead X: the budget's memory per
 *             byte charged, default the library's). Throughput is events per second of CPU
 *             time (the process's, all threads) over the events before the first eviction and over
 *             those after it, and per --sample-every window; a warm-up run on another stream and
 *             budget comes first so that neither phase pays for compiling code.
 */
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { sequenceEvents } from "./sequence-events.mjs";

const SEQUENCE_QUERY =
  'sequence by host.id, process.entity_id with maxspan=1m [process where event.type == "start"] [network where true]';

/** The budget run's query when the corpus is absent (events of `distinctHostEvents` match it too). */
const BUDGET_QUERY =
  'sequence by host.id with maxspan=1h [process where event.type == "start"] [network where true]';

const AUTOMATOR = "/System/Library/CoreServices/Automator Launcher.app/Contents/MacOS/Automator";

/**
 * One event per microsecond (2 M events span 2 s, within the maxspan of the corpus rule run), each a
 * process start of Automator on a macOS host never seen before with its own process.entity_id;
 * every 20th is a network event of the host and process that started 101 events earlier, which
 * completes its sequence when that partial sequence is still held. Each event is the JSON.parse of
 * its line, as `mini-eql run` reads events: parsed values are strings of their own, where object
 * literals would share one string per constant.
 */
function* distinctHostEvents(count, offset = 0) {
  for (const event of literalEvents(count, offset)) yield JSON.parse(JSON.stringify(event));
}

function* literalEvents(count, offset) {
  const t0 = Date.parse("2026-01-01T00:00:00Z");
  const hostId = (i) => `host-${i.toString(16).padStart(8, "0")}`;
  const entityId = (i) => `p-${i.toString(36)}`;
  const timestamp = (i) =>
    `${new Date(t0 + Math.floor(i / 1000)).toISOString().slice(0, -1)}${String(i % 1000).padStart(3, "0")}Z`;
  for (let n = 0; n < count; n++) {
    const i = offset + n;
    const ts = timestamp(i);
    if (n % 20 === 19 && i >= 101) {
      const j = i - 101;
      yield {
        "@timestamp": ts,
        event: { category: ["network"], type: ["connection"], kind: "event" },
        host: { id: hostId(j), name: `node-${j % 5000}`, os: { type: "macos" } },
        destination: { ip: "10.0.0.1", port: 443 },
        process: { entity_id: entityId(j), name: "Automator", pid: 2000 + (j % 100_000) },
      };
      continue;
    }
    yield {
      "@timestamp": ts,
      event: { category: ["process"], type: ["start"], action: "exec", kind: "event" },
      host: { id: hostId(i), name: `node-${i % 5000}`, os: { type: "macos" } },
      process: {
        entity_id: entityId(i),
        pid: 2000 + (i % 100_000),
        name: "Automator",
        executable: AUTOMATOR,
        args: [AUTOMATOR],
      },
      user: { name: "root" },
    };
  }
}

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const MB = 1024 * 1024;
const now = () => process.hrtime.bigint();
const secondsSince = (t0, paused = 0n) => Number(now() - t0 - paused) / 1e9;

function memory() {
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external };
}

/** The `budget` mode (see the file comment). */
function budgetRun(compile, StateBudget, count, every, budgetMb, query, overhead) {
  const compiled = compile(query);
  // Warm-up: the same code paths, eviction included, on a stream and budget dropped before the run.
  (() => {
    const warm = compiled.stream({ budget: new StateBudget({ maxBytes: 4 * MB }) });
    for (const e of distinctHostEvents(200_000, 1e9)) warm.push(e);
    warm.end();
  })();
  const gc = typeof globalThis.gc === "function" ? globalThis.gc : null;
  gc?.();
  const baseline = memory();
  const maxBytes = budgetMb === 0 ? Number.POSITIVE_INFINITY : budgetMb * MB;
  const budget = new StateBudget(overhead === undefined ? { maxBytes } : { maxBytes, overhead });
  const stream = compiled.stream({ budget });
  const windows = [];
  let sequences = 0;
  let i = 0;
  let firstEviction = null;
  // CPU time (all threads, the collector's included) rather than wall time: the machine is shared.
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  let fillCpu = 0;
  const c0 = cpu();
  let windowCpu = c0;
  for (const e of distinctHostEvents(count)) {
    sequences += stream.push(e).length;
    i++;
    if (firstEviction === null && budget.stats.evicted > 0) {
      firstEviction = i;
      fillCpu = cpu() - c0;
    }
    if (i % every === 0) {
      const c = cpu();
      windows.push({
        events: i,
        eventsPerCpuSecond: every / (c - windowCpu),
        rss: process.memoryUsage().rss,
        stateBytes: budget.stats.bytes,
        stateEntries: budget.stats.entries,
      });
      if (i % 1_000_000 === 0)
        process.stderr.write(
          `  budget ${(i / 1e6).toFixed(0)}M events, rss ${(windows.at(-1).rss / MB).toFixed(0)} MB, state ${(budget.stats.bytes / MB).toFixed(0)} MB\n`,
        );
      windowCpu = cpu();
    }
  }
  sequences += stream.end().length;
  const cpuSeconds = cpu() - c0;
  const full =
    firstEviction === null ? null : { events: count - firstEviction, cpuSeconds: cpuSeconds - fillCpu };
  let liveHeapAfterGc = null;
  if (gc) {
    gc();
    // The state is still referenced by `stream` here, so the live heap includes it.
    liveHeapAfterGc = process.memoryUsage().heapUsed - baseline.heapUsed;
  }
  return {
    query,
    budgetBytes: maxBytes === Number.POSITIVE_INFINITY ? null : maxBytes,
    baseline,
    cpuSeconds,
    eventsPerCpuSecond: count / cpuSeconds,
    firstEviction,
    belowBudget:
      firstEviction === null
        ? { events: count, eventsPerCpuSecond: count / cpuSeconds }
        : { events: firstEviction, eventsPerCpuSecond: firstEviction / fillCpu },
    budgetFull: full && { events: full.events, eventsPerCpuSecond: full.events / full.cpuSeconds },
    sequences,
    budget: { ...budget.stats, maxCharged: budget.maxCharged },
    stats: { ...stream.stats },
    liveHeapAfterGc,
    windows,
  };
}

async function main() {
  const here = dirname(fileURLToPath(import.meta.url));
  const dist = resolve(here, "../dist/index.js");
  if (!existsSync(dist)) throw new Error("run npm run build first");
  const { compile, StateBudget } = await import(pathToFileURL(dist).href);

  const mode = option("--mode", "stream");
  const count = Number(option("--events", "1000000"));
  const seed = Number(option("--seed", "1"));
  const every = Number(option("--sample-every", "100000"));
  const gc = typeof globalThis.gc === "function" ? globalThis.gc : null;
  const compiled = compile(SEQUENCE_QUERY);
  const result = { mode, events: count, seed, query: SEQUENCE_QUERY, node: process.version, gc: gc !== null };

  if (mode === "generate") {
    const t0 = now();
    let n = 0;
    for (const _ of sequenceEvents({ count, seed })) n++;
    const seconds = secondsSince(t0);
    Object.assign(result, { seconds, eventsPerSecond: n / seconds });
  } else if (mode === "stream") {
    const stream = compiled.stream();
    const samples = [];
    let emitted = 0;
    let i = 0;
    let paused = 0n;
    const t0 = now();
    for (const e of sequenceEvents({ count, seed })) {
      emitted += stream.push(e).length;
      if (++i % every === 0) {
        const p0 = now();
        const sample = { events: i, ...memory() };
        if (gc) {
          gc();
          const after = memory();
          sample.heapUsedAfterGc = after.heapUsed;
          sample.rssAfterGc = after.rss;
        }
        sample.openSequences = stream.stats.openSequences;
        sample.expired = stream.stats.expired;
        sample.emitted = stream.stats.emitted;
        samples.push(sample);
        if (i % 1_000_000 === 0)
          process.stderr.write(
            `  stream ${(i / 1e6).toFixed(0)}M events, rss ${(sample.rss / MB).toFixed(0)} MB, open ${sample.openSequences}\n`,
          );
        paused += now() - p0;
      }
    }
    emitted += stream.end().length;
    const seconds = secondsSince(t0, paused);
    Object.assign(result, {
      seconds,
      samplingSeconds: Number(paused) / 1e9,
      eventsPerSecond: count / seconds,
      sequences: emitted,
      stats: { ...stream.stats },
      samples,
    });
  } else if (mode === "batch") {
    const t0 = now();
    const events = [...sequenceEvents({ count, seed })];
    const generateSeconds = secondsSince(t0);
    const afterGenerate = memory();
    const t1 = now();
    const { sequences } = compiled.run(events, { size: Number.MAX_SAFE_INTEGER });
    const seconds = secondsSince(t1);
    Object.assign(result, {
      seconds,
      generateSeconds,
      eventsPerSecond: count / seconds,
      sequences: sequences.length,
      rssAfterGenerate: afterGenerate.rss,
      heapUsedAfterGenerate: afterGenerate.heapUsed,
    });
  } else if (mode === "budget") {
    const query = option("--query", BUDGET_QUERY);
    Object.assign(
      result,
      budgetRun(
        compile,
        StateBudget,
        count,
        every,
        Number(option("--budget-mb", "64")),
        query,
        option("--overhead", undefined) === undefined ? undefined : Number(option("--overhead")),
      ),
    );
  } else {
    throw new Error(`unknown --mode ${mode}`);
  }
  result.final = memory();
  result.maxRssKB = process.resourceUsage().maxRSS;
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();
