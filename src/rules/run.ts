/**
 * Run loaded rules over a batch of events as one scheduled Kibana execution would: each rule sees the
 * events of its indices inside its look-back window, exceptions suppress alerts, at most `max_signals`
 * alerts are created (the most recent, as Elasticsearch's default `tail`), and alerts already created
 * (by uuid, in a seen-set the caller carries across runs) are not created again.
 */
import { EqlError } from "../errors.js";
import { collectPaths, fieldReader } from "../runtime/fields.js";
import { parseInstant } from "../runtime/timestamp.js";
import type { EqlEvent, EventsResult, SequencesResult } from "../types.js";
import {
  type AlertContext,
  type AlertDocument,
  buildEventAlert,
  buildSequenceAlerts,
  ruleUuidOf,
} from "./alert.js";
import { parseFrom, toMillis } from "./duration.js";
import { compileExceptions, type ExceptionOptions } from "./exceptions.js";
import { compileIndexPatterns, eventIndex, type IndexMatcher } from "./index-pattern.js";
import type { LoadedRule } from "./types.js";

/** Options of one execution. */
export interface RunRulesOptions {
  /** The execution time: the window ends here and alerts are stamped with it. */
  now: Date | number | string;
  /** Alert uuids created by earlier runs; new ones are added. Pass the same set to every run. */
  seen?: Set<string>;
  /** Kibana space (default `default`); part of every alert id. */
  spaceId?: string;
  /** Apply the look-back window (default true); false evaluates every event given. */
  window?: boolean;
  /** Value lists for `list` exception entries. */
  exceptions?: ExceptionOptions;
}

/** What one rule did in one execution. */
export interface RuleRunReport {
  readonly rule_id: string;
  readonly name: string;
  /** Window start (exclusive) and end (inclusive), ISO. */
  readonly window: { readonly from: string; readonly to: string };
  /** Events searched: in the rule's indices and window (and, for an event query, of its category). */
  readonly searched: number;
  /** Query matches: events for event rules, sequences for sequence rules. */
  readonly matched: number;
  /** Matches suppressed by an exception item. */
  readonly suppressed: number;
  /** Matches left out because more than `max_signals` remained. */
  readonly truncated: boolean;
  readonly dropped: number;
  /** Matches whose alert already existed (de-duplicated). */
  readonly duplicates: number;
  /** Alert documents created (a sequence counts its shell and building blocks). */
  readonly alerts: number;
  /** Set when the rule could not run (for example a query kind not implemented yet). */
  readonly error?: EqlError;
}

/** The result of one execution. */
export interface RunRulesResult {
  readonly alerts: AlertDocument[];
  readonly reports: RuleRunReport[];
  /** The seen-set (the one passed in, or a new one). */
  readonly seen: Set<string>;
}

const timestampReader = fieldReader(["@timestamp"]);
const indexCache = new WeakMap<LoadedRule, IndexMatcher>();

function firstTime(reader: ReturnType<typeof fieldReader>, event: unknown): number | null {
  try {
    const v = reader.values(event)[0];
    return v === undefined ? null : (parseInstant(v)?.millis ?? null);
  } catch {
    return null;
  }
}

/** The time the window applies to: `timestamp_override` when the event has it, else `@timestamp`. */
export function windowTime(event: unknown, override: ReturnType<typeof fieldReader> | null): number | null {
  return (override ? firstTime(override, event) : null) ?? firstTime(timestampReader, event);
}

function isEvent(e: unknown): e is EqlEvent {
  return typeof e === "object" && e !== null && !Array.isArray(e);
}

function realEvents(hit: SequencesResult["sequences"][number]): EqlEvent[] {
  return hit.events.filter((e) => !e.missing).map((e) => e._source);
}

/**
 * Per-event facts every rule needs (the index, the window times), computed once per batch rather
 * than once per rule: with hundreds of rules this is most of the work outside the queries.
 */
export class PreparedEvents {
  readonly events: EqlEvent[] = [];
  readonly indices: (string | undefined)[] = [];
  private readonly times = new Map<string, (number | null)[]>();
  private readonly cats = new Map<string, string[][]>();
  private readonly catIndex = new Map<string, Map<string, number[]>>();
  private fields: Set<string> | undefined;

  constructor(source: Iterable<unknown>) {
    for (const e of source) {
      if (!isEvent(e)) continue;
      this.events.push(e);
      this.indices.push(eventIndex(e));
    }
  }

  /** The category values of every event for a category field (arrays flattened, strings only). */
  categories(field: string): string[][] {
    let list = this.cats.get(field);
    if (!list) {
      const reader = fieldReader([field]);
      list = this.events.map((e) => {
        try {
          return reader.values(e).filter((v): v is string => typeof v === "string");
        } catch {
          return [];
        }
      });
      this.cats.set(field, list);
    }
    return list;
  }

  /** Every dotted field name present in the batch (for `?field` folding), computed once. */
  presentFields(): ReadonlySet<string> {
    if (!this.fields) {
      const fields = new Set<string>();
      for (const e of this.events) {
        try {
          collectPaths(e, fields);
        } catch {
          // A hostile object contributes what could be read before it threw.
        }
      }
      this.fields = fields;
    }
    return this.fields;
  }

