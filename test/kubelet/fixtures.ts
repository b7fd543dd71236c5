/**
 * Hand-written process events for the rule "Potential Direct Kubelet Access via Process Arguments"
 * (rules/linux/lateral_movement_direct_kubelet_access_via_process_args.toml). Each fixture carries the
 * verdict derived by reading the rule's EQL, and a label saying why:
 *
 *   process where host.os.type == "linux" and event.type == "start" and event.action in ("exec", "executed") and
 *   ( process.name like ("curl", "wget", "python*", "perl*", "php*", "node*", "java", "ruby*", "lua*", ".*") or
 *     process.executable like ("/tmp/*", "/var/tmp/*", "/dev/shm/*", "/var/run/*", "/home/*", "/run/user/*", "/busybox/*") )
 *   and process.args like ("http*:10250/*", "http*:10255/*", "wss:*:10250/*", "wss:*:10255/*")
 *
 * Reminders from the semantics: `like` is case-sensitive and anchored at both ends, `*` spans any run of
 * characters (including `/`, `[`, `:` and the empty run), a pattern without wildcards is an exact match,
 * every leaf holds when ANY value of a multi-valued field satisfies it, null array elements are dropped,
 * and nested objects and dotted keys name the same field.
 *
 * Timestamps are deliberately not in array order so that `run` has to sort.
 */
import type { EqlEvent } from "../../src/types.js";

/** One event with the verdict the rule must give it. */
export interface KubeletFixture {
  /** Stable, unique id (also stored in the event as `event.id` where the event has an `event` object). */
  readonly id: string;
  /** Why the verdict is what it is. */
  readonly label: string;
  /** Whether the rule's query matches the event. */
  readonly expected: boolean;
  readonly event: EqlEvent;
}

const DAY = "2026-05-04";

/** `10:17:03.412` → an ISO timestamp on the fixture day. */
function ts(time: string): string {
  return `${DAY}T${time}Z`;
}

/** A timestamp a few seconds after `time`, as `event.ingested` would be. */
function later(time: string, seconds = 3): string {
  return new Date(Date.parse(ts(time)) + seconds * 1000).toISOString();
}

interface ExecSpec {
  /** Id of the fixture (stored as `event.id`). */
  id: string;
  /** Wall-clock time on the fixture day, `HH:MM:SS.mmm`. */
  at: string;
  name: string;
  executable: string;
  args: string[];
  pid: number;
  host?: string;
  osType?: string;
  category?: string[];
  type?: string[];
  action?: string;
  user?: string;
  cwd?: string;
  parent?: string;
}

const OS_DETAILS: Record<string, Record<string, string>> = {
  linux: {
    family: "ubuntu",
    name: "Ubuntu",
    platform: "ubuntu",
    version: "22.04.4 LTS (Jammy Jellyfish)",
    kernel: "5.15.0-105-generic #115-Ubuntu SMP Mon Apr 15 09:52:04 UTC 2024",
  },
  Linux: { family: "ubuntu", name: "Ubuntu", platform: "ubuntu", version: "22.04.4 LTS" },
  windows: {
    family: "windows",
    name: "Windows Server 2022 Datacenter",
    platform: "windows",
    version: "21H2",
    kernel: "21H2 (10.0.20348.2402)",
  },
  macos: { family: "macos", name: "macOS", platform: "darwin", version: "14.4.1", kernel: "23.4.0" },
};

/** A process event as Elastic Defend ships it (`logs-endpoint.events.process-*`). */
function defendExec(s: ExecSpec): EqlEvent {
  const osType = s.osType ?? "linux";
  return {
    "@timestamp": ts(s.at),
    agent: { type: "endpoint", version: "8.19.3", id: "b3f0c7e2-6a1d-4c8e-9f2a-5d7e1c0a9b44" },
    data_stream: { dataset: "endpoint.events.process", namespace: "default", type: "logs" },
    ecs: { version: "8.10.0" },
    event: {
      id: s.id,
      action: s.action ?? "exec",
      category: s.category ?? ["process"],
      type: s.type ?? ["start"],
      kind: "event",
      module: "endpoint",
      dataset: "endpoint.events.process",
      created: ts(s.at),
      ingested: later(s.at),
    },
    host: {
      name: s.host ?? "k8s-worker-02",
      hostname: s.host ?? "k8s-worker-02",
      architecture: "x86_64",
      os: { type: osType, ...OS_DETAILS[osType] },
    },
    process: {
      pid: s.pid,
      entity_id: `ZDM0ZjE3YjEtMTAwMC0${s.pid.toString(36)}`,
      name: s.name,
      executable: s.executable,
      args: s.args,
      args_count: s.args.length,
      command_line: s.args.join(" "),
      working_directory: s.cwd ?? "/root",
      parent: {
        pid: s.pid - 7,
        name: s.parent ?? "bash",
        executable: `/usr/bin/${s.parent ?? "bash"}`,
      },
    },
    user: { id: s.user === "root" || s.user === undefined ? "0" : "1000", name: s.user ?? "root" },
  };
}

