/**
 * Deterministic, lazily generated ECS events for the streaming sequence benchmark: process starts and
 * ends, network and file events on a few hundred Linux hosts, one event about every millisecond.
 *
 * Every process start has a new `process.entity_id`, so each one opens a partial sequence of
 * `sequence by host.id, process.entity_id [process where event.type == "start"] [network where true]`.
 * A small share of network events come from a process started a few seconds earlier on the same host
 * (they complete a sequence), a few from processes started minutes earlier (too late for a 1m maxspan),
 * and the rest from long-running daemons that were never seen starting (they join nothing). Most
 * partial sequences therefore stay partial and expire.
 *
 * `sequenceEvents()` is a generator: nothing is kept but a ring of recent starts, so a benchmark that
 * consumes it measures the engine's memory, not the test data's.
 *
 *   node bench/sequence-events.mjs --count 1000 --seed 7 > events.ndjson
 */
import { pathToFileURL } from "node:url";
import { rng } from "./random.mjs";

const COMMANDS = [
  ["bash", "/usr/bin/bash"],
  ["sh", "/usr/bin/sh"],
  ["curl", "/usr/bin/curl"],
  ["wget", "/usr/bin/wget"],
  ["python3", "/usr/bin/python3"],
  ["node", "/usr/bin/node"],
  ["ssh", "/usr/bin/ssh"],
  ["git", "/usr/bin/git"],
  ["cat", "/usr/bin/cat"],
  ["grep", "/usr/bin/grep"],
  ["ps", "/usr/bin/ps"],
  ["systemctl", "/usr/bin/systemctl"],
];
const DAEMONS = [
  ["sshd", "/usr/sbin/sshd"],
  ["containerd", "/usr/bin/containerd"],
  ["kubelet", "/usr/bin/kubelet"],
  ["systemd-resolved", "/usr/lib/systemd/systemd-resolved"],
  ["elastic-agent", "/opt/Elastic/Agent/elastic-agent"],
];
const FILES = [
  "/tmp/x.sh",
  "/etc/cron.d/job",
  "/var/log/app.log",
  "/root/.ssh/authorized_keys",
  "/etc/hosts",
];
const PORTS = [443, 80, 53, 22, 6443, 10250, 8080];

/** Recent starts kept to pick network events from (about 3 minutes at the default mix). */
const RING = 1 << 16;

/**
 * Generate `count` events, lazily, in time order.
 * @param {{count?: number, seed?: number, hosts?: number, daemonsPerHost?: number, joinRate?: number,
 *          lateRate?: number, start?: number, isoTimestamps?: boolean}} [options]
 *   joinRate: share of network events from a process started 0–10 s earlier (completes a sequence);
 *   lateRate: share from a process started 1.5–3 min earlier (partial already expired).
 * @returns {Generator<Record<string, unknown>>}
 */
