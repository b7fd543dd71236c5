/**
 * A partition worker: consumes some partitions of the events stream, runs a compiled rule set over
 * each (one set per partition, so each holds complete state for the keys of its partition), publishes
 * the alerts to the alerts stream, and checkpoints each partition's state.
 *
 * Guarantees, per partition:
 * - Events are evaluated in stream order, each once per checkpoint: on a start the worker restores the
 *   partition's checkpoint and (re)creates its durable pull consumer at the sequence after it, so the
 *   events after the checkpoint are delivered again, in order, and evaluated again.
 * - An event is acknowledged only after the alerts it caused are published (and the server has
 *   acknowledged them). Acknowledgement is cumulative (ack policy `all`).
 * - Alerts are published with their `kibana.alert.uuid` as the message id: alert ids are deterministic,
 *   so the alerts that events evaluated again give after a restart are dropped by the server's
 *   de-duplication (within the alerts stream's duplicate window).
 * - One worker at a time owns a partition (see lease.ts).
 */
import { hostname } from "node:os";
import type { Consumer, JetStreamClient, JetStreamManager, JsMsg } from "@nats-io/jetstream";
import type { KV } from "@nats-io/kv";
import type { AlertDocument } from "../../rules/alert.js";
import { setDocumentMeta } from "../../rules/envelope.js";
import { joinIndex } from "../../rules/joins.js";
import { type CompiledRuleSet, compileRules, type RuleSetOptions } from "../../rules/rule-set.js";
import type { LoadedRule } from "../../rules/types.js";
import { CheckpointStore, checkpointKey } from "./checkpoint.js";
import { connectNats, LAYOUT_BUCKET, NatsSetupError, NatsSetupErrorCodes, readLayout } from "./connection.js";
import { type EventsLayout, ID_HEADER, INDEX_HEADER, partitionFilter, subjectToken } from "./layout.js";
import { Lease, LeaseLostError, type PartitionId } from "./lease.js";
import { jetStreamModule, kvModule } from "./modules.js";

/** Where alerts go. */
export interface AlertsTarget {
  /** The alerts stream (default `MINI_EQL_ALERTS`), created when missing. */
  readonly stream?: string;
  /** The subject prefix (default `alerts`): each alert goes to `<subject>.<rule_id token>`. */
  readonly subject?: string;
  /**
   * How long (ms) the server remembers an alert id to drop it when published again (default one
   * hour): alerts given again after a restart are dropped only within this window.
   */
  readonly duplicateWindowMs?: number;
}

/** Options of `runPartitionWorker`. */
export interface PartitionWorkerOptions {
  /** The server, e.g. `nats://127.0.0.1:4222`. */
  readonly url: string;
  /** The events stream (default `MINI_EQL_EVENTS`); its layout is read from the server. */
  readonly stream?: string;
  /** The partitions to consume (each below the layout's partition count); their rules are those `crossPartitionRules` does not name. */
  readonly partitions: readonly number[];
  /**
   * Also consume the whole stream, in stream order, for the rules `crossPartitionRules` names (share
   * `"all"`, owned like a partition: one worker of a deployment takes it).
   */
  readonly wholeStream?: boolean;
  /** The partition count the caller expects; a different recorded layout is `NATS_LAYOUT_MISMATCH`. */
  readonly of?: number;
  readonly rules: readonly LoadedRule[];
  /** Rule set options; the worker runs each rule on its schedule following event time (no `now`, `window`). */
  readonly ruleSet?: Omit<RuleSetOptions, "now" | "window" | "seen">;
  readonly alerts?: AlertsTarget;
  /** Checkpoint every this many events of a partition (default 10,000)… */
  readonly checkpointEvents?: number;
  /** …or this many ms after the last one, whichever comes first (default 5,000). */
  readonly checkpointIntervalMs?: number;
  /** Messages fetched per request (default 256); at most this many are in flight unacknowledged per partition. */
  readonly batch?: number;
  /** How long an owner's lease lasts without renewal (default 10,000 ms). */
  readonly leaseMs?: number;
  /**
   * When a partition has had no event for this long and nothing is pending for it, move its clock to
   * the wall clock so that scheduled runs due by now finish (default 2,000 ms; 0: never). Meant for
   * live streams: after it, older events are late.
   */
  readonly idleAdvanceMs?: number;
  /** This worker's name in ownership records (default `<host>-<partitions>`); a worker with the same name takes its partitions over at once. */
  readonly worker?: string;
  /** Stops the worker: the batch in hand is finished, alerts published, events acknowledged, and every partition checkpointed. */
  readonly signal?: AbortSignal;
  /** Called with each partition's alerts after they are published, but for those the server already had (published before a restart). */
  readonly onAlerts?: (alerts: readonly AlertDocument[], partition: PartitionId) => void | Promise<void>;
  /** Called for a message whose body is not a JSON object (it is acknowledged, counted, and skipped). */
  readonly onRejected?: (rejected: {
    partition: PartitionId;
    seq: number;
    subject: string;
    reason: string;
  }) => void;
  /** Progress lines for people (restores, checkpoints, takeovers). */
  readonly log?: (line: string) => void;
}

