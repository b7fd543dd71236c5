/**
 * Alert documents in the shape Kibana writes them: the source document copied in (its `event.*`
 * moved under `kibana.alert.original_event.*`), `event.kind: "signal"`, and flattened `kibana.alert.*`
 * keys describing the rule and the alert. Ids are deterministic so re-runs de-duplicate.
 */
import { fieldReader } from "../runtime/fields.js";
import { type DocumentMeta, documentMeta, setDocumentMeta } from "./envelope.js";
import { canonicalJson, sha256Hex, uuidFromName } from "./hash.js";
import { jsonSafe, put, type SafeNotes } from "./json-safe.js";
import { buildReason } from "./reason.js";
import type { Rule } from "./types.js";

/** A Kibana-shaped alert document. */
export type AlertDocument = Record<string, unknown>;

/** What an alert needs to know about its run. */
export interface AlertContext {
  rule: Rule;
  /** The rule's uuid (`rule.id`, else derived from `rule_id`). */
  ruleUuid: string;
  /** The run time as ISO text. */
  now: string;
  /** Kibana space (default `default`). */
  spaceId: string;
  /**
   * Leave out the rule text every alert of the rule repeats: `kibana.alert.rule.description`,
   * `kibana.alert.rule.parameters` and the reference links of `kibana.alert.rule.threat` (see
   * `RuleSetOptions.alertFields`).
   */
  compact?: boolean;
}

const timestampReader = fieldReader(["@timestamp"]);
const META_KEYS = new Set(["_id", "_index", "_score", "_version", "_seq_no", "_primary_term"]);
/** Rule keys that are not parameters in Kibana's alert (they have their own alert fields). */
const NOT_PARAMETERS = new Set(["name", "tags", "interval", "enabled", "id", "actions", "throttle"]);

/** The uuid Kibana would know the rule by: its `id`, else a stable id derived from `rule_id`. */
export function ruleUuidOf(rule: Rule): string {
  return typeof rule.id === "string" && rule.id !== ""
    ? rule.id
    : uuidFromName(`mini-eql rule ${rule.rule_id}`);
}

/**
 * A stable identity for a source event: the index and id it came with (a search hit's, see
 * `envelope.ts`), else a hash of its content. `_id` and `_index` fields in the body do not count.
 */
export function eventKey(event: Record<string, unknown>): string {
  const meta = documentMeta(event);
  if (meta?.id !== undefined) return `${meta.index ?? ""}/${meta.id}`;
  return sha256Hex(canonicalJson(event));
}

function flattenInto(out: Record<string, unknown>, prefix: string, value: unknown): void {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flattenInto(out, prefix ? `${prefix}.${k}` : k, v);
  } else put(out, prefix, value);
}

/** Flatten an object to dotted keys (arrays stay values). */
export function flatten(value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  flattenInto(out, "", value);
  return out;
}

function originalTime(event: unknown): string | undefined {
  try {
    const v = timestampReader.values(event)[0];
    if (typeof v === "string") return v;
    if (typeof v === "number") return new Date(v).toISOString();
  } catch {
    // no usable timestamp
  }
  return undefined;
}

/** The source document without its metadata and `event.*` keys, and its `event.*` flattened. */
function splitSource(event: Record<string, unknown>) {
  const source: Record<string, unknown> = {};
  const original: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(event)) {
    if (META_KEYS.has(k)) continue;
    if (k === "event") flattenInto(original, "kibana.alert.original_event", v);
    else if (k.startsWith("event.")) flattenInto(original, `kibana.alert.original_event.${k.slice(6)}`, v);
    else put(source, k, v);
  }
  return { source, original };
}

/** The `kibana.alert.rule.*` and other rule-derived keys shared by every alert of a rule. */
export function ruleFields(ctx: AlertContext): AlertDocument {
  const { rule } = ctx;
  const parameters: Record<string, unknown> = { to: "now" };
  if (!ctx.compact) for (const [k, v] of Object.entries(rule)) if (!NOT_PARAMETERS.has(k)) parameters[k] = v;
  const fields: AlertDocument = {
    "kibana.alert.rule.name": rule.name,
    "kibana.alert.rule.rule_id": rule.rule_id,
    "kibana.alert.rule.uuid": ctx.ruleUuid,
    "kibana.alert.rule.type": "eql",
    "kibana.alert.rule.rule_type_id": "siem.eqlRule",
    "kibana.alert.rule.category": "Event Correlation Rule",
    "kibana.alert.rule.consumer": "siem",
    "kibana.alert.rule.producer": "siem",
    "kibana.alert.rule.description": rule.description,
    "kibana.alert.rule.from": rule.from,
    "kibana.alert.rule.to": "now",
    "kibana.alert.rule.interval": rule.interval,
    "kibana.alert.rule.max_signals": rule.max_signals,
    "kibana.alert.rule.version": rule.version ?? 1,
    "kibana.alert.rule.tags": rule.tags,
    "kibana.alert.rule.threat": rule.threat,
    "kibana.alert.rule.parameters": parameters,
    "kibana.alert.severity": rule.severity,
    "kibana.alert.risk_score": rule.risk_score,
    "kibana.alert.status": "active",
    "kibana.alert.workflow_status": "open",
    "kibana.space_ids": [ctx.spaceId],
  };
  if (ctx.compact) {
    delete fields["kibana.alert.rule.description"];
    delete fields["kibana.alert.rule.parameters"];
    fields["kibana.alert.rule.threat"] = withoutReferences(rule.threat);
  }
  return fields;
}

