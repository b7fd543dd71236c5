/**
 * `node bench/startup.mjs`: how long the command line takes to start, and how long the built library
 * takes to compile the detection-rules corpus.
 *
 *   1. Wall time of `node -e 0`, `mini-eql --version`, `mini-eql check --rules rules` (the Kubelet
 *      rule) and `mini-eql check '<query>'`, each run --runs times (15), the commands taking turns so
 *      that a change in the machine's load falls on all of them; median (min–max) and the ratio of
 *      each median to that of `node -e 0`.
 *   2. When the corpus is on the machine: `compile` on each of its queries, and `ruleFromObject` on
 *      each of its rules, one pass over all of them at a time. Cold is the first pass in a fresh
 *      process (the code not yet optimised by V8), median over --cold N processes (5) for each of the
 *      two, each of which runs first in half of them; warm is the median of --warm N passes (5) in
 *      each process after two untimed ones.
 *
 * The corpus path is $MINI_EQL_CORPUS or ../shared/corpus/detection-rules-eql.jsonl from the repo root.
 * Exit 2 without a build, 1 if a command fails.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { intOption } from "./args.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const cli = resolve(root, "dist/cli/index.js");
const dist = resolve(root, "dist/index.js");
const corpusPath = process.env.MINI_EQL_CORPUS
  ? resolve(process.env.MINI_EQL_CORPUS)
  : resolve(root, "../shared/corpus/detection-rules-eql.jsonl");

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (n) => `${n.toFixed(0)} ms`;
const spread = (xs) => `${ms(median(xs))} (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;

/** One pass of `fn` over `items`, in milliseconds. */
function pass(items, fn) {
  const t0 = process.hrtime.bigint();
  for (const item of items) fn(item);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

// A child process of part 2: times the passes and prints them as JSON.
if (process.argv[2] === "--corpus-worker") {
  const [first, warm] = [process.argv[3], Number(process.argv[4])];
  const { compile, ruleFromObject } = await import(pathToFileURL(dist).href);
  const rules = readFileSync(corpusPath, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line));
  // `path` and `kind` are the corpus's own notes on each rule, not rule keys.
  const objects = rules.map(({ path: _path, kind: _kind, ...r }) => ({
    ...r,
    type: "eql",
    language: "eql",
    description: r.name,
  }));
  const runs = {
    compile: () => pass(rules, (r) => compile(r.query)),
    rules: () => pass(objects, (o) => ruleFromObject(o)),
  };
  const order = first === "rules" ? ["rules", "compile"] : ["compile", "rules"];
  const out = { count: rules.length, cold: {}, warm: { compile: [], rules: [] } };
  for (const k of order) out.cold[k] = runs[k]();
  for (let i = 0; i < 2 + warm; i++) {
    for (const k of order) {
      const t = runs[k]();
      if (i >= 2) out.warm[k].push(t);
    }
  }
  process.stdout.write(JSON.stringify(out));
  process.exit(0);
}

if (!existsSync(cli) || !existsSync(dist)) {
  console.error("run npm run build first");
  process.exit(2);
}
const argv = process.argv.slice(2);
const RUNS = intOption(argv, "--runs", 15);
const COLD = intOption(argv, "--cold", 5);
const WARM = intOption(argv, "--warm", 5);

const QUERY = 'process where process.name == "curl" and process.args : "*:10250/*"';
const commands = [
  { label: "node -e 0", args: ["-e", "0"] },
  { label: "mini-eql --version", args: [cli, "--version"] },
  { label: "mini-eql check --rules rules", args: [cli, "check", "--rules", "rules"] },
  { label: "mini-eql check '<query>'", args: [cli, "check", QUERY] },
];
for (const c of commands) c.times = [];

console.log(
  `node ${process.version}, ${os.cpus().length} cores, load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")} (timings on a loaded machine are slower and spread)`,
);
for (let i = 0; i < RUNS; i++) {
  for (const c of commands) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, c.args, { cwd: root, stdio: ["ignore", "ignore", "pipe"] });
    c.times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.status !== 0) {
      console.error(`${c.label} exited with ${r.status}:\n${r.stderr}`);
      process.exit(1);
    }
  }
}
const base = median(commands[0].times);
console.log(`\nstart-up, wall time over ${RUNS} runs: median (min–max), median / node -e 0`);
for (const c of commands) {
  console.log(
    `  ${c.label.padEnd(30)} ${spread(c.times).padEnd(22)} ${(median(c.times) / base).toFixed(2)}×`,
  );
}
console.log(`  (check '<query>': ${QUERY})`);

if (!existsSync(corpusPath)) {
  console.log(`\ncorpus absent (${corpusPath}): compile times skipped`);
  process.exit(0);
}
const workers = [];
for (let i = 0; i < COLD; i++) {
  const first = i % 2 === 0 ? "compile" : "rules";
  const r = spawnSync(
    process.execPath,
    [fileURLToPath(import.meta.url), "--corpus-worker", first, String(WARM)],
    {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, MINI_EQL_CORPUS: corpusPath },
    },
  );
  if (r.status !== 0) {
    console.error(`corpus worker exited with ${r.status}:\n${r.stderr}`);
    process.exit(1);
  }
  workers.push({ first, ...JSON.parse(r.stdout) });
}
const count = workers[0].count;
console.log(`\ncorpus: ${count} queries and rules, one pass over all of them (${corpusPath})`);
for (const [k, label] of [
  ["compile", "compile(query)"],
  ["rules", "ruleFromObject(rule)"],
]) {
  const cold = workers.filter((w) => w.first === k).map((w) => w.cold[k]);
  const warm = workers.flatMap((w) => w.warm[k]);
  console.log(
    `  ${label.padEnd(22)} cold ${spread(cold).padEnd(22)} warm ${spread(warm)}  (${cold.length} fresh processes, ${warm.length} warm passes)`,
  );
}
