/** Kibana's alert reason sentence, built from a few well-known ECS fields of the alerted document. */
import { fieldReader } from "../runtime/fields.js";

const READERS = {
  category: fieldReader(["event", "category"]),
  process: fieldReader(["process", "name"]),
  parent: fieldReader(["process", "parent", "name"]),
  file: fieldReader(["file", "name"]),
  sourceIp: fieldReader(["source", "ip"]),
  sourcePort: fieldReader(["source", "port"]),
  destIp: fieldReader(["destination", "ip"]),
  destPort: fieldReader(["destination", "port"]),
  user: fieldReader(["user", "name"]),
  host: fieldReader(["host", "name"]),
};

function joined(reader: (typeof READERS)[keyof typeof READERS], doc: unknown): string {
  try {
    return reader
      .values(doc)
      .map((v) => String(v))
      .join(", ");
  } catch {
    return "";
  }
}

/**
 * "process event with process curl, parent process bash, by root on web-1 created high alert X."
 * Parts whose fields are absent are left out, as Kibana does.
 */
export function buildReason(doc: unknown, severity: string, ruleName: string): string {
  const v = (k: keyof typeof READERS) => joined(READERS[k], doc);
  let reason = v("category") ? `${v("category")} event` : "Event";
  const parts: string[] = [];
  if (v("process")) parts.push(`process ${v("process")}`);
  if (v("parent")) parts.push(`parent process ${v("parent")}`);
  if (v("file")) parts.push(`file ${v("file")}`);
  if (v("sourceIp")) parts.push(`source ${v("sourceIp")}${v("sourcePort") ? `:${v("sourcePort")}` : ""}`);
  if (v("destIp")) parts.push(`destination ${v("destIp")}${v("destPort") ? `:${v("destPort")}` : ""}`);
  if (parts.length > 0) reason += ` with ${parts.join(", ")},`;
  if (v("user")) reason += ` by ${v("user")}`;
  if (v("host")) reason += ` on ${v("host")}`;
  return `${reason} created ${severity} alert ${ruleName}.`;
}