/** What one partition did. */
export interface PartitionStats {
  readonly partition: PartitionId;
  /** Events evaluated since the worker started (events evaluated again after a restore included). */
  events: number;
  /** Messages that were not JSON objects. */
  rejected: number;
  /** Messages delivered again that the partition had already evaluated (skipped). */
  skipped: number;
  /** Alerts published; `duplicates` of them the server had already (dropped). */
  alerts: number;
  duplicates: number;
  /** The last stream sequence evaluated. */
  lastSeq: number;
  /** Messages of the partition in the stream after the last one delivered. */
  lag: number;
  checkpoints: number;
  /** When the last checkpoint was written or restored (epoch ms; 0: never). */
  checkpointTime: number;
  /** Gzipped bytes of the last checkpoint. */
  checkpointBytes: number;
  /** Milliseconds spent writing checkpoints. */
  checkpointMs: number;
  /** The stream sequence the partition resumed after (null: it started from the beginning). */
  restoredFrom: number | null;
}

/** A running worker. */
export interface PartitionWorker {
  /** Per partition, live. */
  stats(): readonly PartitionStats[];
  /** Resolves when every partition has stopped (after `signal` aborts, or on an error). */
  readonly done: Promise<void>;
}

const DEFAULTS = {
  stream: "MINI_EQL_EVENTS",
  alertsStream: "MINI_EQL_ALERTS",
  alertsSubject: "alerts",
  duplicateWindowMs: 3_600_000,
  checkpointEvents: 10_000,
  checkpointIntervalMs: 5_000,
  batch: 256,
  leaseMs: 10_000,
  idleAdvanceMs: 2_000,
};

/**
 * The rules a partition cannot answer alone, which need the whole stream: sequences and samples not
 * joined by `keyField` (the partition key), whose joined events can lie in different partitions, and
 * rules with `| head`/`| tail` pipes, which count events across all keys. A join is by the key when the
 * query's `by` reads it, or every term's own `by` reads it at one place.
 */
export function crossPartitionRules(rules: readonly LoadedRule[], keyField: string): LoadedRule[] {
  return rules.filter((r) => {
    const { statement } = r.compiled;
    if (statement.pipes.length > 0) return true;
    return statement.query.kind !== "event" && joinIndex(statement, keyField) === null;
  });
}

/** The durable consumer of a partition. */
export function consumerName(stream: string, partition: PartitionId): string {
  return `mini-eql-${stream}-${partition}`;
}

/**
 * Connect, check the layout, take the partitions, restore their checkpoints and start consuming.
 * Resolves once every partition runs; `done` resolves when they have all stopped.
 */
