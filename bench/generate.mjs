/**
 * Deterministic generator of ECS events for the benchmarks: Linux process events shaped like Elastic
 * Defend and Auditd Manager documents, with Windows and macOS noise, a configurable share of direct
 * Kubelet API calls (the rule's hits) and of near-misses, and optionally network, file and DNS events
 * so that a whole rule set has something to look at.
 *
 *   node bench/generate.mjs --count 1000 --seed 7 [--hit-rate 0.01] [--mixed] > events.ndjson
 *
 * The same options and seed always give the same events.
 */
import { pathToFileURL } from "node:url";
import { flatten, pick, rng } from "./random.mjs";

const LINUX_HOSTS = [
  "k8s-worker-01",
  "k8s-worker-02",
  "k8s-worker-03",
  "k8s-cp-01",
  "build-runner-3",
  "db-01",
];
const WINDOWS_HOSTS = ["win-dc-01", "win-ws-114", "win-jump-01"];
const MAC_HOSTS = ["mbp-dev-7", "mbp-sre-2"];
const NODE_IPS = ["10.0.4.17", "10.0.4.18", "10.0.4.21", "10.0.4.22", "172.16.8.3", "[fd00::1]", "worker-2"];
const KUBELET_PATHS = [
  "/pods",
  "/runningpods/",
  "/metrics",
  "/metrics/cadvisor",
  "/stats/summary",
  "/configz",
  "/healthz",
  "/spec/",
  "/exec/kube-system/coredns-5d78c9869d-x2x7k/coredns?command=id&output=1",
  "/run/default/web-0/app",
  "/containerLogs/default/web-0/app",
];
const NORMAL_URLS = [
  "https://api.github.com/repos/elastic/detection-rules/releases/latest",
  "http://169.254.169.254/latest/meta-data/instance-id",
  "https://registry.npmjs.org/typescript",
  "https://pypi.org/simple/requests/",
  "http://localhost:8080/healthz",
  "https://10.96.0.1:443/api/v1/namespaces/default/pods",
  "http://prometheus.monitoring.svc:9090/api/v1/query?query=up",
  "https://artifacts.elastic.co/downloads/beats/elastic-agent/elastic-agent-8.19.3-linux-x86_64.tar.gz",
  "http://10.0.4.17:10256/healthz",
  "https://10.0.4.17:6443/version",
];

/** Common Linux executions: [name, executable, args builder]. */
const LINUX_COMMANDS = [
  ["bash", "/usr/bin/bash", () => ["bash"]],
  ["sh", "/usr/bin/sh", (r) => ["sh", "-c", pick(r, ["uptime", "df -h", "cat /etc/os-release", "id"])]],
  ["ls", "/usr/bin/ls", (r) => ["ls", "-la", pick(r, ["/var/log", "/etc", "/tmp", "/home/dev"])]],
  ["cat", "/usr/bin/cat", (r) => ["cat", pick(r, ["/etc/hosts", "/proc/meminfo", "/var/log/syslog"])]],
  ["grep", "/usr/bin/grep", (r) => ["grep", "-r", pick(r, ["ERROR", "timeout", "kubelet"]), "/var/log"]],
  ["ps", "/usr/bin/ps", () => ["ps", "aux"]],
  [
    "systemctl",
    "/usr/bin/systemctl",
    (r) => ["systemctl", "status", pick(r, ["kubelet", "containerd", "ssh"])],
  ],
  ["runc", "/usr/bin/runc", () => ["runc", "--root", "/run/containerd/runc/k8s.io", "state", "4f1c9e0b7a2d"]],
  [
    "containerd-shim-runc-v2",
    "/usr/bin/containerd-shim-runc-v2",
    () => ["containerd-shim-runc-v2", "-namespace", "k8s.io"],
  ],
  ["iptables", "/usr/sbin/iptables", () => ["iptables", "-w", "5", "-t", "nat", "-S"]],
  ["curl", "/usr/bin/curl", (r) => ["curl", "-fsSL", pick(r, NORMAL_URLS)]],
  ["wget", "/usr/bin/wget", (r) => ["wget", "-q", pick(r, NORMAL_URLS)]],
  [
    "python3",
    "/usr/bin/python3",
    (r) => ["python3", pick(r, ["/opt/app/worker.py", "-m", "-c"]), "--verbose"],
  ],
  ["node", "/usr/bin/node", (r) => ["node", pick(r, ["/srv/app/server.js", "/srv/app/worker.js"])]],
  [
    "java",
    "/usr/lib/jvm/java-17-openjdk-amd64/bin/java",
    () => ["java", "-Xmx2g", "-jar", "/opt/svc/app.jar"],
  ],
  ["perl", "/usr/bin/perl", () => ["perl", "-e", "print 1"]],
  ["kubectl", "/usr/bin/kubectl", (r) => ["kubectl", "get", pick(r, ["pods", "nodes", "svc"]), "-A"]],
  ["git", "/usr/bin/git", () => ["git", "fetch", "--prune", "origin"]],
  ["sshd", "/usr/sbin/sshd", () => ["sshd", "-D", "-R"]],
  ["cron", "/usr/sbin/cron", () => ["/usr/sbin/cron", "-f"]],
];

