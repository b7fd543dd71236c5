/**
 * `mini-eql run --nats URL --partition K/N`: the rules as a partition worker of a NATS JetStream
 * deployment (src/node/nats/worker.ts) instead of over files. Alerts go to the alerts stream (and to
 * stdout with --print); SIGINT/SIGTERM finish the batch in hand, checkpoint every partition and exit 0;
 * --metrics serves Prometheus text at /metrics.
 */
import { createServer, type Server } from "node:http";
import type { LoadedRule } from "../../index.js";
import { NatsSetupError } from "../../node/nats/connection.js";
import { PartitionOwnedError } from "../../node/nats/lease.js";
import { type PartitionStats, runPartitionWorker } from "../../node/nats/worker.js";
import type { CliContext } from "../context.js";
import { ExitCode, ExitError, UsageError } from "../errors.js";
import { alertWriter } from "../io/alerts.js";
import { exitOnBrokenPipe, Output } from "../io/output.js";
import { plural } from "../report.js";
import { stopOnSignals } from "../signals.js";
import { outputWidth, printable } from "../term.js";
import type { RunOptions } from "./run.js";

/** The options of `run` that apply to a worker. */
export type NatsRunOptions = Pick<
  RunOptions,
  | "partition"
  | "stream"
  | "alertsStream"
  | "alertsSubject"
  | "checkpointEvents"
  | "checkpointInterval"
  | "idleAdvance"
  | "lease"
  | "workerName"
  | "metrics"
  | "batch"
  | "wholeStream"
  | "print"
  | "quiet"
  | "space"
  | "lateness"
  | "memoryBudget"
  | "maxSignals"
  | "alert"
  | "format"
> & { nats: string };

/** `K/N` (one partition of N) or `K,L,.../N`. */
export function parsePartitions(specs: readonly string[]): { partitions: number[]; of: number } {
  let of: number | undefined;
  const partitions: number[] = [];
  for (const spec of specs) {
    const m = /^(\d+(?:,\d+)*)\/(\d+)$/.exec(spec.trim());
    if (!m) throw new UsageError(`--partition expects K/N (e.g. 0/6) or K,L/N, not ${JSON.stringify(spec)}`);
    const n = Number(m[2]);
    if (n < 1) throw new UsageError(`--partition ${spec}: N must be at least 1`);
    if (of !== undefined && of !== n)
      throw new UsageError(`--partition: every partition must be of the same N (${of} and ${n})`);
    of = n;
    for (const k of (m[1] as string).split(",").map(Number)) {
      if (k >= n) throw new UsageError(`--partition ${spec}: K must be below N`);
      if (!partitions.includes(k)) partitions.push(k);
    }
  }
  if (of === undefined)
    throw new UsageError(
      "--nats needs --partition K/N (which partitions this worker consumes) or --whole-stream",
    );
  return { partitions, of };
}

/** `HOST:PORT` or `PORT` (on 127.0.0.1). */
function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:(.+):)?(\d+)$/.exec(text);
  const port = m ? Number(m[2]) : Number.NaN;
  if (!m || port > 65535)
    throw new UsageError(`--metrics expects HOST:PORT or PORT, not ${JSON.stringify(text)}`);
  return { host: m[1] ?? "127.0.0.1", port };
}

/** Prometheus text exposition of the worker's figures. */
export function metricsText(stats: readonly PartitionStats[], now: number): string {
  const lines: string[] = [];
  const metric = (
    name: string,
    help: string,
    type: "counter" | "gauge",
    value: (s: PartitionStats) => number,
  ) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const s of stats) lines.push(`${name}{partition="${s.partition}"} ${value(s)}`);
  };
  metric("mini_eql_events_total", "Events evaluated.", "counter", (s) => s.events);
  metric("mini_eql_rejected_total", "Messages that were not JSON objects.", "counter", (s) => s.rejected);
  metric(
    "mini_eql_redelivered_skipped_total",
    "Messages delivered again and skipped.",
    "counter",
    (s) => s.skipped,
  );
  metric("mini_eql_alerts_total", "Alerts published.", "counter", (s) => s.alerts);
  metric(
    "mini_eql_alerts_duplicate_total",
    "Alerts the server already had (dropped by id).",
    "counter",
    (s) => s.duplicates,
  );
  metric("mini_eql_lag_messages", "Messages of the partition not yet delivered.", "gauge", (s) => s.lag);
  metric("mini_eql_last_sequence", "Last stream sequence evaluated.", "gauge", (s) => s.lastSeq);
  metric("mini_eql_checkpoints_total", "Checkpoints written.", "counter", (s) => s.checkpoints);
  metric(
    "mini_eql_checkpoint_age_seconds",
    "Seconds since the last checkpoint was written or restored (-1: none yet).",
    "gauge",
    (s) => (s.checkpointTime === 0 ? -1 : (now - s.checkpointTime) / 1000),
  );
  metric(
    "mini_eql_checkpoint_bytes",
    "Gzipped size of the last checkpoint.",
    "gauge",
    (s) => s.checkpointBytes,
  );
  return `${lines.join("\n")}\n`;
}