/** A process event as the Auditd Manager integration ships it (`logs-auditd_manager.auditd-*`). */
function auditdExec(s: ExecSpec): EqlEvent {
  return {
    "@timestamp": ts(s.at),
    agent: { type: "auditbeat", version: "8.19.3" },
    data_stream: { dataset: "auditd_manager.auditd", namespace: "default", type: "logs" },
    ecs: { version: "8.0.0" },
    event: {
      id: s.id,
      action: s.action ?? "executed",
      category: s.category ?? ["process"],
      type: s.type ?? ["start"],
      kind: "event",
      module: "auditd",
      dataset: "auditd_manager.auditd",
      outcome: "success",
      sequence: 40_000 + s.pid,
      ingested: later(s.at, 5),
    },
    auditd: {
      result: "success",
      session: "14",
      summary: {
        actor: { primary: "ubuntu", secondary: s.user ?? "root" },
        how: s.executable,
        object: { primary: s.executable, type: "file" },
      },
      data: { syscall: "execve", arch: "x86_64", argc: String(s.args.length), exit: "0", tty: "pts1" },
    },
    host: {
      name: s.host ?? "k8s-worker-01",
      hostname: s.host ?? "k8s-worker-01",
      os: { type: s.osType ?? "linux", family: "debian", name: "Debian GNU/Linux", version: "12 (bookworm)" },
    },
    process: {
      pid: s.pid,
      parent: { pid: s.pid - 3 },
      name: s.name,
      executable: s.executable,
      args: s.args,
      title: s.args.join(" "),
      working_directory: s.cwd ?? "/root",
    },
    user: {
      id: s.user === "root" || s.user === undefined ? "0" : "1000",
      name: s.user ?? "root",
      audit: { id: "1000", name: "ubuntu" },
    },
    tags: ["auditd_manager-auditd"],
  };
}

const TOKEN =
  "eyJhbGciOiJSUzI1NiIsImtpZCI6IjRkN2YifQ.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6ZGVmYXVsdDp3ZWIifQ.c2ln";

