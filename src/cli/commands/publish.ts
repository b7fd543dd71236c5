/**
 * `mini-eql publish`: read events as `run` does and publish each one to a NATS JetStream stream,
 * under the subject of its partition and key (src/node/nats/layout.ts), waiting for the server to
 * acknowledge every message. The stream and its recorded layout are created when missing.
 */
import type { NatsConnection } from "../../node/nats/connection.js";
import {
  connectNats,
  ensureEventsStream,
  LAYOUT_BUCKET,
  layoutKey,
  NatsSetupError,
  readLayout,
} from "../../node/nats/connection.js";
import {
  DEFAULT_LAYOUT,
  type EventsLayout,
  eventRoute,
  ID_HEADER,
  INDEX_HEADER,
  layoutProblem,
} from "../../node/nats/layout.js";
import { documentMeta } from "../../rules/envelope.js";
import type { CliContext } from "../context.js";
import { ExitCode, ExitError, UsageError } from "../errors.js";
import { acceptedEvents, newCounters } from "../io/input.js";
import { plural, RejectReporter } from "../report.js";
import { resolveSources } from "../sources.js";
import { Progress, printable } from "../term.js";

/** Options of `mini-eql publish`. */
export interface PublishOptions {
  nats: string;
  stream?: string;
  subject?: string;
  partitions?: number;
  key?: string[];
  strict?: boolean;
  quiet?: boolean;
  maxLineBytes?: number;
}

/** Messages sent and not yet acknowledged, at most. */
const MAX_IN_FLIGHT = 1024;
/** Acknowledgements waited for together (see publishEvents). */
const IN_FLIGHT_GROUP = 256;

function describe(layout: EventsLayout): string {
  return `subjects ${layout.subject}.<partition>.<key>, ${plural(layout.partitions, "partition")}, key ${layout.keyFields.join(",")}`;
}

/** The layout asked for: the options given, the rest from the stream's recorded layout, else the defaults. */
async function wantedLayout(nc: NatsConnection, opts: PublishOptions): Promise<EventsLayout> {
  const stream = opts.stream ?? DEFAULT_LAYOUT.stream;
  let base: EventsLayout = { ...DEFAULT_LAYOUT, stream };
  try {
    base = await readLayout(nc, stream);
  } catch (e) {
    if (!(e instanceof NatsSetupError && e.code === "NATS_NO_STREAM")) throw e;
  }
  return {
    stream,
    subject: opts.subject ?? base.subject,
    partitions: opts.partitions ?? base.partitions,
    keyFields: opts.key ?? base.keyFields,
  };
}

/** Run `mini-eql publish`; resolves to the exit status. */
export async function publishCommand(
  files: readonly string[],
  opts: PublishOptions,
  ctx: CliContext,
): Promise<number> {
  const sources = resolveSources(files, ctx.stdin.isTTY);
  const asked: EventsLayout = {
    stream: opts.stream ?? DEFAULT_LAYOUT.stream,
    subject: opts.subject ?? DEFAULT_LAYOUT.subject,
    partitions: opts.partitions ?? DEFAULT_LAYOUT.partitions,
    keyFields: opts.key ?? DEFAULT_LAYOUT.keyFields,
  };
  const problem = layoutProblem(asked);
  if (problem !== undefined) throw new UsageError(problem);

  let nc: NatsConnection | undefined;
  try {
    nc = await connectNats(opts.nats, "mini-eql publish");
    const layout = await ensureEventsStream(nc, await wantedLayout(nc, opts), true);
    if (layout.created && !opts.quiet) {
      ctx.stderr.write(
        `created stream ${printable(layout.stream)} (${printable(describe(layout))}); ` +
          `layout recorded in key-value bucket ${LAYOUT_BUCKET}, key ${printable(layoutKey(layout.stream))}\n`,
      );
    }
    return await publishEvents(nc, layout, sources, opts, ctx);
  } catch (e) {
    if (!(e instanceof NatsSetupError)) throw e;
    ctx.stderr.write(`mini-eql: ${ctx.err.red("error:")} ${e.code}: ${printable(e.message)}\n`);
    throw new ExitError(ExitCode.FAILURE);
  } finally {
    // Everything acknowledged is in the stream; close without waiting on a server that went away.
    await nc?.close().catch(() => {});
  }
}

