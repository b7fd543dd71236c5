/**
 * `mini-eql check`: syntax, semantics and lint of one query or of rule files, printed as
 * `file:line:col: severity: message [code]` with the source line and a caret, likely bugs first
 * (errors, then warnings and notes in the order of the lint's table of codes), then a count per code.
 * Lint codes that are off (by default or `--disable`) and findings a `mini-eql: ignore` comment
 * silences are counted, not listed. Exit status 1 when a listed finding is at least as severe as
 * `--fail-level` (default: error).
 */

import { locate } from "../../errors.js";
// From the modules themselves, not the index: what the index also exports (rule sets, alerts, index
// patterns) then stays out of the code this command loads.
import { parse } from "../../parse.js";
import { checkQuery, earlierSyntaxError, isLexicalError } from "../../rules/check-query.js";
import { RuleErrorCodes, type RuleLoadError } from "../../rules/errors.js";
import { enabledLintCodes, findingRank, lintCodeInfo } from "../../rules/lint.js";
import { lintQuery } from "../../rules/lint-ignore.js";
import type { RuleIssue } from "../../rules/normalize.js";
import { type CompiledSchema, compileSchema } from "../../rules/schema.js";
import type { LoadedRule } from "../../rules/types.js";
import { validateRule } from "../../rules/validate.js";
import type { CompileOptions } from "../../types.js";
import type { CliContext } from "../context.js";
import { ExitCode, UsageError } from "../errors.js";
import { dataFieldOptions } from "../io/mapping.js";
import {
  type CodeCount,
  diagnosticFinding,
  type Finding,
  formatCodeTable,
  formatFinding,
  plural,
} from "../report.js";
import { failedRuleCount, failedRuleKey, loadErrorFinding, loadRuleArgs } from "../rules/load.js";
import { queryInFile, queryPosition, ruleFileFormat, stringInFile } from "../rules/positions.js";

/** Options of `mini-eql check`. */
export interface CheckOptions {
  rules?: string[];
  schema: boolean;
  mapping?: string;
  allowUnknownFields?: boolean;
  fieldMap?: string;
  followSymlinks?: boolean;
  /** Lint codes to list besides those on by default. */
  enable?: string[];
  /** Lint codes not to list (still counted). */
  disable?: string[];
  /** The least severe listed finding that makes the exit status 1 (default: error). */
  failLevel?: Finding["severity"];
}

const SEVERITIES: readonly Finding["severity"][] = ["error", "warning", "info"];

function queryFindings(text: string, mapping: CompileOptions, schema: CompiledSchema | undefined): Finding[] {
  const file = "<query>";
  const found = checkQuery(text, { ...mapping, ...(schema ? { schema } : {}) });
  return [
    ...found.errors.map((e) => diagnosticFinding(file, e, "error")),
    ...found.warnings.map((w) => diagnosticFinding(file, w, "warning")),
    ...found.lint.map((issue) => issueFinding(file, issue, text)),
  ];
}

/** For a rule whose query has a lexical error: a syntax error earlier in the query, in the file. */
function earlierInRuleFile(e: RuleLoadError, mapping: CompileOptions): Finding | undefined {
  const lexical = e.queryError;
  if (!lexical || e.file === undefined || !isLexicalError(lexical)) return undefined;
  const format = ruleFileFormat(e.file);
  const found = queryInFile(e.file, format, format === "ndjson" ? e.line : undefined);
  if (!found) return undefined;
  const earlier = earlierSyntaxError(found.query, lexical, mapping);
  if (!earlier) return undefined;
  const at = found.position(earlier.location);
  return {
    file: e.file,
    severity: "error",
    message: `${e.key ? `${e.key}: ` : ""}${earlier.reason}`,
    code: earlier.code,
    ...at,
    hint: earlier.hint,
  };
}

function issueFinding(file: string, issue: RuleIssue, queryText: string): Finding {
  const base = {
    file,
    severity: issue.severity,
    message: issue.message,
    code: issue.code,
    ...(issue.silenced ? { silenced: true } : {}),
  };
  if (!issue.location) return base;
  const { location, sourceLine, caret } = locate(queryText, issue.location);
  return { ...base, line: location.line, column: location.column, sourceLine, caret };
}