export async function runPartitionWorker(options: PartitionWorkerOptions): Promise<PartitionWorker> {
  const stream = options.stream ?? DEFAULTS.stream;
  const nc = await connectNats(options.url, options.worker ?? "mini-eql worker", { reconnectForever: true });
  try {
    const layout = await readLayout(nc, stream);
    if (options.of !== undefined && options.of !== layout.partitions) {
      throw new NatsSetupError(
        NatsSetupErrorCodes.LAYOUT_MISMATCH,
        `stream ${stream} has ${layout.partitions} partitions, not ${options.of} (--partition K/${options.of})`,
      );
    }
    for (const k of options.partitions) {
      if (!Number.isInteger(k) || k < 0 || k >= layout.partitions) {
        throw new NatsSetupError(
          NatsSetupErrorCodes.LAYOUT_MISMATCH,
          `partition ${k} does not exist: stream ${stream} has partitions 0 to ${layout.partitions - 1}`,
        );
      }
    }
    const { jetstream, jetstreamManager } = await jetStreamModule();
    const { Kvm } = await kvModule();
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    const kv = await new Kvm(nc).create(LAYOUT_BUCKET);
    const alertsStream = options.alerts?.stream ?? DEFAULTS.alertsStream;
    const alertsSubject = options.alerts?.subject ?? DEFAULTS.alertsSubject;
    await ensureAlertsStream(
      jsm,
      alertsStream,
      alertsSubject,
      options.alerts?.duplicateWindowMs ?? DEFAULTS.duplicateWindowMs,
    );
    for (const r of options.rules) {
      if (r.compiled.statement.query.kind === "sample") {
        options.log?.(
          `rule ${r.rule.name} [${r.rule.rule_id}]: a sample alerts only when its input ends, and a stream does not end: it gives no alerts here`,
        );
      }
    }
    // The rules a partition cannot answer alone run over the whole stream, in the worker that owns
    // the share "all"; the partitions run the others.
    const keyField = layout.keyFields[0] ?? "host.id";
    const whole = new Set(crossPartitionRules(options.rules, keyField));
    const partitioned = options.rules.filter((r) => !whole.has(r));
    if (whole.size > 0) {
      const one = whole.size === 1;
      options.log?.(
        `${whole.size} rule${one ? "" : "s"} not joined by ${keyField} (the partition key) or with head/tail pipes ` +
          (options.wholeStream
            ? `${one ? "runs" : "run"} here over the whole stream, in stream order`
            : `${one ? "runs" : "run"} only in the worker that consumes the whole stream (--whole-stream)`),
      );
    }
    const worker =
      options.worker ??
      `${hostname()}-${[...options.partitions].sort((a, b) => a - b).join("+")}${options.wholeStream ? "+all" : ""}`;
    const shared: Shared = { options, layout, js, jsm, kv, worker, alertsSubject };
    const parts: Partition[] = [];
    try {
      for (const k of options.partitions) parts.push(await Partition.start(shared, k, partitioned));
      if (options.wholeStream && whole.size > 0) parts.push(await Partition.start(shared, "all", [...whole]));
    } catch (e) {
      for (const p of parts) await p.stop(false);
      throw e;
    }
    const done = Promise.all(parts.map((p) => p.loop())).then(
      async () => {
        await nc.drain();
      },
      async (e) => {
        for (const p of parts) await p.stop(false).catch(() => {});
        await nc.close();
        throw e;
      },
    );
    return { stats: () => parts.map((p) => p.stats), done };
  } catch (e) {
    await nc.close();
    throw e;
  }
}

interface Shared {
  readonly options: PartitionWorkerOptions;
  readonly layout: EventsLayout;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly kv: KV;
  readonly worker: string;
  readonly alertsSubject: string;
}

async function ensureAlertsStream(
  jsm: JetStreamManager,
  name: string,
  subject: string,
  windowMs: number,
): Promise<void> {
  try {
    const info = await jsm.streams.info(name);
    if (!info.config.subjects?.some((s) => s === `${subject}.>` || s === ">")) {
      throw new NatsSetupError(
        NatsSetupErrorCodes.LAYOUT_MISMATCH,
        `alerts stream ${name} does not take ${subject}.> (its subjects: ${(info.config.subjects ?? []).join(", ")})`,
      );
    }
  } catch (e) {
    if (e instanceof NatsSetupError) throw e;
    const { JetStreamApiCodes, JetStreamApiError } = await jetStreamModule();
    if (!(e instanceof JetStreamApiError && e.code === JetStreamApiCodes.StreamNotFound)) throw e;
    await jsm.streams.add({ name, subjects: [`${subject}.>`], duplicate_window: windowMs * 1_000_000 });
  }
}

/**
 * (Re)create partition `k`'s durable pull consumer so that it delivers the partition's events after
 * stream sequence `after`, whatever a previous owner acknowledged past it.
 */
async function createConsumer(shared: Shared, k: PartitionId, after: number): Promise<void> {
  const { layout, jsm, options } = shared;
  const name = consumerName(layout.stream, k);
  try {
    await jsm.consumers.delete(layout.stream, name);
  } catch {
    // There was none.
  }
  const { AckPolicy, DeliverPolicy } = await jetStreamModule();
  const batch = options.batch ?? DEFAULTS.batch;
  await jsm.consumers.add(layout.stream, {
    durable_name: name,
    filter_subject: k === "all" ? `${layout.subject}.>` : partitionFilter(layout, k),
    ack_policy: AckPolicy.All,
    ack_wait: 300_000_000_000,
    max_ack_pending: batch * 4,
    ...(after > 0
      ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: after + 1 }
      : { deliver_policy: DeliverPolicy.All }),
  });
}

