/**
 * Connecting to a NATS server and setting up the events stream. The NATS clients are loaded here
 * with `import()` when first needed, so nothing else pays for them.
 */
import type { NatsConnection } from "@nats-io/transport-node";
import { type EventsLayout, layoutProblem } from "./layout.js";
import { jetStreamModule, kvModule, transportModule } from "./modules.js";

/** A connection to a NATS server, as the official client (@nats-io/transport-node) makes it. */
export type { NatsConnection } from "@nats-io/transport-node";

/** The stable codes of `NatsSetupError`. */
export const NatsSetupErrorCodes = {
  /** No server answered at the URL. */
  UNREACHABLE: "NATS_UNREACHABLE",
  /** The server answered but JetStream is not enabled on it (or not for this account). */
  NO_JETSTREAM: "NATS_NO_JETSTREAM",
  /** The events stream (or its recorded layout) is missing and creating it was not asked. */
  NO_STREAM: "NATS_NO_STREAM",
  /** An existing stream or recorded layout disagrees with the options. */
  LAYOUT_MISMATCH: "NATS_LAYOUT_MISMATCH",
} as const;

/** One of `NatsSetupErrorCodes`. */
export type NatsSetupErrorCode = (typeof NatsSetupErrorCodes)[keyof typeof NatsSetupErrorCodes];

/** A server that cannot be used as asked: its `code` is one of `NatsSetupErrorCodes`, its message says what to do. */
export class NatsSetupError extends Error {
  constructor(
    readonly code: NatsSetupErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "NatsSetupError";
  }
}

/** The key-value bucket that holds each stream's layout. */
export const LAYOUT_BUCKET = "mini_eql";

/** The key of a stream's layout in `LAYOUT_BUCKET`. */
export function layoutKey(stream: string): string {
  return `layout.${stream}`;
}

/** How long connecting may take before the server is called unreachable (ms). */
const CONNECT_TIMEOUT_MS = 5000;

/** The URL as it may be shown: a user name, password or token in it replaced by `***`. */
function shownUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/)?[^/@]*@/i, (_, scheme: string | undefined) => `${scheme ?? ""}***@`);
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Connect to the server at `url` (`nats://host:port`, or `host:port`) under the client `name`,
 * giving up after 5 seconds. The connection reconnects by itself when the server goes away later
 * (with `reconnectForever`, without end, with a growing pause between tries).
 * Throws `NatsSetupError` `NATS_UNREACHABLE` (saying the URL, without any credentials in it) when
 * no server answers there.
 */
export async function connectNats(
  url: string,
  name: string,
  options: { reconnectForever?: boolean } = {},
): Promise<NatsConnection> {
  const { connect } = await transportModule();
  try {
    if (!options.reconnectForever) return await connect({ servers: url, name, timeout: CONNECT_TIMEOUT_MS });
    // A long-lived worker: reconnect without end, waiting longer after each failed try (0.25 s
    // doubling to 8 s, with up to a quarter more at random so that many workers do not return at
    // once), and from 0.25 s again once connected.
    let pause = 250;
    const nc = await connect({
      servers: url,
      name,
      timeout: CONNECT_TIMEOUT_MS,
      maxReconnectAttempts: -1,
      waitOnFirstConnect: false,
      reconnectDelayHandler: () => {
        const wait = pause * (1 + Math.random() / 4);
        pause = Math.min(pause * 2, 8000);
        return wait;
      },
    });
    void (async () => {
      for await (const status of nc.status()) if (status.type === "reconnect") pause = 250;
    })();
    return nc;
  } catch (e) {
    throw new NatsSetupError(
      NatsSetupErrorCodes.UNREACHABLE,
      `no NATS server answered at ${shownUrl(url)} (${messageOf(e)}): start one with JetStream on ` +
        "(nats-server -js -sd DIR -a 127.0.0.1) or give the address of a running one",
      { cause: e },
    );
  }
}

