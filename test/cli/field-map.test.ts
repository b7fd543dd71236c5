/** `--field-map` on query, run and check: a file or a built-in map, applied as aliases. */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cli, ensureBuilt, KUBELET_EVENTS, RULES, tempDir } from "./helpers.js";

beforeAll(ensureBuilt);

/** The example events with their ECS fields moved under other names. */
function renamedEvents(dir: string): string {
  const lines = readFileSync(KUBELET_EVENTS, "utf8").trim().split("\n");
  const out = lines.map((l) => {
    const { "@timestamp": ts, event: ev, process: p, ...rest } = JSON.parse(l);
    return JSON.stringify({ ...rest, ts, ev: { ...ev, cat: ev.category }, proc: p });
  });
  const file = join(dir, "renamed.ndjson");
  writeFileSync(file, `${out.join("\n")}\n`);
  return file;
}

const MAP = `# the pipeline's names → ECS
ts: "@timestamp"
ev:
  cat: event.category
  type: event.type
  action: event.action
proc:
  name: process.name
  args: process.args
  executable: process.executable
`;

describe.concurrent("--field-map", { timeout: 60_000 }, () => {
  it("run: the example's alerts come from renamed events through a YAML map, with 1 and 2 workers", async () => {
    const dir = tempDir("field-map");
    const events = renamedEvents(dir);
    writeFileSync(join(dir, "map.yml"), MAP);
    const without = await cli(["run", "--rules", RULES, "--workers", "1", events]);
    expect(without.stdout).toBe("");
    for (const workers of ["1", "2"]) {
      const r = await cli([
        "run",
        "--rules",
        RULES,
        "--field-map",
        join(dir, "map.yml"),
        "--workers",
        workers,
        events,
      ]);
      expect(r.status).toBe(0);
      const alerts = r.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      expect(alerts).toHaveLength(3);
      // The alert keeps the event as it came; only reading goes through the map.
      expect(alerts[0]["kibana.alert.original_time"] ?? alerts[0]["@timestamp"]).toBeDefined();
      expect(JSON.stringify(alerts[0])).toContain('"proc"');
    }
  });

  it("query and check accept a built-in map; an unknown name or a bad file is a usage error with its place", async () => {
    const event = {
      "@timestamp": "2026-01-01T00:00:00Z",
      event: { category: ["process"] },
      winlog: { event_data: { Image: "C:\\Windows\\System32\\cmd.exe", CommandLine: "cmd /c whoami" } },
    };
    const q = 'process where process.command_line : "*whoami*"';
    const hit = await cli(["query", q, "--field-map", "sysmon", "-"], {
      input: `${JSON.stringify(event)}\n`,
    });
    expect(hit.status).toBe(0);
    expect(hit.stdout.trim().split("\n")).toHaveLength(1);
    const miss = await cli(["query", q, "-"], { input: `${JSON.stringify(event)}\n` });
    expect(miss.stdout).toBe("");

    const checked = await cli(["check", q, "--field-map", "auditd", "--no-schema"]);
    expect(checked.status).toBe(0);

    const unknown = await cli(["query", q, "--field-map", "sysmn", "-"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("not a built-in field map (sysmon, auditd)");
    expect(unknown.stderr).toContain("[FIELD_MAP_UNKNOWN]");

    const dir = tempDir("field-map-bad");
    writeFileSync(join(dir, "two.yml"), "a: process.name\nb: process.name\n");
    const bad = await cli(["run", "--rules", RULES, "--field-map", join(dir, "two.yml"), KUBELET_EVENTS]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("two.yml:2:1: process.name is already held by a");
    expect(bad.stderr).toContain("[FIELD_MAP_INVALID]");
    expect(bad.stderr).toMatch(/b: process\.name\n\s+\^/);
  });
});
