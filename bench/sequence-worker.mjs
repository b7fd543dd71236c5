/**
 * One measurement of the streaming sequence benchmark, in a process of its own so that its peak RSS
 * is its own. Started by sequence.mjs; prints one JSON object on stdout, progress on stderr.
 *
 *   node [--expose-gc] bench/sequence-worker.mjs --mode stream|batch|generate --events N [--seed N]
 *        [--sample-every N]
 *
 *   stream:   events from the generator are pushed one by one through `compiled.stream()`; RSS (and
 *             heap) sampled every --sample-every events. With --expose-gc a full GC runs before each
 *             sample, so `heapUsedAfterGc` is the live heap; the time spent sampling is not counted.
 *   batch:    the same events are first collected into an array, then `compiled.run(events)` once.
 *   generate: the generator alone (its cost is inside the stream figure).
 */
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { sequenceEvents } from "./sequence-events.mjs";

const SEQUENCE_QUERY =
  'sequence by host.id, process.entity_id with maxspan=1m [process where event.type == "start"] [network where true]';

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

async function main() {
  const here = dirname(fileURLToPath(import.meta.url));
  const dist = resolve(here, "../dist/index.js");
  if (!existsSync(dist)) throw new Error("run npm run build first");
  const { compile } = await import(pathToFileURL(dist).href);

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
  } else {
    throw new Error(`unknown --mode ${mode}`);
  }
  result.final = memory();
  result.maxRssKB = process.resourceUsage().maxRSS;
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();
