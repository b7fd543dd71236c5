/**
 * Fields whose letter case the attacker controls. A process or file can be given any name, path,
 * extension or arguments, and Windows paths, registry keys, DLL names and host names compare equal in
 * any case for the system but not for a case-sensitive EQL operator: `process.name == "cmd.exe"` does
 * not see `CMD.EXE`. The lint warns when such a field meets a case-sensitive `==`, `in`, `like`,
 * `regex` or string function with a literal that has letters.
 *
 * Every listed name also covers its `process.parent.*`, `process.group_leader.*`,
 * `process.session_leader.*`, `process.entry_leader.*` and `Target.process.*` forms.
 */
const BASE_FIELDS = [
  // processes
  "process.name",
  "process.executable",
  "process.command_line",
  "process.args",
  "process.title",
  "process.working_directory",
  "process.pe.original_file_name",
  "process.pe.company",
  "process.pe.product",
  "process.pe.description",
  "process.code_signature.subject_name",
  // files
  "file.name",
  "file.path",
  "file.extension",
  "file.directory",
  "file.target_path",
  "file.pe.original_file_name",
  // libraries
  "dll.name",
  "dll.path",
  "dll.pe.original_file_name",
  // registry
  "registry.path",
  "registry.key",
  "registry.value",
  "registry.data.strings",
  // network names and URLs the client writes
  "dns.question.name",
  "url.original",
  "url.full",
  "url.path",
  "url.query",
  "http.request.body.content",
  "user_agent.original",
  // services and tasks created by name
  "service.name",
  "winlog.event_data.ServiceName",
  "winlog.event_data.TaskName",
  "powershell.file.script_block_text",
];

const PROCESS_PREFIXES = [
  "process.parent.",
  "process.group_leader.",
  "process.session_leader.",
  "process.entry_leader.",
  "Target.process.",
];

/** The documented list of case-controlled fields. */
export const CASE_CONTROLLED_FIELDS: ReadonlySet<string> = new Set([
  ...BASE_FIELDS,
  ...BASE_FIELDS.filter((f) => f.startsWith("process.")).flatMap((f) =>
    PROCESS_PREFIXES.map((p) => p + f.slice("process.".length)),
  ),
]);

/** True when the field's case is attacker-controlled (the `.caseless` and `.text` sub-fields excluded). */
export function isCaseControlled(field: string): boolean {
  return CASE_CONTROLLED_FIELDS.has(field);
}
