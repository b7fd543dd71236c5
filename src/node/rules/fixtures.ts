/** Run the fixture files kept beside rules in a directory (`<rule>.fixtures.json`), fixture by fixture. */
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import type { RuleLoadError } from "../../rules/errors.js";
import {
  checkFixtures,
  type FixtureOutcome,
  parseFixtureFile,
  type RuleFixture,
} from "../../rules/fixtures.js";
import type { LoadOptions } from "../../rules/from-object.js";
import type { LoadedRule } from "../../rules/types.js";
import { listFiles, loadRuleFile } from "./load.js";

const SUFFIX = ".fixtures.json";

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A fixture that could not be run: its place in the file and why. */
export interface FixtureError {
  readonly index: number;
  readonly id?: string;
  readonly label?: string;
  readonly error: string;
}

/** The fixtures of one file: outcomes of those that ran, errors of those that could not. */
export interface RuleFixtureReport {
  /** The fixture file, relative to the directory run. */
  readonly file: string;
  /** The rule file it belongs to (relative), when found. */
  readonly ruleFile?: string;
  readonly rule?: LoadedRule;
  /** Set when the file itself could not be used (bad JSON, no rule file, a rule that does not load). */
  readonly error?: string;
  /** True when the file's `fixtures` list is empty. */
  readonly empty: boolean;
  /** Outcomes of the fixtures that ran, with their place in the file. */
  readonly outcomes: readonly (FixtureOutcome & { readonly index: number })[];
  readonly errors: readonly FixtureError[];
  /** Fixtures that ran and gave the expected verdict, and those that did not. */
  readonly passed: number;
  readonly failed: number;
}

/** One fixture checked with the library's rules for a fixture file; the error names its index. */
function fixtureProblem(f: unknown, index: number): string | undefined {
  try {
    parseFixtureFile({ fixtures: [f] });
    return undefined;
  } catch (e) {
    return message(e).replace(/^fixtures\[0\]/, `fixtures[${index}]`);
  }
}

function textField(f: unknown, key: "id" | "label"): string | undefined {
  const v = typeof f === "object" && f !== null ? (f as Record<string, unknown>)[key] : undefined;
  return typeof v === "string" ? v : undefined;
}

function oneFile(dir: string, path: string, options: LoadOptions): RuleFixtureReport {
  const file = relative(dir, path);
  const failed = (error: string): RuleFixtureReport => ({
    file,
    error,
    empty: false,
    outcomes: [],
    errors: [],
    passed: 0,
    failed: 0,
  });
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    return failed(`not a JSON fixture file: ${message(e)}`);
  }
  const d = doc as { rule?: unknown; fixtures?: unknown } | null;
  if (typeof d !== "object" || d === null || !Array.isArray(d.fixtures)) {
    return failed('a fixture file is a JSON object with a "fixtures" array');
  }
  let rulePath: string;
  if (d.rule !== undefined) {
    if (typeof d.rule !== "string") return failed('"rule" must be the name of the rule file beside it');
    rulePath = join(dirname(path), d.rule);
    if (!existsSync(rulePath)) {
      return failed(`rule file ${d.rule} (named by "rule") not found beside ${basename(path)}`);
    }
  } else {
    const base = path.slice(0, -SUFFIX.length);
    const found = [".toml", ".json", ".ndjson"].map((ext) => base + ext).find((p) => existsSync(p));
    if (!found) {
      return failed(
        `no rule file ${basename(base)}.toml/.json/.ndjson beside it; name one with "rule": "<file>"`,
      );
    }
    rulePath = found;
  }
  let rule: LoadedRule | undefined;
  try {
    rule = loadRuleFile(rulePath, { ...options, collectErrors: false }).rules[0];
  } catch (e) {
    return failed(`rule file ${relative(dir, rulePath)} does not load: ${message(e)}`);
  }
  if (!rule) return failed(`rule file ${relative(dir, rulePath)} holds no EQL rule`);
  const good: RuleFixture[] = [];
  const at: number[] = [];
  const errors: FixtureError[] = [];
  d.fixtures.forEach((f, index) => {
    const problem = fixtureProblem(f, index);
    if (problem === undefined) {
      good.push(f as RuleFixture);
      at.push(index);
    } else {
      const id = textField(f, "id");
      const label = textField(f, "label");
      errors.push({ index, error: problem, ...(id ? { id } : {}), ...(label ? { label } : {}) });
    }
  });
  const outcomes = checkFixtures(rule, good).map((o, i) => ({ ...o, index: at[i] as number }));
  const passed = outcomes.filter((o) => o.ok).length;
  return {
    file,
    ruleFile: relative(dir, rulePath),
    rule,
    empty: d.fixtures.length === 0,
    outcomes,
    errors,
    passed,
    failed: outcomes.length - passed,
  };
}

/**
 * Run every `<rule>.fixtures.json` under `dir` against the rule file beside it (named by the file's
 * `rule` key, else the same base name). Each fixture is validated on its own, so a malformed one is
 * reported in `errors` and the others still run; a file that cannot be used at all sets `error`.
 */
export function runRuleFixtures(dir: string, options: LoadOptions = {}): RuleFixtureReport[] {
  // A symlink loop, a dangling link or a link out of the directory is a file that could not be used.
  const problems: RuleLoadError[] = [];
  const files = listFiles(dir, true, { problems }, (name) => name.endsWith(SUFFIX));
  const unusable = problems.map(
    (p): RuleFixtureReport => ({
      file: relative(dir, p.file ?? dir),
      error: `${p.reason} [${p.code}]`,
      empty: false,
      outcomes: [],
      errors: [],
      passed: 0,
      failed: 0,
    }),
  );
  return [...unusable, ...files.map((path) => oneFile(dir, path, options))];
}
