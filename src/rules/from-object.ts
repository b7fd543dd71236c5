/**
 * Load one rule from an object: a Kibana rule object, or a detection-rules document
 * (`{ metadata, rule, ... }`). Only EQL rules are compiled; the query compiles once, here.
 */
import { compile } from "../compile.js";
import { EqlError, locate } from "../errors.js";
import { ownOptions } from "../options.js";
import type { CompileOptions } from "../types.js";
import { RuleErrorCodes, RuleLoadError } from "./errors.js";
import { normalizeRule } from "./normalize.js";
import { decodeString, type KeySite } from "./source-map.js";
import type { ExceptionItem, LoadedRule, Rule, RuleOrigin, UnsupportedRule } from "./types.js";

/** Options for loading rules. */
export interface LoadOptions {
  /** File name used in messages. */
  file?: string;
  /** Load every good rule and report every bad one instead of throwing on the first. */
  collectErrors?: boolean;
  /** Passed to `compile` for every rule (a mapping, extra functions). */
  compile?: Pick<CompileOptions, "mapping" | "allowUnknownFields" | "fieldMap" | "functions">;
  /** Exception items to attach to every rule loaded. */
  exceptions?: ExceptionItem[];
}

/** Where the rule's text is, so errors can point into it. */
export interface SourceContext {
  origin: RuleOrigin;
  text?: string;
  sites?: KeySite[];
  /** Prefix of rule keys among `sites` (`rule.` for detection-rules TOML). */
  keyPrefix?: string;
  /** Offset of the rule object in `text` (for a missing key). */
  objectOffset?: number;
}