/** A fetch given up (see `fetchBatch`). */
class FetchLostError extends Error {}

/**
 * One fetch: up to `max` messages, or fewer once `expires` ms have passed (or `signal` aborts). A
 * pull request can be lost with the connection (the server restarted); the client then waits for an
 * answer that never comes, so the fetch is given up half a minute after it should have ended, with
 * `FetchLostError` and none of its messages: the caller makes the consumer again, since the server
 * may still deliver to the request given up.
 */
async function fetchBatch(
  consumer: Consumer,
  max: number,
  expires: number,
  signal?: AbortSignal,
): Promise<JsMsg[]> {
  const messages: JsMsg[] = [];
  const fetched = await consumer.fetch({ max_messages: max, expires });
  const stop = () => fetched.stop();
  signal?.addEventListener("abort", stop, { once: true });
  let guard: ReturnType<typeof setTimeout> | undefined;
  const lost = new Promise<"lost">((resolve) => {
    guard = setTimeout(() => resolve("lost"), expires + 30_000);
  });
  const drained = (async () => {
    for await (const m of fetched) messages.push(m);
    return "done" as const;
  })();
  try {
    if ((await Promise.race([drained, lost])) === "lost") {
      fetched.stop();
      drained.catch(() => {});
      throw new FetchLostError(`no end to a fetch in ${expires + 30_000} ms`);
    }
  } finally {
    clearTimeout(guard);
    signal?.removeEventListener("abort", stop);
  }
  return messages;
}

/** A header's JSON text as a string, or undefined when absent or not a JSON string. */
function headerJson(text: string): string | undefined {
  if (text === "") return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === "string" ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The consumer no longer exists (JetStream API error 10014). */
function isConsumerGone(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { code?: unknown }).code === 10014;
}

/** One partition: its lease, rule set, consumer and checkpoints. */
class Partition {
  readonly stats: PartitionStats;
  private eventsSinceCheckpoint = 0;
  private lastEventAt = Date.now();
  private lastRenewal = Date.now();
  private stopped = false;
  private released = false;

  private constructor(
    private readonly shared: Shared,
    private readonly k: PartitionId,
    private readonly lease: Lease,
    private readonly set: CompiledRuleSet,
    private readonly store: CheckpointStore,
    restored: { seq: number; time: number } | null,
  ) {
    this.stats = {
      partition: k,
      events: 0,
      rejected: 0,
      skipped: 0,
      alerts: 0,
      duplicates: 0,
      lastSeq: restored?.seq ?? 0,
      lag: 0,
      checkpoints: 0,
      checkpointTime: restored?.time ?? 0,
      checkpointBytes: store.lastBytes,
      checkpointMs: 0,
      restoredFrom: restored ? restored.seq : null,
    };
  }

  static async start(shared: Shared, k: PartitionId, rules: readonly LoadedRule[]): Promise<Partition> {
    const { options, layout, kv, worker } = shared;
    const leaseMs = options.leaseMs ?? DEFAULTS.leaseMs;
    const lease = await Lease.acquire(
      kv,
      layout.stream,
      k,
      { worker, pid: process.pid, host: hostname() },
      { leaseMs },
    );
    try {
      const set = compileRules(rules, { ...options.ruleSet });
      const store = new CheckpointStore(kv, checkpointKey(layout.stream, k));
      const checkpoint = await store.load();
      if (checkpoint) set.restore(checkpoint.snapshot);
      const after = checkpoint?.seq ?? 0;
      await createConsumer(shared, k, after);
      options.log?.(
        checkpoint
          ? `partition ${k}: restored the checkpoint at stream sequence ${after} (${new Date(checkpoint.time).toISOString()})`
          : `partition ${k}: no checkpoint, starting from the beginning of the stream`,
      );
      return new Partition(
        shared,
        k,
        lease,
        set,
        store,
        checkpoint ? { seq: after, time: checkpoint.time } : null,
      );
    } catch (e) {
      await lease.release();
      throw e;
    }
  }

