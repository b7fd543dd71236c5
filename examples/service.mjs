// A small detection service over the library: NDJSON events in, Kibana-shaped alerts out (NDJSON).
//
//   node examples/service.mjs [rules-dir] < events.ndjson        alerts on stdout, a summary on stderr
//   PORT=8080 node examples/service.mjs [rules-dir]              POST /events (NDJSON body) → alerts
//
// One compiled rule set lives as long as the service: every event goes through it as it is read, each
// rule runs on its schedule (interval, look-back window, max_signals) following event time, and alerts
// are written as soon as their run is final. After each request (and at the end of stdin) the clock
// moves to the wall clock, so nothing waits for a later event; an event sent again after its run has
// finished is late and does not alert twice. Sequences span requests.
// Run `npm run build` first.
import { once } from "node:events";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { compileRules } from "../dist/index.js";
import { loadRules } from "../dist/node/index.js";

/** How long (ms) after a run's time its events may still arrive (ingestion delay). */
const LATENESS = 60_000;
const here = dirname(fileURLToPath(import.meta.url));
const rulesDir = process.argv[2] ?? join(here, "..", "rules");
const { rules, errors } = loadRules(rulesDir, { collectErrors: true });
for (const e of errors) console.error(e.message);
const ruleSet = compileRules(rules, { lateness: LATENESS });

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
    } catch {
      stats.rejected++;
      console.error(`${label}:${line}: not JSON; skipped`);
      continue;
    }
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
