/**
 * Every sequence and sample rule of Elastic's detection-rules corpus must run over realistic events
 * without throwing, and its stream must give the same sequences as its batch run. The events come from
 * bench/corpus-events.mjs (many categories, every event with @timestamp, stage templates from the
 * queries so that some sequences complete). The corpus is data kept outside the repository, under the
 * Elastic License v2, and is never copied in; on a machine without it (a fresh clone, CI) these tests
 * are skipped. Set MINI_EQL_CORPUS to point at it. scripts/corpus-sequences.mjs prints the same
 * checks with counts.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { corpusEvents, stageTemplates } from "../../bench/corpus-events.mjs";
import { compile } from "../../src/compile.js";
import type { CompileOptions, EqlEvent, SequenceHit, SequencesResult } from "../../src/types.js";

interface CorpusRule {
  path: string;
  kind: string;
  query: string;
  event_category_override?: string;
  tiebreaker_field?: string;
  timestamp_field?: string;
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const corpusPath = process.env.MINI_EQL_CORPUS
  ? resolve(process.env.MINI_EQL_CORPUS)
  : resolve(root, "../shared/corpus/detection-rules-eql.jsonl");
const corpusExists = existsSync(corpusPath);

function loadRules(): CorpusRule[] {
  return readFileSync(corpusPath, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as CorpusRule)
    .filter((rule) => rule.kind === "sequence" || rule.kind === "sample");
}

function optionsOf(rule: CorpusRule): CompileOptions {
  const options: CompileOptions = {};
  if (rule.event_category_override) options.eventCategoryField = rule.event_category_override;
  if (rule.tiebreaker_field) options.tiebreakerField = rule.tiebreaker_field;
  // Kibana orders by the rule's timestamp_field (none in the corpus); timestamp_override only moves
  // the look-back window, which these runs do not apply.
  if (rule.timestamp_field) options.timestampField = rule.timestamp_field;
  return options;
}

interface Outcome {
  rule: CorpusRule;
  batch: string[];
  stream: string[];
  error?: string;
}

/** Run every rule once, batch and stream, over the same events; the tests below read the outcomes. */
function runAll(): { events: EqlEvent[]; outcomes: Outcome[] } {
  const rules = loadRules();
  const events = corpusEvents({
    count: 4000,
    seed: 1,
    templates: stageTemplates(rules.map((r) => r.query)),
  });
  const position = new Map<EqlEvent, number>(events.map((e, i) => [e, i]));
  const signature = (hit: SequenceHit) =>
    `${JSON.stringify(hit.join_keys)} ${hit.events.map((h) => (h.missing ? -1 : (position.get(h._source) ?? -2))).join(",")}`;
  const outcomes: Outcome[] = [];
  for (const rule of rules) {
    const outcome: Outcome = { rule, batch: [], stream: [] };
    try {
      const compiled = compile(rule.query, optionsOf(rule));
      const result = compiled.run(events, { size: Number.MAX_SAFE_INTEGER }) as SequencesResult;
      outcome.batch = result.sequences.map(signature).sort();
      const stream = compiled.stream();
      const streamed: SequenceHit[] = [];
      for (const e of events) streamed.push(...(stream.push(e) as SequenceHit[]));
      streamed.push(...(stream.end() as SequenceHit[]));
      outcome.stream = streamed.map(signature).sort();
    } catch (err) {
      const e = err as { code?: string; message?: string };
      outcome.error = `${e.code ?? "?"} ${e.message ?? String(err)}`;
    }
    outcomes.push(outcome);
  }
  return { events, outcomes };
}

// Skipped without the corpus: it lives outside the repository (Elastic License v2) and is never copied in.
describe.skipIf(!corpusExists)("detection-rules corpus: sequences and samples", () => {
  const { events, outcomes } = corpusExists ? runAll() : { events: [], outcomes: [] };

  it("generates timestamped events of many categories", () => {
    expect(events.length).toBe(4000);
    const categories = new Set<string>();
    for (const e of events) {
      expect(e["@timestamp"]).toBeDefined();
      const nested = (e.event as { category?: unknown } | undefined)?.category ?? e["event.category"];
      for (const c of [nested].flat()) if (typeof c === "string") categories.add(c);
    }
    for (const c of ["process", "network", "file", "registry", "authentication", "iam", "library", "driver"])
      expect(categories).toContain(c);
  });

  it("runs every sequence and sample rule without throwing", () => {
    expect(outcomes.length).toBeGreaterThan(0);
    const failures = outcomes
      .filter((o) => o.error !== undefined)
      .map((o) => `${o.rule.path}: ${o.error}\n${o.rule.query}`);
    expect(
      failures,
      `${failures.length} of ${outcomes.length} rules threw:\n${failures.join("\n\n")}`,
    ).toEqual([]);
    // The events are built to complete some sequences: a run where nothing matches proves little.
    expect(outcomes.filter((o) => o.batch.length > 0).length).toBeGreaterThan(20);
  });

  it("streams the same sequences as the batch run, rule by rule", () => {
    const disagreements = outcomes
      .filter((o) => o.error === undefined && o.batch.join("\n") !== o.stream.join("\n"))
      .map(
        (o) =>
          `${o.rule.path}: batch ${o.batch.length}, stream ${o.stream.length}\n` +
          `  only batch: ${o.batch.filter((s) => !o.stream.includes(s)).join(" | ")}\n` +
          `  only stream: ${o.stream.filter((s) => !o.batch.includes(s)).join(" | ")}\n${o.rule.query}`,
      );
    expect(disagreements, disagreements.join("\n\n")).toEqual([]);
  });
});