/** Events the rule must return. */
export const positives: readonly KubeletFixture[] = [
  // ---- one per process.name pattern ----
  {
    id: "pos-name-curl",
    label:
      'process.name "curl" equals the literal pattern "curl"; "https://10.0.4.17:10250/pods" is http* + ":10250/" + path',
    expected: true,
    event: defendExec({
      id: "pos-name-curl",
      at: "10:21:07.118",
      name: "curl",
      executable: "/usr/bin/curl",
      args: ["curl", "-sk", "https://10.0.4.17:10250/pods"],
      pid: 48211,
    }),
  },
  {
    id: "pos-name-wget",
    label:
      'auditd "executed"; process.name "wget" equals the literal "wget"; https URL on :10250 with a path',
    expected: true,
    event: auditdExec({
      id: "pos-name-wget",
      at: "10:03:55.020",
      name: "wget",
      executable: "/usr/bin/wget",
      args: ["wget", "-qO-", "--no-check-certificate", "https://10.0.4.17:10250/runningpods/"],
      pid: 31120,
    }),
  },
  {
    id: "pos-name-python3",
    label:
      '"python3" matches "python*"; /usr/bin is no listed prefix, so the name branch carries it; :10250/configz',
    expected: true,
    event: defendExec({
      id: "pos-name-python3",
      at: "10:44:12.907",
      name: "python3",
      executable: "/usr/bin/python3.10",
      args: ["python3", "/opt/tools/kprobe.py", "https://10.0.4.17:10250/configz"],
      pid: 52030,
    }),
  },
  {
    id: "pos-name-perl",
    label:
      '"perl" matches "perl*" (empty tail); "http://10.0.4.18:10255/stats/summary" is http* + ":10255/" + path',
    expected: true,
    event: auditdExec({
      id: "pos-name-perl",
      at: "10:12:40.331",
      name: "perl",
      executable: "/usr/bin/perl",
      args: ["perl", "/usr/local/share/scan.pl", "http://10.0.4.18:10255/stats/summary"],
      pid: 22871,
    }),
  },
  {
    id: "pos-name-php",
    label: '"php8.1" matches "php*"; read-only port :10255 over http with /pods',
    expected: true,
    event: defendExec({
      id: "pos-name-php",
      at: "10:35:01.640",
      name: "php8.1",
      executable: "/usr/bin/php8.1",
      args: ["php8.1", "/var/www/html/status.php", "http://10.0.4.19:10255/pods"],
      pid: 40117,
      user: "www-data",
      cwd: "/var/www/html",
      parent: "php-fpm8.1",
    }),
  },
  {
    id: "pos-name-node",
    label:
      '"node" matches "node*"; "wss://10.0.4.17:10250/exec/..." is "wss:" + "//10.0.4.17" + ":10250/" + path',
    expected: true,
    event: defendExec({
      id: "pos-name-node",
      at: "10:09:18.002",
      name: "node",
      executable: "/usr/bin/node",
      args: [
        "node",
        "/srv/app/exec.js",
        "wss://10.0.4.17:10250/exec/kube-system/coredns-5d78c9869d-x2x7k/coredns?command=id&output=1",
      ],
      pid: 17402,
      cwd: "/srv/app",
    }),
  },
  {
    id: "pos-name-java",
    label:
      '"java" equals the literal pattern "java"; /usr/lib/jvm is no listed prefix; :10250/metrics/cadvisor',
    expected: true,
    event: defendExec({
      id: "pos-name-java",
      at: "10:51:29.777",
      name: "java",
      executable: "/usr/lib/jvm/java-17-openjdk-amd64/bin/java",
      args: ["java", "-jar", "/opt/probe/kprobe.jar", "https://10.0.4.20:10250/metrics/cadvisor"],
      pid: 60555,
      cwd: "/opt/probe",
    }),
  },
  {
    id: "pos-name-ruby",
    label: '"ruby" matches "ruby*"; "wss://10.0.4.21:10255/attach/..." matches "wss:*:10255/*"',
    expected: true,
    event: auditdExec({
      id: "pos-name-ruby",
      at: "10:27:45.500",
      name: "ruby",
      executable: "/usr/bin/ruby3.1",
      args: ["ruby", "/usr/local/bin/kube-ws.rb", "wss://10.0.4.21:10255/attach/default/web-0/nginx"],
      pid: 38004,
    }),
  },
  {
    id: "pos-name-lua",
    label: '"lua5.3" matches "lua*"; "http://10.0.4.21:10250/healthz" matches "http*:10250/*"',
    expected: true,
    event: auditdExec({
      id: "pos-name-lua",
      at: "10:00:59.999",
      name: "lua5.3",
      executable: "/usr/bin/lua5.3",
      args: ["lua5.3", "/etc/nginx/lua/probe.lua", "http://10.0.4.21:10250/healthz"],
      pid: 9001,
    }),
  },
  {
    id: "pos-name-dotfile",
    label: 'hidden binary ".x" matches ".*"; its directory /usr/lib/x86_64-linux-gnu is no listed prefix',
    expected: true,
    event: defendExec({
      id: "pos-name-dotfile",
      at: "10:40:33.210",
      name: ".x",
      executable: "/usr/lib/x86_64-linux-gnu/.x",
      args: ["/usr/lib/x86_64-linux-gnu/.x", "-k", "https://10.0.4.17:10250/pods"],
      pid: 50999,
    }),
  },
  // ---- one per process.executable prefix (names outside the name list) ----
  {
    id: "pos-exe-tmp",
    label: 'renamed curl "kc" is in no name pattern, but /tmp/kc matches "/tmp/*"',
    expected: true,
    event: defendExec({
      id: "pos-exe-tmp",
      at: "10:15:02.404",
      name: "kc",
      executable: "/tmp/kc",
      args: ["/tmp/kc", "-k", "https://10.0.4.17:10250/pods"],
      pid: 27777,
      cwd: "/tmp",
    }),
  },
  {
    id: "pos-exe-var-tmp",
    label: '/var/tmp/dl matches "/var/tmp/*"; http :10255/pods',
    expected: true,
    event: auditdExec({
      id: "pos-exe-var-tmp",
      at: "10:31:16.016",
      name: "dl",
      executable: "/var/tmp/dl",
      args: ["/var/tmp/dl", "http://10.0.4.17:10255/pods"],
      pid: 39010,
    }),
  },
  {
    id: "pos-exe-dev-shm",
    label: '/dev/shm/k8sprobe matches "/dev/shm/*"; wss :10250 exec URL',
    expected: true,
    event: defendExec({
      id: "pos-exe-dev-shm",
      at: "10:05:44.871",
      name: "k8sprobe",
      executable: "/dev/shm/k8sprobe",
      args: ["/dev/shm/k8sprobe", "wss://10.0.4.17:10250/exec/default/web-0/app?command=sh&stdin=1"],
      pid: 12555,
    }),
  },
  {
    id: "pos-exe-var-run",
    label:
      'a container binary seen from the host under /var/run/containerd/... matches "/var/run/*"; the URL is its own argument',
    expected: true,
    event: defendExec({
      id: "pos-exe-var-run",
      at: "10:47:03.333",
      name: "probe",
      executable:
        "/var/run/containerd/io.containerd.runtime.v2.task/k8s.io/4f1c9e0b7a2d/rootfs/usr/local/bin/probe",
      args: ["probe", "--target", "https://10.0.4.17:10250/pods"],
      pid: 55120,
      parent: "containerd-shim-runc-v2",
    }),
  },
  {
    id: "pos-exe-home",
    label:
      '/home/dev/.local/bin/kube-scan matches "/home/*"; "https://10.0.4.22:10255/spec/" matches "http*:10255/*"',
    expected: true,
    event: defendExec({
      id: "pos-exe-home",
      at: "10:19:26.260",
      name: "kube-scan",
      executable: "/home/dev/.local/bin/kube-scan",
      args: ["kube-scan", "https://10.0.4.22:10255/spec/"],
      pid: 30303,
      user: "dev",
      cwd: "/home/dev",
    }),
  },
  {
    id: "pos-exe-run-user",
    label: '/run/user/1000/agent matches "/run/user/*"; http :10255/pods',
    expected: true,
    event: auditdExec({
      id: "pos-exe-run-user",
      at: "10:55:55.555",
      name: "agent",
      executable: "/run/user/1000/agent",
      args: ["./agent", "http://10.0.4.17:10255/pods"],
      pid: 61234,
      user: "dev",
      cwd: "/run/user/1000",
    }),
  },
  {
    id: "pos-exe-busybox",
    label:
      '"busybox wget ..." from /busybox/busybox matches "/busybox/*"; the name "busybox" is in no name pattern',
    expected: true,
    event: defendExec({
      id: "pos-exe-busybox",
      at: "10:08:08.808",
      name: "busybox",
      executable: "/busybox/busybox",
      args: ["busybox", "wget", "-qO-", "http://10.0.4.17:10255/pods"],
      pid: 14400,
      parent: "sh",
      cwd: "/",
    }),
  },
  // ---- argument edge cases that still match ----
  {
    id: "pos-ipv6-host",
    label:
      '"https://[fd00::1]:10250/pods": "*" spans "s://[fd00::1]" (brackets and colons are ordinary), then ":10250/"',
    expected: true,
    event: defendExec({
      id: "pos-ipv6-host",
      at: "10:38:20.120",
      name: "curl",
      executable: "/usr/bin/curl",
      args: ["curl", "-k", "https://[fd00::1]:10250/pods"],
      pid: 47001,
    }),
  },
  {
    id: "pos-upper-after-http",
    label:
      'only the "http" prefix is literal; "httpS://NODE-7.CLUSTER.LOCAL:10250/Pods" puts capitals inside "*"',
    expected: true,
    event: defendExec({
      id: "pos-upper-after-http",
      at: "10:11:11.111",
      name: "curl",
      executable: "/usr/bin/curl",
      args: ["curl", "-k", "httpS://NODE-7.CLUSTER.LOCAL:10250/Pods"],
      pid: 20011,
    }),
  },
  {
    id: "pos-root-path-only",
    label: '"https://10.0.4.17:10250/": the trailing "*" may match the empty string',
    expected: true,
    event: defendExec({
      id: "pos-root-path-only",
      at: "10:24:42.424",
      name: "curl",
      executable: "/usr/bin/curl",
      args: ["curl", "-k", "https://10.0.4.17:10250/"],
      pid: 36000,
    }),
  },
  {
    id: "pos-url-among-flags",
    label: "a bearer token, -X and -d around the URL: the args leaf holds when any one element matches",
    expected: true,
    event: defendExec({
      id: "pos-url-among-flags",
      at: "10:57:14.010",
      name: "curl",
      executable: "/usr/bin/curl",
      args: [
        "curl",
        "-sk",
        "-H",
        `Authorization: Bearer ${TOKEN}`,
        "-X",
        "POST",
        "https://10.0.4.17:10250/run/kube-system/kube-proxy-7xk2p/kube-proxy",
        "-d",
        "cmd=cat /var/run/secrets/kubernetes.io/serviceaccount/token",
      ],
      pid: 62001,
    }),
  },
  {
    id: "pos-apiserver-node-proxy",
    label:
      'API-server node proxy ".../nodes/worker-2:10250/proxy/pods": "*" spans host, :443 and path up to ":10250/"',
    expected: true,
    event: defendExec({
      id: "pos-apiserver-node-proxy",
      at: "10:29:03.903",
      name: "curl",
      executable: "/usr/bin/curl",
      args: ["curl", "-sk", "https://10.96.0.1:443/api/v1/nodes/worker-2:10250/proxy/pods"],
      pid: 38800,
    }),
  },
  {
    id: "pos-name-nodejs",
    label: 'Debian\'s "nodejs" also matches "node*"',
    expected: true,
    event: auditdExec({
      id: "pos-name-nodejs",
      at: "10:06:30.630",
      name: "nodejs",
      executable: "/usr/bin/nodejs",
      args: ["nodejs", "/srv/poll.js", "http://10.0.4.23:10250/pods"],
      pid: 13013,
    }),
  },
  {
    id: "pos-both-branches",
    label:
      'a venv python3 under /home: both the name branch ("python*") and the executable branch ("/home/*") hold',
    expected: true,
    event: auditdExec({
      id: "pos-both-branches",
      at: "10:49:49.049",
      name: "python3",
      executable: "/home/dev/venv/bin/python3",
      args: ["/home/dev/venv/bin/python3", "-m", "kubelet_probe", "https://10.0.4.17:10250/pods"],
      pid: 57890,
      user: "dev",
      cwd: "/home/dev",
    }),
  },
  {
    id: "pos-empty-star-after-http",
    label: 'boundary: "http:10250/pods" is "http" + "" + ":10250/" + "pods" (the inner "*" may be empty)',
    expected: true,
    event: defendExec({
      id: "pos-empty-star-after-http",
      at: "10:13:31.313",
      name: "curl",
      executable: "/usr/bin/curl",
      args: ["curl", "http:10250/pods"],
      pid: 21313,
    }),
  },
  // ---- shape variants ----
  {
    id: "pos-dotted-keys",
    label:
      "every field as a literal dotted key (flattened export); event.category and event.type as plain strings",
    expected: true,
    event: {
      "@timestamp": ts("10:33:33.033"),
      "event.id": "pos-dotted-keys",
      "event.category": "process",
      "event.type": "start",
      "event.action": "exec",
      "event.dataset": "endpoint.events.process",
      "host.name": "k8s-worker-03",
      "host.os.type": "linux",
      "process.pid": 39333,
      "process.name": "curl",
      "process.executable": "/usr/bin/curl",
      "process.args": ["curl", "-sk", "https://10.0.4.17:10250/pods"],
      "user.name": "root",
    },
  },
  {
    id: "pos-mixed-keys",
    label: 'nested event object, "os.type" dotted inside host, process fields as top-level dotted keys',
    expected: true,
    event: {
      "@timestamp": ts("10:17:17.717"),
      event: {
        id: "pos-mixed-keys",
        category: ["process"],
        type: ["start"],
        action: "executed",
        module: "auditd",
      },
      host: { name: "k8s-worker-01", "os.type": "linux" },
      "process.name": "wget",
      "process.executable": "/usr/bin/wget",
      "process.args": ["wget", "-qO-", "http://10.0.4.17:10255/pods"],
      "process.pid": 24680,
    },
  },
  {
    id: "pos-mixed-siblings",
    label:
      'a "process" object (executable, args) next to a top-level "process.name" key: both flatten into process.*',
    expected: true,
    event: {
      "@timestamp": ts("10:42:02.242"),
      event: { id: "pos-mixed-siblings", category: ["process"], type: ["start"], action: "exec" },
      host: { os: { type: "linux" } },
      "process.name": "curl",
      process: {
        pid: 49002,
        executable: "/usr/bin/curl",
        args: ["curl", "-k", "https://10.0.4.17:10250/pods"],
      },
    },
  },
  {
    id: "pos-dotted-prefix-then-nested",
    label:
      '"host.os" as a dotted key holding {type}, and "event" nested: host.os.type still resolves to "linux"',
    expected: true,
    event: {
      "@timestamp": ts("10:02:20.202"),
      event: { id: "pos-dotted-prefix-then-nested", category: ["process"], type: ["start"], action: "exec" },
      "host.os": { type: "linux", family: "ubuntu" },
      process: {
        name: "python3",
        executable: "/usr/bin/python3",
        args: ["python3", "-c", "import sys", "https://10.0.4.17:10250/pods"],
      },
    },
  },
  {
    id: "pos-args-scalar",
    label: "process.args as a single string instead of an array is a one-value list that matches",
    expected: true,
    event: {
      "@timestamp": ts("10:26:06.626"),
      event: { id: "pos-args-scalar", category: ["process"], type: ["start"], action: "exec" },
      host: { os: { type: "linux" } },
      process: { name: "curl", executable: "/usr/bin/curl", args: "https://10.0.4.17:10250/pods" },
    },
  },
  {
    id: "pos-scalar-category-and-type",
    label: "event.category and event.type as strings, not arrays: each is a one-value list",
    expected: true,
    event: {
      "@timestamp": ts("10:36:36.636"),
      event: { id: "pos-scalar-category-and-type", category: "process", type: "start", action: "exec" },
      host: { os: { type: "linux" } },
      process: { name: "wget", executable: "/usr/bin/wget", args: ["wget", "http://10.0.4.17:10250/pods"] },
    },
  },
  {
    id: "pos-null-args-elements",
    label: "null elements in process.args are dropped; the remaining URL element matches",
    expected: true,
    event: {
      "@timestamp": ts("10:45:45.045"),
      event: { id: "pos-null-args-elements", category: ["process"], type: ["start"], action: "exec" },
      host: { os: { type: "linux" } },
      process: {
        name: "curl",
        executable: "/usr/bin/curl",
        args: [null, "curl", null, "https://10.0.4.17:10250/pods"],
      },
    },
  },
  {
    id: "pos-missing-name",
    label: "no process.name at all: the name leaf is false but the or-branch /tmp/* holds",
    expected: true,
    event: {
      "@timestamp": ts("10:14:14.014"),
      event: { id: "pos-missing-name", category: ["process"], type: ["start"], action: "exec" },
      host: { os: { type: "linux" } },
      process: { executable: "/tmp/kc", args: ["/tmp/kc", "https://10.0.4.17:10250/pods"] },
    },
  },
  {
    id: "pos-missing-executable",
    label: "no process.executable: the executable leaf is false but the name branch (curl) holds",
    expected: true,
    event: {
      "@timestamp": ts("10:53:53.053"),
      event: { id: "pos-missing-executable", category: ["process"], type: ["start"], action: "executed" },
      host: { os: { type: "linux" } },
      process: { name: "curl", args: ["curl", "https://10.0.4.17:10250/pods"] },
    },
  },
  {
    id: "pos-multi-valued",
    label:
      'event.category ["process","network"], event.type ["info","start"], host.os.type ["linux"]: any value counts',
    expected: true,
    event: {
      "@timestamp": ts("10:01:01.101"),
      event: {
        id: "pos-multi-valued",
        category: ["process", "network"],
        type: ["info", "start"],
        action: "exec",
      },
      host: { os: { type: ["linux"] } },
      process: { name: "curl", executable: "/usr/bin/curl", args: ["curl", "https://10.0.4.17:10255/pods"] },
    },
  },
];

