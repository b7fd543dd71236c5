/**
 * Run every sequence and sample rule of the detection-rules corpus with the built library over
 * generated ECS events, batch and stream, and report.
 *
 *   node scripts/corpus-sequences.mjs [path/to/detection-rules-eql.jsonl] [--events N] [--seed N]
 *
 * Each rule is compiled with its event_category_override (eventCategoryField), tiebreaker_field
 * (tiebreakerField) and timestamp_field (timestampField), then run over the same events (made by
 * bench/corpus-events.mjs, with stage templates taken from the corpus queries so that some sequences
 * complete) with `run(events, { size: MAX })` and pushed one by one through `stream()`. The two must
 * give the same sequences, compared as sorted lists of event positions (and join keys).
 *
 * The corpus path is the argument, else $MINI_EQL_CORPUS, else ../shared/corpus/detection-rules-eql.jsonl
 * from the repository root. Exit 1 if any rule throws or batch and stream disagree, 2 if the build or
 * the corpus is missing.
 */
import { corpusPathFrom, importDist, readCorpus } from "./corpus-common.mjs";

const { compile } = await importDist();
const { corpusEvents, stageTemplates } = await import("../bench/corpus-events.mjs");
const { intOption } = await import("../bench/args.mjs");

const argv = process.argv.slice(2);
const EVENTS = intOption(argv, "--events", 4000);
const SEED = intOption(argv, "--seed", 1);

const corpusPath = corpusPathFrom(argv[0]);
const rules = readCorpus(corpusPath).filter((rule) => rule.kind === "sequence" || rule.kind === "sample");

const events = corpusEvents({
  count: EVENTS,
  seed: SEED,
  templates: stageTemplates(rules.map((r) => r.query)),
});
const position = new Map(events.map((e, i) => [e, i]));

/** A result as a comparable string: join keys and the positions of its events (-1 for a missing stage). */
function signature(hit) {
  const ids = hit.events.map((h) => (h.missing ? -1 : (position.get(h._source) ?? -2)));
  return `${JSON.stringify(hit.join_keys)} ${ids.join(",")}`;
}

function optionsOf(rule) {
  const options = {};
  if (rule.event_category_override) options.eventCategoryField = rule.event_category_override;
  if (rule.tiebreaker_field) options.tiebreakerField = rule.tiebreaker_field;
  // Kibana orders by the rule's timestamp_field (none in the corpus); timestamp_override only moves
  // the look-back window, which these runs do not apply.
  if (rule.timestamp_field) options.timestampField = rule.timestamp_field;
  return options;
}

const byKind = new Map();
const failures = [];
const disagreements = [];
let results = 0;
for (const rule of rules) {
  if (!byKind.has(rule.kind)) byKind.set(rule.kind, { rules: 0, ran: 0, withResults: 0, results: 0 });
  const c = byKind.get(rule.kind);
  c.rules++;
  let stage = "compile";
  try {
    const compiled = compile(rule.query, optionsOf(rule));
    stage = "run";
    const batch = compiled.run(events, { size: Number.MAX_SAFE_INTEGER }).sequences.map(signature);
    stage = "stream";
    const stream = compiled.stream();
    const streamed = [];
    for (const e of events) for (const hit of stream.push(e)) streamed.push(signature(hit));
    for (const hit of stream.end()) streamed.push(signature(hit));
    c.ran++;
    c.results += batch.length;
    results += batch.length;
    if (batch.length > 0) c.withResults++;
    const a = [...batch].sort();
    const b = [...streamed].sort();
    if (a.length !== b.length || a.some((s, i) => s !== b[i])) {
      disagreements.push({
        path: rule.path,
        query: rule.query,
        batch: a.length,
        stream: b.length,
        onlyBatch: a.filter((s) => !b.includes(s)).slice(0, 5),
        onlyStream: b.filter((s) => !a.includes(s)).slice(0, 5),
      });
    }
  } catch (err) {
    failures.push({
      path: rule.path,
      kind: rule.kind,
      stage,
      code: err?.code ?? err?.name ?? "?",
      message: String(err?.message ?? err),
      query: rule.query,
    });
  }
}

console.log(`corpus: ${corpusPath}`);
console.log(`${events.length} generated events (seed ${SEED})\n`);
console.log(
  `${"kind".padEnd(10)}${"rules".padStart(7)}${"ran".padStart(7)}${"with results".padStart(14)}${"results".padStart(9)}`,
);
for (const [kind, c] of [...byKind].sort()) {
  console.log(
    `${kind.padEnd(10)}${String(c.rules).padStart(7)}${String(c.ran).padStart(7)}${String(c.withResults).padStart(14)}${String(c.results).padStart(9)}`,
  );
}
console.log(
  `\n${results} results in all; ${failures.length} rules threw; ${disagreements.length} batch/stream disagreements`,
);

for (const f of failures) {
  console.log(`\n${f.path} [${f.kind}, ${f.stage}] ${f.code}: ${f.message}`);
  console.log(f.query.replace(/^/gm, "  "));
}
for (const d of disagreements) {
  console.log(`\n${d.path}: batch ${d.batch} sequences, stream ${d.stream}`);
  if (d.onlyBatch.length) console.log(`  only in batch:  ${d.onlyBatch.join(" | ")}`);
  if (d.onlyStream.length) console.log(`  only in stream: ${d.onlyStream.join(" | ")}`);
  console.log(d.query.replace(/^/gm, "  "));
}
if (failures.length > 0 || disagreements.length > 0) process.exit(1);
