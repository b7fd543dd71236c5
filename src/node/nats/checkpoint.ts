/**
 * Checkpoints of a partition worker in a JetStream key-value bucket: the rule set's snapshot and the
 * last stream sequence it has evaluated, written so that a crash at any moment leaves either the old
 * checkpoint or the new one, never a mixture.
 *
 * A snapshot can be larger than one message may be (the server's `max_payload`, 1 MiB by default), so
 * it is gzipped and cut into chunks under keys of a new generation
 * (`checkpoint.<stream>.<partition>.g<generation>.<i>`); only then is the manifest
 * (`checkpoint.<stream>.<partition>`) replaced to point at them, and the previous generation's chunks
 * are deleted. A reader follows the manifest, so it never sees chunks of a generation that was not
 * finished.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import type { KV } from "@nats-io/kv";
import type { RuleSetSnapshot } from "../../rules/rule-set-snapshot.js";
import type { PartitionId } from "./lease.js";

/** What a checkpoint holds. */
export interface Checkpoint {
  /** The last stream sequence the snapshot has evaluated (0: none). */
  readonly seq: number;
  readonly snapshot: RuleSetSnapshot;
  /** When it was written (epoch ms). */
  readonly time: number;
}

interface Manifest {
  readonly version: 1;
  readonly seq: number;
  readonly time: number;
  readonly generation: number;
  readonly chunks: number;
  readonly bytes: number;
}

/** Chunks stay well under the default 1 MiB message limit, headers included. */
const CHUNK_BYTES = 512 * 1024;

/** The manifest key of a partition's checkpoint. */
export function checkpointKey(stream: string, partition: PartitionId): string {
  return `checkpoint.${stream}.${partition}`;
}

/** Reads and writes one partition's checkpoints. */
export class CheckpointStore {
  private generation = 0;
  private chunks = 0;
  /** Bytes of the last checkpoint written or read (gzipped). */
  lastBytes = 0;

  constructor(
    private readonly kv: KV,
    private readonly key: string,
  ) {}

  /** The checkpoint in force, or null when the partition has none. */
  async load(): Promise<Checkpoint | null> {
    const entry = await this.kv.get(this.key);
    if (entry?.operation !== "PUT" || entry.length === 0) return null;
    const manifest = entry.json<Manifest>();
    if (manifest.version !== 1)
      throw new Error(`${this.key}: checkpoint format ${String(manifest.version)} is not known`);
    const parts: Uint8Array[] = [];
    for (let i = 0; i < manifest.chunks; i++) {
      const chunk = await this.kv.get(`${this.key}.g${manifest.generation}.${i}`);
      if (chunk?.operation !== "PUT")
        throw new Error(`${this.key}: chunk ${i} of generation ${manifest.generation} is missing`);
      parts.push(chunk.value);
    }
    const snapshot = JSON.parse(gunzipSync(Buffer.concat(parts)).toString("utf8")) as RuleSetSnapshot;
    this.generation = manifest.generation;
    this.chunks = manifest.chunks;
    this.lastBytes = manifest.bytes;
    return { seq: manifest.seq, snapshot, time: manifest.time };
  }

  /** Write a new checkpoint; resolves once the manifest points at it. */
  async save(seq: number, snapshot: RuleSetSnapshot, time: number): Promise<void> {
    const bytes = gzipSync(JSON.stringify(snapshot));
    const generation = this.generation + 1;
    const chunks = Math.max(1, Math.ceil(bytes.length / CHUNK_BYTES));
    for (let i = 0; i < chunks; i++) {
      await this.kv.put(
        `${this.key}.g${generation}.${i}`,
        bytes.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES),
      );
    }
    const manifest: Manifest = { version: 1, seq, time, generation, chunks, bytes: bytes.length };
    await this.kv.put(this.key, JSON.stringify(manifest));
    const old = { generation: this.generation, chunks: this.chunks };
    this.generation = generation;
    this.chunks = chunks;
    this.lastBytes = bytes.length;
    // The previous generation is no longer reachable; purge it so the bucket holds one snapshot.
    for (let i = 0; i < old.chunks; i++) await this.kv.purge(`${this.key}.g${old.generation}.${i}`);
  }
}
