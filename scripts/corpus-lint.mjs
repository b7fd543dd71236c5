/**
 * Validate every rule of the detection-rules corpus with the built library and the ECS schema, and
 * print the findings counted by code (and how many rules have each).
 *
 *   node scripts/corpus-lint.mjs [path/to/detection-rules-eql.jsonl] [--show CODE]
 *
 * The corpus path is the argument, else $MINI_EQL_CORPUS, else ../shared/corpus/detection-rules-eql.jsonl
 * from the repository root. `--show CODE` also prints every finding of that code with its rule path.
 * Exit 1 if any rule has an error, 2 if the build or the corpus is missing.
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { corpusPathFrom, importDist, readCorpus, root } from "./corpus-common.mjs";

const args = process.argv.slice(2);
const showAt = args.indexOf("--show");
const show = showAt >= 0 ? args.splice(showAt, 2)[1] : undefined;
const { validateRule, compileSchema } = await importDist();
const { ecsSchema, ecsVersion } = await import(pathToFileURL(resolve(root, "dist/node/index.js")).href);
const corpus = readCorpus(corpusPathFrom(args[0]));

const schema = compileSchema(ecsSchema());
const counts = new Map();
let rules = 0;
let withErrors = 0;
for (const row of corpus) {
  rules++;
  // `path` and `kind` are the corpus's own notes on each rule, not rule keys.
  const { path: _path, kind: _kind, ...rule } = row;
  const issues = validateRule(rule, { schema });
  if (issues.some((i) => i.severity === "error")) withErrors++;
  const codes = new Set();
  for (const issue of issues) {
    const key = `${issue.severity} ${issue.code}`;
    const c = counts.get(key) ?? { findings: 0, rules: 0 };
    c.findings++;
    if (!codes.has(key)) c.rules++;
    codes.add(key);
    counts.set(key, c);
    if (issue.code === show) console.log(`${row.path}: ${issue.message}`);
  }
}
console.log(`${rules} rules, ECS ${ecsVersion}; findings by code:`);
for (const [key, c] of [...counts].sort()) {
  console.log(
    `  ${key.padEnd(34)} ${String(c.findings).padStart(6)} findings in ${String(c.rules).padStart(5)} rules`,
  );
}
process.exit(withErrors > 0 ? 1 : 0);
