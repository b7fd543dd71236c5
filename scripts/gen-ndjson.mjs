// Write a large NDJSON file of ECS process events for measuring the command line's memory and speed
// (`mini-eql run` over a 1 GB input). About one event in 20 is a Kubelet access the shipped rule
// alerts on; timestamps increase by 10 ms per event from 2026-11-20T00:00Z, ingested 1 s later.
// Usage: node scripts/gen-ndjson.mjs OUT.ndjson [SIZE, e.g. 100MB or 1GB] [--gzip]
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { createGzip } from "node:zlib";

const [out, sizeText = "100MB"] = process.argv.slice(2).filter((a) => !a.startsWith("--"));
if (!out) {
  console.error("usage: node scripts/gen-ndjson.mjs OUT.ndjson [SIZE like 100MB or 1GB] [--gzip]");
  process.exit(2);
}
const m = /^(\d+(?:\.\d+)?)\s*(KB|MB|GB)?$/i.exec(sizeText);
if (!m) {
  console.error(`bad size ${sizeText}`);
  process.exit(2);
}
const unit = { KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 }[(m[2] ?? "MB").toUpperCase()];
const target = Number(m[1]) * unit;

// A small deterministic generator, so two runs write the same file.
let seed = 42;
const rand = (n) => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};
const names = ["bash", "sshd", "systemd", "python3", "node", "java", "nginx", "cron", "ls", "cat"];
const hosts = Array.from({ length: 50 }, (_, i) => `node-${i}`);
const start = Date.UTC(2026, 10, 20);

function event(i) {
  const t = start + i * 10;
  const kubelet = i % 20 === 7;
  const name = kubelet ? (i % 40 === 7 ? "curl" : "wget") : (names[rand(names.length)] ?? "ls");
  const args = kubelet
    ? [name, "-sk", `https://10.0.${rand(256)}.${rand(256)}:10250/pods`]
    : [name, `--option-${rand(1000)}`, `/var/lib/app/${rand(100000)}.dat`];
  return {
    "@timestamp": new Date(t).toISOString(),
    event: {
      category: ["process"],
      type: ["start"],
      action: "exec",
      ingested: new Date(t + 1000).toISOString(),
    },
    host: { name: hosts[rand(hosts.length)], os: { type: "linux" } },
    process: {
      name,
      executable: `/usr/bin/${name}`,
      args,
      command_line: args.join(" "),
      pid: 1000 + rand(60000),
      parent: { name: "bash", pid: 900 + rand(1000) },
    },
    user: { name: rand(10) === 0 ? "root" : "app" },
  };
}

const file = createWriteStream(out);
const gzip = process.argv.includes("--gzip") ? createGzip() : null;
if (gzip) gzip.pipe(file);
const sink = gzip ?? file;
let written = 0;
let count = 0;
while (written < target) {
  let chunk = "";
  for (let k = 0; k < 1000; k++) chunk += `${JSON.stringify(event(count++))}\n`;
  written += Buffer.byteLength(chunk);
  // Respect back-pressure: wait for the stream to drain before producing more.
  if (!sink.write(chunk)) await once(sink, "drain");
}
sink.end();
await once(file, "finish");
console.error(`${out}: ${count} events, ${(written / 1024 ** 2).toFixed(0)} MB of NDJSON`);
