#!/usr/bin/env node
/**
 * Fuzz the built library (dist): mutated rule queries and hostile event shapes through compiled rule
 * sets. A case fails when anything throws that is not one of the library's coded errors (EqlError and
 * its subclasses, EqlDataError, EqlSnapshotError, RuleLoadError), when its alerts cannot be written
 * as JSON, or when it takes longer than the time limit.
 *
 *   npm run fuzz -- --cases N [--seed S] [--limit-ms MS] [--mapping ecs] [--progress N]
 *
 * `--mapping ecs` compiles every query against the ECS mapping (`ecsMapping()` of mini-eql/node),
 * fields outside it allowed, so the verifier's checks are fuzzed
 * too. `--progress N` prints the counts every N cases (a long run can be read while it goes).
 *
 * Seed queries: ../shared/corpus/detection-rules-eql.jsonl when present, else the rule files under
 * rules/, the conformance queries under ../shared/conformance, else a few built-in queries.
 * Exit status 1 when any case failed.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Calls after which a query's event filter is generated (src/compile/codegen.ts), and the event that heats it. */
const HOT_AFTER = 1000;
const HEAT = { event: { category: "process" } };

function args(argv) {
  const out = { cases: 200, seed: 1, limitMs: 2000, mapping: null, progress: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    if (a === "--cases") out.cases = Number(v);
    else if (a === "--seed") out.seed = Number(v);
    else if (a === "--limit-ms") out.limitMs = Number(v);
    else if (a === "--progress") out.progress = Number(v);
    else if (a === "--mapping") {
      if (v !== "ecs") throw new Error("--mapping expects ecs");
      out.mapping = v;
    } else continue;
    i++;
  }
  for (const k of ["cases", "seed", "limitMs", "progress"]) {
    if (!Number.isFinite(out[k]) || out[k] < 0) throw new Error(`--${k} expects a non-negative number`);
  }
  return out;
}

/** A small deterministic generator (mulberry32). */
function random(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (list) => list[Math.floor(next() * list.length)],
  };
}

const BUILT_IN = [
  "any where true",
  "process where true",
  "sequence by host.id [any where true] [any where true]",
  'process where process.name == "curl" and process.args : "*:10250/*"',
  "sequence by host.id with maxspan=1m [process where true] [network where destination.port == 443]",
  'file where file.path like~ "/etc/*" and not user.name in ("root", "admin")',
  "sample by host.id [process where true] [file where true]",
  'any where length(process.name) > 3 and startsWith~(process.name, "py") | head 5',
];

function walk(dir, keep, out) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory()) walk(path, keep, out);
    else if (keep(name)) out.push(path);
  }
  return out;
}

