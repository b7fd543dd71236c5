/**
 * The playground's logic, free of the DOM: read the rule editor (a detection-rules TOML rule, Kibana
 * rule JSON or NDJSON export, or a bare EQL query) and the events editor (NDJSON or a JSON array),
 * collect the findings `mini-eql check --no-schema` prints with their place in the editor's text, run
 * the rules once over the events through a compiled rule set, explain one event, and check fixtures.
 * Everything here is the library's own functions; this module only arranges their results for display.
 */
import type { Statement } from "../../src/ast/nodes.js";
import { fieldsIn, statementExprs } from "../../src/ast/walk.js";
import { locate } from "../../src/errors.js";
import {
  type AlertDocument,
  checkFixtures,
  checkQuery,
  compileExceptions,
  compileIndexPatterns,
  compileRules,
  describeMatch,
  type ExceptionItem,
  type ExplainNode,
  eventIndex,
  eventKey,
  exceptionItemsFrom,
  explainQuery,
  flatten,
  type LoadedRule,
  parseFixtureFile,
  type RuleFixture,
  type RuleIssue,
  type RuleLoadError,
  type RuleRunReport,
  ruleCompileOptions,
  ruleFromObject,
  rulesFromText,
  ruleVerdict,
  validateRule,
} from "../../src/index.js";
import {
  decodeString,
  endOfJsonValue,
  type KeySite,
  lineOffset,
  scanJsonObject,
  scanToml,
} from "../../src/rules/source-map.js";

/** A finding placed in an editor's text: 0-based offsets for the underline, 1-based line and column. */
export interface Finding {
  readonly severity: "error" | "warning" | "info";
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
  readonly line: number;
  readonly column: number;
  readonly start: number;
  readonly end: number;
}

/** What the rule editor holds, once read. */
export interface RuleInput {
  /** `eql` for a bare query, else the rule file's format. */
  readonly kind: "eql" | "toml" | "json" | "ndjson";
  readonly rules: LoadedRule[];
  readonly findings: Finding[];
}

/** What the events editor holds, once read. */
export interface EventsInput {
  readonly events: Record<string, unknown>[];
  /** Offset in the editor where each event starts (for messages and selection). */
  readonly offsets: number[];
  readonly findings: Finding[];
}

function placed(
  text: string,
  span: { start: number; end: number },
  rest: Omit<Finding, "line" | "column" | "start" | "end">,
): Finding {
  const start = Math.max(0, Math.min(span.start, text.length));
  const end = Math.max(start, Math.min(span.end, text.length));
  const { location } = locate(text, { start, end });
  return { ...rest, line: location.line, column: location.column, start, end };
}

function withHint(hint: string | undefined): { hint?: string } {
  return hint ? { hint } : {};
}

/**
 * A bare query is text whose first line does not look like a TOML key or table and does not start a
 * JSON value: `process where ...`, `sequence by ...`, `sample ...`.
 */
