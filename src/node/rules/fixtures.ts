/** Run the fixture files kept beside rules in a directory (`<rule>.fixtures.json`). */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { checkFixtures, type FixtureOutcome, parseFixtureFile } from "../../rules/fixtures.js";
import type { LoadOptions } from "../../rules/from-object.js";
import type { LoadedRule } from "../../rules/types.js";
import { loadRuleFile } from "./load.js";

/** The fixtures of one rule file and their outcomes. */
export interface RuleFixtureReport {
  /** The fixture file, relative to the directory run. */
  readonly file: string;
  /** The rule file it belongs to (relative), when found. */
  readonly ruleFile?: string;
  readonly rule?: LoadedRule;
  readonly outcomes: FixtureOutcome[];
  /** Set when the fixture file or its rule could not be read. */
  readonly error?: string;
  readonly passed: number;
  readonly failed: number;
}

const SUFFIX = ".fixtures.json";

function fixtureFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith(".") || name === "node_modules") continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...fixtureFiles(path));
    else if (name.endsWith(SUFFIX)) out.push(path);
  }
  return out;
}

function ruleFileFor(fixturePath: string, named?: string): string | undefined {
  if (named) return join(dirname(fixturePath), named);
  const base = fixturePath.slice(0, -SUFFIX.length);
  return [".toml", ".json", ".ndjson"].map((ext) => base + ext).find((p) => existsSync(p));
}

/**
 * Run every `<rule>.fixtures.json` under `dir` against the rule file beside it (named by the file's
 * `rule` key, else the same base name). One report per fixture file; failures explain themselves.
 */
export function runRuleFixtures(dir: string, options: LoadOptions = {}): RuleFixtureReport[] {
  return fixtureFiles(dir).map((path): RuleFixtureReport => {
    const file = relative(dir, path);
    try {
      const doc = parseFixtureFile(JSON.parse(readFileSync(path, "utf8")));
      const rulePath = ruleFileFor(path, doc.rule);
      if (!rulePath || !existsSync(rulePath)) {
        return { file, outcomes: [], passed: 0, failed: 0, error: `no rule file for ${basename(path)}` };
      }
      const set = loadRuleFile(rulePath, { ...options, collectErrors: false });
      const rule = set.rules[0];
      if (!rule) return { file, outcomes: [], passed: 0, failed: 0, error: `${rulePath} holds no EQL rule` };
      const outcomes = checkFixtures(rule, doc.fixtures);
      const passed = outcomes.filter((o) => o.ok).length;
      return {
        file,
        ruleFile: relative(dir, rulePath),
        rule,
        outcomes,
        passed,
        failed: outcomes.length - passed,
      };
    } catch (e) {
      return { file, outcomes: [], passed: 0, failed: 0, error: e instanceof Error ? e.message : String(e) };
    }
  });
}