/** The server's error code for a new stream whose subjects overlap an existing stream's. */
const STREAM_SUBJECT_OVERLAP = 10065;

type JetStreamModule = typeof import("@nats-io/jetstream");

/** True for the server's "stream not found" answer. */
function notFound(js: JetStreamModule, e: unknown): boolean {
  return e instanceof js.JetStreamApiError && e.code === js.JetStreamApiCodes.StreamNotFound;
}

async function manager(nc: NatsConnection) {
  const js = await jetStreamModule();
  try {
    return { js, jsm: await js.jetstreamManager(nc) };
  } catch (e) {
    throw new NatsSetupError(
      NatsSetupErrorCodes.NO_JETSTREAM,
      `the NATS server at ${nc.getServer()} has no JetStream (${messageOf(e)}): start it with -js (and -sd DIR for its storage)`,
      { cause: e },
    );
  }
}

/** The layout text recorded in the bucket. */
function recordOf(layout: EventsLayout): string {
  return JSON.stringify({
    subject: layout.subject,
    partitions: layout.partitions,
    keyFields: layout.keyFields,
  });
}

/** A layout as it reads in messages. */
function describe(layout: EventsLayout): string {
  return `subjects ${layout.subject}.>, ${layout.partitions} partitions, key ${layout.keyFields.join(",")}`;
}

/** Parse a recorded layout; a record that is not one is a mismatch (someone else wrote the key). */
function parseRecord(stream: string, text: string): EventsLayout {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    v = undefined;
  }
  const o = v as { subject?: unknown; partitions?: unknown; keyFields?: unknown } | undefined;
  const layout =
    o && typeof o === "object"
      ? { stream, subject: o.subject, partitions: o.partitions, keyFields: o.keyFields }
      : undefined;
  if (
    !layout ||
    typeof layout.subject !== "string" ||
    typeof layout.partitions !== "number" ||
    !Array.isArray(layout.keyFields) ||
    !layout.keyFields.every((f) => typeof f === "string") ||
    layoutProblem(layout as EventsLayout) !== undefined
  ) {
    throw new NatsSetupError(
      NatsSetupErrorCodes.LAYOUT_MISMATCH,
      `the layout recorded for stream ${stream} (bucket ${LAYOUT_BUCKET}, key ${layoutKey(stream)}) is not one: ${JSON.stringify(text.slice(0, 200))}`,
    );
  }
  return Object.freeze({ ...(layout as EventsLayout), keyFields: Object.freeze([...layout.keyFields]) });
}

function sameLayout(a: EventsLayout, b: EventsLayout): boolean {
  return (
    a.subject === b.subject &&
    a.partitions === b.partitions &&
    a.keyFields.length === b.keyFields.length &&
    a.keyFields.every((f, i) => f === b.keyFields[i])
  );
}

/**
 * Create the events stream (file storage, subjects [`${subject}.>`]) and record the layout in the
 * KV bucket "mini_eql" under key `layout.<stream>` (JSON: subject, partitions, keyFields), or attach to
 * existing ones and check they agree (NATS_LAYOUT_MISMATCH otherwise). With create=false a missing
 * stream is NATS_NO_STREAM. Returns the layout in force, and whether the stream was created by
 * this call in `created` (not part of the layout).
 *
 * An existing stream agrees when it holds `${subject}.>` among its subjects; an existing record
 * when its subject, partitions and key fields are the same. A stream that exists without a record
 * (made by hand) gets one. Throws `NatsSetupError`: NATS_NO_JETSTREAM, NATS_NO_STREAM,
 * NATS_LAYOUT_MISMATCH (saying both layouts); a layout that is not valid is a `RangeError`.
 */
