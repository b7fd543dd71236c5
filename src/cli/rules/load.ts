/** Load the rules named by `--rules` (files or directories), keeping every load error for the report. */
import { statSync } from "node:fs";
import type { LoadOptions, RuleLoadError, RuleSet } from "../../index.js";
import { listRuleFiles, loadRuleFile, noRulesError } from "../../node/rules/load.js";
import { errnoText, UsageError } from "../errors.js";
import type { Finding } from "../report.js";

/** The rules found under `--rules` paths, and the rule files they came from. */
export interface RuleArgs extends RuleSet {
  /** Every rule file read (`.toml`, `.json`, `.ndjson`, `.jsonl`). */
  files: string[];
}

/** Load every rule under the given paths; a path that does not exist is a usage error. */
export function loadRuleArgs(
  paths: readonly string[],
  compile: LoadOptions["compile"] = {},
  list: { followSymlinks?: boolean } = {},
): RuleArgs {
  const all: RuleArgs = { rules: [], errors: [], unsupported: [], files: [] };
  // One set of rule ids over every path: a rule_id used twice is an error wherever the two are.
  const ruleIds = new Map<string, string>();
  for (const path of paths) {
    let dir: boolean;
    try {
      dir = statSync(path).isDirectory();
    } catch (e) {
      throw new UsageError(`--rules ${path}: ${errnoText(e)}`);
    }
    // Each file is named as the user would type it (the directory given, then the file below it),
    // so the file:line:col in messages can be opened from the current directory.
    // An entry that cannot be listed (a symlink loop, a dangling or outside link) is reported with
    // its path; the rest of the directory still loads.
    const problems: RuleLoadError[] = [];
    const files = dir ? listRuleFiles(path, true, { ...list, problems }) : [path];
    all.errors.push(...problems);
    all.files.push(...files);
    const before = {
      rules: all.rules.length,
      errors: all.errors.length,
      unsupported: all.unsupported.length,
    };
    for (const file of files) {
      const set = loadRuleFile(file, { collectErrors: true, compile, ruleIds });
      all.rules.push(...set.rules);
      all.errors.push(...set.errors);
      all.unsupported.push(...set.unsupported);
    }
    // A path that gave no EQL rule and no error saying why is an error of its own, naming it.
    if (all.rules.length === before.rules && all.errors.length === before.errors)
      all.errors.push(noRulesError(path, files.length, all.unsupported.slice(before.unsupported)));
  }
  return all;
}

/** A rule-loading error as a finding with its position, source line and caret. */
export function loadErrorFinding(e: RuleLoadError): Finding {
  return {
    file: e.file ?? "<rule>",
    line: e.line,
    column: e.column,
    severity: "error",
    // The reason of a query error already ends with its code; the finding prints the code once.
    message: `${e.key ? `${e.key}: ` : ""}${e.reason.replace(/ \[[A-Z_]+\]$/, "")}`,
    code: e.queryError?.code ?? e.code,
    sourceLine: e.sourceLine,
    caret: e.caret,
    hint: e.queryError?.hint ?? tomlHint(e),
  };
}
/** Whether `line` has an odd number of `quote` characters outside escapes (a string left open). */
function oddQuotes(line: string, quote: string): boolean {
  let n = 0;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === "\\") i++;
    else if (line[i] === quote) n++;
  }
  return n % 2 === 1;
}

/**
 * A hint for TOML's message about a string left open: the parser reads on into the next line and
 * reports "control characters are not allowed in strings" at the line break.
 */
function tomlHint(e: RuleLoadError): string | undefined {
  if (e.code !== "RULE_TOML_SYNTAX" || !/control character/i.test(e.reason)) return undefined;
  const line = e.sourceLine ?? "";
  if (!oddQuotes(line, '"') && !oddQuotes(line, "'")) return undefined;
  return `unterminated string? a string ends on the line it starts; use """...""" or '''...''' for several lines`;
}

/**
 * Which rule a load error is about, as a key: a rule may have several errors (one per mistake), each
 * naming its file, and in an NDJSON file its line, and where known its rule_id.
 */
export function failedRuleKey(e: RuleLoadError): string {
  const file = e.file ?? "<rule>";
  if (/\.(ndjson|jsonl)$/i.test(file)) return `${file}\u0000${e.line}`;
  if (/\.json$/i.test(file)) return `${file}\u0000${e.rule_id ?? ""}`;
  return file;
}

/** How many rules the load errors are about. */
export function failedRuleCount(errors: readonly RuleLoadError[]): number {
  return new Set(errors.map(failedRuleKey)).size;
}
