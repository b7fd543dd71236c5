import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DiscardPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  connectNats,
  ensureEventsStream,
  NatsSetupError,
  readLayout,
} from "../../src/node/nats/connection.js";
import {
  DEFAULT_LAYOUT,
  ID_HEADER,
  INDEX_HEADER,
  keyToken,
  partitionFilter,
  partitionOf,
} from "../../src/node/nats/layout.js";
import { freePort, type NatsServer, startNatsServer } from "../helpers/nats-server.js";
import { CLI, cli, ensureBuilt, tempDir } from "./helpers.js";

let server: NatsServer;
let nc: NatsConnection;
let dir: string;

beforeAll(async () => {
  ensureBuilt();
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  dir = tempDir("mini-eql-publish-");
}, 120_000);

afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

/** Every message of `stream` whose subject matches `filter`, in order. */
async function messages(stream: string, filter: string): Promise<{ subject: string; data: string }[]> {
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(stream, { subjects_filter: filter });
  const total = Object.values(info.state.subjects ?? {}).reduce((a, b) => a + b, 0);
  if (total === 0) return [];
  const consumer = await js.consumers.get(stream, { filter_subjects: filter });
  const out: { subject: string; data: string }[] = [];
  const iter = await consumer.consume();
  for await (const m of iter) {
    out.push({ subject: m.subject, data: m.string() });
    if (out.length === total) break;
  }
  await iter.close();
  return out;
}

