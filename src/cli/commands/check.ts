/**
 * `mini-eql check`: syntax, semantics and lint of one query or of rule files, printed as
 * `file:line:col: severity: message [code]` with the source line and a caret. Exit status 1 when any
 * finding is an error; warnings and notes alone leave it 0.
 */

import { locate } from "../../errors.js";
import {
  type CompiledSchema,
  type CompileOptions,
  checkQuery,
  compileSchema,
  earlierSyntaxError,
  type FieldSchema,
  isLexicalError,
  type LoadedRule,
  lintStatement,
  parse,
  RuleErrorCodes,
  type RuleIssue,
  type RuleLoadError,
  validateRule,
} from "../../index.js";
import type { CliContext } from "../context.js";
import { ExitCode, UsageError } from "../errors.js";
import { readMapping } from "../io/mapping.js";
import { diagnosticFinding, type Finding, formatFinding, plural } from "../report.js";
import { failedRuleCount, failedRuleKey, loadErrorFinding, loadRuleArgs } from "../rules/load.js";
import { queryInFile, queryPosition, ruleFileFormat, stringInFile } from "../rules/positions.js";

/** Options of `mini-eql check`. */
export interface CheckOptions {
  rules?: string[];
  schema: boolean;
  mapping?: string;
  allowUnknownFields?: boolean;
  followSymlinks?: boolean;
}

/** The compile options of `check`: the mapping, and whether fields outside it are allowed. */
function mappingOptions(mapping: unknown, allowUnknownFields: boolean | undefined): CompileOptions {
  if (mapping === undefined) return {};
  return allowUnknownFields ? { mapping, allowUnknownFields: true } : { mapping };
}

function queryFindings(text: string, mapping: CompileOptions, schema: FieldSchema | undefined): Finding[] {
  const file = "<query>";
  const found = checkQuery(text, { ...mapping, ...(schema ? { schema: compileSchema(schema) } : {}) });
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
  const base = { file, severity: issue.severity, message: issue.message, code: issue.code };
  if (!issue.location) return base;
  const { location, sourceLine, caret } = locate(queryText, issue.location);
  return { ...base, line: location.line, column: location.column, sourceLine, caret };
}

function ruleFindings(loaded: LoadedRule, schema: FieldSchema | undefined): Finding[] {
  const file = loaded.origin.file ?? "<rule>";
  // The rule was compiled against the mapping when it was loaded: validation needs only the schema.
  return validateRule(loaded, schema ? { schema } : {}).map((issue): Finding => {
    const at = issue.location ? queryPosition(loaded, issue.location) : undefined;
    if (at) return { file, severity: issue.severity, message: issue.message, code: issue.code, ...at };
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
  return lintStatement(statement, schema, categoryField ? { categoryField } : {}).flatMap((issue) =>
    issue.location
      ? [
          {
            file,
            severity: issue.severity,
            message: issue.message,
            code: issue.code,
            ...found.position(issue.location),
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
  // The ECS table is the largest piece of the command; --no-schema does not load it.
  const schema = opts.schema ? (await import("../../node/rules/ecs.js")).ecsSchema() : undefined;
  const mapping = mappingOptions(
    opts.mapping ? readMapping(opts.mapping) : undefined,
    opts.allowUnknownFields,
  );
  const findings: Finding[] = [];
  if (query !== undefined) {
    findings.push(...queryFindings(query, mapping, schema));
  }
  let ruleCount = 0;
  if (rules.length > 0) {
    const set = loadRuleArgs(rules, mapping, opts.followSymlinks ? { followSymlinks: true } : {});
    ruleCount = set.rules.length + failedRuleCount(set.errors) + set.unsupported.length;
    // A rule's errors come together; after them, the lint of its query when only its keys are wrong.
    const compiledSchema = schema ? compileSchema(schema) : undefined;
    let group: RuleLoadError[] = [];
    const endGroup = () => findings.push(...failedRuleLint(group, compiledSchema));
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
  for (const f of findings) ctx.stdout.write(formatFinding(f, ctx.out));
  const count = (s: Finding["severity"]) => findings.filter((f) => f.severity === s).length;
  const errors = count("error");
  const what = query !== undefined && rules.length === 0 ? "the query" : plural(ruleCount, "rule");
  ctx.stderr.write(
    `check: ${plural(errors, "error")}, ${plural(count("warning"), "warning")}, ${plural(count("info"), "note")} in ${what}\n`,
  );
  return errors > 0 ? ExitCode.FAILURE : ExitCode.OK;
}
