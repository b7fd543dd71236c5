// A custom EQL function: `urlPort(text)` reads the port of the first URL in a string, so a query can
// ask for Kubelet ports without spelling out every wildcard form. It is passed to compile() through
// `functions`, next to (and looked up before) the standard table.
// Run: npm run build && node examples/custom-function.mjs [events.ndjson]
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { compile, EqlError } from "../dist/index.js";

/** @type {import("../dist/index.js").FunctionDef} */
const urlPort = {
  name: "urlPort",
  params: [{ name: "text", type: "string" }],
  returns: "integer",
  hasInsensitiveVariant: false,
  // Called once per call site at compile time; the evaluator it returns runs per value and must not
  // throw: anything it cannot read gives null, which makes the comparison false.
  create: () => (args) => {
    const text = args[0];
    if (typeof text !== "string") return null;
    const m = /\b[a-z][a-z0-9+.-]*:\/\/(?:\[[^\]]*\]|[^\s/:?#]*):(\d{1,5})(?=[/?#\s]|$)/i.exec(text);
    if (!m) return null;
    const port = Number(m[1]);
    return port <= 65535 ? port : null;
  },
};

const here = dirname(fileURLToPath(import.meta.url));
const file = process.argv[2] ?? join(here, "kubelet-events.ndjson");
const query = 'process where event.type == "start" and urlPort(process.args) in (10250, 10255)';

// Without the function the query does not compile: EQL names it as unknown, with its position.
try {
  compile(query);
} catch (e) {
  if (!(e instanceof EqlError)) throw e;
  console.log(`without functions: ${e.code} at line ${e.line}, column ${e.column}`);
}

const compiled = compile(query, { functions: [urlPort], size: 10_000 });
const events = readFileSync(file, "utf8")
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => JSON.parse(line));
const { events: hits } = compiled.run(events);
console.log(`with urlPort: ${hits.length} of ${events.length} events match`);
for (const hit of hits) {
  const e = hit._source;
  console.log(`${e["@timestamp"]}  ${e.host?.name}  ${JSON.stringify(e.process?.args)}`);
}
