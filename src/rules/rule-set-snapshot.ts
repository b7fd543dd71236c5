/**
 * The snapshot of a compiled rule set: its whole state as JSON-safe data, a fingerprint of the rules
 * and options it was taken under, and the defensive check a restore runs before touching anything.
 * Events appear once each, in `events`; everything else refers to them by position.
 */
import type { BudgetTotals } from "../engine/budget.js";
import type { OrdinalState, StreamSnapshot } from "../engine/snapshot.js";
import { EqlSnapshotError, SnapshotErrorCodes } from "../errors.js";
import type { EqlEvent } from "../types.js";
import { sha256Hex } from "./hash.js";
import type { LoadedRule } from "./types.js";

/** What a rule-set snapshot says it is. */
export const RULE_SET_SNAPSHOT_FORMAT = "mini-eql/rule-set";

/** The rule-set snapshot format version; a restore refuses any other. */
export const RULE_SET_SNAPSHOT_VERSION = 1;

/** A match an event rule keeps: its event, ordinal, window time and whether a run alerted it. */
export interface KeptState {
  readonly event: number;
  readonly ordinal: OrdinalState;
  readonly t: number;
  readonly alerted: boolean;
}

/** The state of an event rule's runner. */
export interface EventRunnerState {
  readonly kind: "event";
  readonly kept: readonly KeptState[];
  /** Matches past the exceptions (one execution). */
  readonly total: number;
  /** The last scheduled run finished (epoch ms), null before any. */
  readonly lastRun: number | null;
}

/** A stream snapshot whose events are positions in the rule-set snapshot's `events`. */
export type StoredStream = Omit<StreamSnapshot, "events"> & { readonly events: readonly number[] };

/** The state of a sequence or sample rule's runner. */
export interface StreamRunnerState {
  readonly kind: "stream";
  readonly stream: StoredStream;
  /** One execution: the newest `max_signals` matches (each its events), a ring starting at `at`. */
  readonly ring: readonly (readonly number[])[];
  readonly at: number;
  /**
   * The ordinal of each match's last event (null for a sample's), in `ring`'s order. Absent in
   * snapshots taken before matches were ordered by it: those are taken as older than any new one.
   */
  readonly ordinals?: readonly (OrdinalState | null)[];
  readonly total: number;
  /** Scheduled: completed matches waiting for their run, as [run time, matches]. */
  readonly pending: readonly (readonly [number, readonly (readonly number[])[]])[];
  readonly lastRun: number | null;
}

/** The state of one rule's runner. */
export type RunnerState = EventRunnerState | StreamRunnerState;

/** The counters of a rule's report (its name, window, mode and error follow from the rules). */
export interface ReportState {
  readonly searched: number;
  readonly evaluated: number;
  readonly matched: number;
  readonly suppressed: number;
  readonly truncated: boolean;
  readonly dropped: number;
  readonly duplicates: number;
  readonly alerts: number;
  /** Absent in snapshots taken before it was counted. */
  readonly unbuilt?: number;
  readonly replaced?: number;
  readonly skipped: number;
  readonly late: number;
  readonly capped: number;
}

/** One rule's part of a snapshot. */
export interface RuleState {
  readonly rule_id: string;
  /**
   * The fingerprint of this rule alone under the set's options (`ruleSetFingerprint([rule], ...)`),
   * by which a partial restore knows the rule unchanged. Absent in snapshots taken before it was kept.
   */
  readonly fingerprint?: string;
  readonly report: ReportState;
  /** Null for a rule whose query could not run. */
  readonly runner: RunnerState | null;
}

/** The set's own counters. */
export interface RuleSetCounters {
  readonly events: number;
  readonly notObjects: number;
  readonly matched: number;
  readonly evaluations: number;
  readonly candidates: number;
  readonly alerts: number;
  /** Events outside the set's `timeRange` (absent in snapshots of sets without one: 0). */
  readonly outsideTime?: number;
}

/**
 * The whole state of a compiled rule set (`CompiledRuleSet.snapshot()`), as JSON-safe data. It
 * holds no compiled code: restore it into a set compiled from the same rules and options.
 */
export interface RuleSetSnapshot {
  readonly format: typeof RULE_SET_SNAPSHOT_FORMAT;
  readonly version: number;
  /** SHA-256 over the rules and the options that change answers. */
  readonly fingerprint: string;
  /**
   * The fingerprint of the options alone (`ruleSetFingerprint([], ...)`), which a partial restore
   * requires equal. Absent in snapshots taken before it was kept.
   */
  readonly options?: string;
  /** Every event the state holds, once each. */
  readonly events: readonly EqlEvent[];
  readonly counters: RuleSetCounters;
  /** Scheduled runs: the newest accepted event time (null before any) and times refused as too far ahead. */
  readonly clock: { readonly newest: number | null; readonly futureSetAside: number };
  /** Scheduled runs waiting for the clock, as [time, rule position], in the heap's order. */
  readonly due: readonly (readonly [number, number])[];
  /** Alert ids created (with those of `options.seen`). */
  readonly seen: readonly string[];
  /** Events counted per search group, in the order the set builds its groups. */
  readonly groups: readonly number[];
  /** The memory budget's stamp counter and eviction totals. */
  readonly budget: BudgetTotals;
  /** Per rule, in rule order. */
  readonly rules: readonly RuleState[];
}

