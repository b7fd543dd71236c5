/**
 * Deterministic ECS events for running the corpus's sequence and sample rules: a few thousand events
 * of many categories (process, network, file, registry, authentication, iam, library, driver, dns, ...)
 * on a handful of hosts, users and processes, every one with an `@timestamp` (ISO string or epoch
 * millis) and an `event.ingested` 1.5 s later (for rules whose timestamp_override is event.ingested).
 *
 * Noise alone rarely completes a real rule's sequence, so the generator can also be given stage
 * templates taken from the queries themselves (`stageTemplates`): the category of each stage and the
 * literal values its conditions compare fields with. An event made from a template carries those
 * values, and a rule's stages are emitted as a burst sharing join-key values, a few hundred
 * milliseconds apart, sometimes with stages left out, so that some sequences complete, many stay
 * partial, and missing-event and `until` stages occasionally fire. The aim is to drive every code path
 * of the engine with realistic shapes, not to reproduce true positives.
 *
 * Used by scripts/corpus-sequences.mjs and test/corpus/sequences.test.ts.
 */
import { flatten, pick, rng } from "./random.mjs";

const CATEGORIES = [
  "process",
  "process",
  "process",
  "network",
  "network",
  "file",
  "file",
  "registry",
  "authentication",
  "iam",
  "library",
  "driver",
  "dns",
  "configuration",
  "web",
  "api",
];
const TYPES = {
  process: ["start", "end", "change", "info"],
  network: ["start", "connection", "end", "protocol", "info"],
  file: ["creation", "change", "deletion", "access"],
  registry: ["change", "creation", "access"],
  authentication: ["start", "end", "info"],
  iam: ["creation", "change", "user", "group", "admin"],
  library: ["start", "info"],
  driver: ["start", "change"],
  dns: ["protocol", "info"],
  configuration: ["change", "creation"],
  web: ["access", "info"],
  api: ["access", "info"],
};
const ACTIONS = {
  process: ["exec", "fork", "start", "end", "executed", "Process Create (rule: ProcessCreate)"],
  network: ["connection_attempted", "connection_accepted", "disconnect_received", "lookup_requested"],
  file: ["creation", "modification", "deletion", "rename", "overwrite", "open"],
  registry: ["modification", "RegistryEvent (Value Set)", "creation"],
  authentication: ["logged-in", "log_on", "ssh_login", "logged-in-explicit", "authentication_failure"],
  iam: ["added-user-account", "user-member-added", "changed-password", "group-created"],
  library: ["load", "Image loaded (rule: ImageLoad)"],
  driver: ["load", "loaded-kernel-module"],
  dns: ["lookup_requested", "lookup_result"],
  configuration: ["modified", "changed"],
  web: ["access"],
  api: ["access", "request"],
};
const HOSTS = [
  ["3b1f0c8e-host-0", "ws-0114", "windows"],
  ["9a2d7e41-host-1", "k8s-worker-01", "linux"],
  ["c4e85f02-host-2", "mbp-dev-7", "macos"],
  ["7f0ab3d9-host-3", "db-01", "linux"],
];
const USERS = ["root", "SYSTEM", "alice", "bob", "svc-backup", "ubuntu"];
const PROCESSES = [
  ["cmd.exe", "C:\\Windows\\System32\\cmd.exe"],
  ["powershell.exe", "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"],
  ["rundll32.exe", "C:\\Windows\\System32\\rundll32.exe"],
  ["explorer.exe", "C:\\Windows\\explorer.exe"],
  ["bash", "/usr/bin/bash"],
  ["sh", "/bin/sh"],
  ["curl", "/usr/bin/curl"],
  ["python3", "/usr/bin/python3"],
  ["sshd", "/usr/sbin/sshd"],
  ["osascript", "/usr/bin/osascript"],
];
const IPS = ["10.0.4.17", "10.0.4.18", "192.168.1.20", "172.16.8.3", "8.8.8.8", "fd00::1"];
const DOMAINS = ["api.github.com", "pastebin.com", "login.microsoftonline.com", "kubernetes.default.svc"];

/** Set a dotted path on a nested object (skipping it if a scalar is in the way). */
function setPath(obj, path, value) {
  const parts = path.split(".");
  let o = obj;
  for (let i = 0; i < parts.length - 1; i++) {
    const k = parts[i];
    const next = o[k];
    if (next === undefined || next === null) o = o[k] = {};
    else if (typeof next === "object" && !Array.isArray(next)) o = next;
    else return;
  }
  const last = parts[parts.length - 1];
  if (o[last] !== null && typeof o[last] === "object" && !Array.isArray(o[last])) return;
  o[last] = value;
}