/** Seed queries, and where they came from. */
function seeds() {
  const corpus = resolve(ROOT, "../shared/corpus/detection-rules-eql.jsonl");
  if (existsSync(corpus)) {
    const queries = readFileSync(corpus, "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => JSON.parse(l).query)
      .filter((q) => typeof q === "string");
    if (queries.length > 0) return { from: corpus, queries };
  }
  const queries = [];
  const rules = resolve(ROOT, "rules");
  if (existsSync(rules)) {
    for (const file of walk(rules, (n) => n.endsWith(".toml"), [])) {
      const m = /query\s*=\s*'''([\s\S]*?)'''/.exec(readFileSync(file, "utf8"));
      if (m) queries.push(m[1]);
    }
  }
  const conformance = resolve(ROOT, "../shared/conformance");
  if (existsSync(conformance)) {
    for (const file of walk(conformance, (n) => /\.(toml|json|jsonl)$/.test(n), [])) {
      for (const m of readFileSync(file, "utf8").matchAll(/"query"\s*:\s*("(?:[^"\\]|\\.)*")/g)) {
        try {
          queries.push(JSON.parse(m[1]));
        } catch {}
      }
    }
  }
  return queries.length > 0
    ? { from: "rules/ and conformance", queries }
    : { from: "built-in", queries: BUILT_IN };
}

const FRAGMENTS = [
  "(",
  ")",
  '"',
  "'",
  "\\",
  " and ",
  " or ",
  " not ",
  "==",
  ":",
  "~",
  "*",
  "?",
  "[",
  "]",
  "|",
  " | head 1",
  " | tail 0",
  " | filter true",
  " with maxspan=0s ",
  " until [any where true]",
  "9".repeat(40),
  "1e400",
  "-0",
  "0x",
  "\u0000",
  "\u202e",
  "\ud800",
  "é",
  "process.name",
  "`a b`",
  "?field",
  'cidrMatch(source.ip, "10.0.0.0/8")',
  'match(process.name, "(a+)+$")',
  "length(",
  "__proto__",
  "constructor",
];

function mutate(q, rnd) {
  let s = q;
  const steps = 1 + rnd.int(4);
  for (let i = 0; i < steps; i++) {
    const at = rnd.int(s.length + 1);
    switch (rnd.int(6)) {
      case 0:
        s = s.slice(0, at) + rnd.pick(FRAGMENTS) + s.slice(at);
        break;
      case 1:
        s = s.slice(0, at) + s.slice(at + 1 + rnd.int(8));
        break;
      case 2: {
        const len = 1 + rnd.int(20);
        s = s.slice(0, at) + s.slice(at, at + len).repeat(2 + rnd.int(3)) + s.slice(at + len);
        break;
      }
      case 3: {
        const depth = 50 + rnd.int(400);
        s = `${s.slice(0, at)}${"(".repeat(depth)}true${")".repeat(depth)}${s.slice(at)}`;
        break;
      }
      case 4:
        s = `${s} ${rnd.pick(["and", "or"])} ${Array.from({ length: 20 + rnd.int(200) }, (_, k) => `a.b${k} == ${k}`).join(" or ")}`;
        break;
      default:
        s = s.split("").reverse().join("");
        if (rnd.int(2) === 0) s = q;
    }
  }
  return s;
}

function nested(depth, leaf) {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 ? { a: v } : [v];
  return v;
}

/** A hostile event: a plausible base with odd shapes and values mixed in. */
function hostileEvent(rnd, i) {
  const e = {
    "@timestamp": rnd.pick([
      `2026-05-04T10:${String(i % 60).padStart(2, "0")}:00Z`,
      1778000000000 + i,
      "not a time",
      null,
      [],
      "+275760-09-13T00:00:00.001Z",
    ]),
    event: { category: rnd.pick(["process", ["process", "network"], "file", 7, null]) },
    process: {
      name: rnd.pick(["curl", "python3", "", "\u0000", "x".repeat(10_000)]),
      args: ["a", 1, null, true],
    },
    host: { id: rnd.pick(["h1", "h2", 1, [1, 2], { x: 1 }]) },
  };
  switch (rnd.int(10)) {
    case 0:
      e.deep = nested(2000 + rnd.int(3000), 1);
      break;
    case 1:
      e.big = 12345678901234567890n;
      break;
    case 2:
      e.self = e;
      break;
    case 3:
      Object.defineProperty(e, "trap", {
        enumerable: true,
        get() {
          throw new Error("getter");
        },
      });
      break;
    case 4:
      Object.defineProperty(e, "__proto__", { value: { polluted: 1 }, enumerable: true, writable: true });
      break;
    case 5:
      e["process.name"] = "curl";
      e["event.category"] = "process";
      break;
    case 6:
      e.sparse = [1, 2, 3];
      delete e.sparse[1];
      e.nan = Number.NaN;
      e.inf = Number.POSITIVE_INFINITY;
      break;
    case 7:
      return {
        _index: rnd.pick(["logs-x", ".ds-logs-a-b-2026.05.04-000001", ""]),
        _id: String(i),
        _source: e,
      };
    case 8:
      e.source = { ip: rnd.pick(["10.0.0.1", "::1", "999.1.1.1", "fe80::1%eth0", 42]) };
      break;
    default:
      break;
  }
  return e;
}

async function main() {
  const opts = args(process.argv.slice(2));
  const dist = resolve(ROOT, "dist/index.js");
  if (!existsSync(dist)) throw new Error("dist/index.js is missing: run npm run build first");
  const lib = await import(pathToFileURL(dist).href);
  const coded = [lib.EqlError, lib.EqlDataError, lib.EqlSnapshotError, lib.RuleLoadError].filter(Boolean);
  const isCoded = (e) => coded.some((C) => e instanceof C);
  const { from, queries } = seeds();
  const compileOptions =
    opts.mapping === "ecs"
      ? {
          compile: {
            // Parsed once: compile takes a parsed mapping as it is.
            mapping: lib.parseMapping(
              (await import(pathToFileURL(resolve(ROOT, "dist/node/index.js")).href)).ecsMapping(),
            ),
            allowUnknownFields: true,
          },
        }
      : {};
  const rnd = random(opts.seed);
  const counts = { cases: 0, compiled: 0, codedErrors: 0, alerts: 0, failures: 0, slow: 0, differential: 0 };
  const failures = [];
  let slowest = 0;
  const started = performance.now();
  for (let c = 0; c < opts.cases; c++) {
    // Every fifth case a plain query that matches the hostile events, so their alerts are built.
    const query =
      c % 5 === 0
        ? rnd.pick(BUILT_IN.slice(0, 3))
        : rnd.int(5) === 0
          ? rnd.pick(queries)
          : mutate(rnd.pick(queries), rnd);
    const events = Array.from({ length: 1 + rnd.int(6) }, (_, i) => hostileEvent(rnd, i));
    const t0 = performance.now();
    try {
      const rule = lib.ruleFromObject(
        {
          rule_id: `fuzz-${c}`,
          name: `fuzz ${c}`,
          description: "fuzz",
          type: "eql",
          language: "eql",
          query,
          risk_score: 1,
          severity: "low",
          index: ["logs-*"],
        },
        compileOptions,
      );
      counts.compiled++;
      const set = lib.compileRules([rule], rnd.int(2) ? { window: false } : { lateness: 60_000 });
      const alerts = [];
      for (const e of events) alerts.push(...set.push(e));
      alerts.push(...set.end());
      JSON.stringify(alerts);
      JSON.stringify(set.reports());
      counts.alerts += alerts.length;
      // The query alone, with its event filter generated as JavaScript (after 1,000 calls) and with
      // closures only: both must give the same answer on every hostile event.
      const generated = lib.compile(query, compileOptions);
      const closures = lib.compile(query, { ...compileOptions, codegen: false });
      for (let i = 0; i <= HOT_AFTER; i++) generated.matches(HEAT);
      for (const e of events) {
        if (generated.matches(e) !== closures.matches(e)) {
          throw new Error(`generated and closure filters disagree on event ${events.indexOf(e)}`);
        }
      }
      counts.differential++;
    } catch (e) {
      if (isCoded(e)) counts.codedErrors++;
      else {
        counts.failures++;
        if (failures.length < 10)
          failures.push({ case: c, query: query.slice(0, 300), error: String(e?.stack ?? e).slice(0, 600) });
      }
    }
    const ms = performance.now() - t0;
    slowest = Math.max(slowest, ms);
    if (ms > opts.limitMs) {
      counts.slow++;
      if (failures.length < 10)
        failures.push({ case: c, query: query.slice(0, 300), error: `took ${ms.toFixed(0)} ms` });
    }
    counts.cases++;
    if (opts.progress > 0 && counts.cases % opts.progress === 0)
      console.log(
        `  ${counts.cases} cases: ${counts.codedErrors} coded errors, ${counts.failures} uncoded, ` +
          `${counts.slow} slow, ${((performance.now() - started) / 1000).toFixed(0)} s, slowest ${slowest.toFixed(0)} ms`,
      );
  }
  const total = performance.now() - started;
  console.log(
    `fuzz: seed ${opts.seed}${opts.mapping ? `, ${opts.mapping} mapping` : ""}, ${counts.cases} cases from ${queries.length} seed queries (${from}): ` +
      `${counts.compiled} compiled, ${counts.codedErrors} coded errors, ${counts.alerts} alerts, ` +
      `${counts.differential} with generated and closure filters agreeing, ` +
      `${counts.failures} uncoded exceptions, ${counts.slow} over ${opts.limitMs} ms; ` +
      `${(total / 1000).toFixed(1)} s, slowest case ${slowest.toFixed(0)} ms`,
  );
  for (const f of failures) console.log(JSON.stringify(f));
  process.exitCode = counts.failures > 0 || counts.slow > 0 ? 1 : 0;
}

main().catch((e) => {
  console.error(`fuzz: ${e?.message ?? e}`);
  process.exitCode = 2;
});
