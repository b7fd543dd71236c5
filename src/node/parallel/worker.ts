/**
 * A rule worker thread: compiles its share of the rules and the partitioned rules (`RuleShard`) and
 * answers each operation it is sent, in order, with the shard's result or the error that stopped it.
 */
import { deserialize } from "node:v8";
import { parentPort, workerData } from "node:worker_threads";
import type { WorkerSetup } from "./protocol.js";
import { fromSource, RuleShard, type RuleSource, type ShardOp, sendableReports } from "./shard.js";

const port = parentPort;
if (!port) throw new Error("this module runs as a worker thread");
const setup = workerData as WorkerSetup;
const rules = (bytes: Uint8Array | undefined) =>
  bytes ? (deserialize(bytes) as RuleSource[]).map(fromSource) : [];
const shard = new RuleShard(rules(setup.rules), rules(setup.partRules), setup.shard);
port.on("message", (op: ShardOp) => {
  try {
    const result = shard.handle(op);
    port.postMessage({
      result:
        result && "reports" in result
          ? {
              ...result,
              reports: sendableReports(result.reports),
              ...(result.partReports ? { partReports: sendableReports(result.partReports) } : {}),
            }
          : result,
    });
  } catch (e) {
    port.postMessage({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
});