/** Split a query into its top-level bracketed stages, honouring strings. */
function topLevelStages(query) {
  const stages = [];
  let depth = 0;
  let start = -1;
  let quote = "";
  for (let i = 0; i < query.length; i++) {
    const c = query[i];
    if (quote) {
      if (quote === '"""') {
        if (query.startsWith('"""', i)) {
          quote = "";
          i += 2;
        }
      } else if (c === "\\") i++;
      else if (c === quote) quote = "";
      continue;
    }
    if (query.startsWith('"""', i)) {
      quote = '"""';
      i += 2;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "[") {
      if (depth === 0) start = i;
      depth++;
    } else if (c === "]") {
      depth--;
      if (depth === 0 && start >= 0) {
        const before = query.slice(0, start).trimEnd();
        stages.push({
          text: query.slice(start + 1, i),
          missing: before.endsWith("!"),
          until: /\buntil$/i.test(before),
        });
        start = -1;
      }
    }
  }
  return stages;
}

function unquote(s) {
  return s
    .replace(/\\(.)/g, (_, c) => (c === "n" ? "\n" : c === "t" ? "\t" : c))
    .replace(/\*/g, "")
    .replace(/\?/g, "x");
}

const STRING_OR_NUMBER = /"""([\s\S]*?)"""|"((?:[^"\\]|\\.)*)"|(-?\d+(?:\.\d+)?)(?![\w.])/g;
const FIELD = String.raw`\??([A-Za-z_@][\w.@]*)`;
const LIST = new RegExp(String.raw`${FIELD}\s*(?:in~?|:|like~?|:~)\s*\(([^()]*)\)`, "g");
const SINGLE = new RegExp(
  String.raw`${FIELD}\s*(?:==|:|:~|like~?|in~?)\s*("""[\s\S]*?"""|"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?![\w.]))`,
  "g",
);
const KEYWORDS = new Set(["and", "or", "not", "where", "in", "like", "regex", "true", "false", "null"]);

function literals(text) {
  const out = [];
  for (const m of text.matchAll(STRING_OR_NUMBER)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(unquote(m[2]));
    else out.push(Number(m[3]));
  }
  return out;
}

/**
 * Stage templates from the queries of sequence and sample rules: for each query, its join fields and,
 * per stage, the category and the literal values its conditions mention, field by field.
 * @param {string[]} queries
 */
export function stageTemplates(queries) {
  const rules = [];
  for (const query of queries) {
    const joinFields = new Set();
    for (const m of query.matchAll(/\bby\s+((?:\??[A-Za-z_@][\w.@]*\s*,\s*)*\??[A-Za-z_@][\w.@]*)/g)) {
      for (const f of m[1].split(",")) joinFields.add(f.trim().replace(/^\?/, ""));
    }
    const stages = topLevelStages(query).map((st) => {
      const category = /^\s*([A-Za-z_]\w*)/.exec(st.text)?.[1] ?? "any";
      const values = new Map();
      const add = (field, vals) => {
        if (KEYWORDS.has(field.toLowerCase()) || vals.length === 0) return;
        const list = values.get(field) ?? [];
        list.push(...vals);
        values.set(field, list);
      };
      for (const m of st.text.matchAll(LIST)) add(m[1], literals(m[2]));
      for (const m of st.text.matchAll(SINGLE)) add(m[1], literals(m[2]));
      // Stage-local `by` fields (`[process where ...] by process.entity_id`) are join fields too.
      return { category, values: [...values], missing: st.missing, until: st.until };
    });
    if (stages.length > 0) rules.push({ joinFields: [...joinFields], stages });
  }
  return rules;
}

