/**
 * How `mini-eql run` prints alerts: NDJSON or one JSON array for machines (the alert documents as
 * they are), a table or CSV of the columns a person scans first, or a summary of the rules that
 * alerted. Table, CSV and summary read a few fields of each alert and keep nothing else, so they
 * stream like the JSON formats (the summary keeps one line per rule that alerted).
 */

import type { LoadedRule } from "../../index.js";
import { SEVERITIES } from "../../rules/select.js";
import { plural } from "../report.js";
import { printable } from "../term.js";
import { queryFields } from "./columns.js";
import { fieldValue } from "./fields.js";
import { type AlertFormat, type ResultWriter, resultWriter } from "./format.js";
import type { Output } from "./output.js";
import { TableWriter } from "./table.js";

/** The columns of `--format table`, in order (CSV adds the rule id, the matched field and the alert id). */
const TABLE_COLUMNS = ["time", "severity", "rule", "host", "user", "process", "matched"] as const;
const CSV_COLUMNS = [
  "time",
  "severity",
  "rule",
  "rule_id",
  "host",
  "user",
  "process",
  "matched_field",
  "matched",
  "alert_id",
] as const;

type Row = Record<(typeof CSV_COLUMNS)[number], string>;

/** Severities from the most to the least severe, as the summary lists them. */
/** Severities from the highest down, as the summary lists them. */
const SEVERITY_ORDER: readonly string[] = [...SEVERITIES].reverse();

function text(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return value.map(text).join(" ");
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Fields that say little about what matched: shown in other columns, or the event's kind and host OS. */
const CONTEXT_FIELD =
  /^(?:event\.|host\.os\.|data_stream\.|agent\.|ecs\.)|^(?:host\.name|user\.name|process\.name|process\.executable)$/;

/**
 * Where the `matched` column looks, per rule: the fields its query tests, in the order the query
 * names them, but those of `CONTEXT_FIELD`; then `process.command_line`; then the context fields.
 * The first with a value in the alert is shown.
 */
class RuleIndex {
  private readonly byId = new Map<string, { rule: LoadedRule; fields: string[] }>();

  constructor(rules: readonly LoadedRule[]) {
    for (const r of rules) {
      if (this.byId.has(r.rule.rule_id)) continue;
      const fields = queryFields(r.compiled.statement);
      this.byId.set(r.rule.rule_id, {
        rule: r,
        fields: [
          ...new Set([
            ...fields.filter((f) => !CONTEXT_FIELD.test(f)),
            "process.command_line",
            ...fields.filter((f) => CONTEXT_FIELD.test(f)),
          ]),
        ],
      });
    }
  }

  get(ruleId: string) {
    return this.byId.get(ruleId);
  }
}

/** The row of one alert. */
function rowOf(alert: Record<string, unknown>, rules: RuleIndex): Row {
  const ruleId = text(alert["kibana.alert.rule.rule_id"]);
  let matchedField = "";
  let matched = "";
  for (const f of rules.get(ruleId)?.fields ?? ["process.command_line"]) {
    const v = fieldValue(alert, f);
    if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) continue;
    matchedField = f;
    matched = text(v);
    break;
  }
  return {
    time: text(alert["kibana.alert.original_time"] ?? alert["@timestamp"]),
    severity: text(alert["kibana.alert.severity"]),
    rule: text(alert["kibana.alert.rule.name"]),
    rule_id: ruleId,
    host: text(fieldValue(alert, "host.name")),
    user: text(fieldValue(alert, "user.name")),
    process: text(fieldValue(alert, "process.name") ?? fieldValue(alert, "process.executable")),
    matched_field: matchedField,
    matched,
    alert_id: text(alert["kibana.alert.uuid"]),
  };
}

/**
 * A CSV field: quoted when it holds a comma, quote, CR or LF (RFC 4180), and, when it starts with
 * `=`, `+`, `-`, `@`, tab or CR, led by an apostrophe so that a spreadsheet shows it as text instead
 * of evaluating it as a formula.
 */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** CSV with a header row, lines ended by CRLF (RFC 4180). */
class CsvWriter implements ResultWriter {
  private started = false;

  constructor(
    private readonly out: Output,
    private readonly rules: RuleIndex,
  ) {}

  async write(alert: unknown): Promise<void> {
    if (!this.started) await this.header();
    const row = rowOf(alert as Record<string, unknown>, this.rules);
    await this.out.write(`${CSV_COLUMNS.map((c) => csvField(row[c])).join(",")}\r\n`);
  }

  private async header(): Promise<void> {
    this.started = true;
    await this.out.write(`${CSV_COLUMNS.join(",")}\r\n`);
  }

  async end(): Promise<void> {
    if (!this.started) await this.header();
    await this.out.flush();
  }
}

/**
 * A rule's MITRE ATT&CK tactics: the tactic names of its `threat`, else those of its `Tactic: ...`
 * tags (rules exported without their threat mapping still carry them).
 */
function tacticsOf(rule: LoadedRule["rule"] | undefined): string[] {
  const threat: unknown[] = Array.isArray(rule?.threat) ? rule.threat : [];
  const named = threat
    .map((t) => (t as { tactic?: { name?: unknown } } | null)?.tactic?.name)
    .filter((n): n is string => typeof n === "string");
  if (named.length > 0) return [...new Set(named)];
  const tags: unknown[] = Array.isArray(rule?.tags) ? rule.tags : [];
  return [
    ...new Set(
      tags
        .filter((t): t is string => typeof t === "string" && t.startsWith("Tactic: "))
        .map((t) => t.slice("Tactic: ".length)),
    ),
  ];
}