/** The result of loading: good rules, bad ones, and rules of types other than EQL. */
export interface RuleSet {
  rules: LoadedRule[];
  errors: RuleLoadError[];
  unsupported: UnsupportedRule[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Split a detection-rules document into its `[rule]` table, `[metadata]` and the other tables. */
export function splitDocument(input: Record<string, unknown>): {
  body: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  extra?: Record<string, unknown>;
} {
  if (isObject(input.rule) && input.query === undefined) {
    const { rule, metadata, ...extra } = input;
    return {
      body: rule as Record<string, unknown>,
      ...(isObject(metadata) ? { metadata } : {}),
      ...(Object.keys(extra).length > 0 ? { extra } : {}),
    };
  }
  return { body: input };
}

function position(ctx: SourceContext, offset: number | undefined) {
  if (ctx.text === undefined || offset === undefined) return { line: ctx.origin.line };
  const { location, sourceLine, caret } = locate(ctx.text, { start: offset, end: offset + 1 });
  return { line: location.line, column: location.column, sourceLine, caret };
}

function keyOffset(ctx: SourceContext, key: string): number | undefined {
  const path = `${ctx.keyPrefix ?? ""}${key}`;
  const site = ctx.sites?.find((s) => s.path === path);
  if (site) return site.offset;
  // A missing key: point at the table (or object) that should have held it.
  const table = ctx.keyPrefix ? ctx.sites?.find((s) => s.path === ctx.keyPrefix?.slice(0, -1)) : undefined;
  return table?.offset ?? ctx.objectOffset;
}

function queryErrorPosition(ctx: SourceContext, e: EqlError, query: string) {
  const path = `${ctx.keyPrefix ?? ""}query`;
  const site = ctx.sites?.find((s) => s.path === path);
  if (ctx.text !== undefined && site?.string) {
    const mapped = decodeString(ctx.text, site.string);
    if (mapped.value === query) {
      const at = (i: number) => mapped.offsets[Math.min(Math.max(i, 0), query.length)] as number;
      const start = at(e.location.start);
      const end = Math.max(start + 1, at(e.location.end));
      const { location, sourceLine, caret } = locate(ctx.text, { start, end });
      return { line: location.line, column: location.column, sourceLine, caret };
    }
  }
  return position(ctx, keyOffset(ctx, "query"));
}

/**
 * The compile options a rule implies: `event_category_override`, `tiebreaker_field` and
 * `timestamp_field`, which Kibana passes to the EQL request as they are. `timestamp_override` only
 * moves the look-back window (Kibana's range filter), not the ordering.
 */
export function ruleCompileOptions(rule: Rule, base: LoadOptions["compile"] = {}): CompileOptions {
  return ownOptions({
    ...ownOptions(base),
    ...(rule.event_category_override ? { eventCategoryField: rule.event_category_override } : {}),
    ...(rule.tiebreaker_field ? { tiebreakerField: rule.tiebreaker_field } : {}),
    ...(rule.timestamp_field ? { timestampField: rule.timestamp_field } : {}),
  });
}

/** True when the object describes an EQL rule (by `type`, else by `language`). */
export function isEqlRule(body: Record<string, unknown>): boolean {
  if (body.type !== undefined) return body.type === "eql";
  return body.language === "eql";
}

/**
 * Load one rule from an object in context. Returns the rule, or an `UnsupportedRule` for a rule of
 * another type; throws `RuleLoadError` for a bad rule.
 */
export function loadRuleInContext(
  input: unknown,
  ctx: SourceContext,
  given: LoadOptions = {},
): LoadedRule | UnsupportedRule {
  const options = ownOptions(given);
  const file = ctx.origin.file;
  if (!isObject(input)) {
    throw new RuleLoadError({
      code: RuleErrorCodes.NOT_A_RULE,
      reason: "a rule must be an object",
      ...(file !== undefined ? { file } : {}),
      ...position(ctx, ctx.objectOffset),
    });
  }
  const { body, metadata, extra } = splitDocument(input);
  const ruleId = typeof body.rule_id === "string" ? body.rule_id : undefined;
  const fail = (
    code: RuleLoadError["code"],
    key: string,
    reason: string,
    at = position(ctx, keyOffset(ctx, key)),
  ) =>
    new RuleLoadError({
      code,
      reason,
      key: `${ctx.keyPrefix ?? ""}${key}`,
      ...(file !== undefined ? { file } : {}),
      ...(ruleId !== undefined ? { rule_id: ruleId } : {}),
      ...at,
    });

  if (!isEqlRule(body)) {
    return {
      origin: ctx.origin,
      ...(ruleId !== undefined ? { rule_id: ruleId } : {}),
      ...(typeof body.name === "string" ? { name: body.name } : {}),
      ...(typeof body.type === "string" ? { type: body.type } : {}),
      ...(typeof body.language === "string" ? { language: body.language } : {}),
    };
  }
  const { rule, issues, defaulted } = normalizeRule(body);
  const first = issues.find((i) => i.severity === "error");
  if (first) throw fail(first.code as RuleLoadError["code"], first.key ?? "", first.message);

  let compiled: LoadedRule["compiled"];
  const compileOptions = ruleCompileOptions(rule, options.compile);
  try {
    compiled = compile(rule.query, compileOptions);
  } catch (e) {
    if (!(e instanceof EqlError)) throw e;
    throw new RuleLoadError({
      code: RuleErrorCodes.QUERY,
      reason: `${e.reason} [${e.code}]`,
      key: `${ctx.keyPrefix ?? ""}query`,
      queryError: e,
      ...(file !== undefined ? { file } : {}),
      ...(ruleId !== undefined ? { rule_id: ruleId } : {}),
      ...queryErrorPosition(ctx, e, rule.query),
    });
  }
  return {
    rule,
    compiled,
    compileOptions,
    origin: ctx.origin,
    exceptions: [...(options.exceptions ?? [])],
    defaulted,
    ...(metadata ? { metadata } : {}),
    ...(extra ? { extra } : {}),
  };
}

/** True for a loaded rule (as opposed to an unsupported one). */
export function isLoadedRule(r: LoadedRule | UnsupportedRule): r is LoadedRule {
  return "compiled" in r;
}

/**
 * Load one EQL rule from an object (Kibana's rule shape, or `{ metadata, rule }` as a detection-rules
 * TOML file parses to). Throws `RuleLoadError` for a bad rule or a rule of another type.
 */
export function ruleFromObject(input: unknown, given: LoadOptions = {}): LoadedRule {
  const options = ownOptions(given);
  const origin: RuleOrigin = {
    format: "object",
    ...(options.file !== undefined ? { file: options.file } : {}),
  };
  const r = loadRuleInContext(input, { origin }, options);
  if (isLoadedRule(r)) return r;
  throw new RuleLoadError({
    code: RuleErrorCodes.BAD_VALUE,
    reason: `only EQL rules are supported, not type ${JSON.stringify(r.type ?? r.language)}`,
    key: "type",
    ...(options.file !== undefined ? { file: options.file } : {}),
    ...(r.rule_id !== undefined ? { rule_id: r.rule_id } : {}),
  });
}

/** Load many rule objects; with `collectErrors` bad ones are reported instead of thrown. */
export function rulesFromObjects(inputs: Iterable<unknown>, given: LoadOptions = {}): RuleSet {
  const options = ownOptions(given);
  const set: RuleSet = { rules: [], errors: [], unsupported: [] };
  for (const input of inputs) {
    const origin: RuleOrigin = {
      format: "object",
      ...(options.file !== undefined ? { file: options.file } : {}),
    };
    collect(set, () => loadRuleInContext(input, { origin }, options), options);
  }
  return set;
}

/** Run one load step into `set`, throwing or collecting its error as the options say. */
export function collect(set: RuleSet, step: () => LoadedRule | UnsupportedRule, options: LoadOptions): void {
  try {
    const r = step();
    if (isLoadedRule(r)) set.rules.push(r);
    else set.unsupported.push(r);
  } catch (e) {
    if (!(e instanceof RuleLoadError) || !ownOptions(options).collectErrors) throw e;
    set.errors.push(e);
  }
}
