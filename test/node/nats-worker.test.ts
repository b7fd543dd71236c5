/**
 * Partition workers against a real nats-server: the alerts of several workers over the partitions
 * are those of one rule set over every event, a worker resumes from its checkpoint, and a partition
 * has one owner at a time.
 */
import { type JetStreamManager, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectNats, ensureEventsStream, type NatsConnection } from "../../src/node/nats/connection.js";
import { DEFAULT_LAYOUT, type EventsLayout, eventSubject } from "../../src/node/nats/layout.js";
import { LeaseLostError, PartitionOwnedError } from "../../src/node/nats/lease.js";
import {
  consumerName,
  crossPartitionRules,
  type PartitionWorker,
  runPartitionWorker,
} from "../../src/node/nats/worker.js";
import { compileRules } from "../../src/rules/rule-set.js";
import { type NatsServer, startNatsServer } from "../helpers/nats-server.js";
import { processEvents } from "../helpers/process-events.js";
import { testRule } from "../helpers/rules.js";

let server: NatsServer;
beforeAll(async () => {
  server = await startNatsServer();
}, 30_000);
afterAll(async () => {
  await server?.stop();
});

const RULES = [
  testRule("a", 'process where process.name == "a"'),
  testRule(
    "seq",
    'sequence by host.id with maxspan=30s [process where process.name == "a"] [process where process.name == "b"]',
  ),
];

/** The alerts one rule set gives over every event, as JSON text, sorted. */
function oneProcess(all: readonly unknown[]): string[] {
  const set = compileRules(RULES, {});
  const alerts = [...set.pushBatch(all), ...set.end()];
  return alerts.map((a) => JSON.stringify(a)).sort();
}

let streamNo = 0;
/** A fresh events stream (and alerts stream) for one test. */
async function setup(
  nc: NatsConnection,
  partitions: number,
): Promise<{ layout: EventsLayout; alerts: string }> {
  streamNo++;
  const layout = await ensureEventsStream(
    nc,
    { ...DEFAULT_LAYOUT, stream: `EV${streamNo}`, subject: `ev${streamNo}`, partitions },
    true,
  );
  return { layout, alerts: `AL${streamNo}` };
}

async function publish(nc: NatsConnection, layout: EventsLayout, list: readonly unknown[]): Promise<void> {
  const js = jetstream(nc);
  await Promise.all(list.map((e) => js.publish(eventSubject(layout, e), JSON.stringify(e))));
}

/** Every message of a stream, as text, sorted. */
async function streamTexts(nc: NatsConnection, stream: string): Promise<string[]> {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(stream);
  const out: string[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
    const m = await jsm.streams.getMessage(stream, { seq });
    if (m) out.push(m.string());
  }
  return out.sort();
}

/** How many messages `stream` holds, read every 100 ms (also while the server restarts) until `stop()`. */
function storedCount(jsm: JetStreamManager, stream: string): { count: number; stop(): void } {
  const out = { count: 0, stop: () => clearInterval(timer) };
  const timer = setInterval(() => {
    jsm.streams.info(stream).then(
      (i) => {
        out.count = i.state.messages;
      },
      () => {},
    );
  }, 100);
  return out;
}

