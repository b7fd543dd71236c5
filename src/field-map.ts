/**
 * Field maps: queries written for the Elastic Common Schema run over data with other field names.
 * A field map pairs each field of the data with the ECS field it holds (`proc_name: process.name`)
 * and is applied when a query compiles, as Elasticsearch `alias` fields would be: the query reads
 * `process.name`, the event is read at `proc_name`. Nothing is copied or renamed in the events.
 */
import { type FieldMapping, type Mapping, parseMapping } from "./mapping.js";

/** Field of the data → the ECS field it holds (dotted names on both sides). */
export type FieldMap = Readonly<Record<string, string>>;

/** A problem with a field map, keyed by the data field it concerns. */
export interface FieldMapProblem {
  /** The data field (the key) the problem is about. */
  readonly key: string;
  readonly message: string;
}

const FIELD_NAME = /^[^\s.][^\s]*$/;

/**
 * What is wrong with `map`: a key or target that is not a dotted field name, a key mapped to itself,
 * two data fields for one ECS field (an alias has one path), or a target that is itself a key of the
 * map (aliases do not chain). Empty when the map can be applied.
 */
export function fieldMapProblems(map: unknown): FieldMapProblem[] {
  if (typeof map !== "object" || map === null || Array.isArray(map))
    return [{ key: "", message: "a field map is an object of data field → ECS field" }];
  const problems: FieldMapProblem[] = [];
  const byTarget = new Map<string, string>();
  const entries = Object.entries(map as Record<string, unknown>);
  for (const [key, target] of entries) {
    if (!FIELD_NAME.test(key) || key.endsWith(".")) {
      problems.push({ key, message: `${JSON.stringify(key)} is not a field name` });
      continue;
    }
    if (typeof target !== "string" || !FIELD_NAME.test(target) || target.endsWith(".")) {
      problems.push({ key, message: `the ECS field of ${key} must be a dotted field name` });
      continue;
    }
    if (target === key) {
      problems.push({ key, message: `${key} is mapped to itself` });
      continue;
    }
    const earlier = byTarget.get(target);
    if (earlier !== undefined) {
      problems.push({
        key,
        message: `${target} is already held by ${earlier}: one data field per ECS field`,
      });
      continue;
    }
    byTarget.set(target, key);
  }
  for (const [key, target] of entries) {
    if (typeof target === "string" && Object.hasOwn(map, target) && target !== key)
      problems.push({
        key,
        message: `${target} is itself a data field of this map; aliases do not chain`,
      });
  }
  return problems;
}

/**
 * The mapping `mapping` with `map` applied: each ECS field becomes an alias of its data field, and
 * the data field takes the ECS field's definition (type, `ignore_above`, ...) unless the mapping
 * defines it already. Throws a `TypeError` for a map `fieldMapProblems` rejects (API misuse).
 */
export function applyFieldMap(mapping: Mapping, map: FieldMap): Mapping {
  const problems = fieldMapProblems(map);
  if (problems.length > 0) {
    const p = problems[0] as FieldMapProblem;
    throw new TypeError(`fieldMap${p.key ? ` (${p.key})` : ""}: ${p.message}`);
  }
  const fields = new Map<string, FieldMapping>(mapping.fields);
  for (const [source, target] of Object.entries(map)) {
    const targetDef = mapping.fields.get(target);
    if (!fields.has(source) && targetDef !== undefined && targetDef.type !== "alias") {
      const { multiFields: _multi, ...def } = targetDef;
      fields.set(source, def);
    }
    fields.set(target, { type: "alias", path: source });
  }
  return { fields };
}

const NO_MAPPING = {};
/** Results of `effectiveMapping` by mapping object, then by field map object (many rules share both). */
const effective = new WeakMap<object, WeakMap<object, Mapping>>();

/**
 * The mapping a query compiles against: `options.mapping` with `options.fieldMap` applied. The
 * result is remembered for the same pair of objects, which every rule of a set shares.
 */
export function effectiveMapping(options: {
  readonly mapping?: unknown;
  readonly fieldMap?: FieldMap;
}): Mapping {
  const { mapping, fieldMap } = options;
  const outer = typeof mapping === "object" && mapping !== null ? mapping : NO_MAPPING;
  const inner = typeof fieldMap === "object" && fieldMap !== null ? fieldMap : NO_MAPPING;
  if (outer === NO_MAPPING && inner === NO_MAPPING) return parseMapping(mapping);
  let byMap = effective.get(outer);
  const known = byMap?.get(inner);
  if (known) return known;
  const base = parseMapping(mapping);
  const result = fieldMap === undefined ? base : applyFieldMap(base, fieldMap);
  if (!byMap) {
    byMap = new WeakMap();
    effective.set(outer, byMap);
  }
  byMap.set(inner, result);
  return result;
}

/**
 * Field maps that ship with the library, by name (`--field-map sysmon`). Each is aliases only: a
 * value the data does not hold (`process.name` from a path, `event.category` from an event code)
 * cannot come from a map, so rules on such fields need the data's own pipeline to set them.
 */
export const BUILTIN_FIELD_MAPS: Readonly<Record<string, FieldMap>> = {
  /** Sysmon events as Winlogbeat ships them without its ingest pipeline (`winlog.event_data.*`). */
  sysmon: {
    "winlog.event_data.Image": "process.executable",
    "winlog.event_data.CommandLine": "process.command_line",
    "winlog.event_data.ProcessId": "process.pid",
    "winlog.event_data.ProcessGuid": "process.entity_id",
    "winlog.event_data.CurrentDirectory": "process.working_directory",
    "winlog.event_data.OriginalFileName": "process.pe.original_file_name",
    "winlog.event_data.ParentImage": "process.parent.executable",
    "winlog.event_data.ParentCommandLine": "process.parent.command_line",
    "winlog.event_data.ParentProcessId": "process.parent.pid",
    "winlog.event_data.ParentProcessGuid": "process.parent.entity_id",
    "winlog.event_data.User": "user.name",
    "winlog.event_data.TargetFilename": "file.path",
    "winlog.event_data.ImageLoaded": "dll.path",
    "winlog.event_data.TargetObject": "registry.path",
    "winlog.event_data.Details": "registry.data.strings",
    "winlog.event_data.SourceIp": "source.ip",
    "winlog.event_data.SourcePort": "source.port",
    "winlog.event_data.DestinationIp": "destination.ip",
    "winlog.event_data.DestinationPort": "destination.port",
    "winlog.event_data.DestinationHostname": "destination.domain",
    "winlog.event_data.Protocol": "network.transport",
    "winlog.event_data.QueryName": "dns.question.name",
    "winlog.computer_name": "host.name",
    "winlog.event_id": "event.code",
  },
  /** Linux audit records as Filebeat's auditd module reads them before ECS renaming (`auditd.log.*`). */
  auditd: {
    "auditd.log.exe": "process.executable",
    "auditd.log.comm": "process.name",
    "auditd.log.pid": "process.pid",
    "auditd.log.ppid": "process.parent.pid",
    "auditd.log.cwd": "process.working_directory",
    "auditd.log.uid": "user.id",
    "auditd.log.euid": "user.effective.id",
    "auditd.log.auid": "user.audit.id",
    "auditd.log.gid": "group.id",
    "auditd.log.record_type": "event.action",
    "auditd.log.node": "host.name",
  },
};
