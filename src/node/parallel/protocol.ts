/** What a `ParallelRuleSet` and its worker threads send each other. */
import type { ShardReply, ShardSetup } from "./shard.js";

/** A worker's start-up data (`workerData`). */
export interface WorkerSetup {
  /** The worker's whole rules as `RuleSource`s, serialized with `v8.serialize`. */
  readonly rules: Uint8Array;
  /** The partitioned rules (when events are shared out), the same way. */
  readonly partRules?: Uint8Array;
  readonly shard: ShardSetup;
}

/** A worker's answer to one operation: the shard's result, or the error that stopped it. */
export type WorkerReply = { readonly result: ShardReply } | { readonly error: string };