/** The ATT&CK mapping without its `reference` links (compact alerts keep ids and names). */
function withoutReferences(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutReferences);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (k !== "reference") out[k] = withoutReferences(v);
  return out;
}

function ancestorOf(meta: DocumentMeta | undefined, key: string) {
  return { id: meta?.id ?? key, type: "event", index: meta?.index ?? "", depth: 0 };
}

/**
 * The alert for one event of an event rule. The event is copied JSON-safe first (see `jsonSafe`);
 * `notes.replaced` counts the values that copy replaced.
 */
export function buildEventAlert(
  ctx: AlertContext,
  raw: Record<string, unknown>,
  notes: SafeNotes = { replaced: 0 },
): AlertDocument {
  return eventAlert(ctx, safeCopy(raw, notes));
}

/** `raw` copied JSON-safe (see `jsonSafe`), keeping where the document came from. */
function safeCopy(raw: Record<string, unknown>, notes: SafeNotes): Record<string, unknown> {
  const copy = jsonSafe(raw, notes) as Record<string, unknown>;
  const meta = documentMeta(raw);
  if (meta) setDocumentMeta(copy, meta);
  return copy;
}

/**
 * Copy the own enumerable keys of each of `parts` into a new object, in order (a later key keeps an
 * earlier one's place and takes its value), as an object spread would: alerts hold each event's own
 * keys, and V8 copies a spread of objects of ever new shapes dozens of times slower than a loop.
 * Keys go in through `put`, so a `__proto__` key is a key and never a prototype.
 */
function merge(...parts: Record<string, unknown>[]): AlertDocument {
  const out: AlertDocument = {};
  for (const part of parts) {
    const keys = Object.keys(part);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as string;
      put(out, k, part[k]);
    }
  }
  return out;
}

/** The alert for an event already copied JSON-safe. */
function eventAlert(ctx: AlertContext, event: Record<string, unknown>): AlertDocument {
  const meta = documentMeta(event);
  const key = eventKey(event);
  const { source, original } = splitSource(event);
  const time = originalTime(event);
  return merge(source, { "@timestamp": ctx.now, "event.kind": "signal" }, original, ruleFields(ctx), {
    "kibana.alert.uuid": sha256Hex(`${ctx.ruleUuid}|${key}|${ctx.spaceId}`),
    "kibana.alert.start": ctx.now,
    "kibana.alert.last_detected": ctx.now,
    ...(time !== undefined ? { "kibana.alert.original_time": time } : {}),
    "kibana.alert.depth": 1,
    "kibana.alert.ancestors": [ancestorOf(meta, key)],
    "kibana.alert.reason": buildReason(event, ctx.rule.severity, ctx.rule.name),
  });
}

/** Fields equal in every document (Kibana's shell alert keeps what the sequence's events share). */
function commonFields(docs: Record<string, unknown>[]): Record<string, unknown> {
  const flats = docs.map((d) => flatten(d));
  const [head, ...rest] = flats;
  const out: Record<string, unknown> = {};
  if (!head) return out;
  for (const [k, v] of Object.entries(head)) {
    const text = canonicalJson(v);
    if (rest.every((f) => Object.hasOwn(f, k) && canonicalJson(f[k]) === text)) put(out, k, v);
  }
  return out;
}

/**
 * The alerts of one sequence: a shell alert and one building-block alert per (present) event,
 * tied together by `kibana.alert.group.id`. The shell comes first.
 */
export function buildSequenceAlerts(
  ctx: AlertContext,
  raw: Record<string, unknown>[],
  notes: SafeNotes = { replaced: 0 },
): AlertDocument[] {
  const events = raw.map((e) => safeCopy(e, notes));
  const keys = events.map(eventKey);
  const groupId = sha256Hex(`${ctx.ruleUuid}|${keys.join("|")}|${ctx.spaceId}`);
  const blocks = events.map((event, i) =>
    merge(eventAlert(ctx, event), {
      "kibana.alert.uuid": sha256Hex(`${groupId}|${i}|${keys[i]}`),
      "kibana.alert.building_block_type": "default",
      "kibana.alert.group.id": groupId,
      "kibana.alert.group.index": i,
    }),
  );
  const shared = commonFields(events.map((e) => splitSource(e).source));
  const first = events[0];
  const time = first ? originalTime(first) : undefined;
  const shell = merge(shared, { "@timestamp": ctx.now, "event.kind": "signal" }, ruleFields(ctx), {
    "kibana.alert.uuid": sha256Hex(`${ctx.ruleUuid}|shell|${groupId}`),
    "kibana.alert.start": ctx.now,
    "kibana.alert.last_detected": ctx.now,
    ...(time !== undefined ? { "kibana.alert.original_time": time } : {}),
    "kibana.alert.group.id": groupId,
    "kibana.alert.depth": 2,
    "kibana.alert.ancestors": blocks.map((b, i) => ({
      id: b["kibana.alert.uuid"],
      type: "signal",
      index: "",
      depth: 1,
      rule: ctx.ruleUuid,
      event: keys[i],
    })),
    "kibana.alert.reason": buildReason(commonFields(events), ctx.rule.severity, ctx.rule.name),
  });
  return [shell, ...blocks];
}