/** Resolves once the server answers for `stream` again after a restart. */
async function serverBack(jsm: JetStreamManager, stream: string): Promise<void> {
  const end = Date.now() + 30_000;
  for (;;) {
    try {
      await jsm.streams.info(stream);
      return;
    } catch (e) {
      if (Date.now() > end) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function until(what: () => boolean, ms = 20_000, say?: () => string): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error(`timed out waiting${say ? `: ${say()}` : ""}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function start(
  layout: EventsLayout,
  alerts: string,
  partitions: number[],
  extra: Partial<Parameters<typeof runPartitionWorker>[0]> = {},
): { stop: AbortController; worker: Promise<PartitionWorker> } {
  const stop = new AbortController();
  const worker = runPartitionWorker({
    url: server.url,
    stream: layout.stream,
    partitions,
    of: layout.partitions,
    rules: RULES,
    alerts: { stream: alerts, subject: alerts.toLowerCase() },
    idleAdvanceMs: 200,
    signal: stop.signal,
    ...extra,
  });
  return { stop, worker };
}

const total = (w: PartitionWorker, f: (s: ReturnType<PartitionWorker["stats"]>[number]) => number) =>
  w.stats().reduce((n, s) => n + f(s), 0);

describe("partition workers", { timeout: 60_000 }, () => {
  it("give, over the partitions together, exactly the alerts of one rule set over every event", async () => {
    const nc = await connectNats(server.url, "test");
    try {
      const { layout, alerts } = await setup(nc, 4);
      const all = processEvents(2000);
      await publish(nc, layout, all);
      const expected = oneProcess(all);
      expect(expected.length).toBeGreaterThan(500);
      const one = start(layout, alerts, [0, 1]);
      const two = start(layout, alerts, [2, 3]);
      const [w1, w2] = await Promise.all([one.worker, two.worker]);
      await until(
        () => total(w1, (s) => s.alerts) + total(w2, (s) => s.alerts) >= expected.length,
        20_000,
        () => JSON.stringify({ expected: expected.length, stats: [...w1.stats(), ...w2.stats()] }),
      );
      one.stop.abort();
      two.stop.abort();
      await Promise.all([w1.done, w2.done]);
      expect(total(w1, (s) => s.events) + total(w2, (s) => s.events)).toBe(2000);
      expect(await streamTexts(nc, alerts)).toEqual(expected);
      // Every partition was checkpointed at its last event when the workers stopped.
      for (const s of [...w1.stats(), ...w2.stats()]) expect(s.checkpoints).toBeGreaterThan(0);
    } finally {
      await nc.close();
    }
  });

  it("resume from their checkpoints: a second run takes up where the first stopped", async () => {
    const nc = await connectNats(server.url, "test");
    try {
      const { layout, alerts } = await setup(nc, 2);
      const first = processEvents(1000);
      const second = processEvents(1000, 1000);
      await publish(nc, layout, first);
      const a = start(layout, alerts, [0, 1], { checkpointEvents: 100, idleAdvanceMs: 0 });
      const wa = await a.worker;
      await until(() => total(wa, (s) => s.events) === 1000);
      a.stop.abort();
      await wa.done;
      const stopped = wa.stats().map((s) => s.lastSeq);
      await publish(nc, layout, second);
      const b = start(layout, alerts, [0, 1]);
      const wb = await b.worker;
      expect(wb.stats().map((s) => s.restoredFrom)).toEqual(stopped);
      const expected = oneProcess([...first, ...second]);
      await until(
        () =>
          total(wa, (s) => s.alerts - s.duplicates) + total(wb, (s) => s.alerts - s.duplicates) >=
          expected.length,
      );
      b.stop.abort();
      await wb.done;
      // The second run evaluated only the events after the checkpoints.
      expect(total(wb, (s) => s.events)).toBe(1000);
      expect(await streamTexts(nc, alerts)).toEqual(expected);
    } finally {
      await nc.close();
    }
  });

  it("keep going through a restart of the server, with the answers of one rule set", async () => {
    const nc = await connectNats(server.url, "test", { reconnectForever: true });
    try {
      const { layout, alerts } = await setup(nc, 2);
      const all = processEvents(2000);
      // Half the events are in the stream before the restart and half are published after it, so
      // the worker has to come through the restart to see them all, however fast it is.
      await publish(nc, layout, all.slice(0, 1000));
      const expected = oneProcess(all);
      const logs: string[] = [];
      const run = start(layout, alerts, [0, 1], {
        batch: 20,
        checkpointEvents: 200,
        log: (l) => logs.push(l),
      });
      const w = await run.worker;
      const jsm = await jetstreamManager(nc);
      await until(() => total(w, (s) => s.events) > 300);
      await server.restart();
      const seenBefore = total(w, (s) => s.events);
      await serverBack(jsm, layout.stream);
      await publish(nc, layout, all.slice(1000));
      const stored = storedCount(jsm, alerts);
      await until(
        () => stored.count >= expected.length,
        40_000,
        () => JSON.stringify(w.stats()) + logs.join("\n"),
      );
      stored.stop();
      run.stop.abort();
      await w.done;
      expect(seenBefore).toBeLessThanOrEqual(1000);
      expect(total(w, (s) => s.events)).toBe(2000);
      // Whatever was in flight at the restart (a fetch, alerts whose answer was lost and that were
      // sent again) left the alerts stream with exactly one rule set's alerts.
      expect(await streamTexts(nc, alerts)).toEqual(expected);
    } finally {
      await nc.close();
    }
  });

  it("lose no event when deliveries of their consumer go elsewhere (a gap in its delivery sequence)", async () => {
    const nc = await connectNats(server.url, "test");
    try {
      const { layout, alerts } = await setup(nc, 1);
      const all = processEvents(1500);
      await publish(nc, layout, all.slice(0, 300));
      const expected = oneProcess(all);
      const logs: string[] = [];
      const run = start(layout, alerts, [0], { batch: 10, log: (l) => logs.push(l) });
      const w = await run.worker;
      await until(() => total(w, (s) => s.events) > 100);
      // Someone else takes deliveries from the worker's consumer and drops them unacknowledged. The
      // rest of the events are published while that pull request waits, so that it gets some
      // however far the worker has come.
      const stolen = await (
        await jetstream(nc).consumers.get(layout.stream, consumerName(layout.stream, 0))
      ).fetch({
        max_messages: 25,
        expires: 5000,
      });
      await publish(nc, layout, all.slice(300));
      let taken = 0;
      for await (const _ of stolen) taken++;
      expect(taken).toBeGreaterThan(0);
      const jsm = await jetstreamManager(nc);
      const stored = storedCount(jsm, alerts);
      await until(
        () => stored.count >= expected.length,
        30_000,
        () => JSON.stringify(w.stats()) + logs.join("\n"),
      );
      stored.stop();
      run.stop.abort();
      await w.done;
      expect(
        logs.some((l) => /never arrived; the consumer is made again after stream sequence \d+/.test(l)),
      ).toBe(true);
      expect(total(w, (s) => s.events)).toBe(1500);
      expect(await streamTexts(nc, alerts)).toEqual(expected);
    } finally {
      await nc.close();
    }
  });

  it("own a partition one at a time: another name is refused, the same name takes it over", async () => {
    const nc = await connectNats(server.url, "test");
    try {
      const { layout, alerts } = await setup(nc, 2);
      await publish(nc, layout, processEvents(50));
      const logs: string[] = [];
      const a = start(layout, alerts, [0], { worker: "w-a", log: (l) => logs.push(l) });
      const wa = await a.worker;
      const other = start(layout, alerts, [0], { worker: "w-b" });
      const refused = await other.worker.catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(PartitionOwnedError);
      expect((refused as PartitionOwnedError).code).toBe("NATS_PARTITION_OWNED");
      expect((refused as Error).message).toContain("owned by worker w-a");
      // The same name (a restart of that worker) takes it over; the old one finds out at its next renewal.
      const again = start(layout, alerts, [0], { worker: "w-a", leaseMs: 300 });
      const wagain = await again.worker;
      await until(() => logs.some((l) => l === new LeaseLostError(0).message), 15_000);
      await wa.done;
      again.stop.abort();
      await wagain.done;
    } finally {
      await nc.close();
    }
  });
});

describe("crossPartitionRules", () => {
  it("names the sequences and samples not joined by the partition key", () => {
    const rules = [
      ...RULES,
      testRule("byname", "sequence by process.name [process where true] [process where true]"),
      testRule("terms", "sequence [process where true] by host.id [process where true] by host.id"),
      testRule("termsOther", "sequence [process where true] by host.id [process where true] by host.name"),
      testRule("none", "sequence [process where true] [process where true]"),
      testRule(
        "sample",
        'sample by host.name [process where process.name == "c"] [process where process.name == "x"]',
      ),
    ];
    expect(crossPartitionRules(rules, "host.id").map((r) => r.rule.rule_id)).toEqual([
      "byname",
      "termsOther",
      "none",
      "sample",
    ]);
  });
});