export function* sequenceEvents(options = {}) {
  const {
    count = 1_000_000,
    seed = 1,
    hosts = 500,
    daemonsPerHost = 8,
    joinRate = 0.06,
    lateRate = 0.03,
    start = Date.parse("2026-05-04T10:00:00Z"),
    isoTimestamps = true,
  } = options;
  const r = rng(seed);
  const hostIds = Array.from({ length: hosts }, (_, i) => `host-${i.toString(16).padStart(4, "0")}`);
  const hostNames = Array.from({ length: hosts }, (_, i) => `node-${i}`);
  // Ring of recent starts: host index, entity id and timestamp (parallel arrays, no objects kept).
  const ringHost = new Int32Array(RING);
  const ringTime = new Float64Array(RING);
  const ringEntity = new Array(RING);
  let starts = 0;
  let t = start;
  let pid = 2000;
  for (let i = 0; i < count; i++) {
    t += Math.floor(r() * 3); // 0, 1 or 2 ms: one event per millisecond on average
    const ts = isoTimestamps ? new Date(t).toISOString() : t;
    const roll = r();
    if (roll < 0.35) {
      // Process start: a new entity id, a new partial sequence.
      const h = Math.floor(r() * hosts);
      const [name, executable] = COMMANDS[Math.floor(r() * COMMANDS.length)];
      pid = pid >= 4_000_000 ? 2000 : pid + 1 + Math.floor(r() * 5);
      const entity = `${hostIds[h]}-${starts.toString(36)}`;
      const slot = starts % RING;
      ringHost[slot] = h;
      ringTime[slot] = t;
      ringEntity[slot] = entity;
      starts++;
      yield {
        "@timestamp": ts,
        event: { category: ["process"], type: ["start"], action: "exec", kind: "event" },
        host: { id: hostIds[h], name: hostNames[h], os: { type: "linux" } },
        process: { entity_id: entity, pid, name, executable, parent: { pid: pid - 1 } },
        user: { name: "root" },
      };
    } else if (roll < 0.45) {
      // Process end of some recent process: same keys, but it matches no stage.
      const back = starts === 0 ? 0 : Math.floor(r() * Math.min(starts, 4096));
      const slot = (starts - 1 - back + RING) % RING;
      const h = starts === 0 ? 0 : ringHost[slot];
      yield {
        "@timestamp": ts,
        event: { category: ["process"], type: ["end"], action: "end", kind: "event" },
        host: { id: hostIds[h], name: hostNames[h], os: { type: "linux" } },
        process: { entity_id: starts === 0 ? "none" : ringEntity[slot], pid: pid - back },
        user: { name: "root" },
      };
    } else if (roll < 0.8) {
      // Network: from a recent start (joins), an old one (too late) or a daemon (no partial).
      const k = r();
      let h;
      let entity;
      let name;
      if (k < joinRate && starts > 0) {
        // Started within the last ~10 s (about 3,500 starts at this mix).
        const back = Math.floor(r() * Math.min(starts, 3500));
        const slot = (starts - 1 - back) % RING;
        h = ringHost[slot];
        entity = ringEntity[slot];
        name = "curl";
      } else if (k < joinRate + lateRate && starts > 60_000) {
        // Started about 1.5–3 minutes ago: the partial sequence is older than maxspan.
        const back = 30_000 + Math.floor(r() * 30_000);
        const slot = (starts - 1 - back) % RING;
        h = ringHost[slot];
        entity = ringEntity[slot];
        name = "curl";
      } else {
        h = Math.floor(r() * hosts);
        const d = Math.floor(r() * daemonsPerHost);
        entity = `${hostIds[h]}-daemon-${d}`;
        name = DAEMONS[d % DAEMONS.length][0];
      }
      yield {
        "@timestamp": ts,
        event: { category: ["network"], type: ["connection"], action: "connection_attempted", kind: "event" },
        host: { id: hostIds[h], name: hostNames[h], os: { type: "linux" } },
        process: { entity_id: entity, name },
        source: { ip: `10.0.${h >> 8}.${h & 255}`, port: 30000 + Math.floor(r() * 30000) },
        destination: { ip: `10.1.${Math.floor(r() * 8)}.${Math.floor(r() * 250) + 2}`, port: PORTS[i % 7] },
        network: { transport: "tcp", direction: "egress" },
      };
    } else {
      const h = Math.floor(r() * hosts);
      const d = Math.floor(r() * daemonsPerHost);
      const path = FILES[Math.floor(r() * FILES.length)];
      yield {
        "@timestamp": ts,
        event: { category: ["file"], type: ["change"], action: "modification", kind: "event" },
        host: { id: hostIds[h], name: hostNames[h], os: { type: "linux" } },
        process: { entity_id: `${hostIds[h]}-daemon-${d}`, name: DAEMONS[d % DAEMONS.length][0] },
        file: { path, name: path.slice(path.lastIndexOf("/") + 1) },
      };
    }
  }
}

function argValue(argv, flag, fallback) {
  const i = argv.indexOf(flag);
  return i >= 0 && i + 1 < argv.length ? Number(argv[i + 1]) : fallback;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const argv = process.argv.slice(2);
  process.stdout.on("error", (err) => {
    if (err.code === "EPIPE") process.exit(0);
    throw err;
  });
  const gen = sequenceEvents({ count: argValue(argv, "--count", 1000), seed: argValue(argv, "--seed", 1) });
  for (const e of gen) process.stdout.write(`${JSON.stringify(e)}\n`);
}