function ruleFindings(loaded: LoadedRule, schema: CompiledSchema | undefined): Finding[] {
  const file = loaded.origin.file ?? "<rule>";
  // The rule was compiled against the mapping when it was loaded: validation needs only the schema.
  return validateRule(loaded, schema ? { schema } : {}).map((issue): Finding => {
    const at = issue.location ? queryPosition(loaded, issue.location) : undefined;
    if (at) {
      const { severity, message, code } = issue;
      return { file, severity, message, code, ...at, ...(issue.silenced ? { silenced: true } : {}) };
    }
    // Not mappable into the file (or about a key): name the rule's line and the position in its query.
    const f = issueFinding(file, issue, loaded.rule.query);
    return {
      ...f,
      line: loaded.origin.line,
      column: undefined,
      message: `${issue.key ? `${issue.key}: ` : ""}${f.message}`,
    };
  });
}

/** The errors after which a rule's query is still there to lint: mistakes in its other keys. */
const KEY_ERRORS: ReadonlySet<string> = new Set([
  RuleErrorCodes.UNKNOWN_KEY,
  RuleErrorCodes.MISSING_KEY,
  RuleErrorCodes.WRONG_TYPE,
  RuleErrorCodes.BAD_VALUE,
  RuleErrorCodes.DUPLICATE_ID,
]);

/**
 * The lint findings of the rules that did not load because of their keys, so that one run reports
 * every mistake: the query is read from the file again (a TOML file, or the rule's NDJSON line) and
 * linted as a loaded rule's is, with its `event_category_override`. `group` is one rule's errors.
 */
function failedRuleLint(group: readonly RuleLoadError[], schema: CompiledSchema | undefined): Finding[] {
  const first = group[0];
  const file = first?.file;
  const format = file !== undefined ? ruleFileFormat(file) : undefined;
  if (!first || file === undefined || (format !== "toml" && format !== "ndjson")) return [];
  if (!group.every((e) => KEY_ERRORS.has(e.code))) return [];
  const line = format === "ndjson" ? first.line : undefined;
  const found = queryInFile(file, format, line);
  if (!found) return [];
  let statement: ReturnType<typeof parse>;
  try {
    statement = parse(found.query);
  } catch {
    return []; // the loader compiled the query: one that does not parse was reported then
  }
  const categoryField = stringInFile(file, format, "event_category_override", line);
  return lintQuery(statement, found.query, schema, categoryField ? { categoryField } : {}).flatMap((issue) =>
    issue.location
      ? [
          {
            file,
            severity: issue.severity,
            message: issue.message,
            code: issue.code,
            ...found.position(issue.location),
            ...(issue.silenced ? { silenced: true } : {}),
          },
        ]
      : [],
  );
}

