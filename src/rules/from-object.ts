/**
 * Load one rule from an object: a Kibana rule object, or a detection-rules document
 * (`{ metadata, rule, ... }`). Only EQL rules are compiled; the query compiles once, here.
 */
import { compileShared } from "../compile.js";
import { EqlError, locate } from "../errors.js";
import { ownOptions } from "../options.js";
import { parse } from "../parse.js";
import { sharedFieldTable } from "../runtime/field-table.js";
import { closest } from "../suggest.js";
import type { CompileOptions } from "../types.js";
import { RuleErrorCodes, RuleLoadError } from "./errors.js";
import { DOCUMENT_TABLES, METADATA_KEYS } from "./keys.js";
import { normalizeRule, type RuleIssue, unknownKeyIssues } from "./normalize.js";
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
  /**
   * The `rule_id`s loaded so far, each with where (`file:line`): a rule with one of them is a
   * `RULE_DUPLICATE_ID` error, and each rule read adds its own. Every call of a loader makes one when
   * none is given; pass one map to several calls to find duplicates across them.
   */
  ruleIds?: Map<string, string>;
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

/** The rule keys that are compile options (`ruleCompileOptions`). */
const COMPILE_KEYS = ["event_category_override", "tiebreaker_field", "timestamp_field"];

const TABLES: ReadonlySet<string> = new Set(DOCUMENT_TABLES);
const METADATA: ReadonlySet<string> = new Set(METADATA_KEYS);

/**
 * Findings about a detection-rules document outside its `[rule]` table: top-level tables and
 * `[metadata]` keys the detection-rules schema does not have. Keys are named in full (`metadata.x`).
 */
