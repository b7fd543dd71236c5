/**
 * `validateRule`: required keys and their types, the query's syntax, and the lint (EQL traps, and
 * with a schema, unknown fields and type clashes). Returns issues; never throws.
 */
import type { Statement } from "../ast/nodes.js";
import { compile } from "../compile.js";
import { EqlError } from "../errors.js";
import { ownOptions } from "../options.js";
import { parse } from "../parse.js";
import { type ExceptionOptions, exceptionProblems } from "./exceptions.js";
import { documentIssues, isEqlRule, ruleCompileOptions, splitDocument } from "./from-object.js";
import { lintQuery } from "./lint-ignore.js";
import { normalizeRule, type RuleIssue } from "./normalize.js";
import { type CompiledSchema, compileSchema, type FieldSchema } from "./schema.js";
import type { LoadedRule, Rule } from "./types.js";

/** Options of `validateRule`. */
export interface ValidateOptions {
  /** Field schemas (ECS from `mini-eql/node`'s `ecsSchema()`, plus custom ones); enables field checks. */
  schema?: FieldSchema | readonly FieldSchema[] | CompiledSchema;
  /**
   * An Elasticsearch index mapping: the query is compiled against it and rejected where
   * Elasticsearch's verifier rejects it (unknown columns, unqueryable field types, inexact text
   * fields, type clashes).
   */
  mapping?: unknown;
  /** With `mapping`: fields the mapping lacks are read untyped instead of rejected (a partial mapping). */
  allowUnknownFields?: boolean;
  /** Value lists a loaded rule's `list` exception entries may refer to, by list id. */
  valueLists?: ExceptionOptions["valueLists"];
}

/** A query error as a finding on the rule's `query` key. */
function queryIssue(e: EqlError): RuleIssue {
  return {
    severity: "error",
    code: "RULE_QUERY",
    key: "query",
    message: `${e.reason} [${e.code}]`,
    location: e.location,
  };
}

const compiledSchemas = new WeakMap<object, CompiledSchema>();

function prepare(schema: ValidateOptions["schema"]): CompiledSchema | undefined {
  if (schema === undefined) return undefined;
  if (typeof (schema as CompiledSchema).typeOf === "function") return schema as CompiledSchema;
  let c = compiledSchemas.get(schema);
  if (!c) {
    c = compileSchema(schema as FieldSchema | readonly FieldSchema[]);
    compiledSchemas.set(schema, c);
  }
  return c;
}

function isLoaded(x: unknown): x is LoadedRule {
  return typeof x === "object" && x !== null && "compiled" in x && "rule" in x;
}

/**
 * Validate a rule: a loaded rule, a Kibana rule object, or a detection-rules document. Issues have a
 * severity (`error`, `warning`, `info`), a stable code, a message, and the key or query location;
 * lint findings a `mini-eql: ignore` comment in the query silences are marked `silenced`.
 */
export function validateRule(
  rule: LoadedRule | Rule | Record<string, unknown>,
  given: ValidateOptions = {},
): RuleIssue[] {
  const options = ownOptions(given);
  const document = !isLoaded(rule) && splitDocument(rule as Record<string, unknown>).body !== rule;
  const body = isLoaded(rule) ? rule.rule : splitDocument(rule as Record<string, unknown>).body;
  if (!isEqlRule(body)) {
    return [
      {
        severity: "error",
        code: "RULE_UNSUPPORTED_TYPE",
        key: "type",
        message: `only EQL rules are supported, not type ${JSON.stringify(body.type ?? body.language)}`,
      },
    ];
  }
  const issues = [
    ...(document ? documentIssues(rule as Record<string, unknown>) : []),
    ...normalizeRule(body, { document }).issues,
  ];
  let statement: Statement | undefined;
  if (isLoaded(rule)) statement = rule.compiled.statement;
  else if (typeof body.query === "string") {
    try {
      statement = parse(body.query);
    } catch (e) {
      if (!(e instanceof EqlError)) throw e;
      issues.push(queryIssue(e));
    }
  }
  if (statement && options.mapping !== undefined) {
    const base = {
      mapping: options.mapping,
      ...(options.allowUnknownFields ? { allowUnknownFields: true } : {}),
    };
    try {
      compile(statement, ruleCompileOptions(body as Rule, base));
    } catch (e) {
      if (!(e instanceof EqlError)) throw e;
      issues.push(queryIssue(e));
      return issues;
    }
  }
  if (statement) {
    const override =
      typeof body.event_category_override === "string" ? body.event_category_override : undefined;
    const lint = override ? { categoryField: override } : {};
    issues.push(...lintQuery(statement, String(body.query), prepare(options.schema), lint));
  }
  if (isLoaded(rule)) {
    const lists = options.valueLists === undefined ? {} : { valueLists: options.valueLists };
    for (const message of exceptionProblems(rule.exceptions, lists))
      issues.push({ severity: "error", code: "RULE_BAD_VALUE", key: "exceptions", message });
  }
  return issues;
}