export function isBareQuery(text: string): boolean {
  const first = text
    .split("\n")
    .map((l) => l.trim())
    .find((l) => l !== "" && !l.startsWith("#") && !l.startsWith("//"));
  if (first === undefined) return false;
  if (first.startsWith("{") || first.startsWith("[")) return false;
  return !/^["']?[\w.-]+["']?\s*=/.test(first);
}

/** The findings of `mini-eql check "<query>"`: errors, or the compiler's warnings and the lint. */
export function queryFindings(query: string): Finding[] {
  const found = checkQuery(query);
  const out: Finding[] = [];
  for (const e of found.errors)
    out.push(
      placed(query, e.location, { severity: "error", code: e.code, message: e.reason, ...withHint(e.hint) }),
    );
  for (const w of found.warnings)
    out.push(
      placed(query, w.location, {
        severity: "warning",
        code: w.code,
        message: w.reason,
        ...withHint(w.hint),
      }),
    );
  for (const issue of found.lint) if (!issue.silenced) out.push(issueFinding(query, issue, (s) => s));
  return out.sort((a, b) => a.start - b.start);
}

function issueFinding(
  text: string,
  issue: RuleIssue,
  map: (span: { start: number; end: number }) => { start: number; end: number } | undefined,
  fallback = 0,
): Finding {
  const rest = {
    severity: issue.severity,
    code: issue.code,
    message: issue.location ? issue.message : `${issue.key ? `${issue.key}: ` : ""}${issue.message}`,
  };
  const at = issue.location ? map(issue.location) : undefined;
  return placed(text, at ?? { start: fallback, end: fallback }, rest);
}

/** The string site of a rule's query in a TOML or JSON text (the rule object starting at `from`). */
function querySite(text: string, format: string, from: number): KeySite | undefined {
  if (format === "toml") {
    const sites = scanToml(text);
    return sites.find((s) => s.path === "rule.query") ?? sites.find((s) => s.path === "query");
  }
  const top = scanJsonObject(text, from);
  const direct = top.find((s) => s.path === "query");
  if (direct) return direct;
  const rule = top.find((s) => s.path === "rule");
  return rule ? scanJsonObject(text, rule.offset + 1).find((s) => s.path === "query") : undefined;
}

/** Maps spans of the rule's query to offsets in the rule file, through the string's escapes. */
function queryMapper(text: string, loaded: LoadedRule) {
  const { format, line } = loaded.origin;
  const from = format === "toml" ? 0 : lineOffset(text, line ?? 1);
  const site = querySite(text, format, from);
  if (!site?.string) return () => undefined;
  const mapped = decodeString(text, site.string);
  if (mapped.value !== loaded.rule.query) return () => undefined;
  const q = loaded.rule.query;
  const at = (i: number) => mapped.offsets[Math.min(Math.max(i, 0), q.length)] as number;
  return (span: { start: number; end: number }) => {
    const start = at(span.start);
    return { start, end: Math.max(start + 1, at(span.end)) };
  };
}

function loadErrorFinding(text: string, e: RuleLoadError): Finding {
  const start = e.line !== undefined ? lineOffset(text, e.line) + (e.column ?? 1) - 1 : 0;
  const width = e.queryError ? Math.max(1, e.queryError.location.end - e.queryError.location.start) : 1;
  // As `mini-eql check` prints it: the query error's own code, the key in front of the reason.
  const reason = e.reason.replace(/ \[[A-Z_]+\]$/, "");
  return placed(
    text,
    { start, end: start + width },
    {
      severity: "error",
      code: e.queryError?.code ?? e.code,
      message: `${e.key ? `${e.key}: ` : ""}${reason}`,
      ...withHint(e.queryError?.hint),
    },
  );
}

/** The rule a bare query runs as. */
export function queryRule(query: string): Record<string, unknown> {
  return {
    rule_id: "playground-query",
    name: "Query",
    description: "A query typed in the playground",
    type: "eql",
    language: "eql",
    query,
    index: ["*"],
    risk_score: 21,
    severity: "low",
  };
}

/** Read the rule editor: the rules that load, and every finding (load errors, validation, lint). */
export function readRules(text: string, exceptions: ExceptionItem[] = []): RuleInput {
  if (text.trim() === "") return { kind: "eql", rules: [], findings: [] };
  if (isBareQuery(text)) {
    const findings = queryFindings(text);
    if (findings.some((f) => f.severity === "error")) return { kind: "eql", rules: [], findings };
    return { kind: "eql", rules: [ruleFromObject(queryRule(text), { exceptions })], findings };
  }
  const set = rulesFromText(text, { collectErrors: true, exceptions });
  const trimmed = text.trimStart();
  const kind =
    set.rules[0]?.origin.format ?? (trimmed.startsWith("{") || trimmed.startsWith("[") ? "json" : "toml");
  const findings: Finding[] = set.errors.map((e) => loadErrorFinding(text, e));
  for (const u of set.unsupported) {
    findings.push(
      placed(
        text,
        { start: lineOffset(text, u.origin.line ?? 1), end: lineOffset(text, u.origin.line ?? 1) + 1 },
        {
          severity: "info",
          code: "RULE_UNSUPPORTED_TYPE",
          message: `${u.name ?? u.rule_id ?? "a rule"} is not run: only EQL rules are supported, ${
            (u.type ?? u.language)
              ? `not type ${JSON.stringify(u.type ?? u.language)}`
              : "and it names no type or language"
          }`,
        },
      ),
    );
  }
  for (const rule of set.rules) {
    const map = queryMapper(text, rule);
    const fallback = lineOffset(text, rule.origin.line ?? 1);
    for (const issue of validateRule(rule))
      if (!issue.silenced) findings.push(issueFinding(text, issue, map, fallback));
  }
  if (set.rules.length === 0 && set.errors.length === 0 && set.unsupported.length === 0) {
    findings.push(
      placed(
        text,
        { start: 0, end: 1 },
        { severity: "error", code: "RULE_NOT_A_RULE", message: "no rule found" },
      ),
    );
  }
  findings.sort((a, b) => a.start - b.start);
  return { kind: kind === "object" ? "json" : kind, rules: set.rules, findings };
}

function jsonErrorOffset(e: unknown, text: string): number {
  const msg = e instanceof Error ? e.message : "";
  const pos = /position (\d+)/.exec(msg);
  if (pos) return Number(pos[1]);
  const lc = /line (\d+) column (\d+)/.exec(msg);
  if (lc) return lineOffset(text, Number(lc[1])) + Number(lc[2]) - 1;
  return text.length;
}

function reasonOf(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.replace(/ in JSON at position \d+.*$/s, "").replace(/ \(line \d+ column \d+\)$/, "");
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Read the events editor: NDJSON (one event a line) or one JSON array of events. */
export function readEvents(text: string): EventsInput {
  const events: Record<string, unknown>[] = [];
  const offsets: number[] = [];
  const findings: Finding[] = [];
  const bad = (at: number, code: string, message: string) =>
    findings.push(placed(text, { start: at, end: at + 1 }, { severity: "error", code, message }));
  const first = text.search(/\S/);
  if (first >= 0 && text[first] === "[") {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      bad(jsonErrorOffset(e, text), "EVENTS_JSON_SYNTAX", `invalid JSON: ${reasonOf(e)}`);
      return { events, offsets, findings };
    }
    let from = first + 1;
    (doc as unknown[]).forEach((item, i) => {
      const at = Math.max(
        first,
        text.indexOf(isRecord(item) ? "{" : (String(JSON.stringify(item))[0] ?? ""), from),
      );
      if (isRecord(item)) {
        events.push(item);
        offsets.push(at);
        from = endOfJsonValue(text, at);
      } else bad(at, "EVENTS_NOT_OBJECT", `item ${i + 1} is not an object`);
    });
    return { events, offsets, findings };
  }
  let offset = 0;
  for (const line of text.split("\n")) {
    const start = offset;
    offset += line.length + 1;
    if (line.trim() === "") continue;
    try {
      const v: unknown = JSON.parse(line);
      if (isRecord(v)) {
        events.push(v);
        offsets.push(start + line.search(/\S/));
      } else bad(start, "EVENTS_NOT_OBJECT", "an event must be a JSON object");
    } catch (e) {
      bad(
        start + Math.min(jsonErrorOffset(e, line), line.length),
        "EVENTS_JSON_SYNTAX",
        `invalid JSON: ${reasonOf(e)}`,
      );
    }
  }
  return { events, offsets, findings };
}

/** Read an exceptions document (`{ items: [...] }`, an array of items, or one item); empty text is none. */
export function readExceptions(text: string): { items: ExceptionItem[]; findings: Finding[] } {
  if (text.trim() === "") return { items: [], findings: [] };
  try {
    return { items: exceptionItemsFrom(JSON.parse(text)), findings: [] };
  } catch (e) {
    const at = jsonErrorOffset(e, text);
    return {
      items: [],
      findings: [
        placed(
          text,
          { start: at, end: at + 1 },
          { severity: "error", code: "EXCEPTIONS_JSON_SYNTAX", message: `invalid JSON: ${reasonOf(e)}` },
        ),
      ],
    };
  }
}

/** A field the query reads, with the event's value(s) of it. */
export interface FieldValue {
  readonly field: string;
  readonly value: unknown;
}

/** One alert row. `event` is the index of its source event in the events editor, when known. */
export interface AlertRow {
  readonly time: string;
  readonly severity: string;
  readonly rule: string;
  readonly host: string;
  readonly values: readonly FieldValue[];
  readonly event: number | undefined;
}

/** A sequence alert: its shell and one row per event, in sequence order. */
export interface SequenceGroup {
  readonly rule: string;
  readonly severity: string;
  readonly time: string;
  readonly rows: readonly AlertRow[];
}

/** The result of one execution. */
export interface RunResult {
  readonly alerts: readonly AlertRow[];
  readonly sequences: readonly SequenceGroup[];
  readonly reports: readonly RuleRunReport[];
  /** Alert documents as the library made them. */
  readonly documents: readonly AlertDocument[];
}

/** Fields a statement reads, in source order, each once. */
export function queryFields(statement: Statement): string[] {
  return [...new Set(fieldsIn(statementExprs(statement)).map((f) => f.name))];
}

function text(v: unknown): string {
  return typeof v === "string" ? v : v === undefined || v === null ? "" : JSON.stringify(v);
}

function valuesOf(event: Record<string, unknown> | undefined, fields: readonly string[]): FieldValue[] {
  if (!event) return [];
  const flat = flatten(event);
  return fields.filter((f) => flat[f] !== undefined).map((f) => ({ field: f, value: flat[f] }));
}

/**
 * Run the rules once over the events, as `mini-eql run --no-window` does: one execution, every event
 * searched, judged as a whole batch (events may come in any order).
 */
export function runOnce(rules: readonly LoadedRule[], events: readonly Record<string, unknown>[]): RunResult {
  const set = compileRules(rules, { now: Date.now(), window: false, lateness: Number.POSITIVE_INFINITY });
  set.pushBatch(events);
  const documents = set.end();
  const byKey = new Map<string, number>();
  events.forEach((e, i) => {
    const k = eventKey(e);
    if (!byKey.has(k)) byKey.set(k, i);
  });
  const fieldsOf = new Map<string, string[]>(
    rules.map((r) => [r.rule.rule_id, queryFields(r.compiled.statement)]),
  );
  const row = (doc: AlertDocument): AlertRow => {
    const flat = flatten(doc);
    const ancestor = (doc["kibana.alert.ancestors"] as { id?: unknown }[] | undefined)?.[0];
    const index = typeof ancestor?.id === "string" ? byKey.get(ancestor.id) : undefined;
    const event = index === undefined ? undefined : events[index];
    const fields = fieldsOf.get(String(doc["kibana.alert.rule.rule_id"])) ?? [];
    return {
      time: text(doc["kibana.alert.original_time"]),
      severity: text(doc["kibana.alert.severity"]),
      rule: text(doc["kibana.alert.rule.name"]),
      host: text(flat["host.name"]),
      values: valuesOf(event, fields),
      event: index,
    };
  };
  const alerts: AlertRow[] = [];
  const groups = new Map<string, { shell?: AlertDocument; blocks: AlertDocument[] }>();
  for (const doc of documents) {
    const group = doc["kibana.alert.group.id"];
    if (typeof group !== "string") {
      alerts.push(row(doc));
      continue;
    }
    const g = groups.get(group) ?? { blocks: [] };
    if (doc["kibana.alert.building_block_type"] === undefined) g.shell = doc;
    else g.blocks.push(doc);
    groups.set(group, g);
  }
  const sequences: SequenceGroup[] = [...groups.values()].map(({ shell, blocks }) => {
    const rows = blocks
      .sort((a, b) => Number(a["kibana.alert.group.index"]) - Number(b["kibana.alert.group.index"]))
      .map(row);
    const head = shell ?? blocks[0] ?? {};
    return {
      rule: text(head["kibana.alert.rule.name"]),
      severity: text(head["kibana.alert.severity"]),
      time: text(head["kibana.alert.original_time"]),
      rows,
    };
  });
  return { alerts, sequences, reports: [...set.reports()], documents };
}

/** An explanation node with, for a leaf on an array field or a list of patterns, what matched as text. */
export interface ExplainedNode extends Omit<ExplainNode, "matched" | "children"> {
  readonly matched?: readonly string[];
  readonly children?: readonly ExplainedNode[];
}

/** One rule's explanation of one event: index, query tree and the exception that suppresses it. */
export interface Explanation {
  readonly rule: string;
  readonly index?: string;
  readonly tree: ExplainedNode;
  readonly exception?: string;
}

/** The library's explanation, with each match described as one line for the page. */
function annotate(node: ExplainNode): ExplainedNode {
  const { matched, children, ...rest } = node;
  return {
    ...rest,
    ...(children ? { children: children.map(annotate) } : {}),
    ...(matched ? { matched: matched.map(describeMatch) } : {}),
  };
}

/** Explain each rule's verdict on one event, as `mini-eql test` explains a failing fixture. */
export function explainEvent(rules: readonly LoadedRule[], event: Record<string, unknown>): Explanation[] {
  return rules.map((loaded) => {
    const options = ruleCompileOptions(loaded.rule);
    const tree = annotate(explainQuery(loaded.compiled.statement, event, options));
    const index = eventIndex(event);
    const outside = index !== undefined && !compileIndexPatterns(loaded.rule.index)(index);
    const item = compileExceptions(loaded.exceptions)(event);
    return {
      rule: loaded.rule.name,
      ...(outside
        ? {
            index: `index ${index} is not searched by the rule (index: ${JSON.stringify(loaded.rule.index)})`,
          }
        : {}),
      tree,
      ...(item
        ? {
            exception: `suppressed by exception item ${JSON.stringify(item.name ?? item.item_id ?? "(unnamed)")}`,
          }
        : {}),
    };
  });
}

/** One fixture's outcome, for display. */
export interface FixtureRow {
  readonly id: string;
  readonly label: string;
  readonly expect: string;
  readonly actual: string;
  readonly ok: boolean;
  readonly message?: string;
}

/** Check a fixture file's text against the first rule: outcome per fixture, or why it cannot run. */
export function runFixtures(
  rule: LoadedRule | undefined,
  fixturesText: string,
): { rows: FixtureRow[]; error?: string } {
  if (fixturesText.trim() === "") return { rows: [] };
  let fixtures: RuleFixture[];
  try {
    fixtures = parseFixtureFile(JSON.parse(fixturesText)).fixtures;
  } catch (e) {
    return { rows: [], error: e instanceof Error ? e.message : String(e) };
  }
  if (!rule) return { rows: [], error: "the rule does not load, so its fixtures cannot run" };
  const rows = checkFixtures(rule, fixtures).map((o, i) => ({
    id: o.fixture.id ?? `fixture ${i + 1}`,
    label: o.fixture.label,
    expect: o.fixture.expect,
    actual: o.actual,
    ok: o.ok,
    ...(o.message ? { message: o.message } : {}),
  }));
  return { rows };
}

/**
 * A fixture file for the current events, with the verdict the rule gives them today: for an event
 * query one fixture per event, for a sequence or sample one fixture with all the events.
 */
export function fixtureFileFor(
  rule: LoadedRule | undefined,
  events: readonly Record<string, unknown>[],
  ruleFile = "rule.toml",
): string {
  const verdict = (evs: readonly Record<string, unknown>[]) => {
    if (!rule) return "no-alert";
    const v = ruleVerdict(rule, evs).verdict;
    return v === "error" ? "no-alert" : v;
  };
  const single = !rule || rule.compiled.statement.query.kind === "event";
  const fixtures = single
    ? events.map((event, i) => ({
        id: `event-${i + 1}`,
        expect: verdict([event]),
        label: `event ${i + 1} from the playground: describe why it should or should not alert`,
        event,
      }))
    : [
        {
          id: "events",
          expect: verdict(events),
          label: "events from the playground: describe why they should or should not alert",
          events,
        },
      ];
  return `${JSON.stringify({ rule: ruleFile, fixtures }, null, 2)}\n`;
}

const CONTROL =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text safe to show: control, line-separator and bidirectional-override characters written as
 * escapes, so an event cannot hide or reorder what is shown. Newlines and tabs too when `inline`.
 */
export function visible(value: string, inline = true): string {
  const escaped = (c: string) => {
    if (c === "\n") return "\\n";
    if (c === "\t") return "\\t";
    if (c === "\r") return "\\r";
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  };
  const out = value.replace(CONTROL, escaped);
  return inline ? out.replace(/[\n\t\r]/g, escaped) : out;
}

/**
 * The text of an editor's backdrop, which only carries the underlines: the invisible and
 * direction-changing characters are left out (the editor itself shows what was typed).
 */
export function backdropText(value: string): string {
  return value.replace(CONTROL, "");
}

/** A value for display: strings as they are, anything else as JSON; missing values as an empty string. */
export function display(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return visible(value);
  if (typeof value === "number" && !Number.isFinite(value)) return String(JSON.stringify(value));
  return visible(JSON.stringify(value) ?? "");
}
