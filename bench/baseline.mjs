/**
 * A hand-written JavaScript predicate for the rule "Potential Direct Kubelet Access via Process Arguments",
 * written the way a careful developer would without an EQL engine: field lookups that accept nested
 * objects and dotted keys, any-value semantics over arrays, and plain string methods instead of wildcard
 * matching. The benchmark compares the compiled EQL query with it; a test checks it against the fixtures.
 *
 *   process where host.os.type == "linux" and event.type == "start" and event.action in ("exec", "executed") and
 *   ( process.name like ("curl", "wget", "python*", "perl*", "php*", "node*", "java", "ruby*", "lua*", ".*") or
 *     process.executable like ("/tmp/*", "/var/tmp/*", "/dev/shm/*", "/var/run/*", "/home/*", "/run/user/*", "/busybox/*") )
 *   and process.args like ("http*:10250/*", "http*:10255/*", "wss:*:10250/*", "wss:*:10255/*")
 */

/**
 * Build a lookup for a dotted path. The keys for every run of segments are joined once, here, so a
 * lookup tries `o["a.b.c"]`, `o["a.b"].c`, `o.a["b.c"]` and `o.a.b.c` without building strings.
 */
function path(dotted) {
  const parts = dotted.split(".");
  const n = parts.length;
  /** keys[i][j] is parts[i..j] joined with "." */
  const keys = parts.map((_, i) => parts.map((_, j) => (j < i ? "" : parts.slice(i, j + 1).join("."))));

  /** Call `test` on each non-null scalar the path reaches; stop and return true when it does. */
  function some(obj, i, test) {
    if (Array.isArray(obj)) {
      for (let k = 0; k < obj.length; k++) if (some(obj[k], i, test)) return true;
      return false;
    }
    if (i === n) return obj !== null && typeof obj !== "object" && test(obj);
    if (obj === null || typeof obj !== "object") return false;
    const row = keys[i];
    for (let j = i; j < n; j++) {
      const v = obj[row[j]];
      if (v !== undefined && v !== null && some(v, j + 1, test)) return true;
    }
    return false;
  }
  return (event, test) => some(event, 0, test);
}

const category = path("event.category");
const osType = path("host.os.type");
const eventType = path("event.type");
const action = path("event.action");
const name = path("process.name");
const executable = path("process.executable");
const args = path("process.args");

const isProcess = (v) => v === "process";
const isLinux = (v) => v === "linux";
const isStart = (v) => v === "start";
const isExec = (v) => v === "exec" || v === "executed";

const NAME_PREFIXES = ["python", "perl", "php", "node", "ruby", "lua", "."];
function nameMatches(v) {
  if (typeof v !== "string") return false;
  if (v === "curl" || v === "wget" || v === "java") return true;
  for (let i = 0; i < NAME_PREFIXES.length; i++) if (v.startsWith(NAME_PREFIXES[i])) return true;
  return false;
}

const EXE_PREFIXES = ["/tmp/", "/var/tmp/", "/dev/shm/", "/var/run/", "/home/", "/run/user/", "/busybox/"];
function executableMatches(v) {
  if (typeof v !== "string") return false;
  for (let i = 0; i < EXE_PREFIXES.length; i++) if (v.startsWith(EXE_PREFIXES[i])) return true;
  return false;
}

/**
 * "http*:10250/*" is "http", any run, ":10250/", any run; likewise for 10255. For "wss:*:10250/*" the
 * second colon must come after the scheme's colon, so the search also starts at index 4.
 */
function argMatches(v) {
  if (typeof v !== "string") return false;
  if (!(v.startsWith("http") || v.startsWith("wss:"))) return false;
  return v.indexOf(":10250/", 4) !== -1 || v.indexOf(":10255/", 4) !== -1;
}

/** Whether `event` matches the Kubelet rule. Never throws on odd shapes. */
export function kubeletBaseline(event) {
  return (
    category(event, isProcess) &&
    osType(event, isLinux) &&
    eventType(event, isStart) &&
    action(event, isExec) &&
    (name(event, nameMatches) || executable(event, executableMatches)) &&
    args(event, argMatches)
  );
}
