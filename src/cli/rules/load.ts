/** Load the rules named by `--rules` (files or directories), keeping every load error for the report. */
import { statSync } from "node:fs";
import type { LoadOptions, RuleLoadError, RuleSet } from "../../index.js";
import { listRuleFiles, loadRuleFile } from "../../node/rules/load.js";
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

function kindOf(u: RuleSet["unsupported"][number]): string {
  if (u.type !== undefined) return `type ${JSON.stringify(u.type)}`;
  if (u.language !== undefined) return `language ${JSON.stringify(u.language)}`;
  return "no rule type";
}

const RULE_FORMATS = "detection-rules TOML, Kibana rule JSON, or an .ndjson rule export";

/**
 * Why `--rules` gave no EQL rule (and no load error either): no rule file at all, or files whose
 * objects are not EQL rules (an event file given to --rules, rules of other types), with what was found.
 */
export function noRuleMessage(paths: readonly string[], set: RuleArgs): string {
  const where = paths.join(", ");
  if (set.files.length === 0) return `no rule file (${RULE_FORMATS}) under ${where}`;
  const files =
    set.files.length === 1 ? (set.files[0] as string) : `the ${set.files.length} files under ${where}`;
  if (set.unsupported.length === 0) return `no EQL rule in ${files}`;
  const kinds = new Map<string, number>();
  for (const u of set.unsupported) kinds.set(kindOf(u), (kinds.get(kindOf(u)) ?? 0) + 1);
  const n = set.unsupported.length;
  if (kinds.size === 1 && kinds.has("no rule type")) {
    return `${files} ${set.files.length === 1 ? "is not a rule file" : "hold no rule"}: ${n === 1 ? "its object has" : `its ${n} objects have`} no rule type (events?); --rules takes ${RULE_FORMATS}`;
  }
  const found = [...kinds].map(([k, c]) => `${c} with ${k}`).join(", ");
  return `no EQL rule in ${files}: found ${n === 1 ? "1 object" : `${n} objects`} of other kinds (${found}); only EQL rules run`;
}
