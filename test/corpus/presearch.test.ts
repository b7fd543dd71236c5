/**
 * The index of a rule set must never change an answer: Elastic's whole detection-rules corpus, run
 * with and without the index over the same corpus-shaped events, gives the same alerts (ids, order,
 * content) and the same per-rule reports, only fewer evaluations. The corpus is data kept outside the
 * repository (Elastic License v2) and never copied in; without it these tests are skipped. Set
 * MINI_EQL_CORPUS to point at it.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { corpusEvents, stageTemplates } from "../../bench/corpus-events.mjs";
import { ruleFromObject } from "../../src/rules/from-object.js";
import { compileRules } from "../../src/rules/rule-set.js";
import type { LoadedRule } from "../../src/rules/types.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const corpusPath = process.env.MINI_EQL_CORPUS
  ? resolve(process.env.MINI_EQL_CORPUS)
  : resolve(root, "../shared/corpus/detection-rules-eql.jsonl");
const corpusExists = existsSync(corpusPath);

function loadCorpus(): { rules: LoadedRule[]; queries: string[] } {
  const rows = readFileSync(corpusPath, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const rules = rows.map(({ path: _path, kind: _kind, ...row }) =>
    ruleFromObject({ ...row, type: "eql", language: "eql", description: row.name }),
  );
  return { rules, queries: rows.map((r) => String(r.query)) };
}

describe.skipIf(!corpusExists)("the corpus with and without the index", () => {
  it("gives the same alerts and reports, in one execution and in scheduled runs", {
    timeout: 300_000,
  }, () => {
    const { rules, queries } = loadCorpus();
    const events = corpusEvents({ count: 1500, seed: 7, templates: stageTemplates(queries) });
    for (const options of [{ window: false, now: "2030-01-01T00:00:00Z" }, { lateness: 0 }] as const) {
      const run = (presearch: boolean) => {
        const set = compileRules(rules, { ...options, presearch, wallClock: () => 0 });
        const alerts = [...set.pushBatch(events), ...set.end()];
        return { alerts, reports: set.reports().map(({ evaluated: _, ...r }) => r), stats: set.stats() };
      };
      const indexed = run(true);
      const plain = run(false);
      expect(indexed.alerts.length).toBeGreaterThan(0);
      expect(indexed.alerts).toEqual(plain.alerts);
      expect(indexed.reports).toEqual(plain.reports);
      // What the index is for: far fewer evaluations than rules times events.
      expect(indexed.stats.evaluations * 5).toBeLessThan(plain.stats.evaluations);
    }
  });
});