  /** Events grouped by category value for a category field (indices ascending). */
  byCategory(field: string): ReadonlyMap<string, readonly number[]> {
    let map = this.catIndex.get(field);
    if (!map) {
      map = new Map<string, number[]>();
      this.categories(field).forEach((cats, i) => {
        for (const c of new Set(cats)) {
          const list = map?.get(c);
          if (list) list.push(i);
          else map?.set(c, [i]);
        }
      });
      this.catIndex.set(field, map);
    }
    return map;
  }

  /** Window time of every event for a `timestamp_override` field ("" for none). */
  windowTimes(override: string): (number | null)[] {
    let list = this.times.get(override);
    if (!list) {
      const reader = override ? fieldReader([override]) : null;
      list = this.events.map((e) => windowTime(e, reader));
      this.times.set(override, list);
    }
    return list;
  }
}

/** Run one rule; alerts are appended to `out`. */
export function runRule(
  loaded: LoadedRule,
  events: readonly unknown[] | PreparedEvents,
  options: RunRulesOptions,
  out: AlertDocument[],
): RuleRunReport {
  const prepared = events instanceof PreparedEvents ? events : new PreparedEvents(events);
  const { rule, compiled } = loaded;
  const now = toMillis(options.now);
  const seen = options.seen ?? new Set<string>();
  const lookBack = parseFrom(rule.from) ?? 0;
  const start = now - lookBack;
  let matcher = indexCache.get(loaded);
  if (!matcher) {
    matcher = compileIndexPatterns(rule.index);
    indexCache.set(loaded, matcher);
  }
  const times = options.window === false ? null : prepared.windowTimes(rule.timestamp_override ?? "");
  // An event query only looks at events of its category: visit just those.
  const query = compiled.statement.query;
  const category = query.kind === "event" ? query.category : null;
  const candidates =
    category === null
      ? null
      : (prepared.byCategory(rule.event_category_override ?? "event.category").get(category) ?? []);
  const searched: EqlEvent[] = [];
  const { events: all, indices } = prepared;
  const count = candidates ? candidates.length : all.length;
  for (let c = 0; c < count; c++) {
    const i = candidates ? (candidates[c] as number) : c;
    const index = indices[i];
    if (index !== undefined && !matcher(index)) continue;
    if (times) {
      const t = times[i];
      if (t === null || t === undefined || t <= start || t > now) continue;
    }
    searched.push(all[i] as EqlEvent);
  }
  const report = {
    rule_id: rule.rule_id,
    name: rule.name,
    window: { from: new Date(start).toISOString(), to: new Date(now).toISOString() },
    searched: searched.length,
    matched: 0,
    suppressed: 0,
    truncated: false,
    dropped: 0,
    duplicates: 0,
    alerts: 0,
  };
  let result: EventsResult | SequencesResult;
  try {
    result = compiled.run(searched, {
      size: Math.max(1, searched.length * 4),
      presentFields: prepared.presentFields(),
    });
  } catch (e) {
    if (e instanceof EqlError) return { ...report, error: e };
    throw e;
  }
  const excepted = compileExceptions(loaded.exceptions, options.exceptions);
  const ctx: AlertContext = {
    rule,
    ruleUuid: ruleUuidOf(rule),
    now: new Date(now).toISOString(),
    spaceId: options.spaceId ?? "default",
  };
  // Each match becomes its group of alert documents; the first document's uuid identifies it.
  let groups: AlertDocument[][];
  if ("events" in result) {
    report.matched = result.events.length;
    const kept = result.events.filter((h) => excepted(h._source) === undefined);
    report.suppressed = report.matched - kept.length;
    groups = limit(kept, rule.max_signals, report).flatMap((h) =>
      safely(() => [buildEventAlert(ctx, h._source)]),
    );
  } else {
    report.matched = result.sequences.length;
    const kept = result.sequences.filter((s) => realEvents(s).every((e) => excepted(e) === undefined));
    report.suppressed = report.matched - kept.length;
    groups = limit(kept, rule.max_signals, report).flatMap((s) =>
      safely(() => buildSequenceAlerts(ctx, realEvents(s))),
    );
  }
  for (const group of groups) {
    const id = group[0]?.["kibana.alert.uuid"] as string;
    if (seen.has(id)) {
      report.duplicates++;
      continue;
    }
    seen.add(id);
    out.push(...group);
    report.alerts += group.length;
  }
  return report;
}

/** Build one match's alerts; an event that cannot be read (a throwing getter) yields none. */
function safely(build: () => AlertDocument[]): AlertDocument[][] {
  try {
    return [build()];
  } catch {
    return [];
  }
}

function limit<T>(list: T[], max: number, report: { truncated: boolean; dropped: number }): T[] {
  if (list.length <= max) return list;
  report.truncated = true;
  report.dropped = list.length - max;
  return list.slice(list.length - max);
}

/**
 * Run rules over events at time `now`. Event rules give one alert per event; sequence rules give a
 * shell alert and a building-block alert per event. Never throws on event data; a rule whose query
 * cannot run reports its error and the others still run.
 */
export function runRules(
  rules: readonly LoadedRule[],
  events: Iterable<unknown>,
  options: RunRulesOptions,
): RunRulesResult {
  const prepared = new PreparedEvents(events);
  const seen = options.seen ?? new Set<string>();
  const alerts: AlertDocument[] = [];
  const reports = rules.map((r) => runRule(r, prepared, { ...options, seen }, alerts));
  return { alerts, reports, seen };
}