  /** Consume until stopped; the last batch is finished and checkpointed. */
  async loop(): Promise<void> {
    const { options, js, layout } = this.shared;
    const signal = options.signal;
    const batch = options.batch ?? DEFAULTS.batch;
    const idleAdvance = options.idleAdvanceMs ?? DEFAULTS.idleAdvanceMs;
    const leaseMs = options.leaseMs ?? DEFAULTS.leaseMs;
    const interval = options.checkpointIntervalMs ?? DEFAULTS.checkpointIntervalMs;
    const every = options.checkpointEvents ?? DEFAULTS.checkpointEvents;
    const name = consumerName(layout.stream, this.k);
    let consumer = await js.consumers.get(layout.stream, name);
    /** The consumer's delivery sequence of the last message this worker received. */
    let delivered = 0;
    let advanced = false;
    try {
      while (!signal?.aborted && !this.stopped) {
        const messages = await this.retry("fetching events", async () => {
          try {
            return await fetchBatch(
              consumer,
              batch,
              Math.max(1000, Math.min(idleAdvance || 1000, 5000)),
              signal,
            );
          } catch (e) {
            // The consumer was deleted under us (another worker took the partition over, as the
            // renewal says, or someone removed it), or a fetch was given up while the server may
            // still deliver to it: the consumer is made again after the last event evaluated, so
            // that no event is delivered where no one reads it.
            if (!isConsumerGone(e) && !(e instanceof FetchLostError)) throw e;
            await this.lease.renew();
            await createConsumer(this.shared, this.k, this.stats.lastSeq);
            consumer = await js.consumers.get(layout.stream, name);
            delivered = 0;
            throw e;
          }
        });
        const now = Date.now();
        const alerts: AlertDocument[] = [];
        // Made again after the last event evaluated, so that the rest is delivered at once and in order.
        const remake = async (why: string) => {
          this.shared.options.log?.(
            `partition ${this.k}: ${why}; the consumer is made again after stream sequence ${this.stats.lastSeq}`,
          );
          await this.retry("making the consumer again", async () => {
            await this.lease.renew();
            await createConsumer(this.shared, this.k, this.stats.lastSeq);
            consumer = await js.consumers.get(layout.stream, name);
          });
          delivered = 0;
        };
        const first = messages[0];
        if (first !== undefined && first.info.deliverySequence !== delivered + 1) {
          // Deliveries this worker never saw (to a fetch that ended before they came): they would
          // be acknowledged with the next batch unread. This batch is left for the consumer made again.
          await remake(`deliveries ${delivered + 1} to ${first.info.deliverySequence - 1} never arrived`);
          continue;
        }
        if (messages.length > 0) {
          advanced = false;
          this.lastEventAt = now;
          for (const m of messages) this.evaluate(m, alerts);
          const last = messages[messages.length - 1] as JsMsg;
          delivered = last.info.deliverySequence;
          this.stats.lag = last.info.pending;
        } else {
          const info = await this.retry("reading the consumer", () => consumer.info());
          this.stats.lag = info.num_pending;
          if (info.delivered.consumer_seq > delivered) {
            await remake(`deliveries ${delivered + 1} to ${info.delivered.consumer_seq} never arrived`);
            continue;
          }
          if (this.stats.lag > 0) {
            // Nothing came although events wait: the server holds deliveries whose acknowledgement
            // it lost (a restart) until they time out.
            await remake(`nothing delivered while ${this.stats.lag} events wait`);
            continue;
          }
          if (idleAdvance > 0 && !advanced && now - this.lastEventAt >= idleAdvance) {
            for (const a of this.set.advanceTo(now)) alerts.push(a);
            advanced = true;
          }
        }
        await this.retry("publishing alerts", () => this.publish(alerts));
        // Cumulative: acknowledges every message of the batch, now that their alerts are published.
        const last = messages[messages.length - 1];
        if (last) await this.retry("acknowledging", () => last.ackAck());
        if (
          this.eventsSinceCheckpoint >= every ||
          (now - this.stats.checkpointTime >= interval && this.eventsSinceCheckpoint > 0) ||
          (advanced && alerts.length > 0)
        ) {
          await this.retry("checkpointing", () => this.checkpoint());
        } else if (now - this.lastRenewal >= leaseMs / 3) {
          await this.retry("renewing the lease", async () => {
            await this.lease.renew();
            this.lastRenewal = Date.now();
          });
        }
      }
      await this.retry("checkpointing", () => this.stop(true));
    } catch (e) {
      if (e instanceof LeaseLostError) {
        this.stopped = true;
        options.log?.(e.message);
        return;
      }
      throw e;
    }
  }

