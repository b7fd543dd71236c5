// Runs the shipped Kubelet rule's query over the example events and prints the matching events
// as NDJSON (one per line), with a summary on stderr. Run `npm run build` first.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { compile } from "../dist/index.js";
import { loadRuleFile } from "../dist/node/index.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const ruleFile = join(root, "rules/linux/lateral_movement_direct_kubelet_access_via_process_args.toml");
const eventsFile = process.argv[2] ?? join(root, "examples/kubelet-events.ndjson");

// loadRuleFile reads the TOML as Kibana does and compiles the query (errors point into the file).
const [loaded] = loadRuleFile(ruleFile).rules;
const { rule } = loaded;
const query = compile(rule.query, { size: 10_000 });

let read = 0;
let rejected = 0;
const events = [];
readFileSync(eventsFile, "utf8")
  .split("\n")
  .forEach((line, i) => {
    if (line.trim() === "") return;
    read++;
    try {
      events.push(JSON.parse(line));
    } catch (e) {
      rejected++;
      console.error(`${eventsFile}:${i + 1}: not JSON (${e.message}); line skipped`);
    }
  });

const { events: hits } = query.run(events);
for (const hit of hits) console.log(JSON.stringify(hit._source));
console.error(
  `${rule.name}: ${read} events read, ${rejected} rejected, ${hits.length} matched, ${events.length - hits.length} not matched`,
);