/** The options of a rule set that change its answers, as they enter the fingerprint. */
export interface FingerprintOptions {
  readonly scheduled: boolean;
  /** One execution's time (null when scheduled). */
  readonly now: number | null;
  readonly window: boolean;
  readonly spaceId: string;
  readonly lateness: number;
  readonly presearch: boolean;
  readonly maxTimeJump: number;
  readonly memoryBudget: number | null;
  readonly valueLists: unknown;
  /** The `maxSignals` given for every rule (null: each rule's own). */
  readonly maxSignals: number | null;
  /** The `timeRange`, in epoch ms (null without one). */
  readonly timeRange: { readonly from: number; readonly to: number } | null;
  /** Compact alerts (`alertFields: "compact"`). */
  readonly compact: boolean;
}

/**
 * JSON with object keys sorted, so equal data gives equal text: functions and undefined properties
 * are left out, non-finite numbers and big integers written as tagged strings, dates as ISO text.
 */
export function canonicalJson(value: unknown): string {
  const seen = new Set<object>();
  const walk = (v: unknown): string => {
    if (v === null) return "null";
    switch (typeof v) {
      case "string":
      case "boolean":
        return JSON.stringify(v);
      case "number":
        return Number.isFinite(v) ? JSON.stringify(v) : JSON.stringify({ $number: String(v) });
      case "bigint":
        return JSON.stringify({ $bigint: String(v) });
      case "object":
        break;
      default:
        return "null";
    }
    if (v instanceof Date) return JSON.stringify(Number.isNaN(v.getTime()) ? null : v.toISOString());
    if (seen.has(v)) return '"$cycle"';
    seen.add(v);
    let out: string;
    if (Array.isArray(v)) out = `[${v.map(walk).join(",")}]`;
    else if (v instanceof Map) out = walk({ $map: [...v] });
    else if (v instanceof Set) out = walk({ $set: [...v] });
    else {
      const record = v as Record<string, unknown>;
      const parts: string[] = [];
      for (const k of Object.keys(record).sort()) {
        const x = record[k];
        if (x === undefined || typeof x === "function" || typeof x === "symbol") continue;
        parts.push(`${JSON.stringify(k)}:${walk(x)}`);
      }
      out = `{${parts.join(",")}}`;
    }
    seen.delete(v);
    return out;
  };
  return walk(value);
}

/** The fingerprint of rules and options: which rules (all their fields and exceptions) and how they run. */
export function ruleSetFingerprint(rules: readonly LoadedRule[], options: FingerprintOptions): string {
  const data = {
    version: RULE_SET_SNAPSHOT_VERSION,
    rules: rules.map((r) => ({ rule: r.rule, exceptions: r.exceptions, compile: r.compileOptions ?? null })),
    options,
  };
  return `sha256:${sha256Hex(canonicalJson(data))}`;
}

/**
 * What a snapshot must agree with: the set restoring it. For a partial restore (`partial: true`),
 * only the options' fingerprint must agree; the snapshot's own rules are then checked as they are.
 */
export type SnapshotExpectations = WholeExpectations | PartialExpectations;

/** A partial restore: the options must agree, the rules may differ. */
export interface PartialExpectations {
  readonly partial: true;
  /** The options' fingerprint (`ruleSetFingerprint([], options)`). */
  readonly options: string;
}

/** A whole restore: the same rules and options. */
export interface WholeExpectations {
  readonly partial?: false;
  readonly fingerprint: string;
  readonly ruleIds: readonly string[];
  /** Per rule: the runner kind it has, or null without one. */
  readonly runners: readonly (RunnerState["kind"] | null)[];
  readonly groups: number;
}

type Check = (v: unknown, path: string) => void;

function invalid(path: string, what: string): never {
  throw new EqlSnapshotError(
    SnapshotErrorCodes.INVALID,
    `Snapshot is not well formed: ${path} should be ${what}`,
  );
}

function objectAt(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) invalid(path, "an object");
  return v as Record<string, unknown>;
}

function arrayAt(v: unknown, path: string, each: Check): readonly unknown[] {
  if (!Array.isArray(v)) invalid(path, "an array");
  for (let i = 0; i < v.length; i++) each(v[i], `${path}[${i}]`);
  return v;
}

