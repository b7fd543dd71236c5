/**
 * Every rule of Elastic's detection-rules corpus (1,024 real EQL rules, one JSON object a line) loads
 * through the object path and compiles, and the lint's findings are counted by code. The corpus is data
 * kept outside the repository under the Elastic License v2 and is never copied in; on a machine without
 * it (a fresh clone, CI) this suite is skipped. Set MINI_EQL_CORPUS to point at it.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ecsSchema } from "../../src/node/rules/ecs.js";
import { rulesFromObjects } from "../../src/rules/from-object.js";
import { compileSchema } from "../../src/rules/schema.js";
import { validateRule } from "../../src/rules/validate.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const corpusPath = process.env.MINI_EQL_CORPUS
  ? resolve(process.env.MINI_EQL_CORPUS)
  : resolve(root, "../shared/corpus/detection-rules-eql.jsonl");

/** The corpus's rules, without the two keys the corpus adds to each (`path` of its file, `kind` of its query). */
function corpus(): Record<string, unknown>[] {
  return readFileSync(corpusPath, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => {
      const { path: _path, kind: _kind, ...rule } = JSON.parse(l) as Record<string, unknown>;
      return rule;
    });
}

describe.skipIf(!existsSync(corpusPath))("detection-rules corpus through the rules layer", () => {
  it("loads and compiles every rule from its object", { timeout: 120_000 }, () => {
    const objects = corpus();
    const set = rulesFromObjects(objects, { collectErrors: true });
    expect(set.errors.map((e) => e.message)).toEqual([]);
    expect(set.unsupported).toEqual([]);
    expect(set.rules.length).toBe(objects.length);
    const timestampOverride = set.rules.filter((r) => r.rule.timestamp_override === "event.ingested").length;
    expect(timestampOverride).toBeGreaterThan(800);
  });

  it("reports lint counts by code", { timeout: 120_000 }, () => {
    const schema = compileSchema(ecsSchema());
    const counts: Record<string, number> = {};
    const rulesWith: Record<string, number> = {};
    for (const obj of corpus()) {
      const codes = new Set<string>();
      for (const issue of validateRule(obj, { schema })) {
        const key = `${issue.severity} ${issue.code}`;
        counts[key] = (counts[key] ?? 0) + 1;
        codes.add(key);
      }
      for (const c of codes) rulesWith[c] = (rulesWith[c] ?? 0) + 1;
    }
    const lines = Object.keys(counts)
      .sort()
      .map(
        (k) =>
          `${k.padEnd(36)} ${String(counts[k]).padStart(6)} findings in ${String(rulesWith[k]).padStart(5)} rules`,
      );
    console.log(`corpus lint (ECS schema):\n${lines.join("\n")}`);
    expect(Object.keys(counts).some((k) => k.startsWith("error"))).toBe(false);
  });
});