function write(name: string, lines: readonly string[]): string {
  const file = join(dir, name);
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

const HOSTS = ["web-1", "web-2", "db-1", "cache-9", "hôte.é", "k8s node 3"];

/** 120 events: by host.id, by host.name only, and without a host; plus two bad lines. */
function eventLines(): { lines: string[]; events: Record<string, unknown>[] } {
  const events: Record<string, unknown>[] = [];
  for (let i = 0; i < 120; i++) {
    const h = HOSTS[i % HOSTS.length] as string;
    const host = i % 3 === 0 ? { id: `id-${h}`, name: h } : i % 3 === 1 ? { name: h } : undefined;
    events.push({
      "@timestamp": new Date(Date.UTC(2026, 10, 20, 9, 0, i)).toISOString(),
      seq: i,
      ...(host ? { host } : {}),
    });
  }
  const lines = events.map((e) => JSON.stringify(e));
  lines.splice(10, 0, "{not json");
  lines.splice(50, 0, "[1, 2]");
  return { lines, events };
}

describe("mini-eql publish", () => {
  it("publishes every event to its partition and reports rejected lines", async () => {
    const { lines, events } = eventLines();
    const file = write("events.ndjson", lines);
    const run = await cli(["publish", "--nats", server.url, file]);
    expect(run.stderr).toContain(
      "created stream MINI_EQL_EVENTS (subjects events.<partition>.<key>, 6 partitions, key host.id,host.name); " +
        "layout recorded in key-value bucket mini_eql, key layout.MINI_EQL_EVENTS",
    );
    expect(run.stderr).toContain(`${file}:11: warning: not JSON`);
    expect(run.stderr).toMatch(new RegExp(`${file}:51: warning: .*; skipped`));
    const summary =
      /published: (\d+) events to MINI_EQL_EVENTS over 6 partitions \(per partition: ([^)]*)\); (\d+) rejected/.exec(
        run.stderr,
      );
    expect(summary, run.stderr).not.toBeNull();
    expect(run.status).toBe(0);
    expect(Number(summary?.[1])).toBe(120);
    expect(Number(summary?.[3])).toBe(2);
    const reported = (summary?.[2] ?? "").split(", ").map((s) => Number(s.split(": ")[1]));

    const byPartition: number[] = [];
    const partitionOfHost = new Map<string, number>();
    const seen: unknown[] = [];
    for (let k = 0; k < 6; k++) {
      const got = await messages("MINI_EQL_EVENTS", partitionFilter(DEFAULT_LAYOUT, k));
      byPartition.push(got.length);
      for (const m of got) {
        const event = JSON.parse(m.data) as { host?: { id?: string; name?: string } };
        const token = keyToken(event, DEFAULT_LAYOUT.keyFields);
        expect(m.subject).toBe(`events.${k}.${token}`);
        expect(partitionOf(token, 6)).toBe(k);
        const host = event.host?.name ?? "(none)";
        // Every event of one host (with or without its id) is in one partition only when the key
        // is the same: the id when there is one, else the name.
        const key = `${event.host?.id ?? ""}|${event.host?.id ? "" : host}`;
        if (partitionOfHost.has(key)) expect(partitionOfHost.get(key)).toBe(k);
        partitionOfHost.set(key, k);
        seen.push(event);
      }
    }
    expect(byPartition).toEqual(reported);
    expect(byPartition.reduce((a, b) => a + b, 0)).toBe(120);
    expect(byPartition.filter((n) => n > 0).length).toBeGreaterThan(1);
    // The messages are the events, each once.
    const bySeq = (a: unknown, b: unknown) => (a as { seq: number }).seq - (b as { seq: number }).seq;
    expect(seen.sort(bySeq)).toEqual(events);
    // Events without a host are under the key "_".
    expect((await messages("MINI_EQL_EVENTS", `events.${partitionOf("_", 6)}._`)).length).toBe(40);
  });

  it("carries a search hit's and a _bulk action's _index and _id in headers", async () => {
    const hits = write("hits.ndjson", [
      JSON.stringify({ _index: "logs-a", _id: "one\nline", _source: { host: { name: "h" }, n: 1 } }),
      JSON.stringify({ _index: "logs-b", _source: { host: { name: "h" }, n: 2 } }),
    ]);
    const bulk = write("bulk.ndjson", [
      JSON.stringify({ create: { _index: "logs-ü", _id: "b1" } }),
      JSON.stringify({ host: { name: "h" }, n: 3 }),
    ]);
    const plain = write("plain.ndjson", [JSON.stringify({ host: { name: "h" }, n: 4 })]);
    const run = await cli([
      "publish",
      "--nats",
      server.url,
      "--stream",
      "META",
      "--subject",
      "meta",
      hits,
      bulk,
      plain,
    ]);
    expect(run.status, run.stderr).toBe(0);
    const js = jetstream(nc);
    const consumer = await js.consumers.get("META", { filter_subjects: "meta.>" });
    const got: unknown[] = [];
    const iter = await consumer.consume();
    for await (const m of iter) {
      const header = (name: string) => {
        const v = m.headers?.get(name);
        return v ? (JSON.parse(v) as string) : undefined;
      };
      got.push({ body: JSON.parse(m.string()), index: header(INDEX_HEADER), id: header(ID_HEADER) });
      if (got.length === 4) break;
    }
    await iter.close();
    expect(got).toEqual([
      { body: { host: { name: "h" }, n: 1 }, index: "logs-a", id: "one\nline" },
      { body: { host: { name: "h" }, n: 2 }, index: "logs-b", id: undefined },
      { body: { host: { name: "h" }, n: 3 }, index: "logs-ü", id: "b1" },
      { body: { host: { name: "h" }, n: 4 }, index: undefined, id: undefined },
    ]);
  });

  it("attaches to an existing stream with its recorded layout", async () => {
    const first = write("one.ndjson", ['{"host":{"name":"a"}}', '{"host":{"name":"b"}}']);
    const created = await cli([
      "publish",
      "--nats",
      server.url,
      "--stream",
      "ACME",
      "--subject",
      "acme.ev",
      "--partitions",
      "3",
      "--key",
      "user.name,host.name",
      first,
    ]);
    expect(created.status, created.stderr).toBe(0);
    expect(created.stderr).toContain(
      "created stream ACME (subjects acme.ev.<partition>.<key>, 3 partitions, key user.name,host.name)",
    );
    // Without the layout options: the recorded ones apply.
    const again = await cli(["publish", "--nats", server.url, "--stream", "ACME", "-"], {
      input: '{"user":{"name":"u"},"host":{"name":"a"}}\n',
    });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).not.toContain("created stream");
    expect(again.stderr).toMatch(
      /published: 1 event to ACME over 3 partitions \(per partition: [^)]*\); 0 rejected/,
    );
    const got = await messages("ACME", "acme.ev.>");
    expect(got.map((m) => m.subject)).toEqual([
      `acme.ev.${partitionOf("a", 3)}.a`,
      `acme.ev.${partitionOf("b", 3)}.b`,
      `acme.ev.${partitionOf("u", 3)}.u`,
    ]);
    expect(await readLayout(nc, "ACME")).toEqual({
      stream: "ACME",
      subject: "acme.ev",
      partitions: 3,
      keyFields: ["user.name", "host.name"],
    });
  });

  it("refuses options that disagree with the stream, with the code and both layouts", async () => {
    const file = write("mismatch.ndjson", ['{"host":{"name":"a"}}']);
    const run = await cli(["publish", "--nats", server.url, "--stream", "ACME", "--partitions", "5", file]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      "mini-eql: error: NATS_LAYOUT_MISMATCH: stream ACME is laid out as subjects acme.ev.>, 3 partitions, key user.name,host.name; " +
        "asked for subjects acme.ev.>, 5 partitions, key user.name,host.name",
    );
    expect(run.stderr).not.toContain("published:");

    // A stream made by hand with other subjects.
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: "OTHER", subjects: ["other.>"] });
    const other = await cli(["publish", "--nats", server.url, "--stream", "OTHER", file]);
    expect(other.status).toBe(1);
    expect(other.stderr).toContain(
      "NATS_LAYOUT_MISMATCH: stream OTHER exists with subjects other.>, not events.> as asked",
    );
    // A new stream whose subjects another stream holds.
    const overlap = await cli([
      "publish",
      "--nats",
      server.url,
      "--stream",
      "NEW",
      "--subject",
      "other",
      file,
    ]);
    expect(overlap.status).toBe(1);
    expect(overlap.stderr).toContain(
      "NATS_LAYOUT_MISMATCH: stream NEW cannot be created with subjects other.>: they overlap those of stream OTHER",
    );
  });

  it("exits 1 when the server refuses an event, counting what it took", async () => {
    // A stream made by hand that takes two messages and refuses more.
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: "FULL", subjects: ["full.>"], max_msgs: 2, discard: DiscardPolicy.New });
    const lines = Array.from({ length: 5 }, (_, i) => JSON.stringify({ host: { name: `f${i}` } }));
    const run = await cli(["publish", "--nats", server.url, "--stream", "FULL", "--subject", "full", "-"], {
      input: `${lines.join("\n")}\n`,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).not.toContain("created stream");
    expect(run.stderr).toMatch(/published: 2 events to FULL over 6 partitions/);
    expect(run.stderr).toMatch(
      /mini-eql: error: the server did not take an event \(.*maximum messages.*\); the events counted above are in the stream/,
    );
    expect((await messages("FULL", "full.>")).length).toBe(2);
  });

  it("exits 1 when the server goes away while it publishes", async () => {
    const lone = await startNatsServer();
    const watcher = await connect({ servers: lone.url });
    try {
      const child = spawn(process.execPath, [CLI, "publish", "--nats", lone.url, "-"]);
      let stderr = "";
      child.stderr.on("data", (b: Buffer) => {
        stderr += b.toString("utf8");
      });
      const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
      child.stdin.write('{"host":{"name":"first"}}\n');
      // Once the first event is in the stream, the server goes away; then more events come.
      const jsm = await jetstreamManager(watcher);
      for (;;) {
        const n = await jsm.streams
          .info("MINI_EQL_EVENTS")
          .then((i) => i.state.messages)
          .catch(() => 0);
        if (n === 1) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await watcher.close();
      await lone.stop();
      child.stdin.end('{"host":{"name":"second"}}\n');
      expect(await exited).toBe(1);
      expect(stderr).toContain("published: 1 event to MINI_EQL_EVENTS");
      expect(stderr).toMatch(
        /mini-eql: error: the server did not take an event \(.+\); the events counted above are in the stream/,
      );
    } finally {
      await watcher.close().catch(() => {});
      await lone.stop();
    }
  }, 20_000);

  it("stops at the first rejected line with --strict", async () => {
    const file = write("strict.ndjson", ['{"host":{"name":"s"}}', "nope", '{"host":{"name":"t"}}']);
    const run = await cli([
      "publish",
      "--nats",
      server.url,
      "--stream",
      "STRICT",
      "--subject",
      "strict",
      "--strict",
      file,
    ]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`${file}:2: error: not JSON`);
    expect(run.stderr).toContain("published: 1 event to STRICT over 6 partitions");
    expect(run.stderr).toContain("stopped at the first rejected line (--strict)");
    expect((await messages("STRICT", "strict.>")).length).toBe(1);
  });

  it("keeps the stream across a server restart", async () => {
    const file = write("restart.ndjson", ['{"host":{"id":"r"}}']);
    expect(
      (await cli(["publish", "--nats", server.url, "--stream", "KEEP", "--subject", "keep", file])).status,
    ).toBe(0);
    await nc.close();
    await server.restart();
    nc = await connect({ servers: server.url });
    const run = await cli(["publish", "--nats", server.url, "--stream", "KEEP", "--subject", "keep", file]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).not.toContain("created stream");
    expect((await messages("KEEP", "keep.>")).length).toBe(2);
  });

  it("says when no server answers", async () => {
    const port = await freePort();
    const run = await cli(["publish", "--nats", `nats://127.0.0.1:${port}`, "-"], { input: "{}\n" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      `mini-eql: error: NATS_UNREACHABLE: no NATS server answered at nats://127.0.0.1:${port}`,
    );
    expect(run.stderr).toContain("nats-server -js -sd DIR -a 127.0.0.1");
    // Credentials in the URL are not repeated.
    const secret = await cli(["publish", "--nats", `nats://me:s3cret@127.0.0.1:${port}`, "-"], {
      input: "{}\n",
    });
    expect(secret.status).toBe(1);
    expect(secret.stderr).toContain(`no NATS server answered at nats://***@127.0.0.1:${port}`);
    expect(secret.stderr).not.toContain("s3cret");
  });

  it("says when the server has no JetStream", async () => {
    const plain = await startNatsServer({ noJetStream: true });
    try {
      const run = await cli(["publish", "--nats", plain.url, "-"], { input: "{}\n" });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain("mini-eql: error: NATS_NO_JETSTREAM: the NATS server at");
    } finally {
      await plain.stop();
    }
  });

  it("has --help with the layout, exit statuses and examples", async () => {
    const r = await cli(["publish", "--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("<subject>.<partition>.<key>");
    expect(r.stdout).toContain("NATS_LAYOUT_MISMATCH");
    expect(r.stdout).toContain("Exit status:");
    expect(r.stdout).toContain("Examples:");
  });

  it("refuses bad options with status 2", async () => {
    const file = write("usage.ndjson", ["{}"]);
    for (const args of [
      ["--partitions", "0"],
      ["--stream", "a.b"],
      ["--subject", "ev.*"],
      ["--key", ","],
    ]) {
      const run = await cli(["publish", "--nats", server.url, ...args, file]);
      expect([args, run.status]).toEqual([args, 2]);
    }
    expect((await cli(["publish", file])).status).toBe(2);
    expect((await cli(["publish", "--nats", server.url, join(dir, "missing.ndjson")])).status).toBe(2);
  });
});

describe("loading", () => {
  it("loads the NATS clients for publish only", async () => {
    // A module hook that writes down every NATS module the command imports.
    const log = join(dir, "nats-imports.log");
    writeFileSync(
      join(dir, "hooks.mjs"),
      `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  if (specifier.includes("@nats-io")) appendFileSync(${JSON.stringify(log)}, specifier + "\\n");
  return next(specifier, context);
}`,
    );
    writeFileSync(
      join(dir, "register.mjs"),
      'import { register } from "node:module";\nregister("./hooks.mjs", import.meta.url);\n',
    );
    const env = { NODE_OPTIONS: `--import ${join(dir, "register.mjs")}` };
    const events = write("load.ndjson", ['{"host":{"name":"l"}}']);
    const checked = await cli(["check", "process where true"], { env });
    expect(checked.status, checked.stderr).toBe(0);
    const ran = await cli(["query", "any where true", events], { env });
    expect(ran.status, ran.stderr).toBe(0);
    expect(existsSync(log)).toBe(false);
    const published = await cli(
      ["publish", "--nats", server.url, "--stream", "LOAD", "--subject", "load", events],
      {
        env,
      },
    );
    expect(published.status, published.stderr).toBe(0);
    expect(readFileSync(log, "utf8")).toContain("@nats-io/transport-node");
  });
});

describe("stream setup in the library", () => {
  it("without create, a missing stream is NATS_NO_STREAM", async () => {
    const conn = await connectNats(server.url, "test");
    try {
      const layout = { ...DEFAULT_LAYOUT, stream: "ABSENT", subject: "absent" };
      const err = await ensureEventsStream(conn, layout, false).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NatsSetupError);
      expect((err as NatsSetupError).code).toBe("NATS_NO_STREAM");
      const read = await readLayout(conn, "ABSENT").catch((e: unknown) => e);
      expect((read as NatsSetupError).code).toBe("NATS_NO_STREAM");
      // Created, then attached to with create=false.
      expect(await ensureEventsStream(conn, layout, true)).toMatchObject({ stream: "ABSENT", created: true });
      expect(await ensureEventsStream(conn, layout, false)).toEqual(layout);
    } finally {
      await conn.close();
    }
  });
});
