/**
 * Ownership of a partition: one worker at a time. The owner holds a key in the key-value bucket
 * (`owner.<stream>.<partition>`) and renews it; writes are compare-and-set on the key's revision, so
 * two workers can never both believe they own it. A worker that stopped cleanly deletes the key; one
 * that was killed leaves it, and another may take the partition over once the owner's last renewal is
 * older than the lease.
 */
import type { KV } from "@nats-io/kv";

/**
 * A partition of the events stream by number, or `"all"`: the whole stream, for the rules whose
 * sequences are not joined by the partition key (see `crossPartitionRules`).
 */
export type PartitionId = number | "all";

/** Who holds a partition. */
export interface Owner {
  readonly worker: string;
  readonly pid: number;
  readonly host: string;
  /** Last renewal (epoch ms, the owner's clock). */
  readonly renewed: number;
}

/** The partition is held by a live worker. */
export class PartitionOwnedError extends Error {
  readonly code = "NATS_PARTITION_OWNED";
  constructor(
    readonly partition: PartitionId,
    readonly owner: Owner,
  ) {
    super(
      `partition ${partition} is owned by worker ${owner.worker} (pid ${owner.pid} on ${owner.host}), ` +
        `renewed ${new Date(owner.renewed).toISOString()}: a partition is consumed by one worker at a time`,
    );
    this.name = "PartitionOwnedError";
  }
}

/** The lease was taken by another worker while this one held it (it was too slow to renew). */
export class LeaseLostError extends Error {
  readonly code = "NATS_LEASE_LOST";
  constructor(readonly partition: PartitionId) {
    super(`partition ${partition}: another worker took the partition over; this worker stops consuming it`);
    this.name = "LeaseLostError";
  }
}

export function ownerKey(stream: string, partition: PartitionId): string {
  return `owner.${stream}.${partition}`;
}

/** A held lease on one partition. */
export class Lease {
  private constructor(
    private readonly kv: KV,
    private readonly key: string,
    private readonly partition: PartitionId,
    private readonly me: Omit<Owner, "renewed">,
    private revision: number,
  ) {}

  /**
   * Take the partition when nobody holds it, when its holder's lease has run out (it stopped
   * renewing), or when the holder has this worker's name (an earlier run of the same worker, e.g.
   * killed and started again); else `PartitionOwnedError`.
   */
  static async acquire(
    kv: KV,
    stream: string,
    partition: PartitionId,
    me: Omit<Owner, "renewed">,
    options: { leaseMs: number; now?: () => number },
  ): Promise<Lease> {
    const now = options.now ?? Date.now;
    const key = ownerKey(stream, partition);
    for (;;) {
      const value = () => JSON.stringify({ ...me, renewed: now() } satisfies Owner);
      const entry = await kv.get(key);
      if (entry?.operation !== "PUT") {
        try {
          const revision = await kv.create(key, value());
          return new Lease(kv, key, partition, me, revision);
        } catch {
          continue; // someone else created it meanwhile: look again
        }
      }
      const owner = entry.json<Owner>();
      const age = now() - owner.renewed;
      if (age > options.leaseMs || owner.worker === me.worker) {
        try {
          const revision = await kv.update(key, value(), entry.revision);
          return new Lease(kv, key, partition, me, revision);
        } catch {
          continue;
        }
      }
      throw new PartitionOwnedError(partition, owner);
    }
  }

  /**
   * Renew; `LeaseLostError` when another worker has taken the partition (the key is not at the
   * revision this lease wrote). Other failures (the server unreachable for now) are thrown as they are.
   */
  async renew(now: number = Date.now()): Promise<void> {
    try {
      this.revision = await this.kv.update(
        this.key,
        JSON.stringify({ ...this.me, renewed: now } satisfies Owner),
        this.revision,
      );
    } catch (e) {
      if (isWrongRevision(e)) throw new LeaseLostError(this.partition);
      throw e;
    }
  }

  /** Give the partition up (a clean stop): the next worker need not wait. */
  async release(): Promise<void> {
    try {
      await this.kv.delete(this.key, { previousSeq: this.revision });
    } catch {
      // Taken over meanwhile: nothing of ours to release.
    }
  }
}

/** The server refused a compare-and-set: the key is at another revision (JetStream API error 10071). */
function isWrongRevision(e: unknown): boolean {
  return (
    typeof e === "object" &&
    e !== null &&
    ((e as { code?: unknown }).code === 10071 || /wrong last sequence/i.test(String((e as Error).message)))
  );
}