const WINDOWS_COMMANDS = [
  ["cmd.exe", "C:\\Windows\\System32\\cmd.exe", () => ["C:\\Windows\\system32\\cmd.exe", "/c", "whoami"]],
  [
    "powershell.exe",
    "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
    (r) => [
      "powershell.exe",
      "-NoProfile",
      "-Command",
      pick(r, ["Get-Process", "Get-Service", `iwr ${pick(r, NORMAL_URLS)}`]),
    ],
  ],
  [
    "svchost.exe",
    "C:\\Windows\\System32\\svchost.exe",
    () => ["C:\\Windows\\system32\\svchost.exe", "-k", "netsvcs"],
  ],
  ["curl.exe", "C:\\Windows\\System32\\curl.exe", (r) => ["curl.exe", "-k", pick(r, NORMAL_URLS)]],
  [
    "rundll32.exe",
    "C:\\Windows\\System32\\rundll32.exe",
    () => ["rundll32.exe", "shell32.dll,Control_RunDLL"],
  ],
];

const MAC_COMMANDS = [
  ["zsh", "/bin/zsh", () => ["-zsh"]],
  ["curl", "/usr/bin/curl", (r) => ["curl", "-s", pick(r, NORMAL_URLS)]],
  ["osascript", "/usr/bin/osascript", () => ["osascript", "-e", 'display notification "done"']],
];

/** Executions that the rule must flag: [name, executable] (the arguments carry the Kubelet URL). */
const HIT_TOOLS = [
  ["curl", "/usr/bin/curl"],
  ["wget", "/usr/bin/wget"],
  ["python3", "/usr/bin/python3"],
  ["perl", "/usr/bin/perl"],
  ["php8.1", "/usr/bin/php8.1"],
  ["node", "/usr/bin/node"],
  ["java", "/usr/lib/jvm/java-17-openjdk-amd64/bin/java"],
  ["ruby", "/usr/bin/ruby3.1"],
  ["lua5.3", "/usr/bin/lua5.3"],
  [".x", "/usr/lib/x86_64-linux-gnu/.x"],
  ["kc", "/tmp/kc"],
  ["dl", "/var/tmp/dl"],
  ["k8sprobe", "/dev/shm/k8sprobe"],
  [
    "probe",
    "/var/run/containerd/io.containerd.runtime.v2.task/k8s.io/4f1c9e0b7a2d/rootfs/usr/local/bin/probe",
  ],
  ["kube-scan", "/home/dev/.local/bin/kube-scan"],
  ["agent", "/run/user/1000/agent"],
  ["busybox", "/busybox/busybox"],
];

/** Near-misses: Kubelet-looking calls the rule must not flag. */
const NEAR_MISSES = [
  (r) => ["curl", "/usr/bin/curl", ["curl", "-sk", `https://${pick(r, NODE_IPS)}:10250`]],
  (r) => ["curl", "/usr/bin/curl", ["curl", "-sk", `HTTPS://${pick(r, NODE_IPS)}:10250/pods`]],
  (r) => ["curl", "/usr/bin/curl", ["curl", "-sk", `https://${pick(r, NODE_IPS)}:102500/pods`]],
  (r) => [
    "python3",
    "/usr/bin/python3",
    ["python3", "probe.py", `--url=https://${pick(r, NODE_IPS)}:10250/pods`],
  ],
  (r) => [
    "kubectl",
    "/usr/bin/kubectl",
    ["kubectl", "--server", `https://${pick(r, NODE_IPS)}:10250/`, "get", "pods"],
  ],
  (r) => ["bash", "/usr/bin/bash", ["bash", "-c", `curl -sk https://${pick(r, NODE_IPS)}:10250/pods`]],
  (r) => [
    "java8",
    "/usr/lib/jvm/java-8/bin/java8",
    ["java8", "-jar", "p.jar", `https://${pick(r, NODE_IPS)}:10250/pods`],
  ],
  (r) => ["node", "/usr/bin/node", ["node", "x.js", `ws://${pick(r, NODE_IPS)}:10250/exec/a/b/c`]],
];

