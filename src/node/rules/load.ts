/**
 * Load rules from the file system: one file, or every rule file under a directory (a detection-rules
 * checkout works as is). Beside `<rule>.toml` may sit `<rule>.exceptions.json` (Kibana exception
 * items, attached to the rule) and `<rule>.fixtures.json` (test events, not a rule).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { RuleErrorCodes, RuleLoadError } from "../../rules/errors.js";
import { exceptionItemsFrom } from "../../rules/exceptions.js";
import type { LoadOptions, RuleSet } from "../../rules/from-object.js";
import { rulesFromText } from "../../rules/from-text.js";
import type { ExceptionItem } from "../../rules/types.js";

/** Options for loading from the file system. */
export interface DirLoadOptions extends LoadOptions {
  /** Descend into sub-directories (default true). */
  recursive?: boolean;
  /** Name files relative to this directory in messages (default: the directory loaded). */
  relativeTo?: string;
}

const COMPANION = /\.(fixtures|exceptions)\.json$/;
const RULE_FILE = /\.(toml|json|ndjson|jsonl)$/;

/** The base path of a rule file without its extension (`x/rule.toml` → `x/rule`). */
export function ruleBase(path: string): string {
  return path.replace(RULE_FILE, "");
}

/**
 * Exception items kept beside a rule file, or an empty list. Throws a `RuleLoadError` against the
 * exceptions file (named `name` in messages) when it is not JSON or its items are not valid.
 */
export function readExceptionsBeside(
  path: string,
  name = `${ruleBase(path)}.exceptions.json`,
): ExceptionItem[] {
  const file = `${ruleBase(path)}.exceptions.json`;
  if (!existsSync(file)) return [];
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new RuleLoadError({
      code: e instanceof SyntaxError ? RuleErrorCodes.JSON_SYNTAX : RuleErrorCodes.READ,
      reason: e instanceof Error ? e.message : String(e),
      file: name,
    });
  }
  return exceptionItemsFrom(doc, { file: name });
}

/** Load the rules of one file (with the exceptions kept beside it). */
export function loadRuleFile(path: string, options: DirLoadOptions = {}): RuleSet {
  const file = options.relativeTo ? relative(options.relativeTo, path) : (options.file ?? path);
  let text: string;
  let exceptions: ExceptionItem[];
  try {
    text = readFileSync(path, "utf8");
    exceptions = [
      ...(options.exceptions ?? []),
      ...readExceptionsBeside(path, `${ruleBase(file)}.exceptions.json`),
    ];
  } catch (e) {
    const err =
      e instanceof RuleLoadError
        ? e
        : new RuleLoadError({
            code: RuleErrorCodes.READ,
            reason: e instanceof Error ? e.message : String(e),
            file,
          });
    if (!options.collectErrors) throw err;
    return { rules: [], errors: [err], unsupported: [] };
  }
  return rulesFromText(text, { ...options, file, exceptions });
}

/** Rule files under `dir`, sorted, skipping companion files and hidden directories. */
export function listRuleFiles(dir: string, recursive = true): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith(".") || name === "node_modules") continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (recursive) out.push(...listRuleFiles(path, true));
    } else if (RULE_FILE.test(name) && !COMPANION.test(name)) out.push(path);
  }
  return out;
}

/** Load every rule file under a directory. With `collectErrors`, every bad file is reported. */
export function loadRules(dir: string, options: DirLoadOptions = {}): RuleSet {
  const set: RuleSet = { rules: [], errors: [], unsupported: [] };
  for (const path of listRuleFiles(dir, options.recursive ?? true)) {
    const one = loadRuleFile(path, { ...options, relativeTo: options.relativeTo ?? dir });
    set.rules.push(...one.rules);
    set.errors.push(...one.errors);
    set.unsupported.push(...one.unsupported);
  }
  return set;
}
