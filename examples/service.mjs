// A small detection service over the library: NDJSON events in, Kibana-shaped alerts out (NDJSON).
//
//   node examples/service.mjs [rules-dir] < events.ndjson        alerts on stdout, a summary on stderr
//   PORT=8080 node examples/service.mjs [rules-dir]              POST /events (NDJSON body) → alerts
//
// Events are read line by line and run through the rules in batches of BATCH events; the seen-set of
// alert ids lives as long as the service, so an event sent twice alerts once. Look-back windows are
// not applied (events are judged as they come). A sequence rule only sees one batch at a time here;
// for sequences across batches use `compiled.stream()` or the `mini-eql run` command.
// Run `npm run build` first.
import { once } from "node:events";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { runRules } from "../dist/index.js";
import { loadRules } from "../dist/node/index.js";

const BATCH = 500;
const here = dirname(fileURLToPath(import.meta.url));
const rulesDir = process.argv[2] ?? join(here, "..", "rules");
const { rules, errors } = loadRules(rulesDir, { collectErrors: true });
for (const e of errors) console.error(e.message);
const seen = new Set();

// `node examples/service.mjs < events.ndjson | head`: a reader that goes away ends the run quietly.
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});

/** Read NDJSON from a stream, run the rules every BATCH events, write alerts with back-pressure. */
async function detect(input, output, label) {
  const stats = { events: 0, rejected: 0, alerts: 0 };
  let batch = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const { alerts } = runRules(rules, batch, { now: Date.now(), window: false, seen });
    batch = [];
    for (const alert of alerts) {
      stats.alerts++;
      if (!output.write(`${JSON.stringify(alert)}\n`)) await once(output, "drain");
    }
  };
  let line = 0;
  for await (const text of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    line++;
    if (text.trim() === "") continue;
    try {
      batch.push(JSON.parse(text));
      stats.events++;
    } catch {
      stats.rejected++;
      console.error(`${label}:${line}: not JSON; skipped`);
    }
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  return stats;
}

if (process.env.PORT === undefined) {
  const s = await detect(process.stdin, process.stdout, "<stdin>");
  console.error(
    `service: ${rules.length} rules, ${s.events} events, ${s.rejected} rejected, ${s.alerts} alerts`,
  );
} else {
  const server = createServer(async (req, res) => {
    if (req.method === "GET" && req.url === "/health") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ rules: rules.length, alertsSeen: seen.size }));
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