function iso(ms) {
  return new Date(ms).toISOString();
}

function defendProcess(r, t, pid, host, os, name, executable, args, action, type) {
  return {
    "@timestamp": iso(t),
    agent: { type: "endpoint", version: "8.19.3" },
    data_stream: { dataset: "endpoint.events.process", namespace: "default", type: "logs" },
    event: {
      action,
      category: ["process"],
      type: [type],
      kind: "event",
      module: "endpoint",
      dataset: "endpoint.events.process",
      ingested: iso(t + 1500 + Math.floor(r() * 3000)),
    },
    host: { name: host, hostname: host, os: { type: os, family: os === "linux" ? "ubuntu" : os } },
    process: {
      pid,
      entity_id: `ZW50aXR5LSR7cGlkfQ-${pid.toString(36)}`,
      name,
      executable,
      args,
      args_count: args.length,
      command_line: args.join(" "),
      working_directory: os === "windows" ? "C:\\Windows\\system32\\" : "/root",
      parent: { pid: pid - 1 - Math.floor(r() * 40), name: os === "windows" ? "explorer.exe" : "bash" },
    },
    user: { id: "0", name: os === "windows" ? "SYSTEM" : "root" },
  };
}

function auditdProcess(r, t, pid, host, name, executable, args) {
  return {
    "@timestamp": iso(t),
    agent: { type: "auditbeat", version: "8.19.3" },
    data_stream: { dataset: "auditd_manager.auditd", namespace: "default", type: "logs" },
    event: {
      action: "executed",
      category: ["process"],
      type: ["start"],
      kind: "event",
      module: "auditd",
      dataset: "auditd_manager.auditd",
      outcome: "success",
      ingested: iso(t + 2000 + Math.floor(r() * 4000)),
    },
    auditd: {
      result: "success",
      summary: { actor: { primary: "ubuntu", secondary: "root" }, how: executable },
      data: { syscall: "execve", argc: String(args.length), exit: "0" },
    },
    host: { name: host, hostname: host, os: { type: "linux", family: "debian" } },
    process: {
      pid,
      parent: { pid: pid - 3 },
      name,
      executable,
      args,
      title: args.join(" "),
      working_directory: "/root",
    },
    user: { id: "0", name: "root", audit: { id: "1000", name: "ubuntu" } },
  };
}

function networkEvent(r, t, host, os) {
  const ip = `10.0.${Math.floor(r() * 8)}.${Math.floor(r() * 250) + 2}`;
  return {
    "@timestamp": iso(t),
    event: {
      action: pick(r, ["connection_attempted", "connection_accepted", "disconnect_received"]),
      category: ["network"],
      type: ["start"],
      kind: "event",
      dataset: "endpoint.events.network",
    },
    host: { name: host, os: { type: os } },
    process: { pid: 1000 + Math.floor(r() * 60000), name: os === "windows" ? "svchost.exe" : "curl" },
    source: { ip: "10.0.4.17", port: 30000 + Math.floor(r() * 30000) },
    destination: { ip, port: pick(r, [443, 80, 53, 10250, 6443, 22]) },
    network: { transport: "tcp", direction: "egress" },
  };
}

function fileEvent(r, t, host, os) {
  const path =
    os === "windows"
      ? pick(r, ["C:\\Users\\Public\\a.ps1", "C:\\Windows\\Temp\\x.dll", "C:\\ProgramData\\svc\\cfg.xml"])
      : pick(r, ["/tmp/x.sh", "/etc/cron.d/job", "/var/log/app.log", "/root/.ssh/authorized_keys"]);
  return {
    "@timestamp": iso(t),
    event: {
      action: pick(r, ["creation", "modification", "deletion"]),
      category: ["file"],
      type: ["creation"],
      kind: "event",
      dataset: "endpoint.events.file",
    },
    host: { name: host, os: { type: os } },
    file: { path, name: path.split(/[\\/]/).pop(), extension: path.split(".").pop() },
    process: { pid: 1000 + Math.floor(r() * 60000), name: os === "windows" ? "powershell.exe" : "bash" },
  };
}

function dnsEvent(r, t, host, os) {
  return {
    "@timestamp": iso(t),
    event: {
      action: "lookup_requested",
      category: ["network"],
      type: ["protocol", "info"],
      dataset: "endpoint.events.network",
    },
    host: { name: host, os: { type: os } },
    dns: {
      question: {
        name: pick(r, ["api.github.com", "api.openai.com", "pastebin.com", "kubernetes.default.svc"]),
      },
    },
    process: { name: os === "windows" ? "chrome.exe" : "curl" },
  };
}