/** Run `mini-eql check`; resolves to the exit status. */
export async function checkCommand(
  query: string | undefined,
  opts: CheckOptions,
  ctx: CliContext,
): Promise<number> {
  const rules = opts.rules ?? [];
  if (query === undefined && rules.length === 0)
    throw new UsageError("check needs a query or --rules <dir|file>");
  // The ECS table is the largest piece of the command; --no-schema does not load it. It is prepared
  // for look-ups once, for the query and every rule.
  const schema = opts.schema
    ? compileSchema((await import("../../node/rules/ecs.js")).ecsSchema())
    : undefined;
  const mapping = await dataFieldOptions(opts);
  const findings: Finding[] = [];
  if (query !== undefined) {
    findings.push(...queryFindings(query, mapping, schema));
  }
  let ruleCount = 0;
  if (rules.length > 0) {
    const set = loadRuleArgs(rules, mapping, opts.followSymlinks ? { followSymlinks: true } : {});
    ruleCount = set.rules.length + failedRuleCount(set.errors) + set.unsupported.length;
    // A rule's errors come together; after them, the lint of its query when only its keys are wrong.
    let group: RuleLoadError[] = [];
    const endGroup = () => findings.push(...failedRuleLint(group, schema));
    for (const e of set.errors) {
      if (group.length > 0 && failedRuleKey(group[0] as RuleLoadError) !== failedRuleKey(e)) {
        endGroup();
        group = [];
      }
      group.push(e);
      const earlier = earlierInRuleFile(e, mapping);
      if (earlier) findings.push(earlier);
      findings.push(loadErrorFinding(e));
    }
    endGroup();
    for (const r of set.rules) findings.push(...ruleFindings(r, schema));
    // Rules of other types are not checked, and said so.
    for (const u of set.unsupported) {
      const kind = u.type ?? u.language;
      findings.push({
        file: u.origin.file ?? "<rule>",
        line: u.origin.line,
        severity: "info",
        message: `${u.name ?? u.rule_id ?? "an object"} is not checked: only EQL rules are, ${
          kind !== undefined ? `not type ${JSON.stringify(kind)}` : "and it names no rule type"
        }`,
        code: "RULE_UNSUPPORTED_TYPE",
      });
    }
  }
  const { listed, rows } = sortFindings(findings, enabledLintCodes(lintChange(opts)));
  for (const f of listed) ctx.stdout.write(formatFinding(f, ctx.out));
  ctx.stderr.write(formatCodeTable(rows, ctx.err));
  const count = (s: Finding["severity"]) => listed.filter((f) => f.severity === s).length;
  const what = query !== undefined && rules.length === 0 ? "the query" : plural(ruleCount, "rule");
  const off = rows.reduce((n, r) => n + r.off, 0);
  const silenced = rows.reduce((n, r) => n + r.silenced, 0);
  const unlisted = off + silenced > 0 ? `; ${off} off, ${silenced} silenced` : "";
  ctx.stderr.write(
    `check: ${plural(count("error"), "error")}, ${plural(count("warning"), "warning")}, ${plural(count("info"), "note")} in ${what}${unlisted}\n`,
  );
  const level = SEVERITIES.indexOf(opts.failLevel ?? "error");
  return listed.some((f) => SEVERITIES.indexOf(f.severity) <= level) ? ExitCode.FAILURE : ExitCode.OK;
}

/** --enable and --disable; a code named by both is a usage error. */
function lintChange(opts: CheckOptions): { enable: string[]; disable: string[] } {
  const enable = opts.enable ?? [];
  const disable = opts.disable ?? [];
  const both = [...new Set(enable.filter((c) => disable.includes(c)))];
  if (both.length > 0) throw new UsageError(`--enable and --disable both name ${both.join(", ")}`);
  return { enable, disable };
}

/**
 * The findings to list, likely bugs first (errors, then warnings and notes each in the lint table's
 * order of codes; in file order within a code), and the per-code counts in the same order. A silenced
 * finding, or one of a lint code that is not on, is counted and not listed.
 */
export function sortFindings(
  findings: readonly Finding[],
  on: ReadonlySet<string>,
): { listed: Finding[]; rows: CodeCount[] } {
  const rows = new Map<
    string,
    { code: string; severity: Finding["severity"]; count: number; silenced: number; off: number }
  >();
  const listed: Finding[] = [];
  for (const f of findings) {
    const code = f.code ?? "-";
    const row = rows.get(code) ?? { code, severity: f.severity, count: 0, silenced: 0, off: 0 };
    rows.set(code, row);
    row.count++;
    if (f.silenced) row.silenced++;
    else if (f.code !== undefined && lintCodeInfo(f.code) && !on.has(f.code)) row.off++;
    else listed.push(f);
  }
  const rank = (f: { severity: Finding["severity"]; code?: string | undefined }) =>
    findingRank(f.severity, f.code === "-" ? undefined : f.code);
  listed.sort((a, b) => rank(a) - rank(b));
  const table = [...rows.values()].sort(
    (a, b) => rank(a) - rank(b) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
  return { listed, rows: table };
}
