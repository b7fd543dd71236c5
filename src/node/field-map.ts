/**
 * Field map files (`--field-map map.yml`): YAML or JSON objects of data field → ECS field, flat
 * (`proc_name: process.name`) or nested (`proc: { name: process.name }`, read as `proc.name`), or
 * the name of a map that ships with the library (`sysmon`, `auditd`).
 */
import { readFileSync } from "node:fs";
import { isMap, isScalar, LineCounter, parseDocument, type Node as YamlNode } from "yaml";
import { locate } from "../errors.js";
import { type FieldMap, fieldMapProblems } from "../field-map.js";

/** Stable codes of field map errors. */
export const FieldMapErrorCodes = {
  /** The file could not be read. */
  UNREADABLE: "FIELD_MAP_UNREADABLE",
  /** Not YAML/JSON, or not an object of strings. */
  SYNTAX: "FIELD_MAP_SYNTAX",
  /** A well-formed map that cannot be applied (two fields for one ECS field, chains, bad names). */
  INVALID: "FIELD_MAP_INVALID",
  /** Neither a file nor the name of a built-in map. */
  UNKNOWN: "FIELD_MAP_UNKNOWN",
} as const;

/** A field map that cannot be used, with where in its file when known. */
export class FieldMapError extends Error {
  override readonly name = "FieldMapError";
  readonly code: string;
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  readonly reason: string;
  constructor(args: {
    code: string;
    file: string;
    reason: string;
    at?: { line: number; column: number; sourceLine: string; caret: string };
  }) {
    const where = args.at ? `${args.file}:${args.at.line}:${args.at.column}` : args.file;
    const excerpt = args.at ? `\n  ${args.at.sourceLine}\n  ${args.at.caret}` : "";
    super(`${where}: ${args.reason} [${args.code}]${excerpt}`);
    this.code = args.code;
    this.file = args.file;
    this.reason = args.reason;
    if (args.at) {
      this.line = args.at.line;
      this.column = args.at.column;
    }
  }
}

/** True when `spec` names a file rather than a built-in map. */
function isFileSpec(spec: string): boolean {
  return /[\\/]/.test(spec) || /\.(ya?ml|json)$/i.test(spec);
}

/**
 * The field map `spec` names: a built-in map by name (`sysmon`, `auditd`), else a YAML or JSON file
 * (by path; a name with a `/` or a `.yml`/`.yaml`/`.json` ending is always a file). Throws
 * `FieldMapError` with the file, line and column of what is wrong.
 */
export function readFieldMap(spec: string): FieldMap {
  if (!isFileSpec(spec)) {
    const builtin = Object.hasOwn(BUILTIN_FIELD_MAPS, spec) ? BUILTIN_FIELD_MAPS[spec] : undefined;
    if (builtin) return builtin;
    throw new FieldMapError({
      code: FieldMapErrorCodes.UNKNOWN,
      file: spec,
      reason: `not a built-in field map (${Object.keys(BUILTIN_FIELD_MAPS).join(", ")}); a file needs a .yml, .yaml or .json name or a path`,
    });
  }
  let text: string;
  try {
    text = readFileSync(spec, "utf8");
  } catch (e) {
    throw new FieldMapError({
      code: FieldMapErrorCodes.UNREADABLE,
      file: spec,
      reason: (e as Error).message,
    });
  }
  return parseFieldMap(text, spec);
}

/** Parse field map text (YAML, of which JSON is a subset); `file` names it in errors. */
export function parseFieldMap(text: string, file = "<field map>"): FieldMap {
  const at = (offset: number, end = offset + 1) => {
    const { location, sourceLine, caret } = locate(text, { start: offset, end });
    return { line: location.line, column: location.column, sourceLine, caret };
  };
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const first = doc.errors[0];
  if (first) {
    throw new FieldMapError({
      code: FieldMapErrorCodes.SYNTAX,
      file,
      reason: first.message.split("\n")[0] ?? "not YAML",
      at: at(first.pos[0], first.pos[1]),
    });
  }
  const flat: Record<string, string> = Object.create(null);
  const keyAt = new Map<string, number>();
  const visit = (node: YamlNode | null, prefix: string, offset: number): void => {
    if (!isMap(node)) {
      throw new FieldMapError({
        code: FieldMapErrorCodes.SYNTAX,
        file,
        reason: prefix
          ? `the ECS field of ${prefix} must be a string or a map of nested fields`
          : "a field map is a map of data field → ECS field",
        at: at(node?.range?.[0] ?? offset),
      });
    }
    for (const pair of node.items) {
      const key = pair.key;
      const keyOffset = isScalar(key) ? (key.range?.[0] ?? offset) : offset;
      if (!isScalar(key) || typeof key.value !== "string") {
        throw new FieldMapError({
          code: FieldMapErrorCodes.SYNTAX,
          file,
          reason: "a data field name must be a string",
          at: at(keyOffset),
        });
      }
      const name = prefix ? `${prefix}.${key.value}` : key.value;
      const value = pair.value as YamlNode | null;
      if (isScalar(value) && typeof value.value === "string") {
        if (Object.hasOwn(flat, name)) {
          throw new FieldMapError({
            code: FieldMapErrorCodes.INVALID,
            file,
            reason: `${name} is given twice`,
            at: at(keyOffset),
          });
        }
        flat[name] = value.value;
        keyAt.set(name, keyOffset);
      } else if (isScalar(value) || value === null) {
        throw new FieldMapError({
          code: FieldMapErrorCodes.SYNTAX,
          file,
          reason: `the ECS field of ${name} must be a string`,
          at: at(value?.range?.[0] ?? keyOffset),
        });
      } else visit(value, name, keyOffset);
    }
  };
  visit(doc.contents as YamlNode | null, "", 0);
  const problem = fieldMapProblems(flat)[0];
  if (problem) {
    throw new FieldMapError({
      code: FieldMapErrorCodes.INVALID,
      file,
      reason: problem.message,
      at: at(keyAt.get(problem.key) ?? 0),
    });
  }
  return flat;
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