export async function ensureEventsStream(
  nc: NatsConnection,
  layout: EventsLayout,
  create: boolean,
): Promise<EventsLayout & { readonly created?: boolean }> {
  const problem = layoutProblem(layout);
  if (problem !== undefined) throw new RangeError(problem);
  const { js, jsm } = await manager(nc);
  const subjects = `${layout.subject}.>`;
  let created = false;
  try {
    const info = await jsm.streams.info(layout.stream);
    const has = info.config.subjects ?? [];
    if (!has.includes(subjects)) {
      throw new NatsSetupError(
        NatsSetupErrorCodes.LAYOUT_MISMATCH,
        `stream ${layout.stream} exists with subjects ${has.join(", ") || "(none)"}, not ${subjects} as asked`,
      );
    }
  } catch (e) {
    if (!notFound(js, e)) throw e;
    if (!create) {
      throw new NatsSetupError(
        NatsSetupErrorCodes.NO_STREAM,
        `stream ${layout.stream} does not exist on ${nc.getServer()}: publish events to create it`,
      );
    }
    try {
      await jsm.streams.add({
        name: layout.stream,
        subjects: [subjects],
        storage: js.StorageType.File,
      });
    } catch (e) {
      if (!(e instanceof js.JetStreamApiError && e.code === STREAM_SUBJECT_OVERLAP)) throw e;
      const owner = await jsm.streams.find(`${layout.subject}.0._`).catch(() => undefined);
      throw new NatsSetupError(
        NatsSetupErrorCodes.LAYOUT_MISMATCH,
        `stream ${layout.stream} cannot be created with subjects ${subjects}: they overlap those of ` +
          `${owner ? `stream ${owner}` : "another stream"}; choose another subject prefix, or use that stream`,
        { cause: e },
      );
    }
    created = true;
  }
  const { Kvm } = await kvModule();
  const kv = await new Kvm(nc).create(LAYOUT_BUCKET);
  const key = layoutKey(layout.stream);
  const wanted: EventsLayout = Object.freeze({
    stream: layout.stream,
    subject: layout.subject,
    partitions: layout.partitions,
    keyFields: Object.freeze([...layout.keyFields]),
  });
  for (;;) {
    const entry = await kv.get(key);
    if (entry && entry.operation === "PUT") {
      const recorded = parseRecord(layout.stream, entry.string());
      if (!sameLayout(recorded, wanted)) {
        throw new NatsSetupError(
          NatsSetupErrorCodes.LAYOUT_MISMATCH,
          `stream ${layout.stream} is laid out as ${describe(recorded)}; asked for ${describe(wanted)}`,
        );
      }
      return created ? { ...recorded, created } : recorded;
    }
    try {
      // create() fails when another process recorded a layout first: read theirs and compare.
      await kv.create(key, recordOf(wanted));
      return created ? { ...wanted, created } : wanted;
    } catch (e) {
      const again = await kv.get(key);
      if (again?.operation !== "PUT") throw e;
    }
  }
}

/** The recorded layout of `stream` (for workers), or NATS_NO_STREAM. */
export async function readLayout(nc: NatsConnection, stream: string): Promise<EventsLayout> {
  const { js, jsm } = await manager(nc);
  const missing = (why: string) =>
    new NatsSetupError(
      NatsSetupErrorCodes.NO_STREAM,
      `stream ${stream} ${why} on ${nc.getServer()}: publish events to create it`,
    );
  // The stream, then the bucket (a KV bucket is the stream KV_<bucket>).
  for (const [name, why] of [
    [stream, "does not exist"],
    [`KV_${LAYOUT_BUCKET}`, "has no recorded layout"],
  ] as const) {
    try {
      await jsm.streams.info(name);
    } catch (e) {
      if (notFound(js, e)) throw missing(why);
      throw e;
    }
  }
  const { Kvm } = await kvModule();
  const entry = await (await new Kvm(nc).open(LAYOUT_BUCKET)).get(layoutKey(stream));
  if (entry?.operation !== "PUT") throw missing("has no recorded layout");
  return parseRecord(stream, entry.string());
}