export async function runOnNats(
  rules: readonly LoadedRule[],
  opts: NatsRunOptions,
  ctx: CliContext,
): Promise<number> {
  const { partitions, of } =
    opts.wholeStream && (opts.partition ?? []).length === 0
      ? { partitions: [], of: undefined }
      : parsePartitions(opts.partition ?? []);
  const listen = opts.metrics === undefined ? undefined : parseListen(opts.metrics);
  if (opts.print && ctx.stdout === process.stdout) exitOnBrokenPipe();
  const out = new Output(ctx.stdout);
  const writer = opts.print
    ? alertWriter(
        opts.format ?? (ctx.stdout.isTTY ? "table" : "ndjson"),
        out,
        rules,
        outputWidth(ctx.stdout, ctx.env),
      )
    : null;
  const log = (line: string) => {
    if (!opts.quiet) ctx.stderr.write(`${printable(line)}\n`);
  };
  const stop = stopOnSignals();
  let server: Server | undefined;
  // The NATS client makes two Error objects per request to keep the caller's stack for a timeout;
  // their stack traces cost a large share of publishing alerts, and none is ever shown here.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    const worker = await runPartitionWorker({
      url: opts.nats,
      ...(opts.stream === undefined ? {} : { stream: opts.stream }),
      partitions,
      ...(of === undefined ? {} : { of }),
      ...(opts.wholeStream ? { wholeStream: true } : {}),
      rules,
      ruleSet: {
        spaceId: opts.space,
        lateness: opts.lateness ?? 0,
        ...(opts.memoryBudget === undefined ? {} : { memoryBudget: opts.memoryBudget * 1024 * 1024 }),
        ...(opts.maxSignals === undefined
          ? {}
          : { maxSignals: opts.maxSignals === 0 ? Number.POSITIVE_INFINITY : opts.maxSignals }),
        ...(opts.alert === undefined ? {} : { alertFields: opts.alert }),
      },
      alerts: {
        ...(opts.alertsStream === undefined ? {} : { stream: opts.alertsStream }),
        ...(opts.alertsSubject === undefined ? {} : { subject: opts.alertsSubject }),
      },
      ...(opts.checkpointEvents === undefined ? {} : { checkpointEvents: opts.checkpointEvents }),
      ...(opts.checkpointInterval === undefined ? {} : { checkpointIntervalMs: opts.checkpointInterval }),
      ...(opts.idleAdvance === undefined ? {} : { idleAdvanceMs: opts.idleAdvance }),
      ...(opts.lease === undefined ? {} : { leaseMs: opts.lease }),
      ...(opts.batch === undefined ? {} : { batch: opts.batch }),
      ...(opts.workerName === undefined ? {} : { worker: opts.workerName }),
      signal: stop.signal,
      log,
      onRejected: (r) =>
        ctx.stderr.write(
          `${printable(`partition ${r.partition}, stream sequence ${r.seq} (${r.subject})`)}: warning: ${printable(r.reason)}\n`,
        ),
      ...(writer
        ? {
            onAlerts: async (alerts) => {
              for (const a of alerts) await writer.write(a);
              await out.flush();
            },
          }
        : {}),
    });
    const running = worker.stats().map((s) => s.partition);
    const numbered = running.filter((k) => k !== "all");
    const shares = [
      ...(numbered.length > 0
        ? [`partition${numbered.length > 1 ? "s" : ""} ${numbered.join(", ")} of ${of}`]
        : []),
      ...(running.includes("all") ? ["the whole stream"] : []),
    ];
    log(`worker: consuming ${shares.join(" and ")} from ${opts.nats}; SIGTERM checkpoints and stops`);
    if (listen) {
      server = createServer((req, res) => {
        if (req.url === "/metrics") {
          res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
          res.end(metricsText(worker.stats(), Date.now()));
        } else {
          res.writeHead(404).end();
        }
      });
      const s = server;
      await new Promise<void>((resolve, reject) => {
        s.once("error", reject);
        s.listen(listen.port, listen.host, () => resolve());
      });
      const address = s.address();
      log(
        `metrics: http://${listen.host}:${typeof address === "object" && address ? address.port : listen.port}/metrics`,
      );
    }
    await worker.done;
    await writer?.end();
    if (!opts.quiet) {
      for (const s of worker.stats()) {
        log(
          `partition ${s.partition}: ${s.events} events evaluated (${s.rejected} rejected, ${s.skipped} delivered again and skipped), ` +
            `${plural(s.alerts, "alert")} published (${s.duplicates} already there), last stream sequence ${s.lastSeq}, ` +
            `${plural(s.checkpoints, "checkpoint")} (${s.checkpointMs} ms in all, the last ${(s.checkpointBytes / 1024).toFixed(1)} KiB gzipped)`,
        );
      }
      const stoppedBy = stop.stoppedBy();
      if (stoppedBy !== null) log(`stopped by ${stoppedBy}: every partition checkpointed`);
    }
    return ExitCode.OK;
  } catch (e) {
    if (e instanceof NatsSetupError || e instanceof PartitionOwnedError)
      throw new ExitError(ExitCode.FAILURE, `${e.code}: ${e.message}`);
    throw e;
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
    server?.close();
    stop.release();
  }
}