const count: Check = (v, path) => {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) invalid(path, "a whole number >= 0");
};
const finite: Check = (v, path) => {
  if (typeof v !== "number" || !Number.isFinite(v)) invalid(path, "a finite number");
};
const finiteOrNull: Check = (v, path) => {
  if (v !== null) finite(v, path);
};
const size: Check = (v, path) => {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) invalid(path, "a finite number >= 0");
};
const text: Check = (v, path) => {
  if (typeof v !== "string") invalid(path, "a string");
};
const flag: Check = (v, path) => {
  if (typeof v !== "boolean") invalid(path, "true or false");
};
const scalar: Check = (v, path) => {
  if (v === null || typeof v === "string" || typeof v === "boolean") return;
  if (typeof v === "number" && Number.isFinite(v)) return;
  const o = objectAt(v, path);
  if (!["Infinity", "-Infinity", "NaN"].includes(o.number as string)) invalid(path, "a scalar");
};
const ordinal: Check = (v, path) => {
  const a = arrayAt(v, path, () => {});
  if (a.length !== 4) invalid(path, "an ordinal [millis, nanos, tiebreaker, position]");
  finiteOrNull(a[0], `${path}[0]`);
  finiteOrNull(a[1], `${path}[1]`);
  scalar(a[2], `${path}[2]`);
  count(a[3], `${path}[3]`);
};

/** Check that `v` has every field of `fields` (and `optional` ones when present). */
function fieldsAt(
  v: unknown,
  path: string,
  fields: Record<string, Check>,
  optional: Record<string, Check> = {},
): Record<string, unknown> {
  const o = objectAt(v, path);
  for (const [k, check] of Object.entries(fields)) check(o[k], `${path}.${k}`);
  for (const [k, check] of Object.entries(optional)) if (o[k] !== undefined) check(o[k], `${path}.${k}`);
  return o;
}

const eachOf =
  (check: Check): Check =>
  (v, path) =>
    void arrayAt(v, path, check);
const shape =
  (fields: Record<string, Check>, optional?: Record<string, Check>): Check =>
  (v, path) =>
    void fieldsAt(v, path, fields, optional);

/**
 * Check a snapshot before a restore uses it: format, version, fingerprint, then every part's
 * shape, types and references. Throws `EqlSnapshotError` (VERSION, MISMATCH or INVALID).
 */
