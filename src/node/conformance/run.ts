/** Evaluating every case of a loaded suite with a compile function. */
import type { CompileOptions, RunOptions } from "../../types.js";
import { collectIds, collectJoinKeys, judge } from "./compare.js";
import type { CaseOutcome, CompileFn, LoadedSpec, LoadedSuite, SuiteCase, SuiteDefaults } from "./types.js";

/** Render a thrown value as `CODE: message` (code when it has one). */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" ? `${code}: ${error.message}` : `${error.name}: ${error.message}`;
  }
  return `thrown: ${String(error)}`;
}

/** The compile and run options of one case. */
export function caseOptions(
  defaults: SuiteDefaults,
  spec: LoadedSpec,
  c: SuiteCase,
): { compile: CompileOptions; run: RunOptions } {
  const compile: CompileOptions = {};
  if (defaults.eventCategoryField !== undefined) compile.eventCategoryField = defaults.eventCategoryField;
  if (defaults.timestampField !== undefined) compile.timestampField = defaults.timestampField;
  if (spec.dataset.tiebreakerField !== undefined) compile.tiebreakerField = spec.dataset.tiebreakerField;
  if (spec.dataset.mapping !== undefined) {
    compile.mapping = spec.dataset.mapping;
    // The suite's mappings list a few fields; Elasticsearch maps the others dynamically as the
    // data is indexed, so a field outside the mapping is not an unknown column there.
    compile.allowUnknownFields = true;
  }
  const size = c.size ?? defaults.size;
  const run: RunOptions = {};
  if (size !== undefined) {
    compile.size = size;
    run.size = size;
  }
  if (c.maxSamplesPerKey !== undefined) run.maxSamplesPerKey = c.maxSamplesPerKey;
  return { compile, run };
}

/** Compile, run and judge one case. */
export function runCase(
  compile: CompileFn,
  defaults: SuiteDefaults,
  spec: LoadedSpec,
  c: SuiteCase,
): CaseOutcome {
  const options = caseOptions(defaults, spec, c);
  const outcome = (
    status: CaseOutcome["status"],
    actual: unknown[] | null,
    error: string | null,
  ): CaseOutcome => {
    const o: CaseOutcome = {
      file: spec.file,
      name: c.name,
      status,
      expected: c.expectedEventIds,
      actual,
      error,
    };
    if (c.joinKeys.length > 0) o.expectedJoinKeys = c.joinKeys;
    return o;
  };
  try {
    const result = compile(c.query, options.compile).run(spec.dataset.events, options.run);
    const actual = collectIds(result, spec.dataset.idField);
    const actualJoinKeys = collectJoinKeys(result);
    const mismatch = judge(actual, actualJoinKeys, c.expectedEventIds, c.joinKeys);
    const o = outcome(mismatch ? "failed" : "passed", actual, null);
    if (c.joinKeys.length > 0) o.actualJoinKeys = actualJoinKeys;
    if (mismatch) o.mismatch = mismatch;
    return o;
  } catch (error) {
    const o = outcome("failed", null, describeError(error));
    o.mismatch = "error";
    return o;
  }
}

/** Run every case of every spec of a suite, in file order. */
export function runSuite(suite: LoadedSuite, compile: CompileFn): CaseOutcome[] {
  return suite.specs.flatMap((spec) => spec.cases.map((c) => runCase(compile, suite.defaults, spec, c)));
}
