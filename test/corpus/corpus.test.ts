/**
 * Every query of Elastic's detection-rules corpus (1,024 real EQL rules) must compile from source.
 * The corpus is data kept outside the repository, under the Elastic License v2, and is never copied in;
 * on a machine without it (a fresh clone, CI) this suite is skipped. Set MINI_EQL_CORPUS to point at it.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compile.js";
import type { CompileOptions } from "../../src/types.js";

interface CorpusRule {
  path: string;
  kind: string;
  query: string;
  event_category_override?: string;
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const corpusPath = process.env.MINI_EQL_CORPUS
  ? resolve(process.env.MINI_EQL_CORPUS)
  : resolve(root, "../shared/corpus/detection-rules-eql.jsonl");
const present = existsSync(corpusPath);

function loadRules(): CorpusRule[] {
  return readFileSync(corpusPath, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as CorpusRule);
}

describe.skipIf(!present)("detection-rules corpus", () => {
  it("compiles every rule", { timeout: 120_000 }, () => {
    const rules = loadRules();
    expect(rules.length).toBeGreaterThan(0);
    const failures: string[] = [];
    for (const rule of rules) {
      const options: CompileOptions = rule.event_category_override
        ? { eventCategoryField: rule.event_category_override }
        : {};
      try {
        const compiled = compile(rule.query, options);
        if (compiled.kind !== rule.kind)
          failures.push(`${rule.path}: kind ${compiled.kind}, corpus says ${rule.kind}`);
      } catch (err) {
        const e = err as { code?: string; message?: string };
        failures.push(`${rule.path}: ${e.code ?? "?"} ${e.message ?? String(err)}`);
      }
    }
    expect(failures, `${failures.length} of ${rules.length} rules failed:\n${failures.join("\n\n")}`).toEqual(
      [],
    );
  });
});
