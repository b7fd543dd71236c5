/**
 * `mini-eql check`: syntax, semantics and lint of one query or of rule files, printed as
 * `file:line:col: severity: message [code]` with the source line and a caret. Exit status 1 when any
 * finding is an error; warnings and notes alone leave it 0.
 */

import { locate } from "../../errors.js";
import {
  compile,
  compileSchema,
  EqlError,
  type FieldSchema,
  type LoadedRule,
  lintStatement,
  type RuleIssue,
  validateRule,
} from "../../index.js";
import { ecsSchema } from "../../node/rules/ecs.js";
import type { CliContext } from "../context.js";
import { ExitCode, UsageError } from "../errors.js";
import { diagnosticFinding, type Finding, formatFinding } from "../report.js";
import { loadErrorFinding, loadRuleArgs } from "../rules/load.js";
import { queryPosition } from "../rules/positions.js";
import { readMapping } from "./query.js";

/** Options of `mini-eql check`. */
export interface CheckOptions {
  rules?: string[];
  schema: boolean;
  mapping?: string;
}

function queryFindings(text: string, mapping: unknown, schema: FieldSchema | undefined): Finding[] {
  const file = "<query>";
  const findings: Finding[] = [];
  try {
    const compiled = compile(text, mapping === undefined ? {} : { mapping });
    const lint = lintStatement(compiled.statement, schema ? compileSchema(schema) : undefined);
    // The compiler and the lint both flag wildcards in `==`; keep the lint's finding, which names the fix.
    const covered = (start: number) =>
      lint.some(
        (i) =>
          i.location && i.location.start <= start && start < i.location.end && i.code.includes("WILDCARD"),
      );
    for (const w of compiled.warnings) {
      if (w.code.includes("WILDCARD") && covered(w.location.start)) continue;
      findings.push(diagnosticFinding(file, w, "warning"));
    }
    for (const issue of lint) findings.push(issueFinding(file, issue, text));
  } catch (e) {
    if (!(e instanceof EqlError)) throw e;
    findings.push(diagnosticFinding(file, e, "error"));
  }
  return findings;
}

function issueFinding(file: string, issue: RuleIssue, queryText: string): Finding {
  const base = { file, severity: issue.severity, message: issue.message, code: issue.code };
  if (!issue.location) return base;
  const { location, sourceLine, caret } = locate(queryText, issue.location);
  return { ...base, line: location.line, column: location.column, sourceLine, caret };
}

function ruleFindings(loaded: LoadedRule, schema: FieldSchema | undefined): Finding[] {
  const file = loaded.origin.file ?? "<rule>";
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

/** Run `mini-eql check`; resolves to the exit status. */
export async function checkCommand(
  query: string | undefined,
  opts: CheckOptions,
  ctx: CliContext,
): Promise<number> {
  const rules = opts.rules ?? [];
  if (query === undefined && rules.length === 0)
    throw new UsageError("check needs a query or --rules <dir|file>");
  const schema = opts.schema ? ecsSchema() : undefined;
  const mapping = opts.mapping ? readMapping(opts.mapping) : undefined;
  const findings: Finding[] = [];
  if (query !== undefined) {
    findings.push(...queryFindings(query, mapping, schema));
  }
  let ruleCount = 0;
  if (rules.length > 0) {
    const set = loadRuleArgs(rules, mapping === undefined ? {} : { mapping });
    ruleCount = set.rules.length + set.errors.length;
    findings.push(...set.errors.map(loadErrorFinding));
    for (const r of set.rules) findings.push(...ruleFindings(r, schema));
  }
  for (const f of findings) ctx.stdout.write(formatFinding(f, ctx.out));
  const count = (s: Finding["severity"]) => findings.filter((f) => f.severity === s).length;
  const errors = count("error");
  const what = query !== undefined && rules.length === 0 ? "the query" : `${ruleCount} rules`;
  ctx.stderr.write(
    `check: ${errors} errors, ${count("warning")} warnings, ${count("info")} notes in ${what}\n`,
  );
  return errors > 0 ? ExitCode.FAILURE : ExitCode.OK;
}
