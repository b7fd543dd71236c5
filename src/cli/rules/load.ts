/** Load the rules named by `--rules` (files or directories), keeping every load error for the report. */
import { statSync } from "node:fs";
import type { LoadOptions, RuleLoadError, RuleSet } from "../../index.js";
import { listRuleFiles, loadRuleFile } from "../../node/rules/load.js";
import { UsageError } from "../errors.js";
import type { Finding } from "../report.js";

/** Load every rule under the given paths; a path that does not exist is a usage error. */
export function loadRuleArgs(paths: readonly string[], compile: LoadOptions["compile"] = {}): RuleSet {
  const all: RuleSet = { rules: [], errors: [], unsupported: [] };
  for (const path of paths) {
    let dir: boolean;
    try {
      dir = statSync(path).isDirectory();
    } catch (e) {
      throw new UsageError(`--rules ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    // Each file is named as the user would type it (the directory given, then the file below it),
    // so the file:line:col in messages can be opened from the current directory.
    const files = dir ? listRuleFiles(path) : [path];
    for (const file of files) {
      const set = loadRuleFile(file, { collectErrors: true, compile });
      all.rules.push(...set.rules);
      all.errors.push(...set.errors);
      all.unsupported.push(...set.unsupported);
    }
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
    hint: e.queryError?.hint,
  };
}