export function checkRuleSetSnapshot(input: unknown, expected: SnapshotExpectations): RuleSetSnapshot {
  const top = objectAt(input, "snapshot");
  if (top.format !== RULE_SET_SNAPSHOT_FORMAT)
    invalid("snapshot.format", JSON.stringify(RULE_SET_SNAPSHOT_FORMAT));
  if (top.version !== RULE_SET_SNAPSHOT_VERSION) {
    throw new EqlSnapshotError(
      SnapshotErrorCodes.VERSION,
      `Snapshot version ${String(top.version)} cannot be restored (expected ${RULE_SET_SNAPSHOT_VERSION})`,
    );
  }
  text(top.fingerprint, "snapshot.fingerprint");
  if (expected.partial === true) {
    if (top.options !== expected.options) {
      throw new EqlSnapshotError(
        SnapshotErrorCodes.MISMATCH,
        top.options === undefined
          ? "Snapshot has no fingerprint of its options (taken by an older version): only a whole restore can use it"
          : "Snapshot was taken under other options than this rule set was compiled with",
      );
    }
  } else if (top.fingerprint !== expected.fingerprint) {
    throw new EqlSnapshotError(
      SnapshotErrorCodes.MISMATCH,
      "Snapshot was taken from other rules or options than this rule set was compiled with",
    );
  }
  const events = arrayAt(top.events, "snapshot.events", (v, path) => void objectAt(v, path));
  const event: Check = (v, path) => {
    count(v, path);
    if ((v as number) >= events.length) invalid(path, `the position of one of the ${events.length} events`);
  };
  const match: Check = (v, path) => {
    if (arrayAt(v, path, event).length === 0) invalid(path, "a non-empty list of events");
  };
  const charge = { stamp: count, bytes: size };
  const owner = shape({ evicted: count, evictedBytes: size });
  const waiting = shape({ event, ordinal, hits: eachOf(flag), ...charge });
  const matcher = shape({
    shape: text,
    nowMs: finiteOrNull,
    sinceSweep: count,
    sweepInterval: count,
    seq: count,
    stats: shape({
      open: count,
      pending: count,
      droppedByCap: count,
      expired: count,
      rejectedByMissing: count,
    }),
    owner,
    partials: eachOf(
      shape({
        stage: (v, path) => {
          if (!Number.isSafeInteger(v) || (v as number) < -1) invalid(path, "a stage number or -1");
        },
        key: text,
        events: eachOf(event),
        ordinals: eachOf(ordinal),
        firstMs: finite,
        firstNs: finite,
        until: finite,
        seq: count,
        ...charge,
      }),
    ),
    times: eachOf(shape({ stage: count, key: text, times: eachOf(finite), ...charge })),
  });
  const stream = shape(
    {
      version: count,
      kind: (v, path) => {
        if (v !== "event" && v !== "sequence" && v !== "sample") invalid(path, "event, sequence or sample");
      },
      query: text,
      events: eachOf(event),
      counters: shape({
        eventsIn: count,
        notObjects: count,
        lateDropped: count,
        emitted: count,
        futureSetAside: count,
      }),
    },
    {
      sequence: shape({
        newest: finiteOrNull,
        lastReleased: (v, path) => {
          if (v !== null) ordinal(v, path);
        },
        buffer: eachOf(waiting),
        held: eachOf(waiting),
        matcher,
      }),
      sample: shape({ owner, groups: eachOf(shape({ key: text, lists: eachOf(eachOf(event)), ...charge })) }),
    },
  );
  const runner = (kind: RunnerState["kind"]): Check =>
    kind === "event"
      ? shape({
          kind: (v, path) => void (v === "event" || invalid(path, '"event"')),
          kept: eachOf(shape({ event, ordinal, t: finite, alerted: flag })),
          total: count,
          lastRun: finiteOrNull,
        })
      : shape(
          {
            kind: (v, path) => void (v === "stream" || invalid(path, '"stream"')),
            stream,
            ring: eachOf(match),
            at: count,
            total: count,
            pending: eachOf((v, path) => {
              const pair = arrayAt(v, path, () => {});
              if (pair.length !== 2) invalid(path, "a pair [run time, matches]");
              finite(pair[0], `${path}[0]`);
              arrayAt(pair[1], `${path}[1]`, match);
            }),
            lastRun: finiteOrNull,
          },
          {
            ordinals: eachOf((v, path) => {
              if (v !== null) ordinal(v, path);
            }),
          },
        );
  const report = shape(
    {
      searched: count,
      evaluated: count,
      matched: count,
      suppressed: count,
      truncated: flag,
      dropped: count,
      duplicates: count,
      alerts: count,
      skipped: count,
      late: count,
      capped: count,
    },
    { unbuilt: count, replaced: count },
  );

  fieldsAt(top, "snapshot", {
    counters: shape(
      {
        events: count,
        notObjects: count,
        matched: count,
        evaluations: count,
        candidates: count,
        alerts: count,
      },
      { outsideTime: count },
    ),
    clock: shape({ newest: finiteOrNull, futureSetAside: count }),
    seen: eachOf(text),
    groups: eachOf(count),
    budget: shape({ counter: count, evicted: count, evictedBytes: size }),
  });
  const whole = expected.partial === true ? null : expected;
  if (whole && (top.groups as unknown[]).length !== whole.groups) {
    invalid("snapshot.groups", `a list of ${whole.groups} search group counts`);
  }
  const rules = arrayAt(top.rules, "snapshot.rules", () => {});
  if (whole && rules.length !== whole.ruleIds.length)
    invalid("snapshot.rules", `a list of ${whole.ruleIds.length} rules`);
  /** Per rule of the snapshot: the kind of its runner, or null without one. */
  const kinds: (RunnerState["kind"] | null)[] = [];
  rules.forEach((r, i) => {
    const path = `snapshot.rules[${i}]`;
    const o = fieldsAt(r, path, { report }, { fingerprint: text });
    if (whole) {
      if (o.rule_id !== whole.ruleIds[i]) invalid(`${path}.rule_id`, JSON.stringify(whole.ruleIds[i]));
    } else text(o.rule_id, `${path}.rule_id`);
    let kind: RunnerState["kind"] | null;
    if (whole) kind = whole.runners[i] ?? null;
    else if (o.runner === null) kind = null;
    else {
      const own = objectAt(o.runner, `${path}.runner`).kind;
      if (own !== "event" && own !== "stream") invalid(`${path}.runner.kind`, '"event" or "stream"');
      kind = own;
    }
    kinds.push(kind);
    if (kind === null) {
      if (o.runner !== null) invalid(`${path}.runner`, "null (the rule has no runner)");
    } else runner(kind)(o.runner, `${path}.runner`);
  });
  const dueRules = new Set<number>();
  arrayAt(top.due, "snapshot.due", (v, path) => {
    const pair = arrayAt(v, path, () => {});
    if (pair.length !== 2) invalid(path, "a pair [time, rule]");
    finite(pair[0], `${path}[0]`);
    const rule = pair[1];
    count(rule, `${path}[1]`);
    if ((rule as number) >= rules.length || kinds[rule as number] == null || dueRules.has(rule as number)) {
      invalid(`${path}[1]`, "the position of a rule with a runner, once");
    }
    dueRules.add(rule as number);
  });
  return top as unknown as RuleSetSnapshot;
}
