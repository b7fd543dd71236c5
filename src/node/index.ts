/** Node-only entry of mini-eql: the conformance runner over suite folders in Elasticsearch's layout. */
import { compile } from "../compile.js";
import { type CliContext, runCli } from "./conformance/cli.js";
import { runSuite } from "./conformance/run.js";
import { loadSuite } from "./conformance/suite.js";
import type { CaseOutcome } from "./conformance/types.js";

export { type CliContext, parseArgs, runCli } from "./conformance/cli.js";
export {
  collectIds,
  collectJoinKeys,
  idsMatch,
  joinKeysMatch,
  judge,
  renderKey,
} from "./conformance/compare.js";
export { parseJsonExact } from "./conformance/json.js";
export {
  decideRatchet,
  type KnownEntry,
  type KnownFailures,
  parseKnownFailures,
  type RatchetDecision,
  updateKnownFailures,
} from "./conformance/known.js";
export { mergeMappings, parseMappingText } from "./conformance/mapping.js";
export { formatReport } from "./conformance/report.js";
export { runCase, runSuite } from "./conformance/run.js";
export { loadSuite, parseEvents, parseSpecCases } from "./conformance/suite.js";
export { applyTransform, filetimeToEpochMillis, nanosToIso } from "./conformance/transforms.js";
export type {
  CaseOutcome,
  CompileFn,
  ExpectedIds,
  LoadedDataset,
  LoadedSpec,
  LoadedSuite,
  SuiteCase,
  SuiteDefaults,
} from "./conformance/types.js";

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
export * from "./rules/index.js";
