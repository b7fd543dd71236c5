/**
 * Parse and compile every query of the detection-rules corpus with the built library, and report.
 *
 *   node scripts/corpus.mjs [path/to/detection-rules-eql.jsonl]
 *
 * The corpus path is the argument, else $MINI_EQL_CORPUS, else ../shared/corpus/detection-rules-eql.jsonl
 * from the repository root. Prints counts by kind (parsed, compiled, failed) and every failure with the
 * rule path, error code and message. Exit 1 if any rule fails, 2 if the build or the corpus is missing.
 */
import { corpusPathFrom, importDist, readCorpus } from "./corpus-common.mjs";

const { compile, parse } = await importDist();
const corpusPath = corpusPathFrom(process.argv[2]);
const rules = readCorpus(corpusPath);

const counts = new Map();
const failures = [];
let warned = 0;
for (const rule of rules) {
  const kind = rule.kind ?? "?";
  if (!counts.has(kind)) counts.set(kind, { rules: 0, parsed: 0, compiled: 0, failed: 0 });
  const c = counts.get(kind);
  c.rules++;
  let stage = "parse";
  try {
    const statement = parse(rule.query);
    c.parsed++;
    stage = "compile";
    const options = rule.event_category_override ? { eventCategoryField: rule.event_category_override } : {};
    const compiled = compile(statement, options);
    c.compiled++;
    if (compiled.warnings.length > 0) warned++;
  } catch (err) {
    c.failed++;
    failures.push({
      path: rule.path,
      kind,
      stage,
      code: err?.code ?? err?.name ?? "?",
      message: String(err?.message ?? err),
    });
  }
}

console.log(`corpus: ${corpusPath} (${rules.length} rules)\n`);
console.log(
  `${"kind".padEnd(10)}${"rules".padStart(7)}${"parsed".padStart(8)}${"compiled".padStart(10)}${"failed".padStart(8)}`,
);
const total = { rules: 0, parsed: 0, compiled: 0, failed: 0 };
for (const [kind, c] of [...counts].sort()) {
  console.log(
    `${kind.padEnd(10)}${String(c.rules).padStart(7)}${String(c.parsed).padStart(8)}${String(c.compiled).padStart(10)}${String(c.failed).padStart(8)}`,
  );
  for (const k of Object.keys(total)) total[k] += c[k];
}
console.log(
  `${"total".padEnd(10)}${String(total.rules).padStart(7)}${String(total.parsed).padStart(8)}${String(total.compiled).padStart(10)}${String(total.failed).padStart(8)}`,
);
console.log(`\n${warned} compiled rules carry warnings`);

if (failures.length > 0) {
  console.log(`\n${failures.length} failures:`);
  for (const f of failures) {
    console.log(`\n${f.path} [${f.kind}, ${f.stage}] ${f.code}`);
    console.log(
      f.message
        .split("\n")
        .map((line) => `  ${line}`)
        .join("\n"),
    );
  }
  process.exit(1);
}