async function publishEvents(
  nc: NatsConnection,
  layout: EventsLayout,
  sources: readonly string[],
  opts: PublishOptions,
  ctx: CliContext,
): Promise<number> {
  const { jetstream } = await import("@nats-io/jetstream");
  const { headers } = await import("@nats-io/transport-node");
  const js = jetstream(nc);
  const counters = newCounters();
  const rejects = new RejectReporter(ctx.stderr, ctx.err, {
    strict: opts.strict === true,
    quiet: opts.quiet === true,
  });
  const progress = new Progress(ctx.stderr);
  const perPartition = new Array<number>(layout.partitions).fill(0);
  let published = 0;
  let failure: unknown;
  // The acknowledgements awaited, in groups of IN_FLIGHT_GROUP, oldest group first. Waiting for a
  // whole group before sending more lets the client write the next messages to the socket together
  // instead of one write per acknowledgement.
  const groups: Promise<void>[][] = [];
  let group: Promise<void>[] = [];
  const readOptions = opts.maxLineBytes === undefined ? {} : { maxLineBytes: opts.maxLineBytes };
  const expect = { expect: { streamName: layout.stream } };
  // The client makes two Error objects per message to keep the caller's stack for a timeout; their
  // stack traces were a quarter of the time spent publishing, and none is ever shown.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    for await (const r of acceptedEvents(sources, counters, ctx.stdin, readOptions, rejects, () =>
      progress.tick(counters),
    )) {
      if (failure !== undefined) break;
      const { subject, partition } = eventRoute(layout, r.event);
      // A hit's or _bulk action's _index and _id travel in headers, as run keeps them beside the document.
      const meta = documentMeta(r.event);
      let options: typeof expect & { headers?: ReturnType<typeof headers> } = expect;
      if (meta?.index !== undefined || meta?.id !== undefined) {
        const h = headers();
        if (meta.index !== undefined) h.set(INDEX_HEADER, JSON.stringify(meta.index));
        if (meta.id !== undefined) h.set(ID_HEADER, JSON.stringify(meta.id));
        options = { ...expect, headers: h };
      }
      group.push(
        js.publish(subject, JSON.stringify(r.event), options).then(
          () => {
            published++;
            perPartition[partition] = (perPartition[partition] ?? 0) + 1;
          },
          (e: unknown) => {
            failure ??= e;
          },
        ),
      );
      if (group.length === IN_FLIGHT_GROUP) {
        groups.push(group);
        group = [];
        if (groups.length * IN_FLIGHT_GROUP >= MAX_IN_FLIGHT) await Promise.all(groups.shift() ?? []);
      }
    }
    await Promise.all([...groups.flat(), ...group]);
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
    progress.clear();
  }
  rejects.finish();
  const counts = perPartition.map((n, k) => `${k}: ${n}`).join(", ");
  const summary =
    `published: ${plural(published, "event")} to ${printable(layout.stream)} over ` +
    `${plural(layout.partitions, "partition")} (per partition: ${counts}); ${counters.rejected} rejected\n`;
  if (failure !== undefined) {
    ctx.stderr.write(summary);
    const reason = failure instanceof Error ? failure.message : String(failure);
    ctx.stderr.write(
      `mini-eql: ${ctx.err.red("error:")} the server did not take an event (${printable(reason)}); ` +
        "the events counted above are in the stream\n",
    );
    throw new ExitError(ExitCode.FAILURE);
  }
  if (rejects.stopped) {
    ctx.stderr.write(summary);
    throw new ExitError(ExitCode.FAILURE, rejects.stoppedMessage());
  }
  if (!opts.quiet) {
    ctx.stderr.write(summary);
    if (rejects.unreadable > 0) {
      ctx.stderr.write(
        `input: ${plural(rejects.unreadable, "file", "files")} could not be read to the end (see above); the events read before were published\n`,
      );
    }
  }
  return rejects.unreadable > 0 ? ExitCode.FAILURE : ExitCode.OK;
}
