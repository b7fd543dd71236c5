// A small detection service over the library: NDJSON events in, Kibana-shaped alerts out (NDJSON).
//
//   node examples/service.mjs [rules-dir] < events.ndjson        alerts on stdout, a summary on stderr
//   PORT=8080 node examples/service.mjs [rules-dir]              POST /events (NDJSON body) → alerts
//                                                                GET /metrics (Prometheus text format)
//   PORT=0 picks a free port; the port is printed on stderr ("listening on http://127.0.0.1:PORT").
//
// One compiled rule set lives as long as the service: every event goes through it as it is read, each
// rule runs on its schedule (interval, look-back window, max_signals) following event time, and alerts
// are written as soon as their run is final. After each request (and at the end of stdin) the clock
// moves to the wall clock, so nothing waits for a later event; an event sent again after its run has
// finished is late and does not alert twice. Sequences span requests.
//
// Alerts are de-duplicated by id (overlapping look-back windows find the same match twice) through a
// bounded set of recent ids: at most DEDUP_MAX_IDS ids (default 100,000, about 10 MB), each kept
// DEDUP_TTL_SECONDS (default 3,600: longer than a look-back window plus the lateness); past the bound
// the oldest id is evicted, and both evictions and expiries are counted in /metrics.
// Run `npm run build` first.
import { once } from "node:events";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { compileRules, windowTime } from "../dist/index.js";
import { loadRules } from "../dist/node/index.js";

/** How long (ms) after a run's time its events may still arrive (ingestion delay). */
const LATENESS = 60_000;
const here = dirname(fileURLToPath(import.meta.url));
const rulesDir = process.argv[2] ?? join(here, "..", "rules");
const { rules, errors } = loadRules(rulesDir, { collectErrors: true });
for (const e of errors) console.error(e.message);

/**
 * Alert ids created recently, for de-duplication: a Set (what a rule set's `seen` option takes)
 * bounded to `max` ids, each forgotten `ttlMs` after it was last added.
 */
class RecentIds extends Set {
  #added = new Map();
  #max;
  #ttlMs;
  /** Ids evicted because the set was full, and ids forgotten because they expired. */
  evicted = 0;
  expired = 0;

  constructor(max, ttlMs) {
    super();
    this.#max = max;
    this.#ttlMs = ttlMs;
  }

  /** Forget the ids past their time to live (done before every look-up, and before /metrics). */
  forgetExpired() {
    const oldest = Date.now() - this.#ttlMs;
    // The map is in the order ids were added, so the expired ones come first.
    for (const [id, at] of this.#added) {
      if (at > oldest) break;
      this.#added.delete(id);
      super.delete(id);
      this.expired++;
    }
  }

  has(id) {
    this.forgetExpired();
    return super.has(id);
  }

  add(id) {
    this.forgetExpired();
    this.#added.delete(id);
    this.#added.set(id, Date.now());
    super.add(id);
    for (const [old] of this.#added) {
      if (super.size <= this.#max) break;
      this.#added.delete(old);
      super.delete(old);
      this.evicted++;
    }
    return this;
  }
}

const positive = (name, fallback) => {
  const n = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number`);
  return n;
};
const seen = new RecentIds(
  Math.floor(positive("DEDUP_MAX_IDS", 100_000)),
  positive("DEDUP_TTL_SECONDS", 3600) * 1000,
);
const ruleSet = compileRules(rules, { lateness: LATENESS, seen });
/** Totals since start: events read, lines rejected, alerts written, the newest event time (ms). */
const totals = { events: 0, rejected: 0, alerts: 0, newest: Number.NEGATIVE_INFINITY };

/** A label value in the text exposition format: backslash, double quote and line feed escaped. */
const label = (value) => String(value).replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`));