  /**
   * `fn`, tried again with a growing pause (0.1 s to 5 s) while it fails, as while the server is
   * restarting or the connection is being made again. A lost lease ends it at once; once the worker
   * is asked to stop, it gives up after about half a minute.
   */
  private async retry<T>(what: string, fn: () => Promise<T>): Promise<T> {
    let pause = 100;
    let waited = 0;
    for (;;) {
      try {
        return await fn();
      } catch (e) {
        if (e instanceof LeaseLostError) throw e;
        if (this.shared.options.signal?.aborted && waited > 30_000) throw e;
        this.shared.options.log?.(
          `partition ${this.k}: ${what} failed (${e instanceof Error ? e.message : String(e)}); trying again in ${pause} ms`,
        );
        await new Promise((r) => setTimeout(r, pause));
        waited += pause;
        pause = Math.min(pause * 2, 5000);
      }
    }
  }

  private evaluate(m: JsMsg, alerts: AlertDocument[]): void {
    if (m.seq <= this.stats.lastSeq) {
      this.stats.skipped++;
      return;
    }
    this.stats.lastSeq = m.seq;
    let event: unknown;
    try {
      event = JSON.parse(m.string());
    } catch (e) {
      this.reject(m, `not JSON (${e instanceof Error ? e.message : String(e)})`);
      return;
    }
    if (typeof event !== "object" || event === null || Array.isArray(event)) {
      this.reject(
        m,
        `not a JSON object (${Array.isArray(event) ? "an array" : event === null ? "null" : typeof event})`,
      );
      return;
    }
    // A search hit's or _bulk action's _index and _id came in headers (see publish): the rules see the
    // document with them, as `run` does, so index patterns and alert ids agree.
    const headers = m.headers;
    if (headers !== undefined) {
      const index = headerJson(headers.get(INDEX_HEADER));
      const id = headerJson(headers.get(ID_HEADER));
      if (index !== undefined || id !== undefined) {
        setDocumentMeta(event, {
          ...(index === undefined ? {} : { index }),
          ...(id === undefined ? {} : { id }),
        });
      }
    }
    this.stats.events++;
    this.eventsSinceCheckpoint++;
    for (const a of this.set.push(event)) alerts.push(a);
  }

  private reject(m: JsMsg, reason: string): void {
    this.stats.rejected++;
    this.shared.options.onRejected?.({ partition: this.k, seq: m.seq, subject: m.subject, reason });
  }

  /** Publish alerts (the server's answers awaited, a bounded number at a time), then hand them on. */
  private async publish(alerts: readonly AlertDocument[]): Promise<void> {
    if (alerts.length === 0) return;
    const { js, alertsSubject, options } = this.shared;
    const WINDOW = 256;
    const fresh: AlertDocument[] = [];
    for (let i = 0; i < alerts.length; i += WINDOW) {
      const acks = await Promise.all(
        alerts.slice(i, i + WINDOW).map((a) =>
          js.publish(
            `${alertsSubject}.${subjectToken(String(a["kibana.alert.rule.rule_id"] ?? "rule"))}`,
            JSON.stringify(a),
            {
              msgID: String(a["kibana.alert.uuid"]),
            },
          ),
        ),
      );
      acks.forEach((ack, j) => {
        if (ack.duplicate) this.stats.duplicates++;
        else fresh.push(alerts[i + j] as AlertDocument);
      });
    }
    this.stats.alerts += alerts.length;
    if (fresh.length > 0) await options.onAlerts?.(fresh, this.k);
  }

  /** Renew the lease (so no one else owns the partition meanwhile), then write the state. */
  private async checkpoint(): Promise<void> {
    await this.lease.renew();
    this.lastRenewal = Date.now();
    const t0 = Date.now();
    await this.store.save(this.stats.lastSeq, this.set.snapshot(), t0);
    this.stats.checkpointMs += Date.now() - t0;
    this.stats.checkpoints++;
    this.stats.checkpointTime = t0;
    this.stats.checkpointBytes = this.store.lastBytes;
    this.eventsSinceCheckpoint = 0;
  }

  /** Stop: with `save`, write a last checkpoint; give the partition up. */
  async stop(save: boolean): Promise<void> {
    if (this.released) return;
    this.stopped = true;
    if (save) {
      await this.checkpoint();
      this.shared.options.log?.(
        `partition ${this.k}: checkpointed at stream sequence ${this.stats.lastSeq} and released`,
      );
    }
    this.released = true;
    await this.lease.release();
  }
}