function noiseEvent(r, category, hosts = HOSTS) {
  const [hostId, hostName, os] = pick(r, hosts);
  const [name, executable] = pick(r, PROCESSES);
  const pid = 1000 + Math.floor(r() * 40);
  const e = {
    event: {
      category: r() < 0.7 ? [category] : category,
      type: r() < 0.7 ? [pick(r, TYPES[category] ?? ["info"])] : pick(r, TYPES[category] ?? ["info"]),
      action: pick(r, ACTIONS[category] ?? ["info"]),
      kind: "event",
      outcome: pick(r, ["success", "success", "failure"]),
      dataset: `endpoint.events.${category}`,
    },
    host: { id: hostId, name: hostName, os: { type: os, family: os, name: os } },
    agent: { id: `agent-${hostId.slice(0, 4)}`, type: pick(r, ["endpoint", "auditbeat", "winlogbeat"]) },
    user: { name: pick(r, USERS), id: String(Math.floor(r() * 3) * 500) },
    process: {
      pid,
      entity_id: `proc-${pid}`,
      name,
      executable,
      args: [executable, pick(r, ["-c", "/c", "-e", "--help"]), pick(r, ["id", "whoami", "ls"])],
      command_line: `${executable} -c id`,
      parent: { pid: pid - 1, entity_id: `proc-${pid - 1}`, name: pick(r, PROCESSES)[0] },
    },
  };
  if (category === "network" || category === "dns") {
    e.source = { ip: pick(r, IPS), port: 40000 + Math.floor(r() * 5) };
    e.destination = { ip: pick(r, IPS), port: pick(r, [22, 53, 80, 443, 445, 3389, 4444]) };
    e.network = { transport: pick(r, ["tcp", "udp"]), direction: pick(r, ["egress", "ingress"]) };
    if (category === "dns" || r() < 0.3) e.dns = { question: { name: pick(r, DOMAINS), type: "A" } };
  } else if (category === "file" || category === "library" || category === "driver") {
    const path = os === "windows" ? "C:\\Users\\Public\\a.dll" : "/tmp/.x/payload.so";
    e.file = { path, name: path.split(/[\\/]/).pop(), extension: path.split(".").pop() };
    if (category === "library") e.dll = { name: e.file.name, path };
  } else if (category === "registry") {
    e.registry = {
      path: "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\updater",
      value: "updater",
      data: { strings: ["C:\\Users\\Public\\u.exe"] },
    };
  } else if (category === "authentication" || category === "iam") {
    e.source = { ip: pick(r, IPS) };
    e.winlog = { computer_name: hostName, logon: { type: pick(r, ["Network", "Interactive"]) } };
  }
  return e;
}

/** A value for a join field shared by the events of one burst: from the rule's literals or a pool. */
function joinValue(r, field, rule, hosts) {
  for (const st of rule.stages) {
    for (const [f, vals] of st.values) if (f === field && r() < 0.5) return pick(r, vals);
  }
  if (hosts && (field === "host.id" || field === "host.name"))
    return pick(r, hosts)[field === "host.id" ? 0 : 1];
  if (/(^|\.)ip$/.test(field)) return pick(r, IPS);
  if (/(^|\.)(port|pid)$/.test(field)) return 1000 + Math.floor(r() * 3);
  return `${field}-${Math.floor(r() * 3)}`;
}

/** `n` hosts made from the four above (each id and name numbered), for events spread over many hosts. */
function manyHosts(n) {
  return Array.from({ length: n }, (_, i) => {
    const [id, name, os] = HOSTS[i % HOSTS.length];
    return [`${id}-${i}`, `${name}-${i}`, os];
  });
}

/**
 * Generate about `count` events in time order, each with `@timestamp` and `event.ingested`. With
 * `hosts`, the events (and the join values of `host.id` and `host.name`) come from that many hosts
 * instead of four.
 * @param {{count?: number, seed?: number, templates?: ReturnType<typeof stageTemplates>,
 *          start?: number, hosts?: number}} [options]
 * @returns {Record<string, unknown>[]}
 */
export function corpusEvents(options = {}) {
  const { count = 4000, seed = 1, templates = [], start = Date.parse("2026-05-04T10:00:00Z") } = options;
  const hosts = options.hosts === undefined ? undefined : manyHosts(options.hosts);
  const r = rng(seed);
  const span = count * 25; // one event every 25 ms on average
  const timed = [];
  while (timed.length < count) {
    let t = start + Math.floor(r() * span);
    if (templates.length > 0 && r() < 0.6) {
      // A burst: one rule's stages in order, sharing join values.
      const rule = pick(r, templates);
      const keys = rule.joinFields.map((f) => [f, joinValue(r, f, rule, hosts)]);
      for (const st of rule.stages) {
        if (st.until ? r() > 0.15 : st.missing ? r() > 0.25 : r() < 0.15) continue;
        const repeat = r() < 0.2 ? 1 + Math.floor(r() * 4) : 1;
        for (let k = 0; k < repeat; k++) {
          const category = st.category === "any" ? pick(r, CATEGORIES) : st.category;
          const e = noiseEvent(r, category, hosts);
          for (const [field, vals] of st.values) if (r() < 0.9) setPath(e, field, pick(r, vals));
          for (const [field, value] of keys) if (r() < 0.95) setPath(e, field, value);
          timed.push({ t, e });
          t += pick(r, [0, 1, 5, 50, 200, 400, 900, 2500]);
        }
      }
    } else {
      timed.push({ t, e: noiseEvent(r, pick(r, CATEGORIES), hosts) });
    }
  }
  timed.sort((a, b) => a.t - b.t);
  return timed.slice(0, count).map(({ t, e }) => {
    e["@timestamp"] = r() < 0.8 ? new Date(t).toISOString() : t;
    setPath(e, "event.ingested", new Date(t + 1500).toISOString());
    return r() < 0.03 ? flatten(e) : e;
  });
}