/** Events the rule must not return. */
export const negatives: readonly KubeletFixture[] = [
  // ---- argument near-misses ----
  {
    id: "neg-no-path-after-port",
    label: '"https://10.0.4.17:10250" ends at the port: every pattern needs "/" after the port number',
    expected: false,
    event: defendExec({
      id: "neg-no-path-after-port",
      at: "10:22:22.222",
      name: "curl",
      executable: "/usr/bin/curl",
      args: ["curl", "-sk", "https://10.0.4.17:10250"],
      pid: 35222,
    }),
  },
  {
    id: "neg-port-102500",
    label: '":102500/pods" contains ":10250" followed by "0", never ":10250/"',
    expected: false,
    event: defendExec({
      id: "neg-port-102500",
      at: "10:04:04.404",
      name: "curl",
      executable: "/usr/bin/curl",
      args: ["curl", "-sk", "https://10.0.4.17:102500/pods"],
      pid: 11404,
    }),
  },
  {
    id: "neg-upper-scheme",
    label: '"HTTPS://..." does not start with lower-case "http" and like is case-sensitive',
    expected: false,
    event: defendExec({
      id: "neg-upper-scheme",
      at: "10:39:09.939",
      name: "curl",
      executable: "/usr/bin/curl",
      args: ["curl", "-sk", "HTTPS://10.0.4.17:10250/pods"],
      pid: 48939,
    }),
  },
  {
    id: "neg-upper-wss",
    label: '"WSS://..." is not "wss:..." (case-sensitive) and does not start with "http"',
    expected: false,
    event: defendExec({
      id: "neg-upper-wss",
      at: "10:18:18.818",
      name: "node",
      executable: "/usr/bin/node",
      args: ["node", "exec.js", "WSS://10.0.4.17:10250/exec/default/web-0/app?command=id"],
      pid: 29818,
    }),
  },
  {
    id: "neg-url-in-longer-arg",
    label:
      '"--url=https://...:10250/pods" starts with "--": the patterns are anchored at the start of the value',
    expected: false,
    event: defendExec({
      id: "neg-url-in-longer-arg",
      at: "10:32:32.032",
      name: "python3",
      executable: "/usr/bin/python3",
      args: ["python3", "probe.py", "--url=https://10.0.4.17:10250/pods"],
      pid: 39032,
    }),
  },
  {
    id: "neg-port-10251",
    label: "port 10251 (old scheduler port) is neither 10250 nor 10255",
    expected: false,
    event: defendExec({
      id: "neg-port-10251",
      at: "10:46:46.046",
      name: "curl",
      executable: "/usr/bin/curl",
      args: ["curl", "-sk", "https://10.0.4.17:10251/metrics"],
      pid: 55046,
    }),
  },
  {
    id: "neg-port-in-path",
    label: '"https://10.0.4.17:8443/proxy/10250/pods" has 10250 only after "/", never as ":10250/"',
    expected: false,
    event: defendExec({
      id: "neg-port-in-path",
      at: "10:07:07.707",
      name: "curl",
      executable: "/usr/bin/curl",
      args: ["curl", "-sk", "https://10.0.4.17:8443/proxy/10250/pods"],
      pid: 16707,
    }),
  },
  {
    id: "neg-ws-scheme",
    label: 'plain "ws://" is neither "http..." nor "wss:..."',
    expected: false,
    event: defendExec({
      id: "neg-ws-scheme",
      at: "10:52:25.252",
      name: "node",
      executable: "/usr/bin/node",
      args: ["node", "exec.js", "ws://10.0.4.17:10250/exec/default/web-0/app?command=id"],
      pid: 60252,
    }),
  },
  {
    id: "neg-no-scheme",
    label:
      'curl accepts "10.0.4.17:10250/pods" without a scheme, but every pattern requires "http" or "wss:" first',
    expected: false,
    event: auditdExec({
      id: "neg-no-scheme",
      at: "10:28:28.828",
      name: "curl",
      executable: "/usr/bin/curl",
      args: ["curl", "-k", "10.0.4.17:10250/pods"],
      pid: 37828,
    }),
  },
  {
    id: "neg-quoted-url",
    label: 'a URL that kept its single quotes starts with "\'", not "http"',
    expected: false,
    event: defendExec({
      id: "neg-quoted-url",
      at: "10:43:43.043",
      name: "curl",
      executable: "/usr/bin/curl",
      args: ["curl", "-k", "'https://10.0.4.17:10250/pods'"],
      pid: 51043,
    }),
  },
  {
    id: "neg-wss-shared-colon",
    label:
      'boundary: "wss:10250/exec" has only one colon; "wss:*:10250/*" needs the scheme colon and a second ":" before 10250',
    expected: false,
    event: defendExec({
      id: "neg-wss-shared-colon",
      at: "10:09:59.059",
      name: "node",
      executable: "/usr/bin/node",
      args: ["node", "exec.js", "wss:10250/exec"],
      pid: 18059,
    }),
  },
  {
    id: "neg-bash-c",
    label:
      'bash -c "curl -sk https://..." : the URL sits inside one longer argument and bash is neither listed name nor path',
    expected: false,
    event: defendExec({
      id: "neg-bash-c",
      at: "10:20:20.020",
      name: "bash",
      executable: "/usr/bin/bash",
      args: ["bash", "-c", "curl -sk https://10.0.4.17:10250/pods"],
      pid: 34020,
      parent: "sshd",
    }),
  },
  {
    id: "neg-kube-proxy-port",
    label: "dotted keys, curl to kube-proxy's health port 10256: neither 10250 nor 10255",
    expected: false,
    event: {
      "@timestamp": ts("10:30:30.030"),
      "event.id": "neg-kube-proxy-port",
      "event.category": ["process"],
      "event.type": ["start"],
      "event.action": "exec",
      "host.os.type": "linux",
      "process.name": "curl",
      "process.executable": "/usr/bin/curl",
      "process.args": ["curl", "-s", "http://10.0.4.17:10256/healthz"],
    },
  },
  // ---- name / executable near-misses ----
  {
    id: "neg-java8",
    label:
      '"java" has no wildcard, so it is an exact match: "java8" fails it; /usr/lib/jvm is no listed prefix',
    expected: false,
    event: defendExec({
      id: "neg-java8",
      at: "10:50:50.050",
      name: "java8",
      executable: "/usr/lib/jvm/java-8-openjdk-amd64/jre/bin/java8",
      args: ["java8", "-jar", "probe.jar", "https://10.0.4.20:10250/metrics"],
      pid: 59050,
    }),
  },
  {
    id: "neg-kubectl",
    label:
      "kubectl from /usr/bin: its --server URL matches the args patterns, but neither name nor path branch holds",
    expected: false,
    event: defendExec({
      id: "neg-kubectl",
      at: "10:37:37.737",
      name: "kubectl",
      executable: "/usr/bin/kubectl",
      args: ["kubectl", "--server", "https://10.0.4.17:10250/", "--insecure-skip-tls-verify", "get", "pods"],
      pid: 45737,
      user: "dev",
      cwd: "/home/dev",
    }),
  },
  {
    id: "neg-name-case",
    label: '"Wget" is not "wget" (like is case-sensitive); /usr/local/bin is no listed prefix',
    expected: false,
    event: defendExec({
      id: "neg-name-case",
      at: "10:16:16.616",
      name: "Wget",
      executable: "/usr/local/bin/Wget",
      args: ["Wget", "http://10.0.4.17:10255/pods"],
      pid: 25616,
    }),
  },
  {
    id: "neg-ipython",
    label: '"ipython3" does not start with "python" (anchored); /usr/bin is no listed prefix',
    expected: false,
    event: defendExec({
      id: "neg-ipython",
      at: "10:54:54.054",
      name: "ipython3",
      executable: "/usr/bin/ipython3",
      args: ["ipython3", "-c", "%run probe.py", "https://10.0.4.17:10250/pods"],
      pid: 61054,
    }),
  },
  {
    id: "neg-exe-lookalike-var-runner",
    label: '"/var/runner/bin/probe" starts with "/var/run" but not "/var/run/"',
    expected: false,
    event: defendExec({
      id: "neg-exe-lookalike-var-runner",
      at: "10:23:23.323",
      name: "probe",
      executable: "/var/runner/bin/probe",
      args: ["probe", "https://10.0.4.17:10250/pods"],
      pid: 35323,
    }),
  },
  {
    id: "neg-exe-usr-tmp",
    label: '"/usr/tmp/kc" contains "/tmp/" but "/tmp/*" is anchored at the start',
    expected: false,
    event: auditdExec({
      id: "neg-exe-usr-tmp",
      at: "10:41:41.141",
      name: "kc",
      executable: "/usr/tmp/kc",
      args: ["/usr/tmp/kc", "https://10.0.4.17:10250/pods"],
      pid: 50141,
    }),
  },
  // ---- host and event near-misses ----
  {
    id: "neg-windows-host",
    label: 'Windows host: host.os.type is "windows" (and the name is "curl.exe", not "curl")',
    expected: false,
    event: defendExec({
      id: "neg-windows-host",
      at: "10:34:34.434",
      name: "curl.exe",
      executable: "C:\\Windows\\System32\\curl.exe",
      args: ["curl.exe", "-k", "https://10.0.4.17:10250/pods"],
      pid: 6124,
      osType: "windows",
      host: "win-jump-01",
      user: "Administrator",
      cwd: "C:\\Users\\Administrator\\",
      parent: "powershell.exe",
    }),
  },
  {
    id: "neg-macos-host",
    label: 'the same curl call on macOS: only host.os.type ("macos") fails',
    expected: false,
    event: defendExec({
      id: "neg-macos-host",
      at: "10:48:48.048",
      name: "curl",
      executable: "/usr/bin/curl",
      args: ["curl", "-k", "https://10.0.4.17:10250/pods"],
      pid: 4848,
      osType: "macos",
      host: "mbp-dev-7",
      user: "dev",
      cwd: "/Users/dev",
      parent: "zsh",
    }),
  },
  {
    id: "neg-os-type-case",
    label: '"Linux" is not "linux": == is case-sensitive',
    expected: false,
    event: defendExec({
      id: "neg-os-type-case",
      at: "10:12:12.012",
      name: "curl",
      executable: "/usr/bin/curl",
      args: ["curl", "-k", "https://10.0.4.17:10250/pods"],
      pid: 21012,
      osType: "Linux",
    }),
  },
  {
    id: "neg-event-type-end",
    label: 'event.type ["end"] (the rest left as an exec) fails event.type == "start"',
    expected: false,
    event: defendExec({
      id: "neg-event-type-end",
      at: "10:21:07.500",
      name: "curl",
      executable: "/usr/bin/curl",
      args: ["curl", "-sk", "https://10.0.4.17:10250/pods"],
      pid: 48212,
      type: ["end"],
    }),
  },
  {
    id: "neg-already-running",
    label: 'Defend\'s "already_running" snapshot: event.type ["info"] and the action is not exec/executed',
    expected: false,
    event: defendExec({
      id: "neg-already-running",
      at: "10:00:00.000",
      name: "curl",
      executable: "/usr/bin/curl",
      args: ["curl", "-sk", "https://10.0.4.17:10250/pods"],
      pid: 8800,
      type: ["info"],
      action: "already_running",
    }),
  },
  {
    id: "neg-fork",
    label: 'Defend fork event (event.type ["start"] but event.action "fork") is not in ("exec", "executed")',
    expected: false,
    event: defendExec({
      id: "neg-fork",
      at: "10:21:07.100",
      name: "curl",
      executable: "/usr/bin/curl",
      args: ["curl", "-sk", "https://10.0.4.17:10250/pods"],
      pid: 48210,
      action: "fork",
    }),
  },
  {
    id: "neg-action-case",
    label: '"Exec" is not "exec": in is case-sensitive',
    expected: false,
    event: defendExec({
      id: "neg-action-case",
      at: "10:58:58.058",
      name: "curl",
      executable: "/usr/bin/curl",
      args: ["curl", "-sk", "https://10.0.4.17:10250/pods"],
      pid: 62058,
      action: "Exec",
    }),
  },
  {
    id: "neg-category-network",
    label: 'event.category ["network"]: the "process where" category test fails',
    expected: false,
    event: defendExec({
      id: "neg-category-network",
      at: "10:25:25.525",
      name: "curl",
      executable: "/usr/bin/curl",
      args: ["curl", "-sk", "https://10.0.4.17:10250/pods"],
      pid: 36525,
      category: ["network"],
    }),
  },
  {
    id: "neg-category-case",
    label: 'event.category ["Process"]: the category test is exact and case-sensitive',
    expected: false,
    event: auditdExec({
      id: "neg-category-case",
      at: "10:10:10.010",
      name: "curl",
      executable: "/usr/bin/curl",
      args: ["curl", "-sk", "https://10.0.4.17:10250/pods"],
      pid: 19010,
      category: ["Process"],
    }),
  },
  // ---- missing fields ----
  {
    id: "neg-missing-category",
    label: "no event.category: a process where query never matches an event without a category",
    expected: false,
    event: {
      "@timestamp": ts("10:56:56.056"),
      event: { id: "neg-missing-category", type: ["start"], action: "exec" },
      host: { os: { type: "linux" } },
      process: { name: "curl", executable: "/usr/bin/curl", args: ["curl", "https://10.0.4.17:10250/pods"] },
    },
  },
  {
    id: "neg-missing-host-os",
    label: 'no host.os.type: == "linux" is false on a missing field',
    expected: false,
    event: {
      "@timestamp": ts("10:03:03.303"),
      event: { id: "neg-missing-host-os", category: ["process"], type: ["start"], action: "exec" },
      host: { name: "k8s-worker-02" },
      process: { name: "curl", executable: "/usr/bin/curl", args: ["curl", "https://10.0.4.17:10250/pods"] },
    },
  },
  {
    id: "neg-missing-event-type",
    label: 'no event.type: == "start" is false',
    expected: false,
    event: {
      "@timestamp": ts("10:47:47.747"),
      event: { id: "neg-missing-event-type", category: ["process"], action: "exec" },
      host: { os: { type: "linux" } },
      process: { name: "curl", executable: "/usr/bin/curl", args: ["curl", "https://10.0.4.17:10250/pods"] },
    },
  },
  {
    id: "neg-missing-action",
    label: "no event.action: in (...) is false on a missing field",
    expected: false,
    event: {
      "@timestamp": ts("10:19:19.919"),
      event: { id: "neg-missing-action", category: ["process"], type: ["start"] },
      host: { os: { type: "linux" } },
      process: { name: "curl", executable: "/usr/bin/curl", args: ["curl", "https://10.0.4.17:10250/pods"] },
    },
  },
  {
    id: "neg-missing-args",
    label:
      "no process.args: the args leaf is false (the URL only appears in command_line, which the rule ignores)",
    expected: false,
    event: {
      "@timestamp": ts("10:31:31.131"),
      event: { id: "neg-missing-args", category: ["process"], type: ["start"], action: "exec" },
      host: { os: { type: "linux" } },
      process: {
        name: "curl",
        executable: "/usr/bin/curl",
        command_line: "curl -sk https://10.0.4.17:10250/pods",
      },
    },
  },
  {
    id: "neg-args-all-null",
    label: "process.args [null, null]: with nulls dropped the field is missing",
    expected: false,
    event: {
      "@timestamp": ts("10:05:05.505"),
      event: { id: "neg-args-all-null", category: ["process"], type: ["start"], action: "exec" },
      host: { os: { type: "linux" } },
      process: { name: "curl", executable: "/usr/bin/curl", args: [null, null] },
    },
  },
  {
    id: "neg-missing-name-and-executable",
    label: "neither process.name nor process.executable: the whole or-group is false",
    expected: false,
    event: {
      "@timestamp": ts("10:38:38.838"),
      event: {
        id: "neg-missing-name-and-executable",
        category: ["process"],
        type: ["start"],
        action: "exec",
      },
      host: { os: { type: "linux" } },
      process: { pid: 47838, args: ["curl", "https://10.0.4.17:10250/pods"] },
    },
  },
];

/** All fixtures, positives and negatives interleaved as they would arrive. */
export const fixtures: readonly KubeletFixture[] = interleave(positives, negatives);

function interleave(a: readonly KubeletFixture[], b: readonly KubeletFixture[]): KubeletFixture[] {
  const out: KubeletFixture[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (y) out.push(y);
    if (x) out.push(x);
  }
  return out;
}