/** What the summary keeps of one rule that alerted. */
interface RuleTally {
  readonly name: string;
  readonly severity: string;
  readonly tactics: string;
  count: number;
  first: number;
  last: number;
}

/**
 * Rules that alerted, by severity (critical first), each with its count of alerts, name, MITRE ATT&CK
 * tactics and the times of its first and last alerted events, then the totals. A sequence counts as
 * one alert: its building blocks are not counted.
 */
class SummaryWriter implements ResultWriter {
  private readonly tallies = new Map<string, RuleTally>();

  constructor(
    private readonly out: Output,
    private readonly rules: RuleIndex,
    private readonly width: number | undefined,
  ) {}

  async write(value: unknown): Promise<void> {
    const alert = value as Record<string, unknown>;
    if (alert["kibana.alert.building_block_type"] !== undefined) return;
    const ruleId = text(alert["kibana.alert.rule.rule_id"]);
    let t = this.tallies.get(ruleId);
    if (!t) {
      const rule = this.rules.get(ruleId)?.rule.rule;
      const tactics = tacticsOf(rule);
      t = {
        name: text(alert["kibana.alert.rule.name"]),
        severity: text(alert["kibana.alert.severity"]),
        tactics: tactics.join(", "),
        count: 0,
        first: Number.POSITIVE_INFINITY,
        last: Number.NEGATIVE_INFINITY,
      };
      this.tallies.set(ruleId, t);
    }
    t.count++;
    const time = Date.parse(text(alert["kibana.alert.original_time"] ?? alert["@timestamp"]));
    if (Number.isFinite(time)) {
      t.first = Math.min(t.first, time);
      t.last = Math.max(t.last, time);
    }
  }

  async end(): Promise<void> {
    const all = [...this.tallies.values()];
    const rank = (s: string) => {
      const i = SEVERITY_ORDER.indexOf(s);
      return i < 0 ? SEVERITY_ORDER.length : i;
    };
    const iso = (t: number) => (Number.isFinite(t) ? new Date(t).toISOString() : "-");
    const severities = [...new Set(all.map((t) => t.severity))].sort(
      (a, b) => rank(a) - rank(b) || a.localeCompare(b),
    );
    const rows: string[][] = [];
    const groups: { title: string; from: number; to: number }[] = [];
    for (const severity of severities) {
      const list = all
        .filter((t) => t.severity === severity)
        .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
      const alerts = list.reduce((n, t) => n + t.count, 0);
      const from = rows.length;
      for (const t of list) {
        rows.push([
          String(t.count),
          printable(t.name),
          printable(t.tactics) || "-",
          iso(t.first),
          iso(t.last),
        ]);
      }
      groups.push({
        title: `${printable(severity || "(no severity)")}: ${plural(alerts, "alert")} from ${plural(list.length, "rule")}`,
        from,
        to: rows.length,
      });
    }
    const header = ["alerts", "rule", "tactic", "first", "last"];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
    if (this.width !== undefined) {
      // The rule name gives up room first, then the tactics, so the times stay whole.
      const used = () => widths.reduce((a, b) => a + b + 2, 2) - 2;
      for (const i of [1, 2]) {
        const floor = Math.max(10, (header[i] as string).length);
        widths[i] = Math.max(floor, (widths[i] as number) - Math.max(0, used() - this.width));
      }
    }
    const line = (cells: readonly string[]) =>
      `  ${cells
        .map((c, i) => {
          const w = widths[i] as number;
          if (i === 0) return c.padStart(w);
          return c.length <= w ? c.padEnd(w) : `${c.slice(0, w - 1)}…`;
        })
        .join("  ")
        .trimEnd()}\n`;
    let text_ = "";
    for (const g of groups) {
      text_ += `${g.title}\n${line(header)}`;
      for (const r of rows.slice(g.from, g.to)) text_ += line(r);
      text_ += "\n";
    }
    const total = all.reduce((n, t) => n + t.count, 0);
    const bySeverity = severities
      .map((s) => `${all.filter((t) => t.severity === s).reduce((n, t) => n + t.count, 0)} ${printable(s)}`)
      .join(", ");
    text_ +=
      total === 0
        ? "total: no alerts\n"
        : `total: ${plural(total, "alert")} from ${plural(all.length, "rule")} (${bySeverity})\n`;
    await this.out.write(text_);
    await this.out.flush();
  }
}

/** A writer of alerts in `format` over `out`; `width` fits table and summary lines (undefined: whole). */
export function alertWriter(
  format: AlertFormat,
  out: Output,
  rules: readonly LoadedRule[],
  width: number | undefined,
): ResultWriter {
  switch (format) {
    case "ndjson":
    case "json":
      return resultWriter(format, out, { columns: [], width });
    case "csv":
      return new CsvWriter(out, new RuleIndex(rules));
    case "summary":
      return new SummaryWriter(out, new RuleIndex(rules), width);
    case "table": {
      const index = new RuleIndex(rules);
      const table = new TableWriter(out, TABLE_COLUMNS, width);
      return {
        write: (alert) => {
          const row = rowOf(alert as Record<string, unknown>, index);
          return table.write(Object.fromEntries(TABLE_COLUMNS.map((c) => [c, row[c]])));
        },
        end: () => table.end(),
      };
    }
  }
}
