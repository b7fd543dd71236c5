/**
 * Node-only entry of mini-eql: loading rules from directories and files, the ECS schema for
 * validation, rule fixtures, and the conformance runner for suite folders in Elasticsearch's EQL QA
 * layout (`suite.json`, spec TOML files, data and mappings), and `ParallelRuleSet`, which spreads a
 * rule set's rules over worker threads and reads its input as the command line does (plain
 * documents, search hits, `_search` responses or a `_bulk` body; `ChunkOutcome.shape` says which),
 * and the layout of events in a NATS JetStream stream with the calls that connect to a server and
 * set the stream up (the NATS clients are loaded only when one of those calls is made).
 */
import { compile } from "../compile.js";
import { type CliContext, runCli } from "./conformance/cli.js";
import { runSuite } from "./conformance/run.js";
import { loadSuite } from "./conformance/suite.js";
import type { CaseOutcome } from "./conformance/types.js";

export type { CliContext } from "./conformance/cli.js";
export type { CaseOutcome, ExpectedIds } from "./conformance/types.js";

/** Load a suite folder and run every case with the library's `compile`. */
export function runConformanceSuite(suiteDir: string): CaseOutcome[] {
  return runSuite(loadSuite(suiteDir), compile);
}

/** The conformance command line with the library's `compile`; resolves to the exit status. */
export function conformanceMain(
  argv: readonly string[],
  options: Omit<CliContext, "compile">,
): Promise<number> {
  return runCli(argv, { ...options, compile });
}
export {
  BUILTIN_FIELD_MAPS,
  FieldMapError,
  FieldMapErrorCodes,
  parseFieldMap,
  readFieldMap,
} from "./field-map.js";
export {
  describeShape,
  type InputLayout,
  type InputShape,
  type SourceShape,
} from "./input/shapes.js";
export {
  connectNats,
  ensureEventsStream,
  LAYOUT_BUCKET,
  layoutKey,
  type NatsConnection,
  NatsSetupError,
  type NatsSetupErrorCode,
  NatsSetupErrorCodes,
  readLayout,
} from "./nats/connection.js";
export {
  DEFAULT_LAYOUT,
  type EventRoute,
  type EventsLayout,
  eventRoute,
  eventSubject,
  ID_HEADER,
  INDEX_HEADER,
  keyToken,
  layoutProblem,
  partitionFilter,
  partitionOf,
  subjectToken,
} from "./nats/layout.js";
export { LeaseLostError, type Owner, PartitionOwnedError } from "./nats/lease.js";
export {
  type AlertsTarget,
  consumerName,
  crossPartitionRules,
  type PartitionStats,
  type PartitionWorker,
  type PartitionWorkerOptions,
  runPartitionWorker,
} from "./nats/worker.js";
export {
  type ChunkOutcome,
  ParallelRuleSet,
  type ParallelRuleSetOptions,
  type RejectedRecord,
  WorkerError,
} from "./parallel/rule-set.js";
export * from "./rules/index.js";
