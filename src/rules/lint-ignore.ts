/**
 * `mini-eql: ignore` comments: a comment in a query, `// mini-eql: ignore CODE[, CODE...]` (or
 * `/* ... *\/`), silences those lint codes for that query; their findings come back marked `silenced`,
 * so that they are counted rather than lost. A comment is part of the EQL text, so a rule file carrying
 * one stays a file Elasticsearch, Kibana and Elastic's detection-rules tooling accept unchanged,
 * whatever its format (TOML, JSON, an export's NDJSON); no key is added to the rule.
 */
import type { Statement } from "../ast/nodes.js";
import { comments } from "../syntax/lexer.js";
import { spanAt } from "../syntax/span.js";
import {
  IGNORE_DIRECTIVE,
  type LintCode,
  LintCodes,
  type LintOptions,
  lintCodeInfo,
  lintSeverity,
  lintStatement,
  nearestLintCode,
  where,
} from "./lint.js";
import type { RuleIssue } from "./normalize.js";
import type { CompiledSchema } from "./schema.js";

/** The `mini-eql: ignore` comments of a query: the codes they name, and findings about bad ones. */
export interface IgnoreDirectives {
  readonly codes: ReadonlySet<LintCode>;
  /** LINT_BAD_IGNORE findings: a name that is not a lint code, or a directive naming none. */
  readonly issues: readonly RuleIssue[];
}

const DIRECTIVE = /^(\/\/|\/\*)\s*mini-eql:\s*ignore\b/i;

/** Read the `mini-eql: ignore` comments of `query` (see `IGNORE_DIRECTIVE`). */
export function ignoreDirectives(query: string): IgnoreDirectives {
  const codes = new Set<LintCode>();
  const issues: RuleIssue[] = [];
  for (const c of comments(query)) {
    const head = DIRECTIVE.exec(c.text);
    if (!head) continue;
    const body = c.text.slice(head[0].length, c.text.startsWith("/*") ? -2 : undefined);
    const list = body.split("--")[0] ?? "";
    const bad = (message: string, offset: number, length: number) => {
      const start = c.span.start + offset;
      issues.push({
        severity: lintSeverity(LintCodes.BAD_IGNORE),
        code: LintCodes.BAD_IGNORE,
        message,
        location: where(spanAt(query, start, start + Math.max(1, length))),
      });
    };
    let named = 0;
    for (const m of list.matchAll(/[^\s,]+/g)) {
      named++;
      const word = m[0];
      const info = lintCodeInfo(word);
      if (info) {
        codes.add(info.code);
        continue;
      }
      const near = nearestLintCode(word);
      bad(
        `${JSON.stringify(word)} in a ${IGNORE_DIRECTIVE} comment is not a lint code${near ? `; did you mean ${near}?` : ""}`,
        head[0].length + (m.index ?? 0),
        word.length,
      );
    }
    if (named === 0) bad(`a ${IGNORE_DIRECTIVE} comment names no lint code`, 0, head[0].length);
  }
  return { codes, issues };
}

/**
 * Lint `statement`, parsed from `query`, and apply the query's `mini-eql: ignore` comments: the
 * findings they silence are kept, marked `silenced`, so that they can be counted.
 */
export function lintQuery(
  statement: Statement,
  query: string,
  schema?: CompiledSchema,
  options: LintOptions = {},
): RuleIssue[] {
  const directives = ignoreDirectives(query);
  const issues = [...lintStatement(statement, schema, options), ...directives.issues].sort(
    (a, b) => (a.location?.start ?? 0) - (b.location?.start ?? 0),
  );
  if (directives.codes.size === 0) return issues;
  return issues.map((i) => (directives.codes.has(i.code as LintCode) ? { ...i, silenced: true } : i));
}