/**
 * Generate `count` events.
 * @param {{count?: number, seed?: number, hitRate?: number, nearMissRate?: number, dottedRate?: number,
 *          mixed?: boolean, start?: number}} [options]
 * @returns {{events: object[], intendedHits: number}}
 */
export function generateEvents(options = {}) {
  const {
    count = 200_000,
    seed = 1,
    hitRate = 0.01,
    nearMissRate = 0.02,
    dottedRate = 0.02,
    mixed = false,
    start = Date.parse("2026-05-04T10:00:00Z"),
  } = options;
  const r = rng(seed);
  const events = [];
  let intendedHits = 0;
  let t = start;
  for (let i = 0; i < count; i++) {
    t += 1 + Math.floor(r() * 40);
    const pid = 1000 + Math.floor(r() * 60000);
    const roll = r();
    let e;
    if (roll < hitRate) {
      const [name, executable] = pick(r, HIT_TOOLS);
      const scheme = pick(r, ["https", "https", "http", "wss"]);
      const port = pick(r, ["10250", "10250", "10255"]);
      const url = `${scheme}://${pick(r, NODE_IPS)}:${port}${pick(r, KUBELET_PATHS)}`;
      const args = name === "busybox" ? ["busybox", "wget", "-qO-", url] : [name, "-k", url];
      e =
        r() < 0.7
          ? defendProcess(r, t, pid, pick(r, LINUX_HOSTS), "linux", name, executable, args, "exec", "start")
          : auditdProcess(r, t, pid, pick(r, LINUX_HOSTS), name, executable, args);
      intendedHits++;
    } else if (roll < hitRate + nearMissRate) {
      const [name, executable, args] = pick(r, NEAR_MISSES)(r);
      e = defendProcess(r, t, pid, pick(r, LINUX_HOSTS), "linux", name, executable, args, "exec", "start");
    } else if (mixed && roll < 0.45) {
      const os = r() < 0.6 ? "linux" : "windows";
      const host = pick(r, os === "linux" ? LINUX_HOSTS : WINDOWS_HOSTS);
      const k = r();
      e =
        k < 0.5
          ? networkEvent(r, t, host, os)
          : k < 0.8
            ? fileEvent(r, t, host, os)
            : dnsEvent(r, t, host, os);
    } else {
      const k = r();
      if (k < 0.12) {
        const [name, executable, build] = pick(r, WINDOWS_COMMANDS);
        e = defendProcess(
          r,
          t,
          pid,
          pick(r, WINDOWS_HOSTS),
          "windows",
          name,
          executable,
          build(r),
          "start",
          "start",
        );
      } else if (k < 0.16) {
        const [name, executable, build] = pick(r, MAC_COMMANDS);
        e = defendProcess(
          r,
          t,
          pid,
          pick(r, MAC_HOSTS),
          "macos",
          name,
          executable,
          build(r),
          "exec",
          "start",
        );
      } else {
        const [name, executable, build] = pick(r, LINUX_COMMANDS);
        const args = build(r);
        const host = pick(r, LINUX_HOSTS);
        const m = r();
        if (m < 0.25) e = auditdProcess(r, t, pid, host, name, executable, args);
        else if (m < 0.35)
          e = defendProcess(r, t, pid, host, "linux", name, executable, args, "fork", "start");
        else if (m < 0.55) e = defendProcess(r, t, pid, host, "linux", name, executable, args, "end", "end");
        else e = defendProcess(r, t, pid, host, "linux", name, executable, args, "exec", "start");
      }
    }
    events.push(r() < dottedRate ? flatten(e) : e);
  }
  return { events, intendedHits };
}

function argValue(argv, flag, fallback) {
  const i = argv.indexOf(flag);
  return i >= 0 && i + 1 < argv.length ? Number(argv[i + 1]) : fallback;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const argv = process.argv.slice(2);
  const { events } = generateEvents({
    count: argValue(argv, "--count", 1000),
    seed: argValue(argv, "--seed", 1),
    hitRate: argValue(argv, "--hit-rate", 0.01),
    mixed: argv.includes("--mixed"),
  });
  process.stdout.on("error", (err) => {
    if (err.code === "EPIPE") process.exit(0);
    throw err;
  });
  for (const e of events) process.stdout.write(`${JSON.stringify(e)}\n`);
}
