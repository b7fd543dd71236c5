/**
 * Load rules from text: a detection-rules TOML file, a JSON rule (or array of rules), or Kibana's
 * rule export NDJSON (one rule a line, exception lists and items, and a closing export summary).
 */
import { parse as parseToml, TomlError } from "smol-toml";
import { locate } from "../errors.js";
import { ownOptions } from "../options.js";
import { RuleErrorCodes, RuleLoadError } from "./errors.js";
import {
  collect,
  EVENT_NOT_RULE,
  type LoadOptions,
  loadRuleInContext,
  looksLikeEvent,
  type RuleSet,
} from "./from-object.js";
import { endOfJsonValue, scanJsonObject, scanToml } from "./source-map.js";
import type { ExceptionItem, LoadedRule, RuleOrigin } from "./types.js";

/** The text formats rules are read from. */
export type RuleFormat = "toml" | "json" | "ndjson";

/** Options for `rulesFromText`. */
export interface TextLoadOptions extends LoadOptions {
  /** The format; otherwise taken from the file extension, else sniffed from the text. */
  format?: RuleFormat;
}

/** Pick the format from the file name, else from the text. */
export function detectFormat(text: string, file?: string): RuleFormat {
  const ext = file?.toLowerCase().match(/\.([a-z]+)$/)?.[1];
  if (ext === "toml") return "toml";
  if (ext === "ndjson" || ext === "jsonl") return "ndjson";
  if (ext === "json") return "json";
  const trimmed = text.trimStart();
  if (trimmed.startsWith("[") && !/^\[\s*[A-Za-z_"']/.test(trimmed)) return "json";
  if (!trimmed.startsWith("{")) return "toml";
  try {
    JSON.parse(text);
    return "json";
  } catch {
    return "ndjson";
  }
}

function fileOf(options: LoadOptions) {
  return options.file !== undefined ? { file: options.file } : {};
}

function syntaxError(
  code: RuleLoadError["code"],
  reason: string,
  text: string,
  offset: number,
  options: LoadOptions,
) {
  const { location, sourceLine, caret } = locate(text, { start: offset, end: offset + 1 });
  return new RuleLoadError({
    code,
    reason,
    line: location.line,
    column: location.column,
    sourceLine,
    caret,
    ...fileOf(options),
  });
}

/** Offset of 1-based `line`, `column` in `text`. */
function offsetOf(text: string, line: number, column: number): number {
  let off = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf("\n", off);
    if (nl < 0) break;
    off = nl + 1;
  }
  return off + column - 1;
}

/** V8 reports JSON errors as "... at position N" (or line/column in newer versions). */
function jsonErrorOffset(e: unknown, text: string): number {
  const msg = e instanceof Error ? e.message : "";
  const pos = /position (\d+)/.exec(msg);
  if (pos) return Number(pos[1]);
  const lc = /line (\d+) column (\d+)/.exec(msg);
  if (lc) return offsetOf(text, Number(lc[1]), Number(lc[2]));
  return text.length;
}

/**
 * Events among rules are reported once per file: the first as `RULE_EVENT_NOT_RULE`, counting the
 * others, so an event file under a rules directory gives one error, not one per event.
 */
class EventLines {
  private first = -1;
  private others = 0;

  constructor(
    private readonly set: RuleSet,
    private readonly unit: string,
  ) {}

  /** True when `obj` is an event after the first: count it and skip it. */
  skip(obj: unknown): boolean {
    if (!looksLikeEvent(obj)) return false;
    if (this.first < 0) {
      this.first = this.set.errors.length;
      return false;
    }
    this.others++;
    return true;
  }

  /** Name the count of the others in the first one's error. */
  finish(): void {
    const e = this.set.errors[this.first];
    if (this.others === 0 || e === undefined) return;
    this.set.errors[this.first] = new RuleLoadError({
      code: e.code,
      reason: `${EVENT_NOT_RULE} (and so ${this.others === 1 ? "does" : "do"} ${this.others} more ${this.unit}${this.others === 1 ? "" : "s"} of this file; events do not go among rules)`,
      ...(e.file !== undefined ? { file: e.file } : {}),
      ...(e.line !== undefined ? { line: e.line } : {}),
      ...(e.column !== undefined ? { column: e.column } : {}),
      ...(e.sourceLine !== undefined ? { sourceLine: e.sourceLine } : {}),
      ...(e.caret !== undefined ? { caret: e.caret } : {}),
    });
  }
}

function loadToml(text: string, options: LoadOptions, set: RuleSet): void {
  let doc: unknown;
  try {
    doc = parseToml(text);
  } catch (e) {
    if (!(e instanceof TomlError)) throw e;
    const reason = e.message.split("\n")[0]?.replace(/^Invalid TOML document: /, "") ?? "invalid TOML";
    const err = syntaxError(
      RuleErrorCodes.TOML_SYNTAX,
      reason,
      text,
      offsetOf(text, e.line, e.column),
      options,
    );
    if (!options.collectErrors) throw err;
    set.errors.push(err);
    return;
  }
  const origin: RuleOrigin = { format: "toml", line: 1, ...fileOf(options) };
  const sites = scanToml(text);
  const isDoc = sites.some((s) => s.path === "rule");
  collect(
    set,
    () =>
      loadRuleInContext(
        doc,
        { origin, text, sites, keyPrefix: isDoc ? "rule." : "", objectOffset: 0 },
        options,
      ),
    options,
  );
}

function loadJson(text: string, options: LoadOptions, set: RuleSet): void {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const err = syntaxError(
      RuleErrorCodes.JSON_SYNTAX,
      "invalid JSON",
      text,
      jsonErrorOffset(e, text),
      options,
    );
    if (!options.collectErrors) throw err;
    set.errors.push(err);
    return;
  }
  const list = Array.isArray(doc) ? doc : [doc];
  const events = new EventLines(set, "object");
  let from = 0;
  for (const item of list) {
    const start = Array.isArray(doc) ? text.indexOf("{", from) : text.indexOf("{");
    if (events.skip(item)) {
      from = start >= 0 ? endOfJsonValue(text, start) : text.length;
      continue;
    }
    const sites = start >= 0 ? scanJsonObject(text, start) : [];
    const line = start >= 0 ? locate(text, { start, end: start + 1 }).location.line : 1;
    const origin: RuleOrigin = { format: "json", line, ...fileOf(options) };
    const prefix =
      sites.some((s) => s.path === "rule") && !sites.some((s) => s.path === "query") ? "rule." : "";
    collect(
      set,
      () => loadRuleInContext(item, { origin, text, sites, keyPrefix: prefix, objectOffset: start }, options),
      options,
    );
    from = start >= 0 ? endOfJsonValue(text, start) : text.length;
  }
  events.finish();
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function loadNdjson(text: string, options: LoadOptions, set: RuleSet): void {
  const items = new Map<string, ExceptionItem[]>();
  const loaded: { rule: LoadedRule; lists: string[] }[] = [];
  const events = new EventLines(set, "line");
  let offset = 0;
  const lines = text.split("\n");
  lines.forEach((raw, i) => {
    const lineStart = offset;
    offset += raw.length + 1;
    if (raw.trim() === "") return;
    let obj: unknown;
    try {
      obj = JSON.parse(raw);
    } catch (e) {
      const err = syntaxError(
        RuleErrorCodes.JSON_SYNTAX,
        "invalid JSON",
        text,
        lineStart + jsonErrorOffset(e, raw),
        options,
      );
      if (!options.collectErrors) throw err;
      set.errors.push(err);
      return;
    }
    if (isRecord(obj) && obj.rule_id === undefined) {
      // Kibana's export summary, exception list headers and exception items travel with the rules.
      if ("exported_count" in obj || "exported_rules_count" in obj) return;
      if (typeof obj.list_id === "string" && Array.isArray(obj.entries)) {
        const list = items.get(obj.list_id) ?? [];
        list.push(obj as unknown as ExceptionItem);
        items.set(obj.list_id, list);
        return;
      }
      if (typeof obj.list_id === "string") return;
    }
    if (events.skip(obj)) return;
    const origin: RuleOrigin = { format: "ndjson", line: i + 1, ...fileOf(options) };
    const sites = scanJsonObject(text, lineStart);
    const before = set.rules.length;
    collect(
      set,
      () => loadRuleInContext(obj, { origin, text, sites, objectOffset: lineStart }, options),
      options,
    );
    const rule = set.rules[before];
    if (set.rules.length > before && rule) {
      const refs = isRecord(obj) && Array.isArray(obj.exceptions_list) ? obj.exceptions_list : [];
      loaded.push({ rule, lists: refs.filter(isRecord).map((r) => String(r.list_id)) });
    }
  });
  for (const { rule, lists } of loaded)
    for (const id of lists) rule.exceptions.push(...(items.get(id) ?? []));
  events.finish();
}

/**
 * Load the rules in `text`. Without `collectErrors` the first bad rule throws a `RuleLoadError`
 * naming the file, line and key; with it, every good rule loads and every bad one is reported.
 * Rules of other types than EQL are listed in `unsupported`.
 */
export function rulesFromText(text: string, given: TextLoadOptions = {}): RuleSet {
  const options = ownOptions(given);
  options.ruleIds ??= new Map();
  const set: RuleSet = { rules: [], errors: [], unsupported: [] };
  const format = options.format ?? detectFormat(text, options.file);
  if (format === "toml") loadToml(text, options, set);
  else if (format === "json") loadJson(text, options, set);
  else loadNdjson(text, options, set);
  return set;
}

/** Load the single EQL rule of a text; throws `RuleLoadError` when there is not exactly one. */
export function ruleFromText(text: string, options: TextLoadOptions = {}): LoadedRule {
  const set = rulesFromText(text, { ...ownOptions(options), collectErrors: false });
  const rule = set.rules[0];
  if (set.rules.length !== 1 || !rule) {
    const u = set.unsupported[0];
    throw new RuleLoadError({
      code: u ? RuleErrorCodes.BAD_VALUE : RuleErrorCodes.NOT_A_RULE,
      reason: u
        ? `only EQL rules are supported, not type ${JSON.stringify(u.type ?? u.language)}`
        : `expected one rule, found ${set.rules.length}`,
      ...fileOf(options),
    });
  }
  return rule;
}