/** The service's figures in the Prometheus text exposition format (version 0.0.4). */
function metrics() {
  const lines = [];
  const metric = (name, type, help, samples) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
  };
  const stats = ruleSet.stats();
  const reports = ruleSet.reports();
  seen.forgetExpired();
  const perRule = (pick) =>
    reports.map((r) => [`{rule_id="${label(r.rule_id)}",rule_name="${label(r.name)}"}`, pick(r)]);
  metric("mini_eql_events_total", "counter", "Events read.", [["", totals.events]]);
  metric("mini_eql_rejected_total", "counter", "Input lines rejected (not JSON).", [["", totals.rejected]]);
  metric("mini_eql_alerts_total", "counter", "Alert documents written.", [["", totals.alerts]]);
  metric(
    "mini_eql_rule_matches_total",
    "counter",
    "Query matches per rule.",
    perRule((r) => r.matched),
  );
  metric(
    "mini_eql_rule_alerts_total",
    "counter",
    "Alert documents created per rule.",
    perRule((r) => r.alerts),
  );
  metric("mini_eql_late_events_total", "counter", "Events that came too late for any run (dropped).", [
    ["", reports.reduce((n, r) => n + r.late, 0)],
  ]);
  metric("mini_eql_state_evicted_total", "counter", "Sequence state entries evicted by the memory budget.", [
    ["", stats.state.evicted],
  ]);
  metric("mini_eql_dedup_ids", "gauge", "Alert ids held for de-duplication.", [["", seen.size]]);
  metric("mini_eql_dedup_evicted_total", "counter", "Alert ids evicted from the full de-duplication set.", [
    ["", seen.evicted],
  ]);
  metric("mini_eql_dedup_expired_total", "counter", "Alert ids forgotten after their time to live.", [
    ["", seen.expired],
  ]);
  if (Number.isFinite(totals.newest)) {
    metric("mini_eql_lag_seconds", "gauge", "Seconds from the newest event time to the wall clock.", [
      ["", (Date.now() - totals.newest) / 1000],
    ]);
  }
  return `${lines.join("\n")}\n`;
}

// `node examples/service.mjs < events.ndjson | head`: a reader that goes away ends the run quietly.
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});

/** Read NDJSON from a stream through the rule set; write alerts as they come, with back-pressure. */
async function detect(input, output, label) {
  const stats = { events: 0, rejected: 0, alerts: 0 };
  const write = async (alerts) => {
    for (const alert of alerts) {
      stats.alerts++;
      totals.alerts++;
      if (!output.write(`${JSON.stringify(alert)}\n`)) await once(output, "drain");
    }
  };
  let line = 0;
  for await (const text of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    line++;
    if (text.trim() === "") continue;
    let event;
    try {
      event = JSON.parse(text);
      stats.events++;
      totals.events++;
    } catch {
      stats.rejected++;
      totals.rejected++;
      console.error(`${label}:${line}: not JSON; skipped`);
      continue;
    }
    const time = windowTime(event);
    if (time !== null && time > totals.newest) totals.newest = time;
    await write(ruleSet.push(event));
  }
  await write(ruleSet.advanceTo(Date.now()));
  return stats;
}

if (process.env.PORT === undefined) {
  const s = await detect(process.stdin, process.stdout, "<stdin>");
  // End of input: runs not yet final, and sequences still waiting, give their alerts now.
  for (const alert of ruleSet.end()) {
    s.alerts++;
    totals.alerts++;
    process.stdout.write(`${JSON.stringify(alert)}\n`);
  }
  console.error(
    `service: ${rules.length} rules, ${s.events} events, ${s.rejected} rejected, ${s.alerts} alerts`,
  );
} else {
  const server = createServer(async (req, res) => {
    if (req.method === "GET" && req.url === "/health") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ rules: rules.length, ...ruleSet.stats() }));
      return;
    }
    if (req.method === "GET" && req.url === "/metrics") {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
      res.end(metrics());
      return;
    }
    if (req.method !== "POST" || req.url !== "/events") {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "application/x-ndjson" });
    const s = await detect(req, res, "request");
    res.end();
    console.error(`request: ${s.events} events, ${s.rejected} rejected, ${s.alerts} alerts`);
  });
  server.listen(Number(process.env.PORT), "127.0.0.1", () => {
    console.error(`listening on http://127.0.0.1:${server.address().port} with ${rules.length} rules`);
  });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.close(() => process.exit(0)));
}
