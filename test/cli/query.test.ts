/** `mini-eql query`: formats, input kinds, malformed lines, limits, sequences and exit statuses. */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { CLI, cli, ensureBuilt, KUBELET_EVENTS, ndjson, processEvent, summary, tempDir } from "./helpers.js";

const CURL = 'process where process.name == "curl"';

beforeAll(ensureBuilt, 180_000);

describe.concurrent("query over NDJSON", { timeout: 60_000 }, () => {
  it("prints matching events as NDJSON and a summary on stderr", async () => {
    const r = await cli(["query", CURL, KUBELET_EVENTS]);
    expect(r.status).toBe(0);
    const events = ndjson(r.stdout);
    expect(events).toHaveLength(4);
    expect(events.every((e) => (e.process as { name: string }).name === "curl")).toBe(true);
    expect(summary(r.stderr)).toEqual({ read: 8, matched: 4, unmatched: 4, rejected: 0 });
    expect(r.stderr).toContain("4 events printed");
  });

  it("reports malformed lines as file:line, counts them and carries on", async () => {
    const dir = tempDir();
    const file = join(dir, "mixed.ndjson");
    const lines = [
      JSON.stringify(processEvent(1, { process: { name: "curl" } })),
      JSON.stringify(processEvent(2, { process: { name: "bash" } })),
      '{"@timestamp": "2026-11-20T09:00:03Z", "process": {',
      "",
      "42",
      JSON.stringify(processEvent(6, { process: { name: "curl" } })),
      "   ",
      "[1, 2]",
    ];
    writeFileSync(file, `${lines.join("\n")}\n`);
    const r = await cli(["query", CURL, file]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`${file}:3: warning: not JSON`);
    expect(r.stderr).toContain(`${file}:5: warning: not a JSON object (a number)`);
    expect(r.stderr).toContain(`${file}:8: warning: not a JSON object (an array)`);
    expect(ndjson(r.stdout)).toHaveLength(2); // the event after the bad lines is still found
    const s = summary(r.stderr);
    expect(s).toEqual({ read: 6, matched: 2, unmatched: 1, rejected: 3 });
    expect(s.read).toBe(s.matched + s.unmatched + s.rejected);
  });

  it("stops at the first malformed line with --strict and exits 1", async () => {
    const dir = tempDir();
    const file = join(dir, "bad.ndjson");
    writeFileSync(
      file,
      `${JSON.stringify(processEvent(1, { process: { name: "curl" } }))}\nnot json\n${JSON.stringify(processEvent(3, { process: { name: "curl" } }))}\n`,
    );
    const r = await cli(["query", "--strict", CURL, file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${file}:2: error: not JSON`);
    expect(r.stderr).toContain("--strict");
    expect(r.stderr).not.toContain("events:");
  });

  it("reads gzip files, stdin, and gzip on stdin alike", async () => {
    const text = readFileSync(KUBELET_EVENTS);
    const dir = tempDir();
    const gz = join(dir, "events.ndjson.gz");
    writeFileSync(gz, gzipSync(text));
    const plain = (await cli(["query", CURL, KUBELET_EVENTS])).stdout;
    expect((await cli(["query", CURL, gz])).stdout).toBe(plain);
    expect((await cli(["query", CURL, "-"], { input: text })).stdout).toBe(plain);
    expect((await cli(["query", CURL], { input: text })).stdout).toBe(plain);
    expect((await cli(["query", CURL], { input: gzipSync(text) })).stdout).toBe(plain);
    // Several sources in turn, stdin among them.
    const both = await cli(["query", CURL, gz, "-"], { input: text });
    expect(ndjson(both.stdout)).toHaveLength(8);
    expect(summary(both.stderr).read).toBe(16);
  });

  it("reads a JSON array, pretty-printed, and names the line of a bad element", async () => {
    const dir = tempDir();
    const file = join(dir, "events.json");
    const events = [
      processEvent(1, { process: { name: "curl" } }),
      processEvent(2, { process: { name: "ls" } }),
    ];
    const pretty = JSON.stringify(events, null, 2);
    writeFileSync(file, pretty.replace(/\n]$/, ',\n  {"broken": tru },\n  "text"\n]'));
    const r = await cli(["query", CURL, file]);
    expect(r.status).toBe(0);
    expect(ndjson(r.stdout)).toHaveLength(1);
    const badLine = pretty.split("\n").length;
    expect(r.stderr).toContain(`${file}:${badLine}: warning: not JSON`);
    expect(r.stderr).toContain(`${file}:${badLine + 1}: warning: not a JSON object (a string)`);
    expect(summary(r.stderr)).toEqual({ read: 4, matched: 1, unmatched: 1, rejected: 2 });
    const gz = join(dir, "events.json.gz");
    writeFileSync(gz, gzipSync(JSON.stringify(events)));
    expect(ndjson((await cli(["query", CURL, gz])).stdout)).toHaveLength(1);
  });
});

describe.concurrent("output formats", { timeout: 60_000 }, () => {
  it("--format json prints one array", async () => {
    const r = await cli(["query", CURL, KUBELET_EVENTS, "--format", "json"]);
    expect(JSON.parse(r.stdout)).toHaveLength(4);
    expect(
      JSON.parse(
        (await cli(["query", 'process where process.name == "none"', KUBELET_EVENTS, "-f", "json"])).stdout,
      ),
    ).toEqual([]);
  });

  it("--format table prints a header and one aligned row per event", async () => {
    const r = await cli(["query", CURL, KUBELET_EVENTS, "--format", "table"]);
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^@timestamp\s+event\.category\s+host\.name\s+process\.name\s+process\.args$/);
    expect(lines).toHaveLength(5);
    expect(lines[1]).toMatch(/^2026-11-20T09:00:00\.000Z\s+\["process"\]\s+node-a\s+curl\s+\["curl","-sk"/);
    const col = (lines[0] as string).indexOf("host.name");
    for (const l of lines.slice(1)) expect(l.slice(col)).toMatch(/^(node|win)-/);
    const custom = await cli([
      "query",
      CURL,
      KUBELET_EVENTS,
      "--format",
      "table",
      "--columns",
      "host.name,process.pid",
    ]);
    expect(custom.stdout.split("\n")[0]).toMatch(/^host\.name\s+process\.pid$/);
  });

  it("prints sequences in their Elasticsearch shape, one row per event in a table", async () => {
    const events = [
      processEvent(1, { process: { name: "curl" }, host: { name: "a" } }),
      processEvent(2, { process: { name: "sh" }, host: { name: "a" } }),
    ];
    const input = events.map((e) => JSON.stringify(e)).join("\n");
    const q =
      'sequence by host.name [process where process.name == "curl"] [process where process.name == "sh"]';
    const r = await cli(["query", q], { input });
    const [seq] = ndjson(r.stdout) as { join_keys: unknown[]; events: { _source: unknown }[] }[];
    expect(seq?.join_keys).toEqual(["a"]);
    expect(seq?.events.map((e) => e._source)).toEqual(events);
    expect(r.stderr).toContain("1 sequence printed");
    const table = (await cli(["query", q, "-f", "table"], { input })).stdout.trimEnd().split("\n");
    expect(table[0]).toMatch(/^seq\s+join_keys\s+@timestamp/);
    expect(table).toHaveLength(3);
  });
});

describe.concurrent("limits and sequences", { timeout: 60_000 }, () => {
  const many = Array.from({ length: 50 }, (_, i) => JSON.stringify(processEvent(i, { n: i }))).join("\n");

  it("--size stops after N results", async () => {
    const r = await cli(["query", "process where true", "--size", "3"], { input: many });
    expect(ndjson(r.stdout).map((e) => e.n)).toEqual([0, 1, 2]);
    expect(r.stderr).toContain("reading stopped at --size 3");
    expect(summary(r.stderr)).toEqual({ read: 3, matched: 3, unmatched: 0, rejected: 0 });
  });

  it("applies | head and | tail in input order", async () => {
    expect(
      ndjson((await cli(["query", "process where true | tail 2"], { input: many })).stdout).map((e) => e.n),
    ).toEqual([48, 49]);
    expect(
      ndjson((await cli(["query", "process where true | head 2"], { input: many })).stdout).map((e) => e.n),
    ).toEqual([0, 1]);
    expect(
      ndjson((await cli(["query", "process where true | tail 5 | head 2"], { input: many })).stdout).map(
        (e) => e.n,
      ),
    ).toEqual([45, 46]);
  });

  it("rejects an out-of-order event in a sequence unless --lateness covers it", async () => {
    const events = [
      processEvent(10, { process: { name: "curl" } }),
      processEvent(5, { process: { name: "sh" } }),
      processEvent(12, { process: { name: "sh" } }),
    ];
    const input = events.map((e) => JSON.stringify(e)).join("\n");
    const q = 'sequence [process where process.name == "curl"] [process where process.name == "sh"]';
    const strict = await cli(["query", q], { input });
    expect(strict.stderr).toMatch(/<stdin>:2: warning: event is older than the stream's lateness window/);
    expect(strict.stderr).toMatch(/<stdin>:2: .*raise --lateness MS/);
    expect(strict.stderr).toContain("note: 1 event was out of time order");
    expect(summary(strict.stderr)).toEqual({ read: 3, matched: 2, unmatched: 0, rejected: 1 });
    expect(ndjson(strict.stdout)).toHaveLength(1);
    const late = await cli(["query", q, "--lateness", "10000"], { input });
    expect(summary(late.stderr).rejected).toBe(0);
    expect(ndjson(late.stdout)).toHaveLength(1);
  });

  it("rejects sequence events without a timestamp, naming the line", async () => {
    const input = [JSON.stringify({ event: { category: "process" }, process: { name: "curl" } })].join("\n");
    const r = await cli(["query", "sequence [process where true] [process where true]"], { input });
    expect(r.stderr).toContain("<stdin>:1: warning: expected timestamp field [@timestamp] to have a value");
    expect(summary(r.stderr).rejected).toBe(1);
  });
});

describe.concurrent("errors, help and exit statuses", { timeout: 60_000 }, () => {
  it("prints a query error as <query>:line:col with the line and a caret, status 1", async () => {
    const r = await cli(["query", "process where process.name == ", KUBELET_EVENTS]);
    expect(r.status).toBe(1);
    const lines = r.stderr.split("\n");
    expect(lines[0]).toMatch(/^<query>:1:\d+: error: .+ \[EQL_UNEXPECTED_END\]$/);
    expect(lines[1]).toBe("  process where process.name == ");
    expect(lines[2]).toMatch(/^ {2}\s+\^+$/);
    expect(r.stdout).toBe("");
  });

  it("exits 2 on usage errors", async () => {
    expect((await cli(["query", CURL, "/no/such/file.ndjson"])).status).toBe(2);
    expect((await cli(["query", CURL, "/no/such/file.ndjson"])).stderr).toContain(
      "cannot read /no/such/file.ndjson: no such file or directory",
    );
    expect((await cli(["query", CURL, KUBELET_EVENTS, "--size", "many"])).status).toBe(2);
    expect((await cli(["query", CURL, KUBELET_EVENTS, "--format", "xml"])).status).toBe(2);
    expect((await cli(["query", CURL, KUBELET_EVENTS, "--bogus"])).status).toBe(2);
    expect((await cli(["query"])).status).toBe(2);
    expect((await cli(["frobnicate"])).status).toBe(2);
    expect((await cli([])).status).toBe(2);
  });

  it("has --help with examples for every command, and --version", async () => {
    for (const c of ["query", "run", "check", "test"]) {
      const r = await cli([c, "--help"]);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain("Examples:");
      expect(r.stdout).toContain("Exit status:");
    }
    expect((await cli(["query", "--help"])).stdout).toContain("Sample queries hold every candidate event");
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
    expect((await cli(["--version"])).stdout.trim()).toBe(pkg.version);
  });

  // util-linux's `script` gives the command a terminal: colour appears there, and NO_COLOR removes it.
  it.skipIf(!existsSync("/usr/bin/script"))("colours on a terminal unless NO_COLOR is set", async () => {
    const shell = `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} check 'process where process.name == "a*"'`;
    const onTty = (env: NodeJS.ProcessEnv) =>
      execFileSync("/usr/bin/script", ["-qc", shell, "/dev/null"], {
        env: { ...process.env, ...env },
        encoding: "utf8",
      });
    const env = { ...process.env };
    delete env.NO_COLOR;
    expect(onTty({ ...env, NO_COLOR: "" })).toContain("\x1b[33mwarning");
    expect(onTty({ NO_COLOR: "1" })).not.toContain("\x1b[");
  });

  it("never colours output that is not a terminal, nor with NO_COLOR", async () => {
    for (const env of [{}, { NO_COLOR: "1" }]) {
      const bad = await cli(["query", "process where", KUBELET_EVENTS], { env });
      expect(bad.stderr).not.toContain("\x1b[");
      const check = await cli(["check", 'process where process.name == "a*"'], { env });
      expect(check.stdout + check.stderr).not.toContain("\x1b[");
      const run = await cli(["query", "process where true", "-"], { input: "nope\n", env });
      expect(run.stderr).not.toContain("\x1b[");
    }
  });
});
