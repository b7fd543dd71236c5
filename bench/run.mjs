/**
 * `npm run bench`: every benchmark, each in its own process, with ratios measured in the same run.
 *
 *   a, b. the corpus rules as one rule set: end to end against the read + JSON.parse floor, and in
 *         memory at 100, 300 and all rules (rule-set.mjs);
 *   c.    the Kubelet rule's compiled query against the hand-written predicate, both in the shared
 *         harness ../shared/bench/handwritten.mjs (its `--pred=` hook runs kubelet-pred.mjs), alternating;
 *   d.    streaming sequences and their state (sequence.mjs);
 *   e.    start-up and compile time (startup.mjs, when present).
 *
 * Options: --quick (small sizes, for a look), --kubelet-events N (100000), --events N (20000, for a and
 * b), --rounds N (3). Prints the machine first; writes bench/results/latest.json (not committed: the
 * numbers belong to the machine; compare ratios). Exit 2 without a build.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { intOption } from "./args.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const shared = resolve(root, "../shared/bench");
if (!existsSync(resolve(root, "dist/index.js"))) {
  console.error("run npm run build first");
  process.exit(2);
}
const argv = process.argv.slice(2);
const quick = argv.includes("--quick");
const KUBELET_EVENTS = intOption(argv, "--kubelet-events", quick ? 20_000 : 100_000);
const EVENTS = intOption(argv, "--events", quick ? 3_000 : 20_000);
const ROUNDS = intOption(argv, "--rounds", quick ? 1 : 3);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (n) => Math.round(n).toLocaleString("en-US");

/** Run a script, echo what it prints, and collect its `RESULT {json}` lines. */
function part(title, script, args) {
  console.log(`\n== ${title}`);
  const r = spawnSync(process.execPath, [script, ...args], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 1 << 28,
  });
  const results = [];
  for (const line of (r.stdout ?? "").split("\n")) {
    if (line.startsWith("RESULT ")) results.push(JSON.parse(line.slice(7)));
    else if (line.trim() !== "") console.log(line);
  }
  if (r.status !== 0) console.log(`(${script} exited with status ${r.status})`);
  return { status: r.status, results };
}

const cpu = os.cpus()[0]?.model ?? "unknown CPU";
console.log(
  `machine: ${os.cpus().length} cores (${cpu}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ` +
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
);

const results = {
  date: new Date().toISOString(),
  machine: { cores: os.cpus().length, cpu, node: process.version },
};

// a, b
results.ruleSet = part("a, b. the corpus rules as one rule set", join(here, "rule-set.mjs"), [
  "--events",
  String(EVENTS),
  "--rounds",
  String(ROUNDS),
]).results[0];

// c
if (existsSync(join(shared, "handwritten.mjs"))) {
  console.log("\n== c. the Kubelet rule: compiled query against the hand-written predicate");
  const work = mkdtempSync(join(os.tmpdir(), "mini-eql-kubelet-"));
  try {
    const file = join(work, "events.ndjson");
    execFileSync(process.execPath, [join(shared, "gen-events.mjs"), String(KUBELET_EVENTS), file], {
      stdio: "ignore",
    });
    const sides = { handwritten: [], compiled: [] };
    const matches = { handwritten: -1, compiled: -1 };
    for (let r = 0; r < Math.max(2, ROUNDS); r++) {
      // Alternate which side goes first, so drift (GC, frequency, other load) favours neither.
      const order = r % 2 ? ["compiled", "handwritten"] : ["handwritten", "compiled"];
      for (const side of order) {
        const pred = side === "compiled" ? join(here, "kubelet-pred.mjs") : "hand";
        const out = execFileSync(
          process.execPath,
          [join(shared, "handwritten.mjs"), "mem", file, "--reps=7", `--pred=${pred}`],
          {
            encoding: "utf8",
            maxBuffer: 1 << 26,
          },
        );
        const line = out.split("\n").find((l) => l.startsWith("RESULT "));
        if (!line) throw new Error(`no RESULT from handwritten.mjs (${side})`);
        const res = JSON.parse(line.slice(7));
        sides[side].push(res.median);
        matches[side] = res.matches;
      }
    }
    const c = median(sides.compiled);
    const h = median(sides.handwritten);
    console.log(
      `handwritten ${fmt(h)} events/s (${fmt(Math.min(...sides.handwritten))}-${fmt(Math.max(...sides.handwritten))}), ` +
        `compiled ${fmt(c)} events/s (${fmt(Math.min(...sides.compiled))}-${fmt(Math.max(...sides.compiled))}): ` +
        `${(c / h).toFixed(2)}x the hand-written predicate; matches ${matches.compiled} and ${matches.handwritten}`,
    );
    if (matches.compiled !== matches.handwritten) console.log("MATCH COUNTS DIFFER: the comparison is void");
    results.kubelet = {
      events: KUBELET_EVENTS,
      compiled: sides.compiled,
      handwritten: sides.handwritten,
      ratio: c / h,
      matches,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
} else console.log(`\n== c. skipped: no ${shared}/handwritten.mjs`);

// d
const sequenceArgs = quick ? ["--events", "200000"] : [];
results.sequence = part(
  "d. streaming sequences and their state",
  join(here, "sequence.mjs"),
  sequenceArgs,
).status;

// e
if (existsSync(join(here, "startup.mjs"))) {
  results.startup = part("e. start-up and compile time", join(here, "startup.mjs"), []).results;
}

const outDir = resolve(here, "results");
mkdirSync(outDir, { recursive: true });
writeFileSync(resolve(outDir, "run.json"), `${JSON.stringify(results, null, 2)}\n`);
console.log("\nwrote bench/results/run.json (sequence.mjs writes bench/results/latest.json)");