export function documentIssues(input: Record<string, unknown>): RuleIssue[] {
  const issues = unknownKeyIssues(input, TABLES);
  if (isObject(input.metadata)) issues.push(...unknownKeyIssues(input.metadata, METADATA, "metadata."));
  return issues;
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

/** Keys only a rule object has at its top (a detection-rules document keeps them in `[rule]`). */
function hasRuleKeys(input: Record<string, unknown>): boolean {
  return ["query", "type", "language", "rule_id"].some((k) => input[k] !== undefined);
}

/**
 * True when the object is an event rather than a rule: it has `@timestamp` or `event` and none of a
 * rule's keys (events in a rules directory, or an event file given as rules).
 */
export function looksLikeEvent(input: unknown): boolean {
  if (!isObject(input) || hasRuleKeys(input) || input.rule !== undefined) return false;
  return input["@timestamp"] !== undefined || isObject(input.event);
}

/** The message of `RULE_EVENT_NOT_RULE`. */
export const EVENT_NOT_RULE =
  "this looks like an event, not a rule: it has @timestamp or event and no query, rule_id or type";

/** Sort one rule's errors by their place in the file. */
function byPosition(a: RuleLoadError, b: RuleLoadError): number {
  return (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
}

/**
 * The errors of one rule as one thrown error: the first, naming the others (`more`), so a caller that
 * throws on the first bad rule still hears about every mistake in it.
 */
export function allInOne(errors: readonly RuleLoadError[]): RuleLoadError {
  const [first, ...rest] = errors as [RuleLoadError, ...RuleLoadError[]];
  if (rest.length === 0) return first;
  return new RuleLoadError({
    code: first.code,
    reason: first.reason,
    ...(first.file !== undefined ? { file: first.file } : {}),
    ...(first.line !== undefined ? { line: first.line } : {}),
    ...(first.column !== undefined ? { column: first.column } : {}),
    ...(first.key !== undefined ? { key: first.key } : {}),
    ...(first.rule_id !== undefined ? { rule_id: first.rule_id } : {}),
    ...(first.queryError !== undefined ? { queryError: first.queryError } : {}),
    ...(first.sourceLine !== undefined ? { sourceLine: first.sourceLine } : {}),
    ...(first.caret !== undefined ? { caret: first.caret } : {}),
    more: rest,
  });
}

/**
 * Load one rule from an object in context. Returns the rule, an `UnsupportedRule` for a rule of
 * another type, or every error of a bad rule (each with its key and position), in file order.
 */
export function loadRuleInContext(
  input: unknown,
  ctx: SourceContext,
  given: LoadOptions = {},
): LoadedRule | UnsupportedRule | RuleLoadError[] {
  const options = ownOptions(given);
  const file = ctx.origin.file;
  const at = (code: RuleLoadError["code"], reason: string, offset: number | undefined, key?: string) =>
    new RuleLoadError({
      code,
      reason,
      ...(key !== undefined ? { key } : {}),
      ...(file !== undefined ? { file } : {}),
      ...position(ctx, offset),
    });
  if (!isObject(input)) return [at(RuleErrorCodes.NOT_A_RULE, "a rule must be an object", ctx.objectOffset)];
  if (looksLikeEvent(input)) return [at(RuleErrorCodes.EVENT_NOT_RULE, EVENT_NOT_RULE, ctx.objectOffset)];
  const siteOf = (path: string) => ctx.sites?.find((s) => s.path === path)?.offset;

  const isDocument = isObject(input.rule) && input.query === undefined;
  if (!isDocument && !hasRuleKeys(input)) {
    // No `[rule]` table and no rule keys either: a detection-rules file whose table is misnamed.
    const tables = Object.keys(input).filter((k) => isObject(input[k]));
    const near = closest(
      "rule",
      tables.filter((t) => !DOCUMENT_TABLES.includes(t)),
    );
    if (ctx.origin.format === "toml" || near !== undefined) {
      const found = tables.length > 0 ? ` (found ${tables.map((t) => `[${t}]`).join(", ")})` : "";
      return [
        at(
          RuleErrorCodes.MISSING_TABLE,
          near !== undefined
            ? `no [rule] table: did you mean [rule] instead of [${near}]?`
            : `no [rule] table${found}: a detection-rules file keeps the rule's keys under [rule]`,
          near !== undefined ? siteOf(near) : ctx.objectOffset,
          "rule",
        ),
      ];
    }
  }

  const { body, metadata, extra } = splitDocument(input);
  const ruleId = typeof body.rule_id === "string" ? body.rule_id : undefined;
  const fail = (
    code: RuleLoadError["code"],
    key: string,
    reason: string,
    where = position(ctx, keyOffset(ctx, key)),
  ) =>
    new RuleLoadError({
      code,
      reason,
      key: `${ctx.keyPrefix ?? ""}${key}`,
      ...(file !== undefined ? { file } : {}),
      ...(ruleId !== undefined ? { rule_id: ruleId } : {}),
      ...where,
    });
  const errors: RuleLoadError[] = [];

  // Only a rule that loads takes its id: a broken copy of a rule does not shut the good one out.
  const first = ruleId !== undefined ? options.ruleIds?.get(ruleId) : undefined;
  if (first !== undefined)
    errors.push(
      fail(
        RuleErrorCodes.DUPLICATE_ID,
        "rule_id",
        `rule_id ${JSON.stringify(ruleId)} is already used by the rule at ${first}`,
      ),
    );
  const claimId = () => {
    if (ruleId === undefined || !options.ruleIds) return;
    // A TOML file holds one rule: name its rule_id's line. Elsewhere the rule's own line is known
    // (locating a key in a long NDJSON export for every rule would read the text again each time).
    const line =
      ctx.origin.format === "toml" ? position(ctx, keyOffset(ctx, "rule_id")).line : ctx.origin.line;
    options.ruleIds.set(ruleId, `${file ?? "<rule>"}${line !== undefined ? `:${line}` : ""}`);
  };

  if (!isEqlRule(body)) {
    if (errors.length > 0) return errors;
    claimId();
    return {
      origin: ctx.origin,
      ...(ruleId !== undefined ? { rule_id: ruleId } : {}),
      ...(typeof body.name === "string" ? { name: body.name } : {}),
      ...(typeof body.type === "string" ? { type: body.type } : {}),
      ...(typeof body.language === "string" ? { language: body.language } : {}),
    };
  }
  if (isDocument) {
    for (const issue of documentIssues(input))
      errors.push(
        new RuleLoadError({
          code: issue.code as RuleLoadError["code"],
          reason: issue.message,
          ...(issue.key !== undefined ? { key: issue.key } : {}),
          ...(file !== undefined ? { file } : {}),
          ...(ruleId !== undefined ? { rule_id: ruleId } : {}),
          ...position(ctx, siteOf(issue.key ?? "")),
        }),
      );
  }
  const { rule, issues, defaulted } = normalizeRule(body, { document: isDocument });
  for (const issue of issues)
    if (issue.severity === "error")
      errors.push(fail(issue.code as RuleLoadError["code"], issue.key ?? "", issue.message));

  // The query is compiled even when other keys are wrong, so one pass reports every mistake; a
  // compile option that is wrong is left out.
  let compiled: LoadedRule["compiled"] | undefined;
  const wrong = new Set(issues.map((i) => i.key));
  const usable = COMPILE_KEYS.some((k) => wrong.has(k))
    ? (Object.fromEntries(Object.entries(rule).filter(([k]) => !wrong.has(k))) as Rule)
    : rule;
  const compileOptions = ruleCompileOptions(usable, options.compile);
  if (typeof rule.query === "string" && !wrong.has("query")) {
    try {
      // Against the table rule sets read through, so a rule set runs this very query.
      compiled = compileShared(parse(rule.query), compileOptions, sharedFieldTable());
    } catch (e) {
      if (!(e instanceof EqlError)) throw e;
      errors.push(
        new RuleLoadError({
          code: RuleErrorCodes.QUERY,
          reason: `${e.reason} [${e.code}]`,
          key: `${ctx.keyPrefix ?? ""}query`,
          queryError: e,
          ...(file !== undefined ? { file } : {}),
          ...(ruleId !== undefined ? { rule_id: ruleId } : {}),
          ...queryErrorPosition(ctx, e, rule.query),
        }),
      );
    }
  }
  if (errors.length > 0 || compiled === undefined) return errors.sort(byPosition);
  claimId();
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
  if (Array.isArray(r)) throw allInOne(r);
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
  options.ruleIds ??= new Map();
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

/** Run one load step into `set`, throwing or collecting its errors as the options say. */
export function collect(
  set: RuleSet,
  step: () => LoadedRule | UnsupportedRule | RuleLoadError[],
  options: LoadOptions,
): void {
  try {
    const r = step();
    if (Array.isArray(r)) {
      if (!ownOptions(options).collectErrors) throw allInOne(r);
      set.errors.push(...r);
    } else if (isLoadedRule(r)) set.rules.push(r);
    else set.unsupported.push(r);
  } catch (e) {
    if (!(e instanceof RuleLoadError) || !ownOptions(options).collectErrors) throw e;
    set.errors.push(e);
  }
}
